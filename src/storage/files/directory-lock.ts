/**
 * One writer per directory: `kafkalite.lock` in the store's root names the process that writes it.
 *
 * The lock file is one text line, readable with `cat`:
 * `kafkalite-lock 1 pid=<pid> started=<ISO time> crc32=<8 hex digits>` where the CRC-32 covers
 * everything before ` crc32=`. It is written to a temp file, fsynced and linked into place
 * (`link` fails if the lock exists, atomically), so a crash never leaves half a lock file.
 *
 * - A second writer finds the lock, sees that its process is running and gets STORAGE_ERROR
 *   naming that pid.
 * - A lock whose process is gone (a crash, kill -9) is stale: it is taken over, with a log line.
 * - A lock file that does not parse or fails its CRC is never taken over silently (its owner is
 *   unknown): writers get STORAGE_ERROR saying which file to delete once no process uses it.
 * - Read-only opens do not take the lock and may run beside a writer.
 *
 * Behavior: process liveness is checked with `process.kill(pid, 0)` on this machine, so a lock
 * left by another machine on a shared file system, or a pid reused by an unrelated process,
 * looks alive: delete the lock file by hand. Two processes taking over the same stale lock at
 * the same instant are caught by re-reading the lock after the takeover, not prevented.
 */
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { KafkaliteError } from '../../common/errors.js'
import { readWholeFile, removeFile, writeWholeFile } from './atomic-file.js'
import { ioError } from './context.js'
import { type FileSystem, fileErrorCode } from './file-system.js'

/** File name of the lock in the store's root. */
export const LOCK_FILE = 'kafkalite.lock'

const LOCK_LINE = /^kafkalite-lock 1 pid=(\d+) started=(\S+) crc32=([0-9a-f]{8})\n$/
const ACQUIRE_ATTEMPTS_MAX = 3

/** Who holds a lock. */
export interface LockOwner {
  readonly pid: number
  readonly started: string
}

/** Options of {@link acquireDirectoryLock}. */
export interface DirectoryLockOptions {
  readonly pid: number
  readonly nowMs: number
  readonly isProcessAlive: (pid: number) => boolean
  readonly log: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void
}

/** Whether a process with this pid runs on this machine (EPERM: it runs as another user). */
export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return fileErrorCode(error) === 'EPERM'
  }
}

/** The lock line for an owner. */
export function formatLock(owner: LockOwner): string {
  const body = `kafkalite-lock 1 pid=${owner.pid} started=${owner.started}`
  return `${body} crc32=${crc32(body).toString(16).padStart(8, '0')}\n`
}

/** The owner a lock file names, or null when it does not parse or fails its CRC. */
export function parseLock(content: Buffer): LockOwner | null {
  const match = LOCK_LINE.exec(content.toString('latin1'))
  if (match === null) return null
  const [, pid, started, checksum] = match as unknown as [string, string, string, string]
  const body = `kafkalite-lock 1 pid=${pid} started=${started}`
  if (crc32(body).toString(16).padStart(8, '0') !== checksum) return null
  return { pid: Number(pid), started }
}

/** A held lock. */
export interface DirectoryLock {
  readonly owner: LockOwner
  /** Removes the lock file if it is still this lock. */
  release(): void
}

/**
 * Takes the directory's writer lock.
 * @throws KafkaliteError STORAGE_ERROR when another running process (or another store in this one)
 * holds it, or the lock file is unreadable
 */
export function acquireDirectoryLock(
  fileSystem: FileSystem,
  directory: string,
  options: DirectoryLockOptions,
): DirectoryLock {
  const path = join(directory, LOCK_FILE)
  const owner: LockOwner = { pid: options.pid, started: new Date(options.nowMs).toISOString() }
  const content = Buffer.from(formatLock(owner), 'latin1')
  const temporary = `${path}.${options.pid}.tmp`
  writeWholeFile(fileSystem, temporary, content, true)
  try {
    for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS_MAX; attempt++) {
      if (tryLink(fileSystem, temporary, path)) return heldLock(fileSystem, directory, path, owner, content)
      const existing = readWholeFile(fileSystem, path)
      if (existing === null) continue
      const holder = parseLock(existing)
      if (holder === null) {
        throw new KafkaliteError(
          'STORAGE_ERROR',
          `the lock file ${path} is unreadable (not a kafkalite lock or failed its CRC); delete it if no process uses ${directory}`,
          { retriable: false },
        )
      }
      if (options.isProcessAlive(holder.pid)) {
        const who = holder.pid === options.pid ? 'this process (another store)' : `process ${holder.pid}`
        throw new KafkaliteError(
          'STORAGE_ERROR',
          `${directory} is locked by ${who} since ${holder.started}: one writer per directory (open it with readOnly: true to inspect it)`,
          {
            retriable: false,
            value: holder.pid,
          },
        )
      }
      options.log(
        'warn',
        `taking over the stale lock of process ${holder.pid} (no longer running) on ${directory}`,
        { pid: holder.pid },
      )
      if (takeOver(fileSystem, directory, temporary, path, content))
        return heldLock(fileSystem, directory, path, owner, content)
      break
    }
    throw new KafkaliteError(
      'STORAGE_ERROR',
      `could not take the lock ${path}: another process is taking it at the same time`,
      { retriable: true },
    )
  } finally {
    removeFile(fileSystem, temporary)
  }
}

function tryLink(fileSystem: FileSystem, temporary: string, path: string): boolean {
  try {
    fileSystem.link(temporary, path)
    return true
  } catch (error) {
    if (fileErrorCode(error) === 'EEXIST') return false
    throw ioError('create lock', path, error)
  }
}

function takeOver(
  fileSystem: FileSystem,
  directory: string,
  temporary: string,
  path: string,
  content: Buffer,
): boolean {
  try {
    fileSystem.rename(temporary, path)
    fileSystem.syncDirectory(directory)
  } catch (error) {
    throw ioError('take over lock', path, error)
  }
  const now = readWholeFile(fileSystem, path)
  return now?.equals(content) === true
}

function heldLock(
  fileSystem: FileSystem,
  directory: string,
  path: string,
  owner: LockOwner,
  content: Buffer,
): DirectoryLock {
  try {
    fileSystem.syncDirectory(directory)
  } catch (error) {
    throw ioError('fsync', directory, error)
  }
  return {
    owner,
    release: () => {
      const now = readWholeFile(fileSystem, path)
      if (now?.equals(content) === true) removeFile(fileSystem, path)
    },
  }
}
