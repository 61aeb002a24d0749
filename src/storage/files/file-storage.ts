/**
 * The durable store: one directory holding a lock file, the topic metadata and one directory per
 * partition (partition-directory.ts). The data path is synchronous (like SQLite's); `flush()` is
 * where durability is waited for (sync-policy.ts).
 *
 * Behavior:
 * - Opening takes the directory's writer lock (directory-lock.ts) unless read-only. A read-only
 *   store sees what was on disk when each partition was opened, and writes nothing.
 * - Data is deleted only when the engine says so (deleteTopicData, deleteOldestSegments,
 *   replaceSegment), never inferred: a partition directory that the topic metadata does not list
 *   is left alone and opens with its data if the engine asks for it. Deleting a topic renames its
 *   partition directories aside first, so that a crash midway never leaves half a partition;
 *   the next writer's open finishes the deletion.
 * - After an I/O error that leaves disk and memory out of step (a failed fsync, a failed append
 *   that could not be undone) every write throws STORAGE_ERROR; reopen the directory to recover.
 */
import { join } from 'node:path'
import { KafkaliteError, limitExceeded } from '../../common/errors.js'
import type { PartitionStore, Storage, StoredState, StoredTopic } from '../storage.js'
import { removeFile, TEMPORARY_SUFFIX } from './atomic-file.js'
import { BatchCache } from './batch-cache.js'
import { ioError, type StorageContext, type StorageLogger } from './context.js'
import { acquireDirectoryLock, type DirectoryLock } from './directory-lock.js'
import { type FileSystem, fileErrorCode } from './file-system.js'
import { FILE_STORAGE_LIMITS } from './limits.js'
import { PartitionDirectory, partitionDirectoryName } from './partition-directory.js'
import { FileHandles, ScratchBuffer } from './segment-file.js'
import { type FsyncPolicy, SyncPolicy } from './sync-policy.js'
import { readTopicMetadata, TOPIC_METADATA_FILE, writeTopicMetadata } from './topic-metadata.js'

/** Suffix of a partition directory being deleted (renamed first, so that deletion is atomic). */
const DELETED_SUFFIX = '.deleted'

/** Options after validation and defaults; never mutated. */
export interface ResolvedFileStorageConfig {
  readonly directory: string
  readonly fsync: FsyncPolicy
  readonly fsyncIntervalMs: number
  readonly readOnly: boolean
  readonly cacheBytes: number
  readonly indexIntervalBytes: number
  readonly logger: StorageLogger
  readonly fileSystem: FileSystem
  readonly isProcessAlive: (pid: number) => boolean
}

/** What a file store reports about itself (tests, diagnostics). */
export interface FileStorageStats {
  /** Frame bytes of decoded batches held in the cache (at most cacheBytes). */
  readonly cacheBytesUsed: number
  readonly openPartitions: number
  /** Why the store refuses writes, or null. */
  readonly failure: string | null
}

type Lifecycle = 'created' | 'open' | 'closed'

/** A `Storage` on files. Create it with `fileStorage()`. */
export class FileStorage implements Storage {
  readonly kind = 'files'
  readonly readOnly: boolean
  readonly directory: string
  readonly #config: ResolvedFileStorageConfig
  readonly #context: StorageContext
  readonly #sync: SyncPolicy | null
  readonly #cache: BatchCache
  readonly #partitions = new Map<string, Map<number, PartitionDirectory>>()
  #partitionCount = 0
  #lifecycle: Lifecycle = 'created'
  #failure: KafkaliteError | null = null
  #lock: DirectoryLock | null = null
  /** The topic metadata as last read or written. */
  #topics: readonly StoredTopic[] = []
  #closing: Promise<void> | null = null

