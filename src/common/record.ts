/**
 * The value types every layer shares. The engine stores what a face hands it and never looks
 * inside keys, values or header values; it only counts their bytes through `sizeBytes`.
 */

/** One record header. Kafka allows repeated keys, so headers are a list, not a map. */
export interface Header {
  readonly key: string
  readonly value: unknown
}

/** A record as stored in a batch. Its offset is `batch.baseOffset + offsetDelta`. */
export interface StoredRecord {
  /** Position within its batch as produced; compaction removes records but never renumbers them. */
  readonly offsetDelta: number
  /** Milliseconds since the epoch (CreateTime, or the append time under LogAppendTime). */
  readonly timestamp: number
  readonly key: unknown
  readonly value: unknown
  readonly headers: readonly Header[] | null
  /** Bytes this record counts for (size limits, retention.bytes, segment.bytes). */
  readonly sizeBytes: number
}

/** Transaction control markers carried by control batches. */
export const ControlType = { Abort: 0, Commit: 1 } as const
export type ControlType = (typeof ControlType)[keyof typeof ControlType]

/** No producer id: a batch from a plain (non-idempotent) producer. */
export const NO_PRODUCER_ID = -1

/** Kafka's per-batch metadata, as appended. */
export interface RecordBatch {
  readonly baseOffset: number
  /** Offset of the last record produced in this batch, relative to baseOffset. */
  readonly lastOffsetDelta: number
  readonly firstTimestamp: number
  readonly maxTimestamp: number
  /** Broker time when the batch was appended (drives segment.ms, LogAppendTime). */
  readonly appendTimeMs: number
  readonly producerId: number
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly isTransactional: boolean
  /** A control batch holds one transaction marker and nothing a consumer sees. */
  readonly isControl: boolean
  /** Set on control batches. */
  readonly controlType: ControlType | null
  readonly records: readonly StoredRecord[]
  readonly sizeBytes: number
}

/** The metadata fields of a stored batch. */
export type BatchMetadata = Omit<RecordBatch, 'records'>

/**
 * A batch of record objects with `metadata`. Every field spelled out: on Node 20 a spread
 * followed by more properties costs about a microsecond.
 */
export function recordBatch(metadata: BatchMetadata, records: readonly StoredRecord[]): RecordBatch {
  return {
    baseOffset: metadata.baseOffset,
    lastOffsetDelta: metadata.lastOffsetDelta,
    firstTimestamp: metadata.firstTimestamp,
    maxTimestamp: metadata.maxTimestamp,
    appendTimeMs: metadata.appendTimeMs,
    producerId: metadata.producerId,
    producerEpoch: metadata.producerEpoch,
    baseSequence: metadata.baseSequence,
    isTransactional: metadata.isTransactional,
    isControl: metadata.isControl,
    controlType: metadata.controlType,
    records,
    sizeBytes: metadata.sizeBytes,
  }
}

/** What a producer hands the engine for one partition. */
export interface BatchInput {
  readonly records: readonly StoredRecord[]
  readonly producerId?: number
  readonly producerEpoch?: number
  readonly baseSequence?: number
  readonly isTransactional?: boolean
}

/** Offset of the last record a batch was produced with. */
export function batchLastOffset(batch: RecordBatch): number {
  return batch.baseOffset + batch.lastOffsetDelta
}

/** Offset just past a batch. */
export function batchNextOffset(batch: RecordBatch): number {
  return batch.baseOffset + batch.lastOffsetDelta + 1
}

/** Kafka's per-record overhead estimate used when faces count bytes (varints, attributes, deltas). */
export const RECORD_OVERHEAD_BYTES = 21
/** Kafka's record batch header size. */
export const BATCH_OVERHEAD_BYTES = 61
