/**
 * Segment files (`<base offset, 20 digits>.log`): a sequence of frames (frame.ts), appended at the
 * end and read by position. This module owns the file descriptors: the active segment of each
 * partition keeps its descriptor; closed segments open theirs on demand, and at most
 * `FILE_STORAGE_LIMITS.openReadFilesMax` of them stay open (least recently used closes first).
 * A descriptor with an fsync in flight is closed only once the fsync has finished, so a descriptor
 * number is never reused under a running fsync.
 */
import { assert } from '../../common/assert.js'
import { BATCH_HEADER_BYTES, type BatchHeader, newBatchHeader, readBatchHeader } from './codec.js'
import { ioError } from './context.js'
import { FileOpenMode, type FileSystem } from './file-system.js'
import { announcedFrameBytes, FRAME_HEADER_BYTES, FrameStatus, inspectFrame } from './frame.js'
import { FILE_STORAGE_LIMITS } from './limits.js'

/** Characters of the zero-padded base offset in a segment's file name (Kafka's width). */
const FILE_NAME_DIGITS = 20

/** `00000000000000000042.log` for base offset 42 (and `.index` beside it). */
export function segmentFileName(baseOffset: number, extension: '.log' | '.index'): string {
  return `${String(baseOffset).padStart(FILE_NAME_DIGITS, '0')}${extension}`
}

/** The base offset a segment file name encodes, or null when the name is not a segment's. */
export function parseSegmentFileName(name: string, extension: '.log' | '.index'): number | null {
  if (name.length !== FILE_NAME_DIGITS + extension.length || !name.endsWith(extension)) return null
  const digits = name.slice(0, FILE_NAME_DIGITS)
  if (!/^[0-9]+$/.test(digits)) return null
  const offset = Number(digits)
  return Number.isSafeInteger(offset) ? offset : null
}

/** The open descriptors of closed segments, least recently used first; bounded. */
export class FileHandles {
  readonly #open = new Set<SegmentFile>()
  readonly #openMax: number

  constructor(openMax: number = FILE_STORAGE_LIMITS.openReadFilesMax) {
    this.#openMax = openMax
  }