  constructor(config: ResolvedFileStorageConfig) {
    this.#config = config
    this.readOnly = config.readOnly
    this.directory = config.directory
    this.#cache = new BatchCache(config.cacheBytes)
    this.#sync = config.readOnly ? null : new SyncPolicy(config.fsync, config.fsyncIntervalMs)
    this.#context = {
      fileSystem: config.fileSystem,
      directory: config.directory,
      readOnly: config.readOnly,
      log: config.logger,
      cache: this.#cache,
      handles: new FileHandles(),
      scratch: new ScratchBuffer(),
      sync: this.#sync,
      indexIntervalBytes: config.indexIntervalBytes,
      checkOpen: () => this.#checkOpen(),
      checkWritable: () => this.#checkWritable(),
      fail: (error) => {
        this.#failure ??= error
      },
    }
  }

  /**
   * Takes the lock (unless read-only) and reads the topic metadata; partitions are recovered as
   * they are opened. Calling it again returns the metadata as last replaced.
   * @throws KafkaliteError STORAGE_ERROR when the directory is locked by a running writer, the
   * metadata is damaged beyond its previous version, or on I/O errors
   */
  open(): StoredState {
    if (this.#lifecycle === 'open') return { topics: this.#topics }
    if (this.#lifecycle === 'closed') throw closedError()
    const fileSystem = this.#config.fileSystem
    if (this.readOnly && fileSystem.stat(this.directory) === null) return this.#markOpen([])
    if (!this.readOnly) {
      makeDirectories(fileSystem, this.directory)
      this.#lock = acquireDirectoryLock(fileSystem, this.directory, {
        pid: process.pid,
        nowMs: Date.now(),
        isProcessAlive: this.#config.isProcessAlive,
        log: this.#config.logger,
      })
    }
    try {
      const metadata = readTopicMetadata(fileSystem, this.directory)
      if (metadata.problems.length > 0) {
        this.#config.logger(
          'warn',
          `topic metadata in ${this.directory} was damaged; using the ${metadata.source} version`,
          {
            problems: metadata.problems,
          },
        )
      }
      if (!this.readOnly) this.#finishDeletions()
      return this.#markOpen(metadata.topics)
    } catch (error) {
      this.#lock?.release()
      this.#lock = null
      throw error
    }
  }

  /** @throws KafkaliteError STORAGE_ERROR, BROKER_CLOSED, LIMIT_EXCEEDED (openPartitionsMax) */
  openPartition(topic: string, partition: number): PartitionStore {
    this.#checkOpen()
    let byPartition = this.#partitions.get(topic)
    const existing = byPartition?.get(partition)
    if (existing !== undefined) return existing
    if (this.#partitionCount >= FILE_STORAGE_LIMITS.openPartitionsMax) {
      throw limitExceeded(
        'openPartitionsMax',
        FILE_STORAGE_LIMITS.openPartitionsMax,
        'partitions open in one file store',
      )
    }
    const store = PartitionDirectory.open(this.#context, { topic, partition })
    if (byPartition === undefined) this.#partitions.set(topic, (byPartition = new Map()))
    byPartition.set(partition, store)
    this.#partitionCount++
    return store
  }

  /** @throws KafkaliteError STORAGE_ERROR, BROKER_CLOSED */
  replaceTopicMetadata(topics: readonly StoredTopic[]): void {
    this.#checkWritable()
    writeTopicMetadata(this.#config.fileSystem, this.directory, topics)
    this.#topics = topics
  }

  /** Renames each partition directory aside (one atomic step each), fsyncs, then deletes them. */
  deleteTopicData(topic: string, partitionCount: number): void {
    this.#checkWritable()
    const fileSystem = this.#config.fileSystem
    const open = this.#partitions.get(topic)
    let count = partitionCount
    for (const partition of open?.keys() ?? []) count = Math.max(count, partition + 1)
    const doomed: string[] = []
    for (let partition = 0; partition < count; partition++) {
      const store = open?.get(partition)
      if (store !== undefined) {
        store.release()
        this.#partitionCount--
      }
      const path = join(this.directory, partitionDirectoryName(topic, partition))
      if (fileSystem.stat(path) === null) continue
      try {
        fileSystem.removeDirectory(path + DELETED_SUFFIX)
        fileSystem.rename(path, path + DELETED_SUFFIX)
      } catch (error) {
        throw ioError('delete', path, error)
      }
      doomed.push(path + DELETED_SUFFIX)
    }
    this.#partitions.delete(topic)
    if (doomed.length === 0) return
    this.#syncRoot()
    for (const path of doomed) this.#removeTree(path)
  }

  flush(): Promise<void> {
    if (this.#lifecycle === 'closed' || this.#closing !== null) return Promise.reject(closedError())
    if (this.#failure !== null) return Promise.reject(this.#failure)
    return this.#sync === null ? Promise.resolve() : this.#sync.flush()
  }

  /**
   * Fsyncs everything (whatever the policy), saves each active segment's index as its recovery
   * point, closes every file and releases the lock. Concurrent calls share one promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  /** Cache use, open partitions and failure state. */
  stats(): FileStorageStats {
    return {
      cacheBytesUsed: this.#cache.usedBytes,
      openPartitions: this.#partitionCount,
      failure: this.#failure?.message ?? this.#sync?.failure?.message ?? null,
    }
  }

  async #close(): Promise<void> {
    let failure: unknown = null
    if (this.#sync !== null && this.#lifecycle === 'open') {
      try {
        await this.#sync.syncEverything()
      } catch (error) {
        failure = error
      }
      if (failure === null && this.#failure === null) this.#checkpointActiveSegments()
      this.#sync.stop(closedError())
    }
    for (const byPartition of this.#partitions.values())
      for (const store of byPartition.values()) store.release()
    this.#partitions.clear()
    this.#partitionCount = 0
    this.#lifecycle = 'closed'
    this.#lock?.release()
    this.#lock = null
    if (failure !== null) throw failure
  }

  #checkpointActiveSegments(): void {
    for (const byPartition of this.#partitions.values()) {
      for (const store of byPartition.values()) {
        try {
          store.checkpointActiveSegment()
        } catch (error) {
          // A missing recovery point only means a longer scan on the next open.
          this.#config.logger('warn', `could not save the index of ${store.path}`, { error })
        }
      }
    }
  }

  #markOpen(topics: readonly StoredTopic[]): StoredState {
    this.#lifecycle = 'open'
    this.#topics = topics
    return { topics }
  }

  /** Finishes deletions of partition directories, and removes a metadata temp file, that a crash left. */
  #finishDeletions(): void {
    for (const name of this.#config.fileSystem.readDirectory(this.directory)) {
      const path = join(this.directory, name)
      if (name === TOPIC_METADATA_FILE + TEMPORARY_SUFFIX) {
        this.#config.logger('info', `removing ${path}, left by an interrupted metadata write`)
        removeFile(this.#config.fileSystem, path)
      }
      if (!name.endsWith(DELETED_SUFFIX)) continue
      this.#config.logger('info', `finishing the deletion of ${path}`)
      this.#removeTree(path)
    }
  }

  #removeTree(path: string): void {
    try {
      this.#config.fileSystem.removeDirectory(path)
    } catch (error) {
      this.#config.logger('warn', `could not delete ${path}; the next open retries`, { error })
    }
  }

  #syncRoot(): void {
    try {
      this.#config.fileSystem.syncDirectory(this.directory)
    } catch (error) {
      throw ioError('fsync', this.directory, error)
    }
  }

  #checkOpen(): void {
    if (this.#lifecycle !== 'open' || this.#closing !== null) {
      if (this.#lifecycle === 'created')
        throw new KafkaliteError('STORAGE_ERROR', 'file storage used before open()', { retriable: false })
      throw closedError()
    }
  }

  #checkWritable(): void {
    this.#checkOpen()
    if (this.readOnly)
      throw new KafkaliteError('STORAGE_ERROR', `${this.directory} is open read-only`, { retriable: false })
    const failure = this.#failure ?? this.#sync?.failure ?? null
    if (failure !== null) {
      throw new KafkaliteError(
        'STORAGE_ERROR',
        `file storage failed earlier and refuses writes until reopened: ${failure.message}`,
        {
          cause: failure,
          retriable: false,
        },
      )
    }
  }
}

function closedError(): KafkaliteError {
  return new KafkaliteError('BROKER_CLOSED', 'file storage is closed')
}

function makeDirectories(fileSystem: FileSystem, path: string): void {
  const stat = fileSystem.stat(path)
  if (stat !== null) {
    if (!stat.isDirectory)
      throw new KafkaliteError('STORAGE_ERROR', `${path} is not a directory`, { retriable: false })
    return
  }
  const parent = join(path, '..')
  if (parent !== path) makeDirectories(fileSystem, parent)
  try {
    fileSystem.makeDirectory(path)
    // A directory exists durably only once its parent's entry for it is on disk.
    fileSystem.syncDirectory(parent)
  } catch (error) {
    if (fileErrorCode(error) !== 'EEXIST') throw ioError('create', path, error)
  }
}
