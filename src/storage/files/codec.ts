/**
 * Encoding of batches (and of the store's own small records) into frame payloads. The engine never
 * looks inside keys, values or header values: for the KafkaJS face they are Buffers or null, for the
 * typed bus JSON-like objects. They go through the one msgpackr `Packr` below, which round-trips
 * both exactly (a Buffer comes back as a Buffer, `undefined` as `undefined`, a Date as a Date).
 *
 * ## Batch payload (frame version 1)
 *
 * A fixed 66-byte header, so that scans (recovery, index rebuilds, offset and timestamp lookups)
 * read batch metadata without decoding records, then the records as one msgpack array.
 *
 * ```
 * offset  size  field            (little-endian)
 * 0       8     baseOffset       f64 (offsets are safe integers)
 * 8       4     lastOffsetDelta  u32
 * 12      8     firstTimestamp   f64
 * 20      8     maxTimestamp     f64
 * 28      8     appendTimeMs     f64
 * 36      8     producerId       f64 (-1: none)
 * 44      4     producerEpoch    i32
 * 48      4     baseSequence     i32
 * 52      1     flags            bit 0: transactional, bit 1: control,
 *                                bit 2: records in the binary layout (binary-records.ts),
 *                                bit 3: records in the packed layout (below)
 * 53      1     controlType      i8 (-1: not a control batch)
 * 54      4     recordCount      u32
 * 58      8     sizeBytes        f64 (the engine's byte count of the batch)
 * 66      …     records          packed layout for packed batches without headers (what the
 *                                KafkaJS face produces, common/packed-records.ts); else the binary
 *                                layout when every key, value and header value is a Buffer or
 *                                null; otherwise msgpack:
 *                                [[offsetDelta, timestamp, key, value, headers, sizeBytes], …]
 *                                with headers null or a flat [key, value, key, value, …] array
 * ```
 *
 * Packed layout, for n records (record i has offset delta i), little-endian:
 * `f64 timestamps[n], f64 sizes[n], i32 bounds[4n], u32 slab length, slab bytes` — the columns
 * in the order `packedColumnsIn` lays them out in memory, so encoding is a few copies and
 * decoding two copies and a bounds check.
 */

import { Packr, RESERVE_START_SPACE, RESET_BUFFER_MODE } from 'msgpackr'
import { assert } from '../../common/assert.js'
import { KafkaliteError } from '../../common/errors.js'
import { MSGPACK_OPTIONS } from '../../common/msgpack-options.js'
import {
  NULL_BYTES,
  PACKED_COLUMN_BYTES,
  PackedBatch,
  PackedRecords,
  packedColumnsIn,
  packedOf,
} from '../../common/packed-records.js'
import {
  type ControlType,
  type Header,
  type RecordBatch,
  recordBatch,
  type StoredRecord,
} from '../../common/record.js'
import { binaryRecordsBytes, readBinaryRecords, writeBinaryRecords } from './binary-records.js'
import { allocateFrame, FRAME_HEADER_BYTES, sealFrame } from './frame.js'

/** Bytes of the fixed batch header at the start of a batch payload. */
export const BATCH_HEADER_BYTES = 66

const FLAG_TRANSACTIONAL = 1
const FLAG_CONTROL = 2
const FLAG_BINARY_RECORDS = 4
const FLAG_PACKED_RECORDS = 8
/** Typed arrays use the platform's byte order; the packed layout is written only where that is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * The file store's Packr: kafkalite's options (common/msgpack-options.ts), decoding Buffers as
 * views of the frame, which is freshly read for each decode.
 */
const packr = new Packr({ ...MSGPACK_OPTIONS, copyBuffers: false })

/** The fixed fields of a batch, read without decoding its records. Reused by scanners: one per scan. */
export interface BatchHeader {
  baseOffset: number
  lastOffsetDelta: number
  maxTimestamp: number
  appendTimeMs: number
  sizeBytes: number
}

/** A fresh header holder for {@link readBatchHeader}. */
export function newBatchHeader(): BatchHeader {
  return { baseOffset: 0, lastOffsetDelta: 0, maxTimestamp: 0, appendTimeMs: 0, sizeBytes: 0 }
}

/**
 * Encodes a batch as a complete, sealed frame. The frame of a msgpack-encoded or packed batch
 * lives in a reusable buffer (no copy): it is valid until the next call, so write it at once.
 * @throws KafkaliteError STORAGE_ERROR when a key, value or header value cannot be encoded
 */
