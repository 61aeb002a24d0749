/**
 * Reading a partition's batches: from the cache while consecutive batches are there (a consumer
 * that follows its producers never touches the disk), else from the sparse index's position
 * onwards, one block read at a time, every frame CRC-checked. A frame that fails its check is never
 * decoded: batches before it are returned, and a read that starts at it gets CORRUPT_MESSAGE.
 */

import { KafkaliteError } from '../../common/errors.js'
import { offsetForTimestampIn } from '../../common/packed-records.js'
import { batchNextOffset, type RecordBatch } from '../../common/record.js'
import { lastIndexWhere } from '../../common/search.js'
import { decodeBatchFrame } from './codec.js'
import type { StorageContext } from './context.js'
import { describeFrameStatus, FrameStatus } from './frame.js'
import { FILE_STORAGE_LIMITS } from './limits.js'
import type { Segment } from './segment.js'
import { FrameScanner, SCAN_END } from './segment-file.js'

/** Which partition a read is for (error messages and context). */
export interface PartitionName {
  readonly topic: string
  readonly partition: number
}

/** The accumulating result of one read call. */
interface ReadState {
  readonly result: RecordBatch[]
  readonly maxBytes: number
  bytes: number
  /** Set when the byte budget is spent or a damaged frame ends the read. */
  done: boolean
}

/** Index of the last segment whose base offset is ≤ offset, or 0. */
export function floorSegment(segments: readonly Segment[], offset: number): number {
  return Math.max(
    0,
    lastIndexWhere(segments.length, (index) => (segments[index] as Segment).baseOffset <= offset),
  )
}

/**
 * Batches from the one holding `fromOffset` on, at most `maxBytes` of them (by the engine's byte
 * count) but at least one when any batch ends past `fromOffset`.
 * @throws KafkaliteError CORRUPT_MESSAGE when the first batch to return fails its CRC
 */
export function readBatches(
  context: StorageContext,
  name: PartitionName,
  segments: readonly Segment[],
  fromOffset: number,
  maxBytes: number,
): RecordBatch[] {
  const state: ReadState = { result: [], maxBytes, bytes: 0, done: false }
  let offset = fromOffset
  for (let index = floorSegment(segments, fromOffset); index < segments.length && !state.done; index++) {
    const segment = segments[index] as Segment
    if (segment.baseOffset > offset) offset = segment.baseOffset
    if (segment.endOffset > offset) readSegment(context, name, segment, offset, state)
    if (!state.done && segment.corruptTailPosition !== -1) {
      // Never read past an unreadable stretch as if it were a gap: stop before it, or report it.
      if (state.result.length === 0) throw unreadableTail(name, segment, Math.max(offset, segment.endOffset))
      state.done = true
    }
  }
  return state.result
}

function accept(state: ReadState, batch: RecordBatch): boolean {
  if (state.result.length > 0 && state.bytes + batch.sizeBytes > state.maxBytes) {
    state.done = true
    return false
  }
  state.result.push(batch)
  state.bytes += batch.sizeBytes
  return true
}

function readSegment(
  context: StorageContext,
  name: PartitionName,
  segment: Segment,
  fromOffset: number,
  state: ReadState,
): void {
  const cache = context.cache
  let target = fromOffset
  let position = -1
  for (
    let entry = cache.get(segment.cached, target);
    entry !== undefined;
    entry = cache.get(segment.cached, target)
  ) {
    if (!accept(state, entry.batch)) return
    target = batchNextOffset(entry.batch)
    position = entry.position + entry.frameBytes
  }
  if (position === -1) position = segment.offsetIndex.floorPosition(target - segment.baseOffset)
  if (position < segment.fileBytes) scanSegment(context, name, segment, position, target, state)
}

function scanSegment(
  context: StorageContext,
  name: PartitionName,
  segment: Segment,
  start: number,
  target: number,
  state: ReadState,
): void {
  const remainingBytes = state.maxBytes - state.bytes
  const scanner = new FrameScanner(segment.file, context.scratch, {
    start,
    end: segment.fileBytes,
    blockBytes: Number.isFinite(remainingBytes)
      ? remainingBytes + FILE_STORAGE_LIMITS.readBlockBytesMin
      : FILE_STORAGE_LIMITS.readBlockBytesMax,
  })
  /** Position of a damaged frame stepped over while looking for `target`, or -1. */
  let steppedOver = -1
  let steppedStatus = 0
  try {
    for (;;) {
      const status = scanner.next()
      if (status === SCAN_END) break
      if (status < 0) {
        if (state.result.length > 0) {
          state.done = true
          return
        }
        if (steppedOver !== -1 || !canStepOver(status))
          throw corruptFrame(name, segment, target, scanner.nextPosition, status)
        steppedOver = scanner.nextPosition
        steppedStatus = status
        scanner.skipTo(scanner.nextPosition + scanner.announcedBytes)
        continue
      }
      const header = scanner.header
      if (steppedOver !== -1) {
        // The damaged frame may have held `target`: only go on if this intact one starts at or before it.
        if (header.baseOffset > target) throw corruptFrame(name, segment, target, steppedOver, steppedStatus)
        steppedOver = -1
      }
      if (header.baseOffset + header.lastOffsetDelta + 1 <= target) continue
      if (state.result.length > 0 && state.bytes + header.sizeBytes > state.maxBytes) {
        state.done = true
        return
      }
      accept(state, cachedOrDecoded(context, name, segment, scanner))
    }
    if (steppedOver !== -1) throw corruptFrame(name, segment, target, steppedOver, steppedStatus)
  } finally {
    scanner.close()
  }
}

