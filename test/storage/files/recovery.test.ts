import { spawnSync } from 'node:child_process'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isKafkaliteError, type KafkaliteError } from '../../../src/common/errors.js'
import type { RecordBatch } from '../../../src/common/record.js'
import { formatLock } from '../../../src/storage/files/directory-lock.js'
import { encodeFrame, FRAME_VERSION_MAX } from '../../../src/storage/files/frame.js'
import type { FileStorage, FileStorageOptions } from '../../../src/storage/files/index.js'
import type { PartitionStore, StoredTopic } from '../../../src/storage/storage.js'
import { MemoryFileSystem } from '../../../src/testing/memory-file-system.js'
import { appendBatches, readAll, testBatch } from '../storage-contract.js'
import {
  captureLog,
  type LogLine,
  removeTemporaryDirectories,
  temporaryDirectory,
  trackedFileStorage,
} from './helpers.js'

afterAll(removeTemporaryDirectories)

const ROOT = '/data'
const segment = (base: number, extension = '.log', partition = 't-0'): string =>
  join(ROOT, partition, `${String(base).padStart(20, '0')}${extension}`)
const topics: StoredTopic[] = [{ name: 't', partitionCount: 1, config: {}, topicId: 'id-t', createdMs: 1 }]

interface Opened {
  readonly storage: FileStorage
  readonly partition: PartitionStore
  readonly lines: LogLine[]
}

/** Opens a store on `fileSystem` (memory) and partition t-0. */
function openMemory(fileSystem: MemoryFileSystem, options: Partial<FileStorageOptions> = {}): Opened {
  const { lines, logger } = captureLog()
  const storage = trackedFileStorage({
    directory: ROOT,
    fsync: 'always',
    fileSystem,
    logger,
    isProcessAlive: () => false,
    ...options,
  })
  storage.open()
  return { storage, partition: storage.openPartition('t', 0), lines }
}

/** Opens a store on a real directory and partition t-0. */
function openReal(directory: string, options: Partial<FileStorageOptions> = {}): Opened {
  const { lines, logger } = captureLog()
  const storage = trackedFileStorage({ directory, fsync: 'always', logger, ...options })
  storage.open()
  return { storage, partition: storage.openPartition('t', 0), lines }
}

function caught(action: () => unknown): KafkaliteError {
  try {
    action()
  } catch (error) {
    if (isKafkaliteError(error)) return error
    throw error
  }
  throw new Error('expected a KafkaliteError')
}

/** Warnings, leaving out the stale-lock takeover that every reopen after a simulated crash logs. */
const warnings = (lines: readonly LogLine[]): string[] =>
  lines
    .filter((line) => line.level !== 'info' && !line.message.startsWith('taking over the stale lock'))
    .map((line) => line.message)
const messages = (lines: readonly LogLine[]): string[] => lines.map((line) => line.message)
const valueBatch = { recordCount: 4, value: (offset: number) => ({ offset, payload: 'x'.repeat(200) }) }

