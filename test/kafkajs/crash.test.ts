/**
 * kill -9 under a KafkaJS program: crash-child.ts (this folder) sends with acks -1 through
 * kafkalite/kafkajs on `fileStorage({ fsync: 'always' })` and reports each acknowledged send; this
 * test SIGKILLs it at a random moment, reopens the directory with a fresh broker and checks that
 * every acknowledged message is there, in order, with its key, value and headers. The same
 * directory is killed again and again.
 *   KAFKALITE_CRASH_KILLS=50 npx vitest run test/kafkajs/crash.test.ts
 */
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { fileStorage } from '../../src/storage/files/index.js'
import { createTestBroker } from '../../src/testing/index.js'
import { removeTemporaryDirectories, runAndKill, temporaryDirectory } from '../storage/files/helpers.js'
import { CRASH_PARTITIONS, CRASH_TOPIC, crashValue } from './crash-child.js'

afterAll(removeTemporaryDirectories)

const KILLS = Number(process.env.KAFKALITE_CRASH_KILLS ?? 3)
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url))

interface Acknowledgement {
  readonly partition: number
  readonly baseOffset: number
  readonly count: number
  readonly firstSequence: number
}

async function runAndKillChild(
  directory: string,
  delayMs: number,
): Promise<{ acknowledged: Acknowledgement[]; stderr: string }> {
  const { lines, stderr } = await runAndKill(CHILD, [directory], delayMs)
  const acknowledged: Acknowledgement[] = []
  for (const line of lines) {
    const match = /^ack (\d+) (\d+) (\d+) (\d+)$/.exec(line)
    if (match !== null)
      acknowledged.push({
        partition: Number(match[1]),
        baseOffset: Number(match[2]),
        count: Number(match[3]),
        firstSequence: Number(match[4]),
      })
  }
  return { acknowledged, stderr }
}

describe('a KafkaJS program on file storage (fsync always) under SIGKILL', () => {
  it(`keeps every acknowledged message, in order and intact, across ${KILLS} kills`, {
    timeout: 20_000 + KILLS * 5_000,
  }, async () => {
    const directory = temporaryDirectory('kafkalite-kafkajs-crash-')
    const acknowledged: Acknowledgement[] = []
    for (let kill = 0; kill < KILLS; kill++) {
      const delayMs = 50 + Math.floor(Math.random() * 450)
      const run = await runAndKillChild(directory, delayMs)
      acknowledged.push(...run.acknowledged)
      const test = createTestBroker({
        storage: fileStorage({ directory, fsync: 'always', logger: () => {} }),
      })
      const problems: string[] = []
      try {
        const records = test.records(CRASH_TOPIC)
        for (let partition = 0; partition < CRASH_PARTITIONS; partition++) {
          const held = records.filter((record) => record.partition === partition)
          // Every record in the log was sent as sequence = offset (the child resumes from the log end).
          held.forEach((record, index) => {
            const intact =
              record.offset === index &&
              String(record.key) === `k${index}` &&
              String(record.value) === crashValue(index) &&
              (index % 3 === 0
                ? String(record.headers.find((header) => header.key === 'seq')?.value) === String(index)
                : record.headers.length === 0)
            if (!intact) problems.push(`partition ${partition} offset ${record.offset} is not what was sent`)
          })
          for (const ack of acknowledged.filter((each) => each.partition === partition)) {
            if (ack.baseOffset !== ack.firstSequence)
              problems.push(
                `ack at ${ack.baseOffset} for sequence ${ack.firstSequence} on partition ${partition}`,
              )
            if (held.length < ack.baseOffset + ack.count)
              problems.push(
                `acknowledged ${ack.baseOffset}..${ack.baseOffset + ack.count - 1} of partition ${partition} is missing`,
              )
          }
        }
      } finally {
        await test.close()
      }
      expect({ kill, delayMs, problems, stderr: run.stderr }).toEqual({
        kill,
        delayMs,
        problems: [],
        stderr: '',
      })
    }
    expect(acknowledged.length).toBeGreaterThan(KILLS)
  })
})
