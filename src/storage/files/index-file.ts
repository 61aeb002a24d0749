/**
 * Index files (`<base offset>.index`): one frame (frame.ts) holding a segment's summary and its
 * sparse offset and time indexes, so that opening a partition reads a few small files instead of
 * scanning its log. An index file is a hint: it is written without fsync and trusted only when it
 * matches its log (same size, and the frame where it says the last batch starts has the CRC it
 * recorded). Anything else, including a missing or damaged index file, means the segment is
 * scanned and its index rebuilt.
 *
 * Payload (frame version 1), little-endian:
 * ```
 * 0   f64 baseOffset          48  f64 maxTimestamp
 * 8   f64 fileBytes           56  f64 lastBatchPosition (-1: empty)
 * 16  f64 endOffset           64  u32 lastFrameChecksum
 * 24  f64 sizeBytes           68  u32 bytesSinceIndexEntry
 * 32  f64 batchCount          72  u32 offsetEntryCount
 * 40  f64 firstAppendTimeMs   76  u32 timeEntryCount
 * 80  offset entries (offset-index.ts), then time entries (time-index.ts)
 * ```
 */
import { describeFrameStatus, singleFramePayload } from './frame.js'
import { OFFSET_INDEX_ENTRY_BYTES, OffsetIndex } from './offset-index.js'
import type { Segment } from './segment.js'
import { TIME_INDEX_ENTRY_BYTES, TimeIndex } from './time-index.js'

const SUMMARY_BYTES = 80

/** The index file payload of a segment as it stands (atomic-file.ts frames it). */
export function encodeIndexPayload(segment: Segment): Buffer {
  const offsetBytes = segment.offsetIndex.entryCount * OFFSET_INDEX_ENTRY_BYTES
  const timeBytes = segment.timeIndex.entryCount * TIME_INDEX_ENTRY_BYTES
  const payload = Buffer.alloc(SUMMARY_BYTES + offsetBytes + timeBytes)
  payload.writeDoubleLE(segment.baseOffset, 0)
  payload.writeDoubleLE(segment.fileBytes, 8)
  payload.writeDoubleLE(segment.endOffset, 16)
  payload.writeDoubleLE(segment.sizeBytes, 24)
  payload.writeDoubleLE(segment.batchCount, 32)
  payload.writeDoubleLE(segment.firstAppendTimeMs, 40)
  payload.writeDoubleLE(segment.maxTimestamp, 48)
  payload.writeDoubleLE(segment.lastBatchPosition, 56)
  payload.writeUInt32LE(segment.lastFrameChecksum, 64)
  payload.writeUInt32LE(Math.min(segment.bytesSinceIndexEntry, 0xffff_ffff), 68)
  payload.writeUInt32LE(segment.offsetIndex.entryCount, 72)
  payload.writeUInt32LE(segment.timeIndex.entryCount, 76)
  segment.offsetIndex.writeTo(payload, SUMMARY_BYTES)
  segment.timeIndex.writeTo(payload, SUMMARY_BYTES + offsetBytes)
  return payload
}

/**
 * Loads an index file's contents into `segment` when it is intact and describes this segment;
 * returns why not otherwise (the segment is then left untouched).
 */
export function loadIndexFile(file: Buffer, segment: Segment): string | null {
  const payload = singleFramePayload(file)
  if (typeof payload === 'number') return describeFrameStatus(payload)
  if (payload.length < SUMMARY_BYTES) return 'summary too short'
  if (payload.readDoubleLE(0) !== segment.baseOffset) return 'it describes another segment'
  const fileBytes = payload.readDoubleLE(8)
  const offsetCount = payload.readUInt32LE(72)
  const timeCount = payload.readUInt32LE(76)
  const offsetBytes = offsetCount * OFFSET_INDEX_ENTRY_BYTES
  if (payload.length !== SUMMARY_BYTES + offsetBytes + timeCount * TIME_INDEX_ENTRY_BYTES)
    return 'entry counts do not match its size'
  const offsetIndex = OffsetIndex.readFrom(payload, SUMMARY_BYTES, offsetCount, fileBytes)
  const timeIndex = TimeIndex.readFrom(payload, SUMMARY_BYTES + offsetBytes, timeCount, fileBytes)
  if (offsetIndex === null || timeIndex === null) return 'entries are out of order'
  const lastBatchPosition = payload.readDoubleLE(56)
  const batchCount = payload.readDoubleLE(32)
  if (
    !Number.isSafeInteger(fileBytes) ||
    fileBytes < 0 ||
    lastBatchPosition >= fileBytes ||
    (batchCount === 0) !== (lastBatchPosition === -1)
  ) {
    return 'summary is inconsistent'
  }
  segment.offsetIndex = offsetIndex
  segment.timeIndex = timeIndex
  segment.fileBytes = fileBytes
  segment.endOffset = payload.readDoubleLE(16)
  segment.sizeBytes = payload.readDoubleLE(24)
  segment.batchCount = batchCount
  segment.firstAppendTimeMs = payload.readDoubleLE(40)
  segment.maxTimestamp = payload.readDoubleLE(48)
  segment.lastBatchPosition = lastBatchPosition
  segment.lastFrameChecksum = payload.readUInt32LE(64)
  segment.bytesSinceIndexEntry = payload.readUInt32LE(68)
  return null
}