describe('recovery of the active segment', () => {
  it('truncates a torn tail left by a crash mid-write, says what it cut, and appends after it', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    const kept = appendBatches(first.partition, 10, valueBatch)
    await first.storage.flush()
    fileSystem.crashAfterBytes(300)
    expect(() => first.partition.append(testBatch(40, valueBatch))).toThrow()
    expect(fileSystem.crashed).toBe(true)
    const torn = fileSystem.afterCrash()
    const sizeWithTail = torn.readFile(segment(0)).length

    const second = openMemory(torn)
    expect(second.partition.nextOffset()).toBe(40)
    expect(readAll(second.partition, 0, 1_000)).toStrictEqual(kept)
    expect(warnings(second.lines)).toEqual([
      expect.stringMatching(
        /^truncated 300 bytes at position \d+ of .*00000000000000000000\.log \(incomplete frame \(torn write\)\); the log now ends at offset 40$/,
      ),
    ])
    expect(torn.readFile(segment(0)).length).toBe(sizeWithTail - 300)
    const next = testBatch(40, valueBatch)
    second.partition.append(next)
    expect(second.partition.read(40, 1)).toStrictEqual([next])
    await second.storage.close()
  })

  it('truncates at a flipped byte in the last batch of a real file', async () => {
    const directory = temporaryDirectory()
    const first = openReal(directory)
    const batches = appendBatches(first.partition, 5, valueBatch)
    await first.storage.close()
    const log = join(directory, 't-0', '00000000000000000000.log')
    const bytes = readFileSync(log)
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x40
    writeFileSync(log, bytes)

    const second = openReal(directory)
    expect(second.partition.nextOffset()).toBe(16)
    expect(readAll(second.partition, 0, 100)).toStrictEqual(batches.slice(0, 4))
    expect(warnings(second.lines)).toEqual([
      expect.stringContaining('(CRC mismatch); the log now ends at offset 16'),
    ])
    await second.storage.close()
  })

  it('truncates bytes appended after the last frame of a real file (a torn header)', async () => {
    const directory = temporaryDirectory()
    const first = openReal(directory)
    const batches = appendBatches(first.partition, 3, valueBatch)
    await first.storage.close()
    appendFileSync(join(directory, 't-0', '00000000000000000000.log'), Buffer.from([7, 0, 0]))
    const second = openReal(directory)
    expect(readAll(second.partition, 0, 100)).toStrictEqual(batches)
    expect(warnings(second.lines)).toEqual([expect.stringContaining('truncated 3 bytes')])
    await second.storage.close()
  })

  it('after a crash, scans the whole active segment and truncates at the first corrupt batch', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    const batches = appendBatches(first.partition, 6, valueBatch)
    await first.storage.flush()
    const crashed = fileSystem.afterCrash()
    const secondFrame = crashed.readFile(segment(0)).readUInt32LE(0) + 10
    crashed.flipByte(segment(0), secondFrame + 100)

    const second = openMemory(crashed)
    expect(second.partition.nextOffset()).toBe(4)
    expect(readAll(second.partition, 0, 100)).toStrictEqual(batches.slice(0, 1))
    expect(warnings(second.lines)).toEqual([expect.stringContaining(`at position ${secondFrame}`)])
    await second.storage.close()
  })

  it('after a clean close, reports a corrupt batch before the recovery point to its readers and reads around it', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem, { indexIntervalBytes: 1 })
    const batches = appendBatches(first.partition, 6, valueBatch)
    await first.storage.close()
    const secondFrame = fileSystem.readFile(segment(0)).readUInt32LE(0) + 10
    fileSystem.flipByte(segment(0), secondFrame + 100)

    const second = openMemory(fileSystem, { indexIntervalBytes: 1, cacheBytes: 0 })
    expect(second.partition.nextOffset()).toBe(24)
    expect(second.partition.read(0, Number.POSITIVE_INFINITY)).toStrictEqual(batches.slice(0, 1))
    const error = caught(() => second.partition.read(4, 100))
    expect(error.code).toBe('CORRUPT_MESSAGE')
    expect(error.offset).toBe(4)
    expect(error.message).toContain('CRC mismatch')
    expect(second.partition.read(8, Number.POSITIVE_INFINITY)).toStrictEqual(batches.slice(2))
    await second.storage.close()
  })

  it('refuses to truncate a frame written by a newer format version', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    appendBatches(first.partition, 2)
    await first.storage.flush()
    const crashed = fileSystem.afterCrash()
    const log = crashed.readFile(segment(0))
    crashed.writeFile(segment(0), Buffer.concat([log, encodeFrame(Buffer.alloc(80), FRAME_VERSION_MAX + 1)]))
    const error = caught(() => openMemory(crashed))
    expect(error.code).toBe('STORAGE_ERROR')
    expect(error.message).toContain('newer kafkalite')
  })

  it('leaves a torn tail alone when read-only, and never returns it', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    const batches = appendBatches(first.partition, 3)
    await first.storage.flush()
    fileSystem.crashAfterBytes(20)
    expect(() => first.partition.append(testBatch(3))).toThrow()
    const crashed = fileSystem.afterCrash()
    const size = crashed.readFile(segment(0)).length
    const readOnly = openMemory(crashed, { readOnly: true })
    expect(readAll(readOnly.partition, 0, 100)).toStrictEqual(batches)
    expect(crashed.readFile(segment(0)).length).toBe(size)
    expect(warnings(readOnly.lines)).toEqual([expect.stringContaining('read-only: nothing truncated')])
    await readOnly.storage.close()
  })
})

