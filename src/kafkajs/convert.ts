/**
 * The one place where KafkaJS's conventions meet the engine's: Buffers and strings become stored
 * bytes (copied, because records are immutable), and numbers become KafkaJS's decimal-string
 * offsets and timestamps.
 */
import { Buffer } from 'node:buffer'
import { KafkaliteError } from '../common/errors.js'
import { NULL_BYTES, packedOf } from '../common/packed-records.js'
import { type Header, RECORD_OVERHEAD_BYTES, type RecordBatch, type StoredRecord } from '../common/record.js'
import { KafkaJSNonRetriableError } from './errors.js'
import type { IHeaders, KafkaMessage, Message } from './types.js'

/**
 * KafkaJS's rule for keys and values, before encoding: null and undefined are null, a Buffer is
 * its bytes, a string its UTF-8. KafkaJS sizes anything else with `Buffer.byteLength(value)` but
 * writes `String(value)`: numbers, booleans and objects fail that sizing with Node's TypeError
 * (thrown here by the same call, so the message is the same), and a typed array, DataView or
 * ArrayBuffer that is not a Buffer is written as its String() form, which the broker rejects as
 * INVALID_RECORD when the two lengths differ (and stores as that text when they happen to agree).
 * @throws TypeError for a value `Buffer.byteLength` refuses
 * @throws KafkaliteError INVALID_RECORD for binary data that is not a Buffer
 */
export function toStoredForm(value: unknown): Buffer | string | null {
  if (value === null || value === undefined) return null
  return toStoredHeaderForm(value)
}

/**
 * A header value's stored form, and a key's or value's once null is ruled out: KafkaJS sizes
 * every header value with `Buffer.byteLength` before any null check, so null and undefined fail
 * here with Node's TypeError.
 */
function toStoredHeaderForm(value: unknown): Buffer | string {
  if (Buffer.isBuffer(value)) return value
  if (typeof value === 'string') return value
  return textOfNonBuffer(value)
}

function textOfNonBuffer(value: unknown): string {
  const declared = Buffer.byteLength(value as ArrayBuffer)
  const text = String(value)
  if (Buffer.byteLength(text, 'utf8') !== declared) {
    throw new KafkaliteError(
      'INVALID_RECORD',
      `a ${Object.prototype.toString.call(value).slice(8, -1)} of ${declared} bytes is not a Buffer: KafkaJS writes it as the text "${text.slice(0, 40)}", whose length differs from the size it declares; pass Buffer.from(…) instead`,
    )
  }
  return text
}

/** KafkaJS's encoding of keys, values and header values ({@link toStoredForm}), as fresh bytes: a Buffer is copied. */
export function toStoredBytes(value: unknown): Buffer | null {
  const form = toStoredForm(value)
  return form === null ? null : freshBytes(form)
}

/** A stored form as bytes of its own: a string's UTF-8, a copy of a Buffer. */
function freshBytes(form: Buffer | string): Buffer {
  return typeof form === 'string' ? Buffer.from(form, 'utf8') : copyOf(form)
}

const NO_HEADERS: { readonly headers: null; readonly sizeBytes: 0 } = Object.freeze({
  headers: null,
  sizeBytes: 0,
})

/** Headers as a list of stored entries; arrays become repeated keys. */
export function toStoredHeaders(headers: IHeaders | undefined): {
  headers: Header[] | null
  sizeBytes: number
} {
  if (headers === undefined || headers === null) return NO_HEADERS
  const stored: Header[] = []
  let sizeBytes = 0
  for (const key of Object.keys(headers)) {
    const raw: unknown = headers[key]
    const values: readonly unknown[] = Array.isArray(raw) ? raw : [raw]
    for (const each of values) {
      const value = freshBytes(toStoredHeaderForm(each))
      stored.push({ key, value })
      sizeBytes += Buffer.byteLength(key, 'utf8') + value.length + 2
    }
  }
  return { headers: stored.length === 0 ? null : stored, sizeBytes }
}

/** A message's timestamp in ms; KafkaJS accepts strings and numbers and defaults to now. */
export function toTimestamp(timestamp: unknown, nowMs: number): number {
  if (timestamp === undefined || timestamp === null) return nowMs
  const parsed = Number(timestamp)
  return Number.isFinite(parsed) ? Math.trunc(parsed) : nowMs
}

/** Builds the stored record for one message at position `offsetDelta` of its partition batch. */
export function toStoredRecord(
  message: Message,
  offsetDelta: number,
  nowMs: number,
  key: Buffer | null = toStoredBytes(message.key),
): StoredRecord {
  const value = toStoredBytes(message.value)
  const headers = toStoredHeaders(message.headers)
  return {
    offsetDelta,
    timestamp: toTimestamp(message.timestamp, nowMs),
    key,
    value,
    headers: headers.headers,
    sizeBytes: RECORD_OVERHEAD_BYTES + (key?.length ?? 0) + (value?.length ?? 0) + headers.sizeBytes,
  }
}

/**
 * A consumer's own copy of stored bytes. KafkaJS decodes fresh Buffers from every fetch response,
 * so a handler may mutate what it receives; here the log's Buffers are shared, so they are copied
 * (small copies come from Node's Buffer pool).
 */
function copyBytes(value: unknown): unknown {
  return value instanceof Uint8Array ? copyOf(value) : value
}

/** Consumer-side headers: every value a Buffer, repeated keys become arrays of Buffers. */
export function toKafkaJSHeaders(headers: readonly Header[] | null): IHeaders {
  const result: Record<string, Buffer | Buffer[]> = {}
  if (headers === null) return result
  for (const header of headers) {
    const value = copyBytes(header.value) as Buffer
    const existing = result[header.key]
    if (existing === undefined) result[header.key] = value
    else if (Array.isArray(existing)) existing.push(value)
    else result[header.key] = [existing, value]
  }
  return result
}

