import { afterAll, describe, expect, it } from 'vitest'
import type { FileStorage } from '../../../src/storage/files/index.js'
import { MemoryFileSystem } from '../../../src/testing/memory-file-system.js'
import { appendBatches, readAll, runStorageContract, testBatch } from '../storage-contract.js'
import {
  captureLog,
  removeTemporaryDirectories,
  reopenFileStorage,
  temporaryDirectory,
  trackedFileStorage,
} from './helpers.js'

afterAll(removeTemporaryDirectories)

const quiet = captureLog().logger

runStorageContract(
  'files (real directory, fsync always)',
  () => trackedFileStorage({ directory: temporaryDirectory(), fsync: 'always', logger: quiet }),
  {
    reopen: (storage) => reopenFileStorage(storage),
  },
)

runStorageContract(
  'files (no cache: every read decodes from disk, tiny index interval)',
  () =>
    trackedFileStorage({
      directory: temporaryDirectory(),
      fsync: 'never',
      cacheBytes: 0,
      indexIntervalBytes: 64,
      logger: quiet,
    }),
  { reopen: (storage) => reopenFileStorage(storage) },
)

runStorageContract(
  'files (memory file system, fsync interval)',
  () =>
    trackedFileStorage({
      directory: '/data/store',
      fsync: 'interval',
      fsyncIntervalMs: 5,
      fileSystem: new MemoryFileSystem(),
      logger: quiet,
    }),
  { reopen: (storage) => reopenFileStorage(storage) },
)

describe('bounded memory', () => {
  it('writes and reads back a log many times larger than its cache, from memory and from a cold open', async () => {
    const cacheBytes = 256 * 1024
    const directory = temporaryDirectory()
    const storage = trackedFileStorage({ directory, fsync: 'never', cacheBytes, logger: quiet })
    storage.open()
    const partition = storage.openPartition('big', 0)
    const value = (offset: number): Buffer => Buffer.alloc(1_000, offset % 251)
    for (let index = 0; index < 2_000; index++) {
      partition.append(testBatch(partition.nextOffset(), { recordCount: 10, recordSizeBytes: 1_000, value }))
      if (index % 500 === 499) partition.roll(index)
    }
    expect(storage.stats().cacheBytesUsed).toBeLessThanOrEqual(cacheBytes)
    const check = (store: FileStorage): void => {
      const reader = store.openPartition('big', 0)
      let expected = 0
      let wrong = 0
      let cacheBytesUsedMax = 0
      for (const batch of readAll(reader, 0, 64 * 1024)) {
        for (const record of batch.records) {
          const intact =
            batch.baseOffset + record.offsetDelta === expected &&
            (record.value as Buffer).equals(value(expected))
          if (!intact) wrong++
          expected++
        }
        cacheBytesUsedMax = Math.max(cacheBytesUsedMax, store.stats().cacheBytesUsed)
      }
      expect({ records: expected, wrong }).toEqual({ records: 20_000, wrong: 0 })
      expect(cacheBytesUsedMax).toBeLessThanOrEqual(cacheBytes)
    }
    check(storage)
    const reopened = await reopenFileStorage(storage)
    check(reopened)
    await reopened.close()
  })

  it('reopens after a clean close from its recovery points, without scanning', async () => {
    const { lines, logger } = captureLog()
    const storage = trackedFileStorage({ directory: temporaryDirectory(), fsync: 'always', logger })
    storage.open()
    const partition = storage.openPartition('clean', 0)
    appendBatches(partition, 50)
    partition.roll(0)
    appendBatches(partition, 50)
    const reopened = await reopenFileStorage(storage)
    expect(reopened.openPartition('clean', 0).nextOffset()).toBe(100)
    expect(lines).toEqual([])
    await reopened.close()
  })
})
