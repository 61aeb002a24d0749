/**
 * One partition's directory (`<topic>-<partition>`): its segments, checkpoint and indexes, behind
 * the engine's `PartitionStore`. Appends write one frame with one `pwrite` (durability is the sync
 * policy's business); reads go through segment-reader.ts. Changes to the set of segments are
 * crash-safe:
 * - roll: the closed segment is fsynced (unless fsync is 'never') and indexed, then the new one is
 *   created and the directory fsynced;
 * - deleteOldestSegments: the checkpoint's `segmentsStartOffset` is moved first (atomically), then
 *   files are removed; recovery finishes an interrupted deletion;
 * - replaceSegment: the new contents are written to `<base>.log.cleaned`, fsynced and renamed over
 *   the old file, then the directory is fsynced; a crash leaves the old or the new segment, and a
 *   stale index is detected and rebuilt.
 */
import { join } from 'node:path'
import { assert } from '../../common/assert.js'
import { KafkaliteError, limitExceeded } from '../../common/errors.js'
import { batchNextOffset, type RecordBatch } from '../../common/record.js'
import type { PartitionStore, SegmentInfo } from '../storage.js'
import { removeFile } from './atomic-file.js'
import { type BatchHeader, encodeBatchFrame, newBatchHeader, readBatchHeader } from './codec.js'
import { ioError, type StorageContext } from './context.js'
import { FRAME_HEADER_BYTES, frameChecksum } from './frame.js'
import { FILE_STORAGE_LIMITS } from './limits.js'
import { writePartitionCheckpoint } from './partition-checkpoint.js'
import { CLEANED_SUFFIX, recoverPartition, syncDirectory, writeIndex } from './recovery.js'
import { SEGMENT_RELATIVE_OFFSET_MAX, Segment } from './segment.js'
import { SegmentFile, segmentFileName } from './segment-file.js'
import { findOffsetForTimestamp, type PartitionName, readBatches } from './segment-reader.js'

