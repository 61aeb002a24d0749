/**
 * What the store knows about one segment: its file, its sparse indexes and the summary the engine
 * reads through `segments()`. Appends and recovery scans feed it one batch header at a time
 * through `observe()`, so both build exactly the same indexes.
 */
import { assert } from '../../common/assert.js'
import type { SegmentInfo } from '../storage.js'
import type { CacheEntry } from './batch-cache.js'
import type { BatchHeader } from './codec.js'
import { OffsetIndex } from './offset-index.js'
import type { SegmentFile } from './segment-file.js'
import { TimeIndex } from './time-index.js'

/** Largest offset distance from a segment's base that its u32 index entries can hold. */
export const SEGMENT_RELATIVE_OFFSET_MAX = 0xffff_ffff

/** One segment's state. */
export class Segment {
  /** First offset the segment may hold; also its file name. */
  readonly baseOffset: number
  readonly file: SegmentFile
  /** This segment's decoded batches in the shared cache, by base offset. */
  readonly cached = new Map<number, CacheEntry>()
  offsetIndex = new OffsetIndex()
  timeIndex = new TimeIndex()
  /** Bytes of intact frames: nothing past this is ever read. */
  fileBytes = 0
  /** Offset just past the last batch (baseOffset while empty). */
  endOffset: number
  /** The engine's byte count of every batch (what retention.bytes and segment.bytes count). */
  sizeBytes = 0
  batchCount = 0
  /** Append time of the first batch; NaN while empty. */
  firstAppendTimeMs = Number.NaN
  /** Largest record timestamp; -Infinity while empty. */
  maxTimestamp = Number.NEGATIVE_INFINITY
  /** Where the last batch's frame starts; -1 while empty. */
  lastBatchPosition = -1
  /** CRC of the last batch's frame: ties an index file to the log it describes. */
  lastFrameChecksum = 0
  /** Log bytes appended since the last index entry. */
  bytesSinceIndexEntry = 0
  /** Where a closed segment stops being readable (a frame too damaged to step over); -1: nowhere. */
  corruptTailPosition = -1

  constructor(baseOffset: number, file: SegmentFile) {
    this.baseOffset = baseOffset
    this.endOffset = baseOffset
    this.file = file
  }

  /** Accounts for the intact batch frame at `position` (appended, or found by a scan). */
  observe(
    header: BatchHeader,
    position: number,
    frameBytes: number,
    checksum: number,
    indexIntervalBytes: number,
  ): void {
    const relativeOffset = header.baseOffset - this.baseOffset
    assert(
      relativeOffset >= 0 && relativeOffset <= SEGMENT_RELATIVE_OFFSET_MAX,
      'a batch lies within its segment',
    )
    assert(position === this.fileBytes, 'batches are observed in file order')
    if (this.batchCount > 0 && this.bytesSinceIndexEntry >= indexIntervalBytes) {
      this.offsetIndex.add(relativeOffset, position)
      if (this.maxTimestamp > this.timeIndex.lastTimestamp)
        this.timeIndex.add(this.maxTimestamp, relativeOffset, position)
      this.bytesSinceIndexEntry = 0
    }
    this.bytesSinceIndexEntry += frameBytes
    if (this.batchCount === 0) this.firstAppendTimeMs = header.appendTimeMs
    this.batchCount++
    this.sizeBytes += header.sizeBytes
    if (header.maxTimestamp > this.maxTimestamp) this.maxTimestamp = header.maxTimestamp
    this.endOffset = header.baseOffset + header.lastOffsetDelta + 1
    this.lastBatchPosition = position
    this.lastFrameChecksum = checksum
    this.fileBytes = position + frameBytes
  }

  /** Moves past a corrupt frame of a closed segment that a scan stepped over. */
  skipTo(position: number): void {
    assert(position > this.fileBytes, 'a skipped frame has bytes')
    this.fileBytes = position
  }

  /** Forgets everything observed (before a rebuild scan). */
  reset(): void {
    this.offsetIndex = new OffsetIndex()
    this.timeIndex = new TimeIndex()
    this.fileBytes = 0
    this.endOffset = this.baseOffset
    this.sizeBytes = 0
    this.batchCount = 0
    this.firstAppendTimeMs = Number.NaN
    this.maxTimestamp = Number.NEGATIVE_INFINITY
    this.lastBatchPosition = -1
    this.lastFrameChecksum = 0
    this.bytesSinceIndexEntry = 0
    this.corruptTailPosition = -1
  }

  /** The engine's view; `nextOffset` is the next segment's base for closed segments. */
  info(nextOffset: number): SegmentInfo {
    return {
      baseOffset: this.baseOffset,
      nextOffset,
      sizeBytes: this.sizeBytes,
      batchCount: this.batchCount,
      firstAppendTimeMs: this.firstAppendTimeMs,
      maxTimestamp: this.maxTimestamp,
    }
  }
}