/** The batch context KafkaJS attaches to each consumed message. */
export interface BatchContext {
  readonly firstOffset: string
  readonly firstTimestamp: string
  readonly partitionLeaderEpoch: number
  readonly inTransaction: boolean
  readonly isControlBatch: boolean
  readonly lastOffsetDelta: number
  readonly producerId: string
  readonly producerEpoch: number
  readonly firstSequence: number
  readonly maxTimestamp: string
  readonly timestampType: number
  readonly magicByte: number
}

/** Builds KafkaJS's batchContext for a stored batch. */
export function toBatchContext(batch: RecordBatch, logAppendTime: boolean): BatchContext {
  return {
    firstOffset: String(batch.baseOffset),
    firstTimestamp: String(batch.firstTimestamp),
    partitionLeaderEpoch: 0,
    inTransaction: batch.isTransactional,
    isControlBatch: batch.isControl,
    lastOffsetDelta: batch.lastOffsetDelta,
    producerId: String(batch.producerId),
    producerEpoch: batch.producerEpoch,
    firstSequence: batch.baseSequence,
    maxTimestamp: String(batch.maxTimestamp),
    timestampType: logAppendTime ? 1 : 0,
    magicByte: 2,
  }
}

/** The KafkaMessage KafkaJS hands to eachMessage / eachBatch, with the consumer's own key and value. */
function toKafkaMessage(
  offset: number,
  timestamp: string,
  key: Buffer | null,
  value: Buffer | null,
  headers: IHeaders,
  batchContext: BatchContext,
): KafkaMessage {
  return {
    magicByte: 2,
    attributes: 0,
    timestamp,
    offset: String(offset),
    key,
    value,
    headers,
    isControlRecord: false,
    batchContext,
  } as unknown as KafkaMessage
}

/**
 * Appends the KafkaMessages of a stored batch from `fromOffset` on. Each consumer gets bytes of
 * its own, as KafkaJS decodes fresh Buffers from every fetch response, so a handler may mutate
 * what it receives without touching the log or another consumer: a packed batch's slab
 * (common/packed-records.ts) is copied once and its keys and values are views of that copy;
 * other records' Buffers are copied one by one.
 */
export function appendKafkaMessages(
  batch: RecordBatch,
  fromOffset: number,
  logAppendTime: boolean,
  into: KafkaMessage[],
): void {
  const context = toBatchContext(batch, logAppendTime)
  const packed = packedOf(batch)
  if (packed === null) {
    for (const record of batch.records) {
      const offset = batch.baseOffset + record.offsetDelta
      if (offset < fromOffset) continue
      const key = copyBytes(record.key) as Buffer | null
      const value = copyBytes(record.value) as Buffer | null
      const headers = toKafkaJSHeaders(record.headers)
      into.push(toKafkaMessage(offset, String(record.timestamp), key, value, headers, context))
    }
    return
  }
  const first = Math.max(0, fromOffset - batch.baseOffset)
  if (first >= packed.count) return
  const bytes = copyOf(packed.slab)
  // Views made with Buffer.from(arrayBuffer, …) skip subarray's species lookup (~10 % cheaper each).
  const memory = bytes.buffer
  const base = bytes.byteOffset
  const { bounds, timestamps, headers } = packed
  let lastTimestamp = Number.NaN
  let timestampText = ''
  for (let index = first; index < packed.count; index++) {
    const at = index * 4
    const keyStart = bounds[at] as number
    const valueStart = bounds[at + 2] as number
    const timestamp = timestamps[index] as number
    // Records of a batch mostly share a timestamp: convert it once.
    if (timestamp !== lastTimestamp) {
      lastTimestamp = timestamp
      timestampText = String(timestamp)
    }
    into.push(
      toKafkaMessage(
        batch.baseOffset + index,
        timestampText,
        keyStart === NULL_BYTES
          ? null
          : Buffer.from(memory, base + keyStart, (bounds[at + 1] as number) - keyStart),
        valueStart === NULL_BYTES
          ? null
          : Buffer.from(memory, base + valueStart, (bounds[at + 3] as number) - valueStart),
        headers === null ? {} : toKafkaJSHeaders(headers[index] ?? null),
        context,
      ),
    )
  }
}

/**
 * Parses an offset given as string, number or bigint the way KafkaJS's Long.fromValue accepts it.
 * @throws KafkaJSNonRetriableError 'Invalid offset, expected a long received …'
 */
export function parseOffset(offset: unknown): number {
  let parsed: number
  if (typeof offset === 'number') parsed = offset
  else if (typeof offset === 'bigint') parsed = Number(offset)
  else if (typeof offset === 'string' && /^\s*-?\d+\s*$/.test(offset)) parsed = Number(offset)
  else if (
    typeof offset === 'object' &&
    offset !== null &&
    typeof (offset as { toString: () => string }).toString === 'function' &&
    /^-?\d+$/.test(String(offset))
  )
    parsed = Number(String(offset))
  else throw new KafkaJSNonRetriableError(`Invalid offset, expected a long received ${String(offset)}`)
  if (!Number.isSafeInteger(Math.trunc(parsed))) {
    throw new KafkaJSNonRetriableError(`Invalid offset, expected a long received ${String(offset)}`)
  }
  return Math.trunc(parsed)
}

/** A fresh copy of bytes: allocUnsafe + set is about a quarter cheaper than Buffer.from(buffer) on Node 20. */
function copyOf(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafe(bytes.length)
  copy.set(bytes)
  return copy
}
