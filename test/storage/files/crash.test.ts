/**
 * Real crash tests: a child process (crash-child.ts) appends with fsync 'always' and reports each
 * acknowledged batch; this test SIGKILLs it at a random moment and reopens the directory. Every
 * acknowledged batch must be there, intact and in order, and nothing may fail its CRC. The same
 * directory is killed again and again, so recovery also runs on recovered logs.
 *
 * A few kills run in the normal suite. The full run is 50 kills:
 *   KAFKALITE_CRASH_KILLS=50 npx vitest run test/storage/files/crash.test.ts
 */
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import type { RecordBatch } from '../../../src/common/record.js'
import { fileStorage } from '../../../src/storage/files/index.js'
import { readAll } from '../storage-contract.js'
import { crashRecordKey, crashRecordValue, PACKED_PARTITION } from './crash-child.js'
import { type LogLine, removeTemporaryDirectories, runAndKill, temporaryDirectory } from './helpers.js'

afterAll(removeTemporaryDirectories)

const KILLS = Number(process.env.KAFKALITE_CRASH_KILLS ?? 3)
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url))
/** How long after the child is ready it may be killed: a random moment in this window. */
const KILL_WINDOW_MS = { min: 30, max: 500 }

interface Acknowledgement {
  readonly partition: number
  readonly baseOffset: number
  readonly nextOffset: number
}

/** Runs the child until a random moment after it is ready, SIGKILLs it, returns what it acknowledged. */
async function runAndKillChild(
  directory: string,
  delayMs: number,
): Promise<{ acknowledged: Acknowledgement[]; stderr: string }> {
  const { lines, stderr } = await runAndKill(CHILD, [directory], delayMs)
  const acknowledged: Acknowledgement[] = []
  for (const line of lines) {
    const match = /^ack (\d) (\d+) (\d+)$/.exec(line)
    if (match !== null)
      acknowledged.push({
        partition: Number(match[1]),
        baseOffset: Number(match[2]),
        nextOffset: Number(match[3]),
      })
  }
  return { acknowledged, stderr }
}

/** Problems found in one partition: acknowledged batches missing, records wrong, offsets out of order. */
function checkPartition(
  batches: readonly RecordBatch[],
  partition: number,
  acknowledged: readonly Acknowledgement[],
): string[] {
  const problems: string[] = []
  let expectedOffset = 0
  const present = new Map<number, number>()
  for (const batch of batches) {
    if (batch.baseOffset !== expectedOffset)
      problems.push(`batch at ${batch.baseOffset}, expected ${expectedOffset}`)
    for (const record of batch.records) {
      const offset = batch.baseOffset + record.offsetDelta
      const value = crashRecordValue(partition, offset)
      const intact =
        Buffer.isBuffer(record.key) &&
        record.key.equals(crashRecordKey(partition, offset)) &&
        (Buffer.isBuffer(value)
          ? Buffer.isBuffer(record.value) && record.value.equals(value)
          : isDeepStrictEqual(record.value, value)) &&
        record.timestamp === 1_700_000_000_000 + offset &&
        (partition === PACKED_PARTITION
          ? record.headers === null
          : record.headers?.length === 1 &&
            record.headers[0]?.key === 'offset' &&
            String(record.headers[0]?.value) === String(offset))
      if (!intact) problems.push(`record ${offset} of partition ${partition} is not what was written`)
    }
    present.set(batch.baseOffset, batch.baseOffset + batch.lastOffsetDelta + 1)
    expectedOffset = batch.baseOffset + batch.lastOffsetDelta + 1
  }
  for (const ack of acknowledged) {
    if (ack.partition !== partition) continue
    if (present.get(ack.baseOffset) !== ack.nextOffset)
      problems.push(
        `acknowledged batch ${ack.baseOffset}..${ack.nextOffset - 1} of partition ${partition} is missing`,
      )
  }
  return problems
}

describe('crash safety under SIGKILL (fsync always)', () => {
  it(`keeps every acknowledged batch intact and in order across ${KILLS} kills`, {
    timeout: 20_000 + KILLS * 4_000,
  }, async () => {
    const directory = temporaryDirectory('kafkalite-crash-')
    const acknowledged: Acknowledgement[] = []
    for (let kill = 0; kill < KILLS; kill++) {
      const delayMs =
        KILL_WINDOW_MS.min + Math.floor(Math.random() * (KILL_WINDOW_MS.max - KILL_WINDOW_MS.min))
      const run = await runAndKillChild(directory, delayMs)
      for (const ack of run.acknowledged) acknowledged.push(ack)

      const lines: LogLine[] = []
      const storage = fileStorage({
        directory,
        fsync: 'always',
        logger: (level, message) => lines.push({ level, message }),
      })
      storage.open()
      const problems: string[] = []
      for (const partition of [0, 1, PACKED_PARTITION]) {
        try {
          problems.push(
            ...checkPartition(
              readAll(storage.openPartition('crash', partition), 0, 256 * 1024),
              partition,
              acknowledged,
            ),
          )
        } catch (error) {
          problems.push(`reading partition ${partition} failed: ${String(error)}`)
        }
      }
      await storage.close()
      const suspicious = lines.filter((line) =>
        /corrupt|unreadable|damaged|does not match/.test(line.message),
      )
      expect({ kill, delayMs, problems, suspicious, stderr: run.stderr }).toEqual({
        kill,
        delayMs,
        problems: [],
        suspicious: [],
        stderr: '',
      })
    }
    expect(acknowledged.length).toBeGreaterThan(KILLS)
  })
})
