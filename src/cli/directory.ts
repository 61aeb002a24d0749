/**
 * Opening a data directory for one command. Inspection opens read-only (no lock: it works beside a
 * process that writes the directory, and sees what that process has written so far); changes open
 * it as its one writer, and fail with a message naming the process that holds the lock.
 *
 * Behavior: whether another process holds the directory is read from the lock file
 * (`kafkalite.lock`, one line naming the pid, documented in storage/files/directory-lock.ts) and
 * checked with `process.kill(pid, 0)`, as the store itself does.
 */
import { type Dirent, existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { KafkaliteError } from '../common/errors.js'
import { Broker, type BrokerOptions } from '../engine/index.js'
import { fileStorage } from '../storage/files/index.js'
import { type CliContext, progressAllowed } from './context.js'
import { NO_PROGRESS, type Progress, progressBar } from './progress.js'

/** The engine's Storage interface, as the Broker takes it. */
type Storage = NonNullable<BrokerOptions['storage']>

/** The lock file the store keeps in the directory's root. */
const LOCK_FILE = 'kafkalite.lock'
const LOCK_LINE = /^kafkalite-lock \d+ pid=(\d+) started=(\S+) /
/** Files a fingerprint looks at, at most: a bound on the walk of a huge directory. */
const FINGERPRINT_ENTRIES_MAX = 100_000

/** The process that holds a directory's writer lock. */
export interface LockHolder {
  readonly pid: number
  readonly started: string
}

/** Options of the open functions. */
export interface OpenOptions {
  readonly directory: string
  readonly context: CliContext
  /** Draw a progress bar while partitions open (default true; still only on a terminal). */
  readonly progress?: boolean
}

/**
 * Opens the directory for inspection.
 * @throws KafkaliteError STORAGE_ERROR when the directory does not exist or cannot be read
 */
export function openReadOnly(options: OpenOptions): Broker {
  requireDirectory(options.directory)
  const live = lockHolder(options.directory) !== null
  // Beside a live writer, a torn tail is a batch being written: not worth a warning.
  return openBroker(options, { readOnly: true, warnings: !live })
}

/**
 * Opens the directory as its one writer; `purpose` says what needs the lock, for the message.
 * @throws KafkaliteError STORAGE_ERROR naming the process that holds the lock
 */
export function openWriter(
  options: OpenOptions & { readonly purpose: string; readonly create?: boolean },
): Broker {
  if (options.create !== true) requireDirectory(options.directory)
  try {
    return openBroker(options, { readOnly: false, warnings: true })
  } catch (error) {
    const holder = lockHolder(options.directory)
    if (holder === null || !(error instanceof KafkaliteError) || error.code !== 'STORAGE_ERROR') throw error
    throw lockedError(options.directory, holder, options.purpose, error)
  }
}

/** The error for a change refused because another process writes the directory. */
export function lockedError(
  directory: string,
  holder: LockHolder,
  purpose: string,
  cause?: unknown,
): KafkaliteError {
  return new KafkaliteError(
    'STORAGE_ERROR',
    `cannot ${purpose}: ${directory} is locked by process ${holder.pid} (since ${holder.started}), its one writer; stop that process first (reading works beside it)`,
    { cause, value: holder.pid, retriable: false },
  )
}

/** The live process holding the directory's writer lock, or null when none does. */
export function lockHolder(directory: string): LockHolder | null {
  let line: string
  try {
    line = readFileSync(join(directory, LOCK_FILE), 'latin1')
  } catch {
    return null
  }
  const match = LOCK_LINE.exec(line)
  if (match === null) return null
  const pid = Number(match[1])
  return processIsRunning(pid) ? { pid, started: match[2] ?? '?' } : null
}

/**
 * A cheap summary of every file's name, size and modification time: when it is unchanged, so is
 * what a fresh read-only open would see, and `consume --follow` skips reopening.
 */
export function directoryFingerprint(directory: string): string {
  const parts: string[] = []
  const pending = [directory]
  while (pending.length > 0 && parts.length < FINGERPRINT_ENTRIES_MAX) {
    const current = pending.pop() as string
    let entries: Dirent[]
    try {
      entries = readdirSync(current, { withFileTypes: true })
    } catch {
      continue
    }
    for (const entry of entries) {
      const path = join(current, entry.name)
      if (entry.isDirectory()) pending.push(path)
      else if (entry.name !== LOCK_FILE) {
        const stat = statSync(path, { throwIfNoEntry: false })
        if (stat !== undefined) parts.push(`${path}:${stat.size}:${stat.mtimeMs}`)
      }
    }
  }
  return parts.sort().join('\n')
}

function requireDirectory(directory: string): void {
  if (!existsSync(directory)) {
    throw new KafkaliteError(
      'STORAGE_ERROR',
      `no data directory at ${directory} (pass --dir, or create a topic first: kafkalite topics --create --topic NAME)`,
      { retriable: false },
    )
  }
}

function openBroker(options: OpenOptions, mode: { readOnly: boolean; warnings: boolean }): Broker {
  const { context } = options
  const warn = (level: 'info' | 'warn' | 'error', message: string) => {
    if (level === 'error' || (level === 'warn' && mode.warnings))
      context.stderr.write(`${level === 'warn' ? 'warning' : level}: ${message}\n`)
  }
  const storage = fileStorage({
    directory: options.directory,
    fsync: 'always',
    readOnly: mode.readOnly,
    logger: warn,
  })
  const progress =
    options.progress !== false && progressAllowed(context)
      ? progressBar(context.stderr, { label: `opening ${options.directory}: partitions` })
      : NO_PROGRESS
  try {
    return new Broker({ storage: withProgress(storage, progress), log: warn })
  } catch (error) {
    storage.close().catch(() => {})
    throw error
  } finally {
    progress.done()
  }
}

/** The storage, counting opened partitions on `progress` (the slow part of opening a large directory). */
function withProgress(storage: Storage, progress: Progress): Storage {
  if (progress === NO_PROGRESS) return storage
  return {
    kind: storage.kind,
    readOnly: storage.readOnly,
    open() {
      const state = storage.open()
      progress.setTotal(state.topics.reduce((sum, topic) => sum + topic.partitionCount, 0))
      return state
    },
    openPartition(topic: string, partition: number) {
      const store = storage.openPartition(topic, partition)
      progress.advance()
      return store
    },
    replaceTopicMetadata: (topics) => storage.replaceTopicMetadata(topics),
    deleteTopicData: (topic, partitionCount) => storage.deleteTopicData(topic, partitionCount),
    flush: () => storage.flush(),
    close: () => storage.close(),
  }
}

function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
