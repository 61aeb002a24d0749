import { afterAll } from 'vitest'
import { MemoryFileSystem } from '../../../src/testing/memory-file-system.js'
import { runStorageContract } from '../storage-contract.js'
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
