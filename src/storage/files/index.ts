/**
 * Durable storage on files, for both faces: pass `fileStorage({ directory, fsync })` as the
 * `storage` option. Node only; the engine never imports this folder.
 */
import { KafkaliteError } from '../../common/errors.js'
import type { StorageLogger } from './context.js'
import { processIsRunning } from './directory-lock.js'
import { FileStorage, type ResolvedFileStorageConfig } from './file-storage.js'
import { type FileSystem, nodeFileSystem } from './file-system.js'
import { FILE_STORAGE_DEFAULTS } from './limits.js'
import { FsyncPolicy } from './sync-policy.js'

export type { StorageLogger } from './context.js'
export type { FileStorage, FileStorageStats } from './file-storage.js'
export { FileOpenMode, type FileStat, type FileSystem, nodeFileSystem } from './file-system.js'
export { FILE_STORAGE_DEFAULTS, FILE_STORAGE_LIMITS } from './limits.js'
export { FsyncPolicy } from './sync-policy.js'

/** Options of {@link fileStorage}. */
export interface FileStorageOptions {
  /** The store's directory; created (with its parents) when a writer opens it. */
  readonly directory: string
  /**
   * When an acknowledged append is on disk. `'always'`: before `flush()` resolves (concurrent
   * producers share fsyncs). `'interval'`: at the next periodic fsync, every `fsyncIntervalMs`.
   * `'never'`: the OS decides; a crash of the process loses nothing, a crash of the machine may
   * lose the last moments.
   */
  readonly fsync: FsyncPolicy
  /** Period of `fsync: 'interval'`, in ms (default 100). */
  readonly fsyncIntervalMs?: number
  /** Open for inspection beside a writer: no lock, nothing written (default false). */
  readonly readOnly?: boolean
  /**
   * Bytes of recently appended batches kept decoded for consumers that follow producers (default
   * 16 MiB). Older batches are read from disk on demand, so the log may be any size.
   */
  readonly cacheBytes?: number
  /** Log bytes between two sparse index entries (Kafka's index.interval.bytes, default 4096). */
  readonly indexIntervalBytes?: number
  /** Receives recovery and maintenance log lines (default: warnings and errors to console.warn). */
  readonly logger?: StorageLogger
  /** The file system (default: the real one). Tests pass `MemoryFileSystem` from kafkalite/testing. */
  readonly fileSystem?: FileSystem
  /** Whether a process runs, to tell a live lock from a stale one (default: `process.kill(pid, 0)`). */
  readonly isProcessAlive?: (pid: number) => boolean
}

/**
 * A durable `Storage` in `directory`: one directory per partition, segment files framed with
 * length, format version and CRC, sparse offset and time indexes, crash recovery on open, and one
 * writer process per directory.
 * @throws KafkaliteError INVALID_CONFIG when an option is out of range
 * @example
 * const kafka = new Kafka({ brokers: ['app:9092'], storage: fileStorage({ directory: './data', fsync: 'always' }) })
 */
export function fileStorage(options: FileStorageOptions): FileStorage {
  return new FileStorage(resolveFileStorageConfig(options))
}

/** Validates options and applies defaults. @throws KafkaliteError INVALID_CONFIG */
export function resolveFileStorageConfig(options: FileStorageOptions): ResolvedFileStorageConfig {
  if (typeof options.directory !== 'string' || options.directory.length === 0)
    invalid('directory', options.directory, 'a non-empty path')
  const policies: readonly unknown[] = Object.values(FsyncPolicy)
  if (!policies.includes(options.fsync)) invalid('fsync', options.fsync, `one of ${policies.join(', ')}`)
  const fsyncIntervalMs = positiveInteger(
    'fsyncIntervalMs',
    options.fsyncIntervalMs,
    FILE_STORAGE_DEFAULTS.fsyncIntervalMs,
    1,
  )
  const cacheBytes = positiveInteger('cacheBytes', options.cacheBytes, FILE_STORAGE_DEFAULTS.cacheBytes, 0)
  const indexIntervalBytes = positiveInteger(
    'indexIntervalBytes',
    options.indexIntervalBytes,
    FILE_STORAGE_DEFAULTS.indexIntervalBytes,
    1,
  )
  return Object.freeze({
    directory: options.directory,
    fsync: options.fsync,
    fsyncIntervalMs,
    readOnly: options.readOnly ?? false,
    cacheBytes,
    indexIntervalBytes,
    logger: options.logger ?? consoleLogger,
    fileSystem: options.fileSystem ?? nodeFileSystem,
    isProcessAlive: options.isProcessAlive ?? processIsRunning,
  })
}

function positiveInteger(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < min) invalid(name, value, `an integer ≥ ${min}`)
  return value
}

function invalid(name: string, value: unknown, expected: string): never {
  throw new KafkaliteError(
    'INVALID_CONFIG',
    `fileStorage option ${name} must be ${expected}, got ${String(value)}`,
    {
      limitName: name,
      value,
    },
  )
}

const consoleLogger: StorageLogger = (level, message, extra) => {
  if (level === 'info') return
  if (extra === undefined) console.warn(`[kafkalite storage] ${level}: ${message}`)
  else console.warn(`[kafkalite storage] ${level}: ${message}`, extra)
}