export function encodeBatchFrame(batch: RecordBatch): Buffer {
  const packed = packedOf(batch)
  if (packed !== null && packed.headers === null && LITTLE_ENDIAN) return encodePackedFrame(batch, packed)
  const records = batch.records
  for (let index = 0; index < records.length; index++) {
    const offsetDelta = (records[index] as StoredRecord).offsetDelta
    assert(offsetDelta >= 0 && offsetDelta <= batch.lastOffsetDelta, 'records lie within their batch')
  }
  const binaryBytes = binaryRecordsBytes(records)
  let frame: Buffer
  if (binaryBytes >= 0) {
    frame = allocateFrame(BATCH_HEADER_BYTES + binaryBytes)
    writeBinaryRecords(frame, FRAME_HEADER_BYTES + BATCH_HEADER_BYTES, records)
  } else {
    frame = packRecordsAfterHeaders(batch)
  }
  writeBatchHeader(frame, batch, binaryBytes >= 0 ? FLAG_BINARY_RECORDS : 0, records.length)
  sealFrame(frame)
  return frame
}

/** The bytes of a typed array's elements. */
function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
}

/** Where packed frames are built: reused, as the Packr's buffer is for msgpack frames. */
let packedFrames = Buffer.allocUnsafeSlow(1 << 16)
/** A frame larger than this gets a buffer of its own, so one big batch does not stay pinned. */
const PACKED_FRAMES_KEPT_BYTES = 1 << 20

function encodePackedFrame(batch: RecordBatch, packed: PackedRecords): Buffer {
  const count = packed.count
  const slab = packed.slab
  const frameBytes = FRAME_HEADER_BYTES + BATCH_HEADER_BYTES + count * PACKED_COLUMN_BYTES + 4 + slab.length
  let frame: Buffer
  if (frameBytes > PACKED_FRAMES_KEPT_BYTES) frame = Buffer.allocUnsafeSlow(frameBytes)
  else {
    if (packedFrames.length < frameBytes) packedFrames = Buffer.allocUnsafeSlow(PACKED_FRAMES_KEPT_BYTES)
    frame = packedFrames.subarray(0, frameBytes)
  }
  let position = FRAME_HEADER_BYTES + BATCH_HEADER_BYTES
  frame.set(bytesOf(packed.timestamps.subarray(0, count)), position)
  position += count * 8
  frame.set(bytesOf(packed.sizes.subarray(0, count)), position)
  position += count * 8
  frame.set(bytesOf(packed.bounds.subarray(0, count * 4)), position)
  position += count * 16
  frame.writeUInt32LE(slab.length, position)
  frame.set(slab, position + 4)
  writeBatchHeader(frame, batch, FLAG_PACKED_RECORDS, count)
  sealFrame(frame)
  return frame
}

/** msgpack of the records, preceded by room for the frame and batch headers, in the Packr's buffer. */
function packRecordsAfterHeaders(batch: RecordBatch): Buffer {
  const records = batch.records
  const rows: unknown[] = new Array(records.length)
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as StoredRecord
    rows[index] = [
      record.offsetDelta,
      record.timestamp,
      record.key,
      record.value,
      flattenHeaders(record.headers),
      record.sizeBytes,
    ]
  }
  try {
    const packed = packr.pack(
      rows,
      RESERVE_START_SPACE | RESET_BUFFER_MODE | (FRAME_HEADER_BYTES + BATCH_HEADER_BYTES),
    )
    return Buffer.from(packed.buffer, packed.byteOffset, packed.length)
  } catch (error) {
    throw new KafkaliteError(
      'STORAGE_ERROR',
      `a record of the batch at offset ${batch.baseOffset} cannot be encoded`,
      {
        offset: batch.baseOffset,
        cause: error,
        retriable: false,
      },
    )
  }
}