  /** Records that `file` opened or used its descriptor; closes the least recently used over the bound. */
  used(file: SegmentFile): void {
    this.#open.delete(file)
    this.#open.add(file)
    if (this.#open.size <= this.#openMax) return
    for (const candidate of this.#open) {
      if (this.#open.size <= this.#openMax) break
      if (candidate !== file) candidate.release()
    }
  }

  /** Records that `file` closed its descriptor. */
  closed(file: SegmentFile): void {
    this.#open.delete(file)
  }
}

/** One buffer for reading blocks of segment files, shared by a store's synchronous scans. */
export class ScratchBuffer {
  #buffer: Buffer | null = null
  #inUse = false

  /** A buffer of at least `minBytes`; scans do not nest, so one is enough. */
  acquire(minBytes: number): Buffer {
    assert(!this.#inUse, 'segment scans do not nest')
    this.#inUse = true
    return this.grow(minBytes)
  }

  /** A buffer of at least `minBytes` for the scan in progress (its previous contents are lost). */
  grow(minBytes: number): Buffer {
    const current = this.#buffer
    if (current !== null && current.length >= minBytes) return current
    const buffer = Buffer.allocUnsafeSlow(minBytes)
    // Frames larger than a block are rare; only block-sized buffers are kept for the next scan.
    if (minBytes <= FILE_STORAGE_LIMITS.readBlockBytesMax) this.#buffer = buffer
    return buffer
  }

  release(): void {
    this.#inUse = false
  }
}

/** One segment's file: positional appends and reads, truncation, fsync. */
export class SegmentFile {
  readonly path: string
  readonly #fileSystem: FileSystem
  readonly #handles: FileHandles
  readonly #writable: boolean
  #fd: number | null = null
  /** The active segment keeps its descriptor; closed segments' descriptors are pooled. */
  #pinned: boolean
  #pendingSyncs = 0
  #releaseWhenIdle = false

  constructor(
    fileSystem: FileSystem,
    handles: FileHandles,
    path: string,
    options: { writable: boolean; pinned: boolean },
  ) {
    this.#fileSystem = fileSystem
    this.#handles = handles
    this.path = path
    this.#writable = options.writable
    this.#pinned = options.pinned
  }

  /**
   * Creates a new empty segment file (it must not exist) as the active, pinned segment.
   * @throws KafkaliteError STORAGE_ERROR
   */
  static create(fileSystem: FileSystem, handles: FileHandles, path: string): SegmentFile {
    const file = new SegmentFile(fileSystem, handles, path, { writable: true, pinned: true })
    try {
      file.#fd = fileSystem.open(path, FileOpenMode.CreateExclusive)
    } catch (error) {
      throw ioError('create segment file', path, error)
    }
    return file
  }

  /** Reads up to `length` bytes at `position`, fewer only at the end of the file. */
  readAt(buffer: Buffer, bufferOffset: number, length: number, position: number): number {
    const fd = this.#descriptor()
    let done = 0
    try {
      while (done < length) {
        const read = this.#fileSystem.read(fd, buffer, bufferOffset + done, length - done, position + done)
        if (read === 0) break
        done += read
      }
    } catch (error) {
      throw ioError('read', this.path, error)
    }
    return done
  }

  /** Writes all of `bytes` at `position`; throws the file system's error as it comes. */
  writeAt(bytes: Buffer, position: number): void {
    assert(this.#writable, 'only writable segment files are written')
    const fd = this.#descriptor()
    let done = 0
    while (done < bytes.length) {
      done += this.#fileSystem.write(fd, bytes, done, bytes.length - done, position + done)
    }
  }

  /** Cuts the file to `lengthBytes`; throws the file system's error as it comes. */
  truncate(lengthBytes: number): void {
    this.#fileSystem.truncate(this.#descriptor(), lengthBytes)
  }

  /** Size of the file on disk. */
  sizeOnDisk(): number {
    try {
      return this.#fileSystem.sizeOf(this.#descriptor())
    } catch (error) {
      throw ioError('stat', this.path, error)
    }
  }

  /** fsync, blocking: used when a segment is closed, before its index is trusted. */
  sync(): void {
    try {
      this.#fileSystem.sync(this.#descriptor())
    } catch (error) {
      throw ioError('fsync', this.path, error)
    }
  }

  /** fdatasync on the thread pool; the descriptor stays open until it settles. */
  async syncData(): Promise<void> {
    const fd = this.#descriptor()
    this.#pendingSyncs++
    try {
      await this.#fileSystem.syncData(fd)
    } catch (error) {
      throw ioError('fsync', this.path, error)
    } finally {
      this.#pendingSyncs--
      if (this.#pendingSyncs === 0 && this.#releaseWhenIdle) this.release()
    }
  }

  /** The segment was closed: its descriptor joins the bounded pool. */
  unpin(): void {
    this.#pinned = false
    if (this.#fd !== null) this.#handles.used(this)
  }

  /** Closes the descriptor now, or once in-flight fsyncs finish. It reopens on next use. */
  release(): void {
    if (this.#fd === null) return
    if (this.#pendingSyncs > 0) {
      this.#releaseWhenIdle = true
      return
    }
    const fd = this.#fd
    this.#fd = null
    this.#releaseWhenIdle = false
    this.#handles.closed(this)
    try {
      this.#fileSystem.close(fd)
    } catch {
      // Closing a descriptor that was only read or already fsynced loses nothing.
    }
  }

  #descriptor(): number {
    if (this.#fd === null) {
      try {
        this.#fd = this.#fileSystem.open(
          this.path,
          this.#writable ? FileOpenMode.ReadWrite : FileOpenMode.Read,
        )
      } catch (error) {
        throw ioError('open', this.path, error)
      }
    }
    this.#releaseWhenIdle = false
    if (!this.#pinned) this.#handles.used(this)
    return this.#fd
  }
}

/** `next()` result at the end of the scanned range. */
export const SCAN_END = 0

/**
 * Walks the frames of a segment file from a position, reading blocks into the store's scratch
 * buffer and checking every frame's CRC. After `next()` returns a size, the frame is at
 * `block[frameStart .. frameStart + frameBytes)` and its batch header in `header`, until the next
 * call. Always `close()` it (try/finally): the scratch buffer is shared.
 */
export class FrameScanner {
  /** File position of the frame `next()` last returned. */
  position = 0
  /** Total size of that frame, header included. */
  frameBytes = 0
  /** Where that frame starts in `block`. */
  frameStart = 0
  /** The block holding that frame. */
  block: Buffer
  /** That frame's batch header. */
  readonly header: BatchHeader = newBatchHeader()
  /** The size the last frame header read announced, valid or not (to step over a bad frame). */
  announcedBytes = 0
  readonly #file: SegmentFile
  readonly #scratch: ScratchBuffer
  readonly #end: number
  readonly #blockBytes: number
  #blockPosition = 0
  #blockFilled = 0
  #next: number

  constructor(
    file: SegmentFile,
    scratch: ScratchBuffer,
    range: { start: number; end: number; blockBytes: number },
  ) {
    this.#file = file
    this.#scratch = scratch
    this.#end = range.end
    this.#next = range.start
    this.#blockBytes = Math.min(
      FILE_STORAGE_LIMITS.readBlockBytesMax,
      Math.max(FILE_STORAGE_LIMITS.readBlockBytesMin, range.blockBytes),
    )
    this.block = scratch.acquire(this.#blockBytes)
  }

  /** Position where the next frame is expected. */
  get nextPosition(): number {
    return this.#next
  }

  /** The next frame's total size, SCAN_END at the end of the range, or a negative FrameStatus. */
  next(): number {
    const position = this.#next
    if (position >= this.#end) return SCAN_END
    if (!this.#ensure(position, FRAME_HEADER_BYTES)) return FrameStatus.Incomplete
    const total = announcedFrameBytes(this.block, position - this.#blockPosition)
    this.announcedBytes = total
    if (total - FRAME_HEADER_BYTES > FILE_STORAGE_LIMITS.frameBytesMax) return FrameStatus.BadLength
    if (position + total > this.#end || !this.#ensure(position, total)) return FrameStatus.Incomplete
    const start = position - this.#blockPosition
    const status = inspectFrame(this.block, start, start + total)
    if (status < 0) return status
    if (total < FRAME_HEADER_BYTES + BATCH_HEADER_BYTES) return FrameStatus.BadLength
    readBatchHeader(this.block, start, this.header)
    this.position = position
    this.frameBytes = total
    this.frameStart = start
    this.#next = position + total
    return total
  }

  /** Continues from `position` (to step over a bad frame whose length is intact). */
  skipTo(position: number): void {
    this.#next = position
  }

  /** Returns the scratch buffer. */
  close(): void {
    this.#scratch.release()
  }

  #ensure(position: number, bytes: number): boolean {
    if (position >= this.#blockPosition && position + bytes <= this.#blockPosition + this.#blockFilled)
      return true
    const want = Math.min(Math.max(this.#blockBytes, bytes), this.#end - position)
    if (want < bytes) return false
    if (this.block.length < want) this.block = this.#scratch.grow(want)
    this.#blockPosition = position
    this.#blockFilled = this.#file.readAt(this.block, 0, want, position)
    return this.#blockFilled >= bytes
  }
}