function canStepOver(status: number): boolean {
  return status !== FrameStatus.Incomplete && status !== FrameStatus.BadLength
}

/**
 * The batch of the frame the scanner is on: from the cache, or decoded. Decoded batches are not
 * cached: a reader catching up through old segments would only push the tail out of the cache and
 * keep garbage alive long enough to reach V8's old space (measured: twice the RSS, half the speed).
 */
export function cachedOrDecoded(
  context: StorageContext,
  name: PartitionName,
  segment: Segment,
  scanner: FrameScanner,
): RecordBatch {
  const cached = context.cache.get(segment.cached, scanner.header.baseOffset)
  if (cached !== undefined) return cached.batch
  let batch: RecordBatch
  try {
    batch = decodeBatchFrame(scanner.block, scanner.frameStart, scanner.frameBytes)
  } catch (error) {
    throw new KafkaliteError(
      'CORRUPT_MESSAGE',
      `${name.topic}-${name.partition}: ${(error as Error).message}`,
      {
        topic: name.topic,
        partition: name.partition,
        offset: scanner.header.baseOffset,
        cause: error,
      },
    )
  }
  return batch
}

function corruptFrame(
  name: PartitionName,
  segment: Segment,
  offset: number,
  position: number,
  status: number,
): KafkaliteError {
  return new KafkaliteError(
    'CORRUPT_MESSAGE',
    `${name.topic}-${name.partition}: the batch holding offset ${offset} cannot be read: ${describeFrameStatus(status)} at position ${position} of ${segment.file.path}`,
    { topic: name.topic, partition: name.partition, offset },
  )
}

function unreadableTail(name: PartitionName, segment: Segment, offset: number): KafkaliteError {
  return new KafkaliteError(
    'CORRUPT_MESSAGE',
    `${name.topic}-${name.partition}: offset ${offset} lies in the damaged end of ${segment.file.path} (unreadable from position ${segment.corruptTailPosition})`,
    { topic: name.topic, partition: name.partition, offset },
  )
}

/**
 * First offset ≥ fromOffset whose record timestamp is ≥ timestampMs, or null.
 * @throws KafkaliteError CORRUPT_MESSAGE when a batch that may hold it fails its CRC
 */
export function findOffsetForTimestamp(
  context: StorageContext,
  name: PartitionName,
  segments: readonly Segment[],
  timestampMs: number,
  fromOffset: number,
): number | null {
  for (let index = floorSegment(segments, fromOffset); index < segments.length; index++) {
    const segment = segments[index] as Segment
    if (segment.maxTimestamp < timestampMs || segment.endOffset <= fromOffset) continue
    const start = Math.max(
      segment.offsetIndex.floorPosition(fromOffset - segment.baseOffset),
      segment.timeIndex.startPosition(timestampMs),
    )
    const found = findInSegment(context, name, segment, start, timestampMs, fromOffset)
    if (found !== null) return found
  }
  return null
}

function findInSegment(
  context: StorageContext,
  name: PartitionName,
  segment: Segment,
  start: number,
  timestampMs: number,
  fromOffset: number,
): number | null {
  const scanner = new FrameScanner(segment.file, context.scratch, {
    start,
    end: segment.fileBytes,
    blockBytes: 0,
  })
  try {
    for (let status = scanner.next(); status !== SCAN_END; status = scanner.next()) {
      if (status < 0) throw corruptFrame(name, segment, fromOffset, scanner.nextPosition, status)
      const header = scanner.header
      if (header.maxTimestamp < timestampMs || header.baseOffset + header.lastOffsetDelta + 1 <= fromOffset)
        continue
      const batch = cachedOrDecoded(context, name, segment, scanner)
      const offset = offsetForTimestampIn(batch, fromOffset, timestampMs)
      if (offset !== null) return offset
    }
  } finally {
    scanner.close()
  }
  return null
}
