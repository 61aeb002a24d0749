/** Shared helpers of the file store's tests: temp directories, log capture, reopening. */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
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

const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * Runs `node --import tsx <script> <args…>` from the repository root, SIGKILLs it `delayMs` after
 * it prints `ready`, and resolves with every complete line it printed and its stderr. Rejects if
 * the child exits on its own.
 */
export function runAndKill(
  script: string,
  args: readonly string[],
  delayMs: number,
): Promise<{ lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPOSITORY,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const lines: string[] = []
    let pending = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString()
      const complete = pending.split('\n')
      pending = complete.pop() ?? ''
      for (const line of complete) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), delayMs)
        lines.push(line)
      }
    })
    child.on('error', reject)
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the child exited on its own: ${stderr}`))
      else resolve({ lines, stderr })
    })
  })
}