function writeBatchHeader(frame: Buffer, batch: RecordBatch, layoutFlag: number, recordCount: number): void {
  const start = FRAME_HEADER_BYTES
  frame.writeDoubleLE(batch.baseOffset, start)
  frame.writeUInt32LE(batch.lastOffsetDelta, start + 8)
  frame.writeDoubleLE(batch.firstTimestamp, start + 12)
  frame.writeDoubleLE(batch.maxTimestamp, start + 20)
  frame.writeDoubleLE(batch.appendTimeMs, start + 28)
  frame.writeDoubleLE(batch.producerId, start + 36)
  frame.writeInt32LE(batch.producerEpoch, start + 44)
  frame.writeInt32LE(batch.baseSequence, start + 48)
  const flags =
    (batch.isTransactional ? FLAG_TRANSACTIONAL : 0) | (batch.isControl ? FLAG_CONTROL : 0) | layoutFlag
  frame.writeUInt8(flags, start + 52)
  frame.writeInt8(batch.controlType ?? -1, start + 53)
  frame.writeUInt32LE(recordCount, start + 54)
  frame.writeDoubleLE(batch.sizeBytes, start + 58)
}

/** Reads the fixed fields of the batch whose frame starts at `frameStart` into `into`. */
export function readBatchHeader(buffer: Buffer, frameStart: number, into: BatchHeader): BatchHeader {
  const start = frameStart + FRAME_HEADER_BYTES
  into.baseOffset = buffer.readDoubleLE(start)
  into.lastOffsetDelta = buffer.readUInt32LE(start + 8)
  into.maxTimestamp = buffer.readDoubleLE(start + 20)
  into.appendTimeMs = buffer.readDoubleLE(start + 28)
  into.sizeBytes = buffer.readDoubleLE(start + 58)
  return into
}

/**
 * Decodes the (already CRC-checked) batch frame at `frameStart`. The records are decoded from a
 * copy of their bytes, so Buffers in keys and values never pin a larger read block.
 * @throws KafkaliteError CORRUPT_MESSAGE when the payload is not a batch kafkalite wrote
 */
export function decodeBatchFrame(buffer: Buffer, frameStart: number, frameBytes: number): RecordBatch {
  const start = frameStart + FRAME_HEADER_BYTES
  const baseOffset = buffer.readDoubleLE(start)
  const flags = buffer.readUInt8(start + 52)
  const controlType = buffer.readInt8(start + 53)
  const recordCount = buffer.readUInt32LE(start + 54)
  const metadata = {
    baseOffset,
    lastOffsetDelta: buffer.readUInt32LE(start + 8),
    firstTimestamp: buffer.readDoubleLE(start + 12),
    maxTimestamp: buffer.readDoubleLE(start + 20),
    appendTimeMs: buffer.readDoubleLE(start + 28),
    producerId: buffer.readDoubleLE(start + 36),
    producerEpoch: buffer.readInt32LE(start + 44),
    baseSequence: buffer.readInt32LE(start + 48),
    isTransactional: (flags & FLAG_TRANSACTIONAL) !== 0,
    isControl: (flags & FLAG_CONTROL) !== 0,
    controlType: controlType === -1 ? null : (controlType as ControlType),
    sizeBytes: buffer.readDoubleLE(start + 58),
  }
  if ((flags & FLAG_PACKED_RECORDS) !== 0) {
    // Record i of a packed batch has offset delta i: the count and the last delta must agree.
    if (recordCount !== metadata.lastOffsetDelta + 1)
      throw corruptBatch(baseOffset, 'its packed record count disagrees with its last offset')
    const payload = buffer.subarray(start + BATCH_HEADER_BYTES, frameStart + frameBytes)
    return new PackedBatch(metadata, readPacked(payload, recordCount, baseOffset))
  }
  const recordBytes = Buffer.from(buffer.subarray(start + BATCH_HEADER_BYTES, frameStart + frameBytes))
  const records =
    (flags & FLAG_BINARY_RECORDS) !== 0
      ? readBinary(recordBytes, recordCount, baseOffset)
      : unpackRecords(recordBytes, recordCount, baseOffset)
  return recordBatch(metadata, records)
}

