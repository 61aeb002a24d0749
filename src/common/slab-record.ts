/**
 * A stored record whose key and value bytes live in a slab shared by the records of one produced
 * batch. Retaining a record as a plain object with two Buffers costs three heap objects; the
 * garbage collector copies every one of them out of the young generation, which made retention
 * the largest cost of the KafkaJS face (bench/README.md). A slab record is one object with
 * integer fields, and the bytes of a whole batch sit in one allocation outside the heap.
 *
 * `key` and `value` read as views of the slab (fresh view objects, the same bytes); code that
 * knows the layout (a consumer copying a batch's bytes once) reads `slab` and the bounds instead.
 * A slab is never written after its batch is built.
 */
import type { Header, StoredRecord } from './record.js'

/** No bytes: the start of a null key or value. */
export const NULL_BYTES = -1

export class SlabRecord implements StoredRecord {
  readonly offsetDelta: number
  readonly timestamp: number
  /** The bytes of this record's batch; never written once built. */
  readonly slab: Uint8Array
  /** Start of the key in the slab, or {@link NULL_BYTES} for a null key. */
  readonly keyStart: number
  readonly keyEnd: number
  /** Start of the value in the slab, or {@link NULL_BYTES} for a null value (a tombstone). */
  readonly valueStart: number
  readonly valueEnd: number
  readonly headers: readonly Header[] | null
  readonly sizeBytes: number

  constructor(
    offsetDelta: number,
    timestamp: number,
    slab: Uint8Array,
    keyStart: number,
    keyEnd: number,
    valueStart: number,
    valueEnd: number,
    headers: readonly Header[] | null,
    sizeBytes: number,
  ) {
    this.offsetDelta = offsetDelta
    this.timestamp = timestamp
    this.slab = slab
    this.keyStart = keyStart
    this.keyEnd = keyEnd
    this.valueStart = valueStart
    this.valueEnd = valueEnd
    this.headers = headers
    this.sizeBytes = sizeBytes
  }

  /** The key bytes (a view of the slab: a Buffer when the slab is one), or null. */
  get key(): Uint8Array | null {
    return this.keyStart === NULL_BYTES ? null : this.slab.subarray(this.keyStart, this.keyEnd)
  }

  /** The value bytes (a view of the slab: a Buffer when the slab is one), or null. */
  get value(): Uint8Array | null {
    return this.valueStart === NULL_BYTES ? null : this.slab.subarray(this.valueStart, this.valueEnd)
  }

  /** The same record with another timestamp (LogAppendTime), sharing the slab. */
  withTimestamp(timestamp: number): SlabRecord {
    return new SlabRecord(
      this.offsetDelta,
      timestamp,
      this.slab,
      this.keyStart,
      this.keyEnd,
      this.valueStart,
      this.valueEnd,
      this.headers,
      this.sizeBytes,
    )
  }
}