/** The directory name of a partition. */
export function partitionDirectoryName(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

/** A partition's segments on disk. */
export class PartitionDirectory implements PartitionStore {
  readonly name: PartitionName
  readonly path: string
  readonly #context: StorageContext
  /** Oldest first; the last is the active segment. Never empty. */
  #segments: Segment[]
  #logStartOffset: number
  #segmentsStartOffset: number
  #sizeBytes = 0
  /** Engine views of the closed segments, rebuilt when the set of segments changes. */
  #closedInfos: SegmentInfo[] | null = null
  /** Reused for every append: the header of the batch being written. */
  readonly #header: BatchHeader = newBatchHeader()
  #released = false

  private constructor(
    context: StorageContext,
    name: PartitionName,
    path: string,
    segments: Segment[],
    checkpoint: { logStartOffset: number; segmentsStartOffset: number },
  ) {
    this.#context = context
    this.name = name
    this.path = path
    this.#segments = segments
    this.#logStartOffset = checkpoint.logStartOffset
    this.#segmentsStartOffset = checkpoint.segmentsStartOffset
    for (const segment of segments) this.#sizeBytes += segment.sizeBytes
  }

  /**
   * Opens (creating when writable and missing) and recovers a partition directory.
   * @throws KafkaliteError STORAGE_ERROR
   */
  static open(context: StorageContext, name: PartitionName): PartitionDirectory {
    const path = join(context.directory, partitionDirectoryName(name.topic, name.partition))
    if (context.fileSystem.stat(path) === null && !context.readOnly) {
      try {
        context.fileSystem.makeDirectory(path)
      } catch (error) {
        throw ioError('create', path, error)
      }
      syncDirectory(context, context.directory)
    }
    const recovered = recoverPartition(context, path)
    return new PartitionDirectory(context, name, path, recovered.segments, recovered.checkpoint)
  }

  nextOffset(): number {
    return this.#active().endOffset
  }

  logStartOffset(): number {
    return this.#logStartOffset
  }

  setLogStartOffset(offset: number): void {
    this.#checkWritable()
    writePartitionCheckpoint(this.#context.fileSystem, this.path, {
      logStartOffset: offset,
      segmentsStartOffset: this.#segmentsStartOffset,
    })
    this.#logStartOffset = offset
  }

  append(batch: RecordBatch): void {
    this.#checkWritable()
    let active = this.#active()
    assert(batch.baseOffset === active.endOffset, 'appends are contiguous')
    const frame = encodeBatchFrame(batch)
    if (frame.length - FRAME_HEADER_BYTES > FILE_STORAGE_LIMITS.frameBytesMax) {
      throw limitExceeded(
        'frameBytesMax',
        FILE_STORAGE_LIMITS.frameBytesMax,
        `an encoded batch of ${frame.length} bytes`,
      )
    }
    if (
      active.batchCount > 0 &&
      (active.fileBytes + frame.length > FILE_STORAGE_LIMITS.segmentFileBytesMax ||
        batchNextOffset(batch) - active.baseOffset > SEGMENT_RELATIVE_OFFSET_MAX)
    ) {
      this.roll(batch.appendTimeMs)
      active = this.#active()
    }
    const position = active.fileBytes
    this.#write(active, frame, position)
    active.observe(
      readBatchHeader(frame, 0, this.#header),
      position,
      frame.length,
      frameChecksum(frame, 0),
      this.#context.indexIntervalBytes,
    )
    this.#sizeBytes += batch.sizeBytes
    this.#context.cache.put(active.cached, batch, position, frame.length)
    this.#context.sync?.written(active.file)
  }

  read(fromOffset: number, maxBytes: number): readonly RecordBatch[] {
    this.#checkOpen()
    return readBatches(this.#context, this.name, this.#segments, fromOffset, maxBytes)
  }

  segments(): readonly SegmentInfo[] {
    this.#checkOpen()
    const active = this.#active()
    const closed = this.#closedSegmentInfos()
    const infos = closed.slice()
    infos.push(active.info(active.endOffset))
    return infos
  }

  roll(_nowMs: number): void {
    this.#checkWritable()
    const active = this.#active()
    if (active.batchCount === 0) return
    // Under 'never' the closing segment stays unsynced (fsynced at close): a blocking fsync of up to
    // segment.bytes of dirty pages would stall the event loop, and 'never' promises nothing on power loss.
    const sync = this.#context.sync
    if (sync !== null && sync.mode !== 'never') {
      active.file.sync()
      sync.forget(active.file)
    }
    writeIndex(this.#context, this.path, active)
    active.file.unpin()
    const base = active.endOffset
    const file = SegmentFile.create(
      this.#context.fileSystem,
      this.#context.handles,
      join(this.path, segmentFileName(base, '.log')),
    )
    syncDirectory(this.#context, this.path)
    this.#segments.push(new Segment(base, file))
    this.#closedInfos = null
  }

  deleteOldestSegments(count: number): void {
    this.#checkWritable()
    assert(count < this.#segments.length, 'the active segment is never deleted')
    if (count <= 0) return
    const newStart = (this.#segments[count] as Segment).baseOffset
    writePartitionCheckpoint(this.#context.fileSystem, this.path, {
      logStartOffset: this.#logStartOffset,
      segmentsStartOffset: newStart,
    })
    this.#segmentsStartOffset = newStart
    const removed = this.#segments.splice(0, count)
    this.#closedInfos = null
    for (const segment of removed) {
      this.#sizeBytes -= segment.sizeBytes
      this.#forgetSegment(segment)
      this.#removeSegmentFiles(segment)
    }
  }

  replaceSegment(baseOffset: number, batches: readonly RecordBatch[]): void {
    this.#checkWritable()
    const index = this.#segments.findIndex((segment) => segment.baseOffset === baseOffset)
    assert(index >= 0 && index < this.#segments.length - 1, 'only closed segments are replaced')
    const old = this.#segments[index] as Segment
    const nextBase = (this.#segments[index + 1] as Segment).baseOffset
    const logPath = join(this.path, segmentFileName(baseOffset, '.log'))
    const replacement = new Segment(
      baseOffset,
      new SegmentFile(this.#context.fileSystem, this.#context.handles, logPath, {
        writable: false,
        pinned: false,
      }),
    )
    this.#writeCleaned(replacement, logPath + CLEANED_SUFFIX, batches, nextBase)
    try {
      this.#context.fileSystem.rename(logPath + CLEANED_SUFFIX, logPath)
    } catch (error) {
      removeFile(this.#context.fileSystem, logPath + CLEANED_SUFFIX)
      throw ioError('replace', logPath, error)
    }
    this.#forgetSegment(old)
    this.#segments[index] = replacement
    this.#sizeBytes += replacement.sizeBytes - old.sizeBytes
    this.#closedInfos = null
    syncDirectory(this.#context, this.path)
    writeIndex(this.#context, this.path, replacement)
  }

  offsetForTimestamp(timestampMs: number, fromOffset: number): number | null {
    this.#checkOpen()
    return findOffsetForTimestamp(this.#context, this.name, this.#segments, timestampMs, fromOffset)
  }

  sizeBytes(): number {
    return this.#sizeBytes
  }

  /** Writes the active segment's index as a recovery point (after a final fsync, when closing). */
  checkpointActiveSegment(): void {
    if (this.#released || this.#context.readOnly) return
    writeIndex(this.#context, this.path, this.#active())
  }

  /** Closes every file and forgets cached batches; the store is unusable afterwards. */
  release(): void {
    if (this.#released) return
    this.#released = true
    for (const segment of this.#segments) this.#forgetSegment(segment)
  }

  #write(active: Segment, frame: Buffer, position: number): void {
    try {
      active.file.writeAt(frame, position)
    } catch (error) {
      try {
        active.file.truncate(position)
      } catch (undoError) {
        const failure = ioError('undo a failed append to', active.file.path, undoError)
        this.#context.fail(failure)
        throw failure
      }
      throw new KafkaliteError(
        'STORAGE_ERROR',
        `append to ${this.name.topic}-${this.name.partition} failed; nothing was appended: ${(error as Error).message}`,
        {
          topic: this.name.topic,
          partition: this.name.partition,
          offset: position,
          cause: error,
          retriable: false,
        },
      )
    }
  }

  #writeCleaned(
    replacement: Segment,
    cleanedPath: string,
    batches: readonly RecordBatch[],
    nextBase: number,
  ): void {
    removeFile(this.#context.fileSystem, cleanedPath)
    const file = SegmentFile.create(this.#context.fileSystem, this.#context.handles, cleanedPath)
    try {
      for (const batch of batches) {
        assert(
          batch.baseOffset >= replacement.endOffset && batchNextOffset(batch) <= nextBase,
          'compaction keeps offsets, in order, within the segment',
        )
        const frame = encodeBatchFrame(batch)
        const position = replacement.fileBytes
        file.writeAt(frame, position)
        replacement.observe(
          readBatchHeader(frame, 0, this.#header),
          position,
          frame.length,
          frameChecksum(frame, 0),
          this.#context.indexIntervalBytes,
        )
      }
      file.sync()
    } catch (error) {
      file.release()
      removeFile(this.#context.fileSystem, cleanedPath)
      throw error instanceof KafkaliteError ? error : ioError('write', cleanedPath, error)
    }
    file.release()
  }

  #forgetSegment(segment: Segment): void {
    this.#context.cache.dropAll(segment.cached)
    this.#context.sync?.forget(segment.file)
    segment.file.release()
  }

  #removeSegmentFiles(segment: Segment): void {
    const fileSystem = this.#context.fileSystem
    for (const extension of ['.log', '.index'] as const) {
      const path = join(this.path, segmentFileName(segment.baseOffset, extension))
      try {
        removeFile(fileSystem, path)
      } catch (error) {
        this.#context.log('warn', `could not delete ${path}; the next open deletes it`, { error })
      }
    }
  }

  #closedSegmentInfos(): SegmentInfo[] {
    if (this.#closedInfos !== null) return this.#closedInfos
    const segments = this.#segments
    const infos: SegmentInfo[] = []
    for (let index = 0; index < segments.length - 1; index++) {
      infos.push((segments[index] as Segment).info((segments[index + 1] as Segment).baseOffset))
    }
    this.#closedInfos = infos
    return infos
  }

  #active(): Segment {
    return this.#segments[this.#segments.length - 1] as Segment
  }

  #checkOpen(): void {
    this.#context.checkOpen()
    if (this.#released)
      throw new KafkaliteError(
        'BROKER_CLOSED',
        `${this.name.topic}-${this.name.partition} was closed or deleted`,
      )
  }

  #checkWritable(): void {
    this.#checkOpen()
    this.#context.checkWritable()
  }
}