describe('damaged closed segments', () => {
  async function closedSegments(fileSystem: MemoryFileSystem): Promise<RecordBatch[]> {
    const first = openMemory(fileSystem, { indexIntervalBytes: 1 })
    const batches = appendBatches(first.partition, 6, valueBatch)
    first.partition.roll(0)
    for (const batch of appendBatches(first.partition, 2, valueBatch)) batches.push(batch)
    await first.storage.close()
    return batches
  }

  it('reports a flipped batch as CORRUPT_MESSAGE, returns the batches before it, and reads past it', async () => {
    const fileSystem = new MemoryFileSystem()
    const batches = await closedSegments(fileSystem)
    const frameBytes = fileSystem.readFile(segment(0)).readUInt32LE(0) + 10
    fileSystem.flipByte(segment(0), frameBytes * 3 + 50)

    const second = openMemory(fileSystem, { cacheBytes: 0 })
    expect(warnings(second.lines)).toEqual([])
    expect(second.partition.read(0, Number.POSITIVE_INFINITY)).toStrictEqual(batches.slice(0, 3))
    for (const offset of [12, 13, 15])
      expect(caught(() => second.partition.read(offset, 1)).code).toBe('CORRUPT_MESSAGE')
    expect(second.partition.read(16, Number.POSITIVE_INFINITY)).toStrictEqual(batches.slice(4))
    expect(second.partition.offsetForTimestamp(1_000_000 + 17, 16)).toBe(17)
    await second.storage.close()
  })

  it('rebuilds a missing index by scanning, stepping over a corrupt batch whose length is intact', async () => {
    const fileSystem = new MemoryFileSystem()
    const batches = await closedSegments(fileSystem)
    const frameBytes = fileSystem.readFile(segment(0)).readUInt32LE(0) + 10
    fileSystem.flipByte(segment(0), frameBytes + 50)
    fileSystem.unlink(segment(0, '.index'))

    const second = openMemory(fileSystem, { cacheBytes: 0 })
    expect(messages(second.lines)).toEqual([
      expect.stringContaining('rebuilding the index of /data/t-0/00000000000000000000.log: no index file'),
      expect.stringContaining(
        `the batch frame at position ${frameBytes} of /data/t-0/00000000000000000000.log is corrupt (CRC mismatch)`,
      ),
    ])
    expect(second.partition.segments()[0]).toMatchObject({ baseOffset: 0, nextOffset: 24, batchCount: 5 })
    expect(second.partition.read(0, Number.POSITIVE_INFINITY)).toStrictEqual(batches.slice(0, 1))
    expect(caught(() => second.partition.read(4, 1)).code).toBe('CORRUPT_MESSAGE')
    expect(second.partition.read(8, Number.POSITIVE_INFINITY)).toStrictEqual(batches.slice(2))
    await second.storage.close()
  })

  it('marks the lost end of a truncated closed segment unreadable instead of skipping it', async () => {
    const fileSystem = new MemoryFileSystem()
    const batches = await closedSegments(fileSystem)
    const log = fileSystem.readFile(segment(0))
    fileSystem.writeFile(segment(0), log.subarray(0, log.length - 30))

    const second = openMemory(fileSystem, { cacheBytes: 0 })
    expect(warnings(second.lines)).toEqual([
      expect.stringContaining(
        'rebuilding the index of /data/t-0/00000000000000000000.log: index file does not match the log',
      ),
      expect.stringContaining('is unreadable from position'),
    ])
    expect(second.partition.read(0, Number.POSITIVE_INFINITY)).toStrictEqual(batches.slice(0, 5))
    const error = caught(() => second.partition.read(20, 1))
    expect(error.code).toBe('CORRUPT_MESSAGE')
    expect(error.message).toContain('damaged end')
    expect(second.partition.read(24, Number.POSITIVE_INFINITY)).toStrictEqual(batches.slice(6))
    await second.storage.close()
  })
})

