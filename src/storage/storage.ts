import type { RecordBatch } from '../common/record.js'

/**
 * The engine's view of persistence. The data path is synchronous (append and read return
 * values); only durability is asynchronous: `flush()` resolves once everything appended before
 * the call is as durable as the store promises. Memory and files both implement this and both
 * pass `test/storage/storage-contract.ts`.
 */
export interface Storage {
  /** 'memory', 'files', or another implementation's name. */
  readonly kind: string
  /** True when opened for inspection only: every mutating call throws STORAGE_ERROR. */
  readonly readOnly: boolean
  /** Loads what the store already holds. Called once, by the Broker constructor. */
  open(): StoredState
  /** Opens (creating if needed) the store for one partition. */
  openPartition(topic: string, partition: number): PartitionStore
  /** Replaces the metadata of every topic at once, atomically. */
  replaceTopicMetadata(topics: readonly StoredTopic[]): void
  /** Removes a deleted topic's partitions and their data. */
  deleteTopicData(topic: string, partitionCount: number): void
  /** Resolves when every append made before the call is durable as promised. */
  flush(): Promise<void>
  /** Flushes and releases the store; later calls throw BROKER_CLOSED. */
  close(): Promise<void>
}

/** What a store holds when it is opened. */
export interface StoredState {
  readonly topics: readonly StoredTopic[]
}

/** A topic's metadata as stored: Kafka's dotted config keys, only those set explicitly. */
export interface StoredTopic {
  readonly name: string
  readonly partitionCount: number
  readonly config: Readonly<Record<string, string>>
  /** A unique id, so a topic deleted and created again is a different topic. */
  readonly topicId: string
  readonly createdMs: number
}

/** One segment of a partition's log, as the engine sees it for retention and compaction. */
export interface SegmentInfo {
  readonly baseOffset: number
  /** Offset just past the segment's last batch (the next segment's base, or the log end). */
  readonly nextOffset: number
  readonly sizeBytes: number
  readonly batchCount: number
  /** Append time of the segment's first batch; drives `segment.ms`. NaN when empty. */
  readonly firstAppendTimeMs: number
  /** Largest record timestamp in the segment; drives `retention.ms`. -Infinity when empty. */
  readonly maxTimestamp: number
}

/** The batches of one partition. The engine decides; the store keeps. */
export interface PartitionStore {
  /** Offset just past the last appended batch (0 when empty). */
  nextOffset(): number
  /** The persisted log start offset (moved by retention and deleteRecords). */
  logStartOffset(): number
  setLogStartOffset(offset: number): void
  /** Appends to the active segment. The batch's baseOffset equals nextOffset(). */
  append(batch: RecordBatch): void
  /**
   * Batches from the one containing `fromOffset` onwards, at most `maxBytes` of them but always at
   * least one when any batch ends past `fromOffset`.
   */
  read(fromOffset: number, maxBytes: number): readonly RecordBatch[]
  /** Every segment, oldest first; the last one is the active segment. */
  segments(): readonly SegmentInfo[]
  /** Closes the active segment and opens an empty one at nextOffset(). */
  roll(nowMs: number): void
  /** Deletes the oldest `count` segments (never the active one). */
  deleteOldestSegments(count: number): void
  /** Rewrites a closed segment with a subset of its batches (compaction); all or nothing. */
  replaceSegment(baseOffset: number, batches: readonly RecordBatch[]): void
  /** First offset ≥ fromOffset whose record timestamp is ≥ timestampMs, or null if none. */
  offsetForTimestamp(timestampMs: number, fromOffset: number): number | null
  /** Bytes held by all segments. */
  sizeBytes(): number
}
