/**
 * Records stored by columns: the key and value bytes of a whole batch in one slab, bounds, timestamps
 * and sizes in typed arrays (the packer puts all of them in one allocation outside the heap).
 * A batch of these is a handful of objects however many records it holds.
 *
 * Why: the garbage collector copies every object that survives a young-generation collection, and
 * a log retains everything it is given. Retaining a record as an object with two Buffers cost
 * about three quarters of a microsecond per record in collections alone (bench/README.md, issue 3);
 * retained by columns, it costs almost nothing.
 *
 * The rest of the engine still sees records as objects: {@link PackedRecords.recordAt} and
 * {@link PackedBatch.records} build them on demand (views of the slab, fresh objects each time).
 * Code on a hot path reads the columns instead. Nothing here is written after construction.
 */
import type { BatchMetadata, ControlType, Header, RecordBatch, StoredRecord } from './record.js'

/** No bytes: the start of a null key or value. */
export const NULL_BYTES = -1

/** The columns of {@link PackedRecords}, as a packer fills them. */
export interface PackedColumns {
  /** The key and value bytes of every record. */
  readonly slab: Uint8Array
  /** Per record: keyStart, keyEnd, valueStart, valueEnd; a start of {@link NULL_BYTES} means null. */
  readonly bounds: Int32Array
  readonly timestamps: Float64Array
  /** The engine's byte count of each record. */
  readonly sizes: Float64Array
  /** Each record's headers, or null when no record has any. */
  readonly headers: readonly (readonly Header[] | null)[] | null
}

/** Bytes of columns per record in one allocation: timestamp f64, size f64, four i32 bounds. */
export const PACKED_COLUMN_BYTES = 32

/**
 * The columns of `count` records and the slab after them, as views of one allocation `memory`
 * (8-byte aligned, at least `count` × {@link PACKED_COLUMN_BYTES} long): timestamps, then sizes,
 * then bounds, then the bytes. The slab is a view of the same kind as `memory` (a Buffer when it
 * is one). The packer fills them; the file store reads them back in this order.
 */
export function packedColumnsIn<Bytes extends Uint8Array>(
  memory: Bytes,
  count: number,
): Omit<PackedColumns, 'headers' | 'slab'> & { readonly slab: Bytes } {
  const base = memory.byteOffset
  return {
    timestamps: new Float64Array(memory.buffer, base, count),
    sizes: new Float64Array(memory.buffer, base + count * 8, count),
    bounds: new Int32Array(memory.buffer, base + count * 16, count * 4),
    slab: memory.subarray(count * PACKED_COLUMN_BYTES) as Bytes,
  }
}

/** A batch's records by columns; record `i` has offset delta `i`. */
export class PackedRecords {
  readonly count: number
  readonly slab: Uint8Array
  readonly bounds: Int32Array
  readonly timestamps: Float64Array
  readonly sizes: Float64Array
  readonly headers: readonly (readonly Header[] | null)[] | null
  /** Sum of {@link sizes}. */
  readonly sizeBytes: number
  readonly firstTimestamp: number
  readonly maxTimestamp: number
  /** Whether some record has a null key (compacted topics refuse those). */
  readonly hasNullKey: boolean

  constructor(columns: PackedColumns) {
    const { timestamps, sizes, bounds } = columns
    this.count = timestamps.length
    this.slab = columns.slab
    this.bounds = bounds
    this.timestamps = timestamps
    this.sizes = sizes
    this.headers = columns.headers
    let sizeBytes = 0
    let maxTimestamp = timestamps[0] ?? 0
    let hasNullKey = false
    for (let index = 0; index < this.count; index++) {
      sizeBytes += sizes[index] as number
      const timestamp = timestamps[index] as number
      if (timestamp > maxTimestamp) maxTimestamp = timestamp
      if (bounds[index * 4] === NULL_BYTES) hasNullKey = true
    }
    this.sizeBytes = sizeBytes
    this.firstTimestamp = timestamps[0] ?? 0
    this.maxTimestamp = maxTimestamp
    this.hasNullKey = hasNullKey
  }

  /** Record `index` as an object (key and value are views of the slab). */
  recordAt(index: number): StoredRecord {
    const bounds = this.bounds
    const at = index * 4
    const keyStart = bounds[at] as number
    const valueStart = bounds[at + 2] as number
    return {
      offsetDelta: index,
      timestamp: this.timestamps[index] as number,
      key: keyStart === NULL_BYTES ? null : this.slab.subarray(keyStart, bounds[at + 1]),
      value: valueStart === NULL_BYTES ? null : this.slab.subarray(valueStart, bounds[at + 3]),
      headers: this.headers === null ? null : (this.headers[index] ?? null),
      sizeBytes: this.sizes[index] as number,
    }
  }