/** Packed records from a payload: one aligned copy, views for the columns, every bound checked. */
function readPacked(payload: Buffer, count: number, baseOffset: number): PackedRecords {
  if (!LITTLE_ENDIAN) throw corruptBatch(baseOffset, 'its packed records need a little-endian machine')
  const columnBytes = count * PACKED_COLUMN_BYTES
  if (count === 0 || payload.length < columnBytes + 4)
    throw corruptBatch(baseOffset, 'its packed records are truncated')
  const slabLength = payload.readUInt32LE(columnBytes)
  if (payload.length !== columnBytes + 4 + slabLength)
    throw corruptBatch(baseOffset, 'its packed records have the wrong length')
  const memory = Buffer.allocUnsafe(columnBytes + slabLength)
  memory.set(payload.subarray(0, columnBytes), 0)
  memory.set(payload.subarray(columnBytes + 4), columnBytes)
  const { timestamps, sizes, bounds, slab } = packedColumnsIn(memory, count)
  for (let index = 0; index < count * 4; index += 2) {
    const from = bounds[index] as number
    const to = bounds[index + 1] as number
    const valid = from === NULL_BYTES ? to === NULL_BYTES : from >= 0 && from <= to && to <= slabLength
    if (!valid) throw corruptBatch(baseOffset, 'a packed record lies outside its bytes')
  }
  for (let index = 0; index < count; index++) {
    if (!Number.isFinite(timestamps[index]) || !Number.isFinite(sizes[index]))
      throw corruptBatch(baseOffset, 'a packed record field is not a number')
  }
  return new PackedRecords({ slab, bounds, timestamps, sizes, headers: null })
}

function readBinary(recordBytes: Buffer, recordCount: number, baseOffset: number): StoredRecord[] {
  try {
    return readBinaryRecords(recordBytes, recordCount)
  } catch (error) {
    throw corruptBatch(baseOffset, (error as Error).message, error)
  }
}

function unpackRecords(recordBytes: Buffer, recordCount: number, baseOffset: number): StoredRecord[] {
  let rows: unknown
  try {
    rows = packr.unpack(recordBytes)
  } catch (error) {
    throw corruptBatch(baseOffset, 'its records do not decode', error)
  }
  if (!Array.isArray(rows) || rows.length !== recordCount)
    throw corruptBatch(baseOffset, 'its record count is wrong')
  const records: StoredRecord[] = new Array(recordCount)
  for (let index = 0; index < recordCount; index++) records[index] = decodeRecord(rows[index], baseOffset)
  return records
}

function decodeRecord(row: unknown, baseOffset: number): StoredRecord {
  if (!Array.isArray(row) || row.length !== 6) throw corruptBatch(baseOffset, 'a record is malformed')
  const [offsetDelta, timestamp, key, value, flatHeaders, sizeBytes] = row as [
    unknown,
    unknown,
    unknown,
    unknown,
    unknown,
    unknown,
  ]
  if (typeof offsetDelta !== 'number' || typeof timestamp !== 'number' || typeof sizeBytes !== 'number') {
    throw corruptBatch(baseOffset, 'a record field has the wrong type')
  }
  return { offsetDelta, timestamp, key, value, headers: unflattenHeaders(flatHeaders, baseOffset), sizeBytes }
}

function flattenHeaders(headers: readonly Header[] | null): unknown[] | null {
  if (headers === null) return null
  const flat: unknown[] = new Array(headers.length * 2)
  for (let index = 0; index < headers.length; index++) {
    const header = headers[index] as Header
    flat[index * 2] = header.key
    flat[index * 2 + 1] = header.value
  }
  return flat
}

function unflattenHeaders(flat: unknown, baseOffset: number): Header[] | null {
  if (flat === null) return null
  if (!Array.isArray(flat) || flat.length % 2 !== 0)
    throw corruptBatch(baseOffset, 'record headers are malformed')
  const headers: Header[] = new Array(flat.length / 2)
  for (let index = 0; index < headers.length; index++) {
    const key: unknown = flat[index * 2]
    if (typeof key !== 'string') throw corruptBatch(baseOffset, 'a header key is not a string')
    headers[index] = { key, value: flat[index * 2 + 1] }
  }
  return headers
}

function corruptBatch(baseOffset: number, why: string, cause?: unknown): KafkaliteError {
  return new KafkaliteError(
    'CORRUPT_MESSAGE',
    `the batch at offset ${baseOffset} passed its CRC but ${why}`,
    {
      offset: baseOffset,
      cause,
    },
  )
}

/** Encodes one of the store's own small values (metadata, checkpoints) with the same Packr. */
export function encodeValue(value: unknown): Buffer {
  return Buffer.from(packr.pack(value))
}

/** Decodes what {@link encodeValue} encoded; throws whatever msgpackr throws on bad bytes. */
export function decodeValue(bytes: Buffer): unknown {
  return packr.unpack(bytes)
}
