import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FileStorageOptions } from '../../../src/storage/files/index.js'
import { MemoryFileSystem } from '../../../src/testing/memory-file-system.js'
import { appendBatches } from '../storage-contract.js'
import { captureLog, trackedFileStorage } from './helpers.js'

function open(fileSystem: MemoryFileSystem, options: Partial<FileStorageOptions>) {
  const storage = trackedFileStorage({
    directory: '/data',
    fsync: 'always',
    fileSystem,
    logger: captureLog().logger,
    ...options,
  })
  storage.open()
  return storage
}

afterEach(() => {
  vi.useRealTimers()
})

describe("fsync 'always'", () => {
  it('shares fsyncs between concurrent producers (group commit) and acknowledges every append', async () => {
    const fileSystem = new MemoryFileSystem()
    const storage = open(fileSystem, { fsync: 'always' })
    const partitions = [storage.openPartition('t', 0), storage.openPartition('t', 1)]
    const before = fileSystem.syncCount
    let acknowledged = 0
    const producer = async (index: number): Promise<void> => {
      for (let round = 0; round < 10; round++) {
        appendBatches(partitions[index % 2] as (typeof partitions)[number], 1)
        await storage.flush()
        acknowledged++
      }
    }
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(producer))
    expect(acknowledged).toBe(80)
    // Each round of fsyncs covers both partitions and every producer that appended before it.
    expect(fileSystem.syncCount - before).toBeLessThanOrEqual(2 * 11)
    await storage.close()
  })

  it('resolves flush() at once when nothing was written since the last fsync', async () => {
    const fileSystem = new MemoryFileSystem()
    const storage = open(fileSystem, { fsync: 'always' })
    appendBatches(storage.openPartition('t', 0), 1)
    await storage.flush()
    const syncs = fileSystem.syncCount
    await storage.flush()
    expect(fileSystem.syncCount).toBe(syncs)
    await storage.close()
  })
})

describe("fsync 'interval'", () => {
  it('resolves flush() at the next periodic fsync', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] })
    const fileSystem = new MemoryFileSystem()
    const storage = open(fileSystem, { fsync: 'interval', fsyncIntervalMs: 100 })
    appendBatches(storage.openPartition('t', 0), 3)
    const syncs = fileSystem.syncCount
    let resolved = false
    const flushed = storage.flush().then(() => {
      resolved = true
    })
    await vi.advanceTimersByTimeAsync(99)
    expect(resolved).toBe(false)
    expect(fileSystem.syncCount).toBe(syncs)
    await vi.advanceTimersByTimeAsync(1)
    await flushed
    expect(fileSystem.syncCount).toBe(syncs + 1)
    await storage.close()
  })
})

describe("fsync 'never'", () => {
  it('resolves flush() at once without fsync, and fsyncs when closing', async () => {
    const fileSystem = new MemoryFileSystem()
    const storage = open(fileSystem, { fsync: 'never' })
    appendBatches(storage.openPartition('t', 0), 3)
    const syncs = fileSystem.syncCount
    await storage.flush()
    expect(fileSystem.syncCount).toBe(syncs)
    await storage.close()
    expect(fileSystem.syncCount).toBeGreaterThan(syncs)
  })
})