  /** Every record as an object, in order. */
  toRecords(): StoredRecord[] {
    const records: StoredRecord[] = new Array(this.count)
    for (let index = 0; index < this.count; index++) records[index] = this.recordAt(index)
    return records
  }

  /** The same records, all stamped `timestamp` (LogAppendTime); shares everything else. */
  withTimestamp(timestamp: number): PackedRecords {
    return new PackedRecords({
      slab: this.slab,
      bounds: this.bounds,
      timestamps: new Float64Array(this.count).fill(timestamp),
      sizes: this.sizes,
      headers: this.headers,
    })
  }
}

/**
 * What a producer hands the engine for one partition when its records are packed: `records` is
 * there for code that reads objects (it builds them on each read), the engine appends `packed`.
 */
export class PackedBatchInput {
  readonly packed: PackedRecords
  readonly producerId?: number
  readonly producerEpoch?: number
  readonly baseSequence?: number
  readonly isTransactional?: boolean

  constructor(
    packed: PackedRecords,
    idempotence?: {
      readonly producerId: number
      readonly producerEpoch: number
      readonly baseSequence: number
      readonly isTransactional: boolean
    },
  ) {
    this.packed = packed
    if (idempotence !== undefined) {
      this.producerId = idempotence.producerId
      this.producerEpoch = idempotence.producerEpoch
      this.baseSequence = idempotence.baseSequence
      this.isTransactional = idempotence.isTransactional
    }
  }

  /** The records as objects, built on each read. */
  get records(): readonly StoredRecord[] {
    return this.packed.toRecords()
  }
}

/**
 * A stored batch whose records are packed. `records` builds objects on each read (for code off
 * the hot path); readers that know the layout use {@link packed}. The packed records are not an
 * own property, so `{ ...batch, records }` (compaction) yields a plain batch of those records.
 */
export class PackedBatch implements RecordBatch {
  readonly baseOffset: number
  readonly lastOffsetDelta: number
  readonly firstTimestamp: number
  readonly maxTimestamp: number
  readonly appendTimeMs: number
  readonly producerId: number
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly isTransactional: boolean
  readonly isControl: boolean
  readonly controlType: ControlType | null
  readonly sizeBytes: number
  readonly #packed: PackedRecords

  constructor(metadata: BatchMetadata, packed: PackedRecords) {
    this.baseOffset = metadata.baseOffset
    this.lastOffsetDelta = metadata.lastOffsetDelta
    this.firstTimestamp = metadata.firstTimestamp
    this.maxTimestamp = metadata.maxTimestamp
    this.appendTimeMs = metadata.appendTimeMs
    this.producerId = metadata.producerId
    this.producerEpoch = metadata.producerEpoch
    this.baseSequence = metadata.baseSequence
    this.isTransactional = metadata.isTransactional
    this.isControl = metadata.isControl
    this.controlType = metadata.controlType
    this.sizeBytes = metadata.sizeBytes
    this.#packed = packed
  }

  /** The records by columns. */
  get packed(): PackedRecords {
    return this.#packed
  }

  /** The records as objects, built on each read. */
  get records(): readonly StoredRecord[] {
    return this.#packed.toRecords()
  }
}

/** The packed records of an input or a stored batch, or null when it holds record objects. */
export function packedOf(batch: object): PackedRecords | null {
  if (batch instanceof PackedBatch || batch instanceof PackedBatchInput) return batch.packed
  return null
}

/**
 * The first offset at or after `fromOffset` in `batch` whose record's timestamp is at or after
 * `timestampMs`, or null. Reads a packed batch's timestamp column instead of building records.
 */
export function offsetForTimestampIn(
  batch: RecordBatch,
  fromOffset: number,
  timestampMs: number,
): number | null {
  const packed = packedOf(batch)
  if (packed !== null) {
    const timestamps = packed.timestamps
    for (let index = Math.max(0, fromOffset - batch.baseOffset); index < packed.count; index++) {
      if ((timestamps[index] as number) >= timestampMs) return batch.baseOffset + index
    }
    return null
  }
  for (const record of batch.records) {
    const offset = batch.baseOffset + record.offsetDelta
    if (offset >= fromOffset && record.timestamp >= timestampMs) return offset
  }
  return null
}

/**
 * Bytes of their own for a view (null and anything else as is), of the same kind: a copy of a
 * Buffer's bytes is a Buffer (a Uint8Array with Buffer.prototype, which is what Node's Buffers
 * are), made without importing Node here.
 */
export function detachedBytes(value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value
  const copy = new Uint8Array(value.length)
  copy.set(value)
  const prototype = Object.getPrototypeOf(value) as object
  if (prototype !== Uint8Array.prototype) Object.setPrototypeOf(copy, prototype)
  return copy
}