describe('damaged index, metadata, checkpoint and lock files', () => {
  it.each([
    ['a flipped byte', (fileSystem: MemoryFileSystem, path: string) => fileSystem.flipByte(path, 30)],
    [
      'a truncated file',
      (fileSystem: MemoryFileSystem, path: string) =>
        fileSystem.writeFile(path, fileSystem.readFile(path).subarray(0, 12)),
    ],
    [
      'an empty file',
      (fileSystem: MemoryFileSystem, path: string) => fileSystem.writeFile(path, Buffer.alloc(0)),
    ],
  ])('rebuilds an index file with %s and reads correctly', async (_what, damage) => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem, { indexIntervalBytes: 100 })
    const batches = appendBatches(first.partition, 20, valueBatch)
    first.partition.roll(0)
    for (const batch of appendBatches(first.partition, 20, valueBatch)) batches.push(batch)
    await first.storage.close()
    damage(fileSystem, segment(0, '.index'))
    damage(fileSystem, segment(80, '.index'))

    const second = openMemory(fileSystem, { indexIntervalBytes: 100, cacheBytes: 0 })
    expect(messages(second.lines)).toEqual([
      expect.stringContaining('rebuilding the index of /data/t-0/00000000000000000000.log'),
      expect.stringContaining('scanning all of /data/t-0/00000000000000000080.log'),
    ])
    expect(readAll(second.partition, 0, 1_000)).toStrictEqual(batches)
    expect(second.partition.read(57, 1)).toStrictEqual([batches[14]])
    expect(second.partition.offsetForTimestamp(1_000_000 + 123, 0)).toBe(123)
    await second.storage.close()
  })

  it('rebuilds an intact index file that describes an older version of its segment', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    appendBatches(first.partition, 3)
    first.partition.roll(0)
    appendBatches(first.partition, 1)
    const staleIndex = fileSystem.readFile(segment(0, '.index'))
    first.partition.replaceSegment(0, [testBatch(1)])
    await first.storage.close()
    fileSystem.writeFile(segment(0, '.index'), staleIndex)

    const second = openMemory(fileSystem)
    expect(warnings(second.lines)).toEqual([expect.stringContaining('index file does not match the log')])
    expect(second.partition.read(0, 100).map((batch) => batch.baseOffset)).toEqual([1])
    await second.storage.close()
  })

  it('falls back to the previous topic metadata when the current file is damaged, and says so', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    first.storage.replaceTopicMetadata(topics)
    const newer: StoredTopic[] = [
      ...topics,
      { name: 'u', partitionCount: 2, config: {}, topicId: 'id-u', createdMs: 2 },
    ]
    first.storage.replaceTopicMetadata(newer)
    await first.storage.close()
    fileSystem.flipByte(join(ROOT, 'topics.meta'), 20)

    const second = openMemory(fileSystem)
    expect(second.storage.open().topics).toEqual(topics)
    expect(warnings(second.lines)).toEqual([
      expect.stringContaining('topic metadata in /data was damaged; using the previous version'),
    ])
    await second.storage.close()
  })

  it('refuses to open when the topic metadata and its previous version are both damaged', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    first.storage.replaceTopicMetadata(topics)
    first.storage.replaceTopicMetadata(topics)
    await first.storage.close()
    fileSystem.flipByte(join(ROOT, 'topics.meta'), 20)
    fileSystem.writeFile(join(ROOT, 'topics.meta.prev'), Buffer.from('nonsense'))
    const error = caught(() => openMemory(fileSystem))
    expect(error.code).toBe('STORAGE_ERROR')
    expect(error.message).toContain('topic metadata is damaged')
    // The failed open released the lock: a later open (after repair) is possible.
    fileSystem.unlink(join(ROOT, 'topics.meta'))
    fileSystem.unlink(join(ROOT, 'topics.meta.prev'))
    const repaired = openMemory(fileSystem)
    expect(repaired.storage.open().topics).toEqual([])
    await repaired.storage.close()
  })

  it('falls back to the previous checkpoint when the current one is damaged', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    appendBatches(first.partition, 10)
    first.partition.setLogStartOffset(3)
    first.partition.setLogStartOffset(7)
    await first.storage.close()
    fileSystem.flipByte(join(ROOT, 't-0', 'partition.checkpoint'), 12)

    const second = openMemory(fileSystem)
    expect(second.partition.logStartOffset()).toBe(3)
    expect(warnings(second.lines)).toEqual([
      expect.stringContaining('partition checkpoint in /data/t-0 is damaged; using the previous version'),
    ])
    await second.storage.close()
  })

  it('refuses a writer when the lock file is unreadable, but allows read-only opens', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    const batches = appendBatches(first.partition, 2)
    await first.storage.flush()
    const crashed = fileSystem.afterCrash()
    crashed.flipByte(join(ROOT, 'kafkalite.lock'), 20)
    const error = caught(() => openMemory(crashed))
    expect(error.code).toBe('STORAGE_ERROR')
    expect(error.message).toContain('/data/kafkalite.lock is unreadable')
    const readOnly = openMemory(crashed, { readOnly: true })
    expect(readAll(readOnly.partition, 0, 100)).toStrictEqual(batches)
    await readOnly.storage.close()
  })
})

