/**
 * Packs the messages one send addresses to one topic into per-partition {@link PackedRecords}:
 * the key and value bytes of each partition's records are copied into one Buffer (the copy that
 * makes a record immutable) and the rest goes into typed arrays, so the log retains a handful of
 * objects per batch instead of three per record (see common/packed-records.ts for why).
 *
 * Encoding is KafkaJS's ({@link toStoredForm}): null and undefined stay null, a Buffer's bytes are
 * copied, a string is UTF-8, anything else is refused as KafkaJS refuses it. Header values are
 * copied into Buffers of their own (headers are rare).
 */
import { Buffer } from 'node:buffer'
import { NULL_BYTES, PACKED_COLUMN_BYTES, PackedRecords, packedColumnsIn } from '../common/packed-records.js'
import { type Header, RECORD_OVERHEAD_BYTES } from '../common/record.js'
import { toStoredForm, toStoredHeaders, toTimestamp } from './convert.js'
import type { Message } from './types.js'

/**
 * Chooses a message's partition. `key` holds the message's encoded key in `[keyStart, keyEnd)`
 * (only until the next call), or is null for a null key.
 */
export type ChoosePartition = (
  message: Message,
  key: Uint8Array | null,
  keyStart: number,
  keyEnd: number,
) => number

/** Strings up to this length are measured and written by a JS loop when they are ASCII. */
const SHORT_TEXT = 32

/** Encoded keys live here while they are hashed; it grows to the longest key seen. */
let scratch = Buffer.allocUnsafeSlow(256)

/** UTF-8 byte length of `text`, as `Buffer.from(text)` would encode it. */
function utf8Length(text: string): number {
  const length = text.length
  if (length > SHORT_TEXT) return Buffer.byteLength(text, 'utf8')
  for (let index = 0; index < length; index++) {
    if (text.charCodeAt(index) >= 0x80) return Buffer.byteLength(text, 'utf8')
  }
  return length
}

/** Writes `text` as UTF-8 at `position` (room for {@link utf8Length} bytes is there); returns the bytes written. */
function writeText(target: Buffer, position: number, text: string): number {
  const length = text.length
  if (length > SHORT_TEXT) return target.write(text, position, 'utf8')
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index)
    if (code >= 0x80) return target.write(text, position, 'utf8')
    target[position + index] = code
  }
  return length
}

/** Bytes of a key or value in its stored form, or {@link NULL_BYTES}. */
function encodedLength(value: Buffer | string | null): number {
  if (value === null) return NULL_BYTES
  return typeof value === 'string' ? utf8Length(value) : value.length
}

/** Writes a key or value in its stored form, not null, at `position`; returns the position after it. */
function writeEncoded(target: Buffer, position: number, value: Buffer | string): number {
  if (typeof value === 'string') return position + writeText(target, position, value)
  target.set(value, position)
  return position + value.length
}

/** The partitions and sizes of pass one, per partition. */
interface PartitionPlan {
  readonly partition: number
  bytes: number
  readonly indexes: number[]
}

/** Partitions below this are planned in an array indexed by partition (a Map lookup per message costs more). */
const DENSE_PARTITIONS = 4096

/**
 * Packs `messages` (one topic's part of a send) into one packed batch per partition, records in
 * message order. Partitions come from `choose` and are not checked here.
 */
export function packMessages(
  messages: readonly Message[],
  choose: ChoosePartition,
  nowMs: number,
): Map<number, PackedRecords> {
  const count = messages.length
  // Converted to their stored form once: String() of an object runs user code, which must not run twice.
  const keys: (Buffer | string | null)[] = new Array(count)
  const values: (Buffer | string | null)[] = new Array(count)
  const keyLengths: number[] = new Array(count)
  const valueLengths: number[] = new Array(count)
  // Plans by partition: partitions below DENSE_PARTITIONS in an array, any other value `choose`
  // returned in a Map (this function does not check partitions; the producer does, before).
  const densePlans: (PartitionPlan | undefined)[] = []
  let otherPlans: Map<number, PartitionPlan> | null = null
  for (let index = 0; index < count; index++) {
    const message = messages[index] as Message
    const key = toStoredForm(message.key)
    let keyLength: number
    let partition: number
    if (key === null) {
      keyLength = NULL_BYTES
      partition = choose(message, null, 0, 0)
    } else if (typeof key !== 'string') {
      keyLength = key.length
      partition = choose(message, key, 0, keyLength)
    } else {
      // Encoded once here for hashing; its length comes with it (UTF-8 is at most 3 bytes a unit).
      if (scratch.length < key.length * 3) scratch = Buffer.allocUnsafeSlow(key.length * 6)
      keyLength = writeText(scratch, 0, key)
      partition = choose(message, scratch, 0, keyLength)
    }
    const value = toStoredForm(message.value)
    const valueLength = encodedLength(value)
    keys[index] = key
    values[index] = value
    keyLengths[index] = keyLength
    valueLengths[index] = valueLength
    const dense = partition >>> 0 === partition && partition < DENSE_PARTITIONS
    let plan = dense ? densePlans[partition] : otherPlans?.get(partition)
    if (plan === undefined) {
      plan = { partition, bytes: 0, indexes: [] }
      if (dense) densePlans[partition] = plan
      else (otherPlans ??= new Map()).set(partition, plan)
    }
    plan.bytes += Math.max(keyLength, 0) + Math.max(valueLength, 0)
    plan.indexes.push(index)
  }
  const byPartition = new Map<number, PackedRecords>()
  const plans = densePlans.filter((plan) => plan !== undefined)
  if (otherPlans !== null) plans.push(...otherPlans.values())
  for (const plan of plans) {
    const partition = plan.partition
    const indexes = plan.indexes
    const length = indexes.length
    // One allocation per partition batch: the columns, then the bytes.
    const memory = Buffer.allocUnsafe(length * PACKED_COLUMN_BYTES + plan.bytes)
    const { timestamps, sizes, bounds, slab } = packedColumnsIn(memory, length)
    let headers: (readonly Header[] | null)[] | null = null
    let position = 0
    for (let delta = 0; delta < length; delta++) {
      const index = indexes[delta] as number
      const message = messages[index] as Message
      const key = keys[index] as Buffer | string | null
      const value = values[index] as Buffer | string | null
      const at = delta * 4
      if (key === null) {
        bounds[at] = NULL_BYTES
        bounds[at + 1] = NULL_BYTES
      } else {
        bounds[at] = position
        position = writeEncoded(slab, position, key)
        bounds[at + 1] = position
      }
      if (value === null) {
        bounds[at + 2] = NULL_BYTES
        bounds[at + 3] = NULL_BYTES
      } else {
        bounds[at + 2] = position
        position = writeEncoded(slab, position, value)
        bounds[at + 3] = position
      }
      timestamps[delta] = toTimestamp(message.timestamp, nowMs)
      let headerBytes = 0
      if (message.headers !== undefined && message.headers !== null) {
        const stored = toStoredHeaders(message.headers)
        if (stored.headers !== null) {
          headers ??= new Array<readonly Header[] | null>(length).fill(null)
          headers[delta] = stored.headers
        }
        headerBytes = stored.sizeBytes
      }
      sizes[delta] =
        RECORD_OVERHEAD_BYTES +
        Math.max(keyLengths[index] as number, 0) +
        Math.max(valueLengths[index] as number, 0) +
        headerBytes
    }
    byPartition.set(partition, new PackedRecords({ slab, bounds, timestamps, sizes, headers }))
  }
  return byPartition
}
