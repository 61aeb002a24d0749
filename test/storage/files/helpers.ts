/** Shared helpers of the file store's tests: temp directories, log capture, reopening. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FileStorage, type FileStorageOptions, fileStorage } from '../../../src/storage/files/index.js'

/** A log line the store emitted. */
export interface LogLine {
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
}

/** Collects log lines instead of printing them. */
export function captureLog(): { lines: LogLine[]; logger: NonNullable<FileStorageOptions['logger']> } {
  const lines: LogLine[] = []
  return { lines, logger: (level, message) => lines.push({ level, message }) }
}

/** Temp directories removed by `removeTemporaryDirectories()`. */
const created: string[] = []

/** A new empty directory under the OS temp directory. */
export function temporaryDirectory(prefix = 'kafkalite-storage-'): string {
  const directory = mkdtempSync(join(tmpdir(), prefix))
  created.push(directory)
  return directory
}

/** Removes every directory `temporaryDirectory()` made. */
export function removeTemporaryDirectories(): void {
  for (const directory of created.splice(0)) rmSync(directory, { recursive: true, force: true })
}

/** Remembers the options each store was made with, so that tests can reopen it. */
const optionsOf = new WeakMap<object, FileStorageOptions>()

/** A file store whose options are remembered for `reopenFileStorage`. */
export function trackedFileStorage(options: FileStorageOptions): FileStorage {
  const storage = fileStorage(options)
  optionsOf.set(storage, options)
  return storage
}

/** Closes a store and opens its directory again with the same options. */
export async function reopenFileStorage(
  storage: object,
  overrides: Partial<FileStorageOptions> = {},
): Promise<FileStorage> {
  const options = optionsOf.get(storage)
  if (options === undefined) throw new Error('not a tracked file storage')
  await (storage as FileStorage).close()
  const reopened = trackedFileStorage({ ...options, ...overrides })
  reopened.open()
  return reopened
}