describe('crashes in the middle of multi-step changes', () => {
  it('keeps the old topic metadata when a crash falls between the two renames of a replace', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    first.storage.replaceTopicMetadata(topics)
    fileSystem.crashOn('rename', 1)
    expect(() => first.storage.replaceTopicMetadata([])).toThrow()
    const crashed = fileSystem.afterCrash()
    expect(crashed.stat(join(ROOT, 'topics.meta'))).toBeNull()

    const second = openMemory(crashed)
    expect(second.storage.open().topics).toEqual(topics)
    expect(crashed.stat(join(ROOT, 'topics.meta.tmp'))).toBeNull()
    await second.storage.close()
  })

  it.each([
    ['before the rename (old contents)', 'rename' as const, 0, [0, 1, 2]],
    ['after the rename, before the directory fsync (new contents, index rebuilt)', 'sync' as const, 1, [1]],
  ])(
    'leaves the old or the new segment when replaceSegment crashes %s',
    async (_when, operation, skip, expected) => {
      const fileSystem = new MemoryFileSystem()
      const first = openMemory(fileSystem)
      appendBatches(first.partition, 3)
      first.partition.roll(0)
      appendBatches(first.partition, 1)
      await first.storage.flush()
      fileSystem.crashOn(operation, skip)
      expect(() => first.partition.replaceSegment(0, [testBatch(1)])).toThrow()

      const second = openMemory(fileSystem.afterCrash())
      expect(second.partition.read(0, Number.POSITIVE_INFINITY).map((batch) => batch.baseOffset)).toEqual([
        ...expected,
        3,
      ])
      expect(second.partition.segments().map((info) => [info.baseOffset, info.nextOffset])).toEqual([
        [0, 3],
        [3, 4],
      ])
      await second.storage.close()
    },
  )

  it('keeps the old segment after a power loss during replaceSegment before the directory fsync', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    appendBatches(first.partition, 3)
    first.partition.roll(0)
    appendBatches(first.partition, 1)
    await first.storage.flush()
    fileSystem.crashOn('sync', 1)
    expect(() => first.partition.replaceSegment(0, [testBatch(1)])).toThrow()
    const second = openMemory(fileSystem.afterPowerLoss())
    expect(second.partition.read(0, Number.POSITIVE_INFINITY).map((batch) => batch.baseOffset)).toEqual([
      0, 1, 2, 3,
    ])
    await second.storage.close()
  })

  it('finishes a deletion of segments that a crash interrupted', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    for (let index = 0; index < 3; index++) {
      appendBatches(first.partition, 2)
      first.partition.roll(index)
    }
    appendBatches(first.partition, 1)
    fileSystem.crashOn('unlink', 1)
    // The deletion is committed by the checkpoint; failures to remove files are left to the next open.
    first.partition.deleteOldestSegments(2)
    expect(fileSystem.crashed).toBe(true)
    const crashed = fileSystem.afterCrash()
    expect(crashed.stat(segment(2))).not.toBeNull()

    const second = openMemory(crashed)
    expect(second.partition.segments().map((info) => info.baseOffset)).toEqual([4, 6])
    expect(
      crashed.readDirectory(join(ROOT, 't-0')).filter((name) => name.startsWith('0000000000000000000')),
    ).toEqual(['00000000000000000004.index', '00000000000000000004.log', '00000000000000000006.log'])
    expect(messages(second.lines)).toContain('finishing the deletion of segment 2 in /data/t-0')
    await second.storage.close()
  })

  it('finishes deleting a topic whose directories were renamed aside before a crash', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    appendBatches(first.storage.openPartition('gone', 0), 2)
    appendBatches(first.storage.openPartition('gone', 1), 2)
    fileSystem.crashOn('removeDirectory', 2)
    first.storage.deleteTopicData('gone', 2)
    expect(fileSystem.crashed).toBe(true)
    const crashed = fileSystem.afterCrash()
    expect(crashed.readDirectory(ROOT)).toContain('gone-0.deleted')

    const second = openMemory(crashed)
    expect(crashed.readDirectory(ROOT).filter((name) => name.startsWith('gone'))).toEqual([])
    expect(second.storage.openPartition('gone', 0).nextOffset()).toBe(0)
    await second.storage.close()
  })
})

