/**
 * The file system the file store runs on. `nodeFileSystem` is the real one and this is the only
 * module of kafkalite that imports `node:fs`; tests swap in `MemoryFileSystem`
 * (`src/testing/memory-file-system.ts`), which injects faults and simulates crashes.
 *
 * The data path is synchronous (like SQLite's): appends and reads are `pwrite`/`pread` calls that
 * return when the bytes are in (or out of) the OS page cache. Only `syncData` is asynchronous, so
 * that an fsync runs on libuv's thread pool while the event loop keeps accepting appends (group
 * commit). Errors are thrown as they come (Node's `Error` with a `code` such as `'ENOENT'`); the
 * store wraps them in `KafkaliteError('STORAGE_ERROR')`.
 */
import * as fs from 'node:fs'

/** How a file is opened. */
export const FileOpenMode = {
  /** Read only; the file must exist. */
  Read: 'read',
  /** Read and write; the file must exist. */
  ReadWrite: 'readWrite',
  /** Read and write; the file must not exist (EEXIST otherwise). */
  CreateExclusive: 'createExclusive',
  /** Read and write; created if missing, emptied if present. */
  CreateOrTruncate: 'createOrTruncate',
} as const
export type FileOpenMode = (typeof FileOpenMode)[keyof typeof FileOpenMode]

/** What `stat` reports. */
export interface FileStat {
  readonly sizeBytes: number
  readonly isDirectory: boolean
}

/**
 * The operations the file store needs, all on descriptors or absolute paths. Every method may throw
 * an `Error` whose `code` names the failure (`'ENOENT'`, `'EEXIST'`, `'EIO'`, `'ENOSPC'` …).
 */
export interface FileSystem {
  open(path: string, mode: FileOpenMode): number
  close(fd: number): void
  /** Reads up to `length` bytes at `position`; returns how many were read (0 at end of file). */
  read(fd: number, buffer: Uint8Array, bufferOffset: number, length: number, position: number): number
  /** Writes up to `length` bytes at `position`; returns how many were written (may be fewer). */
  write(fd: number, buffer: Uint8Array, bufferOffset: number, length: number, position: number): number
  truncate(fd: number, lengthBytes: number): void
  sizeOf(fd: number): number
  /** fsync: blocks until the file's data and metadata are durable. */
  sync(fd: number): void
  /** fdatasync on the thread pool: resolves once the file's data is durable. */
  syncData(fd: number): Promise<void>
  /** fsync of a directory, so that names created, renamed or removed in it are durable. */
  syncDirectory(path: string): void
  /** null when nothing exists at `path`. */
  stat(path: string): FileStat | null
  readDirectory(path: string): string[]
  /** Creates one directory; its parent must exist. EEXIST when it already exists. */
  makeDirectory(path: string): void
  /** Atomically replaces `to` with `from`. */
  rename(from: string, to: string): void
  /** Creates a second name for a file; EEXIST when `newPath` exists (atomic create-if-absent). */
  link(existingPath: string, newPath: string): void
  unlink(path: string): void
  /** Removes a directory and everything in it. */
  removeDirectory(path: string): void
}

const OPEN_FLAGS: Readonly<Record<FileOpenMode, string>> = {
  read: 'r',
  readWrite: 'r+',
  createExclusive: 'wx+',
  createOrTruncate: 'w+',
}

/** The real file system, through Node's synchronous `fs` calls (and `fs.fdatasync` for group commit). */
export const nodeFileSystem: FileSystem = Object.freeze({
  open: (path: string, mode: FileOpenMode): number => fs.openSync(path, OPEN_FLAGS[mode]),
  close: (fd: number): void => fs.closeSync(fd),
  read: (fd: number, buffer: Uint8Array, bufferOffset: number, length: number, position: number): number =>
    fs.readSync(fd, buffer, bufferOffset, length, position),
  write: (fd: number, buffer: Uint8Array, bufferOffset: number, length: number, position: number): number =>
    fs.writeSync(fd, buffer, bufferOffset, length, position),
  truncate: (fd: number, lengthBytes: number): void => fs.ftruncateSync(fd, lengthBytes),
  sizeOf: (fd: number): number => fs.fstatSync(fd).size,
  sync: (fd: number): void => fs.fsyncSync(fd),
  syncData: (fd: number): Promise<void> =>
    new Promise((resolve, reject) => {
      fs.fdatasync(fd, (error) => (error === null ? resolve() : reject(error)))
    }),
  syncDirectory: (path: string): void => {
    const fd = fs.openSync(path, 'r')
    try {
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
  },
  stat: (path: string): FileStat | null => {
    const stats = fs.statSync(path, { throwIfNoEntry: false })
    return stats === undefined ? null : { sizeBytes: stats.size, isDirectory: stats.isDirectory() }
  },
  readDirectory: (path: string): string[] => fs.readdirSync(path),
  makeDirectory: (path: string): void => fs.mkdirSync(path),
  rename: (from: string, to: string): void => fs.renameSync(from, to),
  link: (existingPath: string, newPath: string): void => fs.linkSync(existingPath, newPath),
  unlink: (path: string): void => fs.unlinkSync(path),
  removeDirectory: (path: string): void => fs.rmSync(path, { recursive: true, force: true }),
})

/** The `code` of a file system error ('ENOENT' …), or undefined. */
export function fileErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}
