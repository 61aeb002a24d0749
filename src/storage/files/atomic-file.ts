/**
 * Small files that are replaced whole: topic metadata, partition checkpoints, index files. Each is
 * one frame (frame.ts), so a torn or flipped file is recognised rather than misread.
 *
 * A durable replace writes `<name>.tmp`, fsyncs it, moves the current file to `<name>.prev`, renames
 * the temp file over `<name>` and fsyncs the directory. A crash at any point leaves either the new
 * file, or the old one (as `<name>` or, between the two renames, as `<name>.prev`); readers fall
 * back to `<name>.prev` when `<name>` is missing or damaged, and say so.
 */
import { join } from 'node:path'
import { KafkaliteError } from '../../common/errors.js'
import { ioError } from './context.js'
import { FileOpenMode, type FileSystem, fileErrorCode } from './file-system.js'
import { describeFrameStatus, encodeFrame, singleFramePayload } from './frame.js'
import { FILE_STORAGE_LIMITS } from './limits.js'

/** Suffix of a file being written before it is renamed into place. */
export const TEMPORARY_SUFFIX = '.tmp'
/** Suffix of the previous version of a durably replaced file. */
export const PREVIOUS_SUFFIX = '.prev'

/** The whole content of `path`, or null when it does not exist. @throws KafkaliteError STORAGE_ERROR */
export function readWholeFile(fileSystem: FileSystem, path: string): Buffer | null {
  let fd: number
  try {
    fd = fileSystem.open(path, FileOpenMode.Read)
  } catch (error) {
    if (fileErrorCode(error) === 'ENOENT') return null
    throw ioError('open', path, error)
  }
  try {
    const size = fileSystem.sizeOf(fd)
    if (size > FILE_STORAGE_LIMITS.smallFileBytesMax) {
      throw new KafkaliteError('STORAGE_ERROR', `${path} is ${size} bytes, more than smallFileBytesMax`, {
        retriable: false,
      })
    }
    const content = Buffer.alloc(size)
    let done = 0
    while (done < size) {
      const read = fileSystem.read(fd, content, done, size - done, done)
      if (read === 0) break
      done += read
    }
    return content.subarray(0, done)
  } catch (error) {
    throw error instanceof KafkaliteError ? error : ioError('read', path, error)
  } finally {
    fileSystem.close(fd)
  }
}

/** Writes `content` to a new file at `path` (replacing any), optionally fsyncing it. */
export function writeWholeFile(
  fileSystem: FileSystem,
  path: string,
  content: Buffer,
  durable: boolean,
): void {
  let fd: number
  try {
    fd = fileSystem.open(path, FileOpenMode.CreateOrTruncate)
  } catch (error) {
    throw ioError('create', path, error)
  }
  try {
    let done = 0
    while (done < content.length) done += fileSystem.write(fd, content, done, content.length - done, done)
    if (durable) fileSystem.sync(fd)
  } catch (error) {
    throw ioError('write', path, error)
  } finally {
    fileSystem.close(fd)
  }
}

/** Removes `path` if it exists. @throws KafkaliteError STORAGE_ERROR */
export function removeFile(fileSystem: FileSystem, path: string): void {
  try {
    fileSystem.unlink(path)
  } catch (error) {
    if (fileErrorCode(error) !== 'ENOENT') throw ioError('delete', path, error)
  }
}

/**
 * Replaces `directory/name` with a one-frame file holding `payload`. `durable`: fsync and keep the
 * previous version (metadata, checkpoints); otherwise write and rename only (index files, which
 * are validated against their log on open and rebuilt when stale).
 * @throws KafkaliteError STORAGE_ERROR
 */
export function replaceFramedFile(
  fileSystem: FileSystem,
  directory: string,
  name: string,
  payload: Buffer,
  durable: boolean,
): void {
  const path = join(directory, name)
  const temporary = path + TEMPORARY_SUFFIX
  writeWholeFile(fileSystem, temporary, encodeFrame(payload), durable)
  try {
    if (durable && fileSystem.stat(path) !== null) fileSystem.rename(path, path + PREVIOUS_SUFFIX)
    fileSystem.rename(temporary, path)
    if (durable) fileSystem.syncDirectory(directory)
  } catch (error) {
    throw ioError('replace', path, error)
  }
}

/** What {@link readFramedFile} found. */
export interface FramedFileRead {
  /** The payload, or null when neither version exists or both are damaged. */
  readonly payload: Buffer | null
  /** Which file it came from. */
  readonly source: 'current' | 'previous' | 'none'
  /** What was wrong with the files passed over, for a log line. */
  readonly problems: readonly string[]
}

/**
 * Reads a one-frame file written by {@link replaceFramedFile}, falling back to its previous version.
 * `accept` may reject a payload whose frame is intact but whose content is not understood.
 * @throws KafkaliteError STORAGE_ERROR on I/O errors
 */
export function readFramedFile(
  fileSystem: FileSystem,
  path: string,
  accept: (payload: Buffer) => string | null,
): FramedFileRead {
  const problems: string[] = []
  const candidates = [
    { path, source: 'current' as const },
    { path: path + PREVIOUS_SUFFIX, source: 'previous' as const },
  ]
  for (const candidate of candidates) {
    const content = readWholeFile(fileSystem, candidate.path)
    if (content === null) continue
    const payload = singleFramePayload(content)
    const problem = typeof payload === 'number' ? describeFrameStatus(payload) : accept(payload)
    if (problem === null && typeof payload !== 'number')
      return { payload, source: candidate.source, problems }
    problems.push(`${candidate.path}: ${problem ?? 'unreadable'}`)
  }
  return { payload: null, source: 'none', problems }
}