describe('power loss (only fsynced bytes and directory entries survive)', () => {
  it('keeps every batch acknowledged by flush() under fsync always, across rolls and new partitions', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem, { fsync: 'always' })
    const acknowledged: RecordBatch[] = []
    for (let round = 0; round < 5; round++) {
      for (const batch of appendBatches(first.partition, 3, valueBatch)) acknowledged.push(batch)
      if (round % 2 === 1) first.partition.roll(round)
      await first.storage.flush()
    }
    const other = first.storage.openPartition('t', 1)
    const otherAcknowledged = appendBatches(other, 2)
    await first.storage.flush()
    appendBatches(first.partition, 3, valueBatch)

    const second = openMemory(fileSystem.afterPowerLoss(), { cacheBytes: 0 })
    const recovered = readAll(second.partition, 0, 10_000)
    expect(recovered.slice(0, acknowledged.length)).toStrictEqual(acknowledged)
    expect(readAll(second.storage.openPartition('t', 1), 0, 100)).toStrictEqual(otherAcknowledged)
    await second.storage.close()
  })

  it('loses only unacknowledged batches under fsync interval', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem, { fsync: 'interval', fsyncIntervalMs: 1 })
    const acknowledged = appendBatches(first.partition, 4)
    await first.storage.flush()
    appendBatches(first.partition, 4)
    const second = openMemory(fileSystem.afterPowerLoss())
    expect(readAll(second.partition, 0, 100).slice(0, 4)).toStrictEqual(acknowledged)
    await second.storage.close()
  })
})

