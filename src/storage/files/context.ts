/**
 * What every part of one file store shares: the file system, the directory, the logger and the
 * bounded resources (batch cache, open files, read buffer, sync policy). One object per store,
 * created by `FileStorage`; nothing here is module-level.
 */
import { KafkaliteError } from '../../common/errors.js'
import type { BatchCache } from './batch-cache.js'
import type { FileSystem } from './file-system.js'
import type { FileHandles, ScratchBuffer } from './segment-file.js'
import type { SyncPolicy } from './sync-policy.js'

/** Receives the store's log lines; the same shape as the Broker's `log` option. */
export type StorageLogger = (
  level: 'info' | 'warn' | 'error',
  message: string,
  extra?: Record<string, unknown>,
) => void

/** The resources of one open store. */
export interface StorageContext {
  readonly fileSystem: FileSystem
  /** The store's root directory. */
  readonly directory: string
  /** Opened for inspection: nothing is written, truncated or deleted. */
  readonly readOnly: boolean
  readonly log: StorageLogger
  readonly cache: BatchCache
  readonly handles: FileHandles
  readonly scratch: ScratchBuffer
  /** Null when read-only. */
  readonly sync: SyncPolicy | null
  /** Log bytes between sparse index entries. */
  readonly indexIntervalBytes: number
  /** Throws BROKER_CLOSED once the store is closed. */
  checkOpen(): void
  /** Throws BROKER_CLOSED when closed, STORAGE_ERROR when read-only or failed. */
  checkWritable(): void
  /**
   * Fails the store for good after an error that left disk and memory out of step (a write that
   * could not be undone, a failed fsync): every later write throws STORAGE_ERROR.
   */
  fail(error: KafkaliteError): void
}

/** A STORAGE_ERROR about `path`, keeping the file system's error as cause. */
export function ioError(action: string, path: string, cause: unknown): KafkaliteError {
  const detail = cause instanceof Error ? `: ${cause.message}` : ''
  return new KafkaliteError('STORAGE_ERROR', `cannot ${action} ${path}${detail}`, { cause, retriable: false })
}