describe('I/O errors', () => {
  it('appends nothing when a write fails midway, and keeps working', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    const before = appendBatches(first.partition, 2)
    fileSystem.failNextWrite({ code: 'ENOSPC', afterBytes: 25 })
    const error = caught(() => first.partition.append(testBatch(2)))
    expect(error.code).toBe('STORAGE_ERROR')
    expect(error.message).toContain('nothing was appended')
    expect(first.partition.nextOffset()).toBe(2)
    const after = appendBatches(first.partition, 1)
    await first.storage.close()
    const second = openMemory(fileSystem)
    expect(readAll(second.partition, 0, 100)).toStrictEqual([...before, ...after])
    expect(warnings(second.lines)).toEqual([])
    await second.storage.close()
  })

  it('fails the store after a failed fsync: flush rejects and later appends throw STORAGE_ERROR', async () => {
    const fileSystem = new MemoryFileSystem()
    const first = openMemory(fileSystem)
    const acknowledged = appendBatches(first.partition, 2)
    await first.storage.flush()
    appendBatches(first.partition, 1)
    fileSystem.failNextSync()
    await expect(first.storage.flush()).rejects.toMatchObject({ code: 'STORAGE_ERROR' })
    expect(caught(() => first.partition.append(testBatch(3))).code).toBe('STORAGE_ERROR')
    await expect(first.storage.flush()).rejects.toMatchObject({ code: 'STORAGE_ERROR' })
    expect(first.storage.stats().failure).toContain('fsync')
    await expect(first.storage.close()).rejects.toMatchObject({ code: 'STORAGE_ERROR' })
    const second = openMemory(fileSystem)
    expect(readAll(second.partition, 0, 100).slice(0, 2)).toStrictEqual(acknowledged)
    await second.storage.close()
  })
})

describe('one writer per directory', () => {
  it('gives a second writer STORAGE_ERROR naming the pid, and lets read-only opens run beside it', async () => {
    const directory = temporaryDirectory()
    const writer = openReal(directory)
    const batches = appendBatches(writer.partition, 3)
    await writer.storage.flush()
    const error = caught(() => openReal(directory))
    expect(error.code).toBe('STORAGE_ERROR')
    expect(error.message).toContain('is locked by this process')
    expect(error.value).toBe(process.pid)
    const reader = openReal(directory, { readOnly: true })
    expect(reader.storage.readOnly).toBe(true)
    expect(readAll(reader.partition, 0, 100)).toStrictEqual(batches)
    expect(caught(() => reader.partition.append(testBatch(3))).code).toBe('STORAGE_ERROR')
    expect(caught(() => reader.storage.replaceTopicMetadata([])).code).toBe('STORAGE_ERROR')
    await reader.storage.close()
    await writer.storage.close()
    const next = openReal(directory)
    expect(next.partition.nextOffset()).toBe(3)
    await next.storage.close()
  })

  it('names the pid of a writer in another process', async () => {
    const fileSystem = new MemoryFileSystem()
    const other = openMemory(fileSystem, { isProcessAlive: () => true })
    await other.storage.flush()
    const crashed = fileSystem.afterCrash()
    const lock = crashed.readFile(join(ROOT, 'kafkalite.lock')).toString()
    crashed.writeFile(join(ROOT, 'kafkalite.lock'), Buffer.from(relock(lock, 424242)))
    const error = caught(() => openMemory(crashed, { isProcessAlive: (pid) => pid === 424242 }))
    expect(error.message).toContain('locked by process 424242')
  })

  it('takes over a stale lock left by a process that is gone, with a log line', async () => {
    const directory = temporaryDirectory()
    const first = openReal(directory)
    appendBatches(first.partition, 2)
    await first.storage.flush()
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number
    const lockPath = join(directory, 'kafkalite.lock')
    writeFileSync(lockPath, relock(readFileSync(lockPath, 'latin1'), deadPid), 'latin1')

    const second = openReal(directory)
    expect(second.partition.nextOffset()).toBe(2)
    expect(second.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      `taking over the stale lock of process ${deadPid} (no longer running) on ${directory}`,
    ])
    expect(readFileSync(lockPath, 'latin1')).toContain(`pid=${process.pid} `)
    await second.storage.close()
    expect(() => readFileSync(lockPath)).toThrow()
  })
})

/** A lock line like `lock`, naming another pid, with a valid CRC. */
function relock(lock: string, pid: number): string {
  return formatLock({ pid, started: /started=(\S+)/.exec(lock)?.[1] ?? '' })
}
