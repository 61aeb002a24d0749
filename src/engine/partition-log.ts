import { assert } from '../common/assert.js'
import { KafkaliteError, limitExceeded } from '../common/errors.js'
import { LIMITS } from '../common/limits.js'
import { NULL_BYTES, PackedBatch, type PackedRecords, packedOf } from '../common/packed-records.js'
import {
  BATCH_OVERHEAD_BYTES,
  type BatchInput,
  batchNextOffset,
  type ControlType,
  NO_PRODUCER_ID,
  type RecordBatch,
  recordBatch,
  type StoredRecord,
} from '../common/record.js'
import type { PartitionStore, SegmentInfo } from '../storage/storage.js'
import { compactSegment, keyIdentity } from './compaction.js'
import { segmentsToDelete } from './retention.js'
import type { TopicConfig } from './topic-config.js'

/** Read isolation, as Kafka's fetch `isolation_level`. */
export const IsolationLevel = { ReadUncommitted: 0, ReadCommitted: 1 } as const
export type IsolationLevel = (typeof IsolationLevel)[keyof typeof IsolationLevel]

/** A transaction that was aborted: readers in read_committed skip its batches. */
export interface AbortedTransaction {
  readonly producerId: number
  readonly firstOffset: number
  /** Offset of the abort marker. */
  readonly lastOffset: number
}

/** What one read returns. */
export interface ReadResult {
  /** Data batches visible under the isolation asked for; control and aborted batches removed. */
  readonly batches: readonly RecordBatch[]
  /** Where the next read should start: past everything examined, visible or not. */
  readonly nextOffset: number
  readonly highWatermark: number
  readonly lastStableOffset: number
  readonly logStartOffset: number
}

/** What an append returns. */
export interface AppendResult {
  readonly baseOffset: number
  /** Append time when the topic uses LogAppendTime, else -1 (as Kafka reports). */
  readonly logAppendTime: number
  readonly logStartOffset: number
  readonly batch: RecordBatch
}

/** Limits of one read. */
export interface ReadOptions {
  readonly maxBytes: number
  readonly isolation: IsolationLevel
}

const EMPTY: readonly RecordBatch[] = Object.freeze([])

/** How many recent batches per producer are remembered to recognise a retried (duplicate) batch, as Kafka does. */
const RECENT_BATCHES_PER_PRODUCER = 5

/** An idempotent producer's sequence state on one partition. */
interface ProducerSequenceState {
  epoch: number
  lastSequence: number
  readonly recent: { firstSequence: number; lastSequence: number; baseOffset: number }[]
}

/**
 * One partition: an append-only log of batches over a PartitionStore, with Kafka's offsets
 * (logStartOffset, high watermark, last stable offset), retention, compaction and transaction
 * bookkeeping. Synchronous; time comes in as arguments.
 */
export class PartitionLog {
  readonly topic: string
  readonly partition: number
  readonly #store: PartitionStore
  #config: TopicConfig
  /** producerId → first offset of its open transaction on this partition. */
  readonly #openTransactions = new Map<number, number>()
  /** Sorted by lastOffset; trimmed when retention passes them. */
  readonly #abortedTransactions: AbortedTransaction[] = []
  readonly #producerStates = new Map<number, ProducerSequenceState>()
  /** Parked readers, woken once per appended batch. Owned by the broker's FetchWaiters. */
  waiters: Set<() => void> | null = null
  /**
   * The active segment's batch count, bytes and first append time, mirrored here so an append
   * never lists the store's segments (that costs O(segments) per batch). Only this class rolls,
   * appends and deletes segments, so the mirror is refreshed at exactly those places.
   */
  #activeBatchCount = 0
  #activeSizeBytes = 0
  #activeFirstAppendTimeMs = Number.NaN

  constructor(topic: string, partition: number, store: PartitionStore, config: TopicConfig) {
    this.topic = topic
    this.partition = partition
    this.#store = store
    this.#config = config
    this.#syncActiveSegment()
  }

  get config(): TopicConfig {
    return this.#config
  }

  set config(config: TopicConfig) {
    this.#config = config
  }

  get logStartOffset(): number {
    return this.#store.logStartOffset()
  }

  /** The offset the next appended record gets (one replica: log end offset = high watermark). */
  get highWatermark(): number {
    return this.#store.nextOffset()
  }

  /**
   * The first offset of the oldest open transaction, else the high watermark; never below
   * logStartOffset (as Kafka clamps it when retention passes an open transaction's start).
   */
  get lastStableOffset(): number {
    const highWatermark = this.highWatermark
    if (this.#openTransactions.size === 0) return highWatermark
    let stable = highWatermark
    for (const firstOffset of this.#openTransactions.values()) if (firstOffset < stable) stable = firstOffset
    return Math.max(stable, this.logStartOffset)
  }

  get sizeBytes(): number {
    return this.#store.sizeBytes()
  }

  /** Transactions currently open on this partition (producer id → first offset). */
  get openTransactions(): ReadonlyMap<number, number> {
    return this.#openTransactions
  }

  get abortedTransactions(): readonly AbortedTransaction[] {
    return this.#abortedTransactions
  }

  /**
   * Restores transaction bookkeeping replayed from `__transaction_state` when a durable store
   * reopens: an aborted range readers must skip, or a transaction still open at the crash.
   */
  restoreTransaction(producerId: number, firstOffset: number, abortMarkerOffset: number | null): void {
    if (abortMarkerOffset === null) {
      if (firstOffset < this.highWatermark) this.#openTransactions.set(producerId, firstOffset)
      return
    }
    if (abortMarkerOffset < this.logStartOffset) return
    const aborted = this.#abortedTransactions
    let index = aborted.length
    while (index > 0 && (aborted[index - 1] as AbortedTransaction).lastOffset > abortMarkerOffset) index--
    aborted.splice(index, 0, { producerId, firstOffset, lastOffset: abortMarkerOffset })
  }

  /**
   * Checks a batch against this partition's rules without appending.
   * @throws KafkaliteError MESSAGE_TOO_LARGE, INVALID_RECORD, LIMIT_EXCEEDED
   */
  validate(input: BatchInput): number {
    const packed = packedOf(input)
    const count = recordCount(input)
    if (count > LIMITS.recordsPerBatchMax) {
      throw limitExceeded('recordsPerBatchMax', LIMITS.recordsPerBatchMax, `${count} records in one batch`)
    }
    if (count === 0) {
      throw new KafkaliteError(
        'INVALID_RECORD',
        `a batch for ${this.topic}-${this.partition} holds no records`,
        {
          topic: this.topic,
          partition: this.partition,
          value: 0,
        },
      )
    }
    let sizeBytes = BATCH_OVERHEAD_BYTES
    const compacted = this.#config.cleanupPolicy !== 'delete'
    // Packed records have contiguous offset deltas by construction.
    if (packed !== null) {
      sizeBytes += packed.sizeBytes
      if (compacted && packed.hasNullKey) {
        const index = packed.bounds.findIndex((bound, at) => at % 4 === 0 && bound === NULL_BYTES) / 4
        throw new KafkaliteError(
          'INVALID_RECORD',
          `compacted topic ${this.topic} cannot accept a record without a key (record ${index})`,
          { topic: this.topic, partition: this.partition },
        )
      }
    }
    const records = packed === null ? input.records : []
    for (let index = 0; index < records.length; index++) {
      const record = records[index] as StoredRecord
      sizeBytes += record.sizeBytes
      // Offsets are contiguous: record i of a batch is at baseOffset + i (Kafka's LogValidator rejects anything else).
      if (record.offsetDelta !== index) {
        throw new KafkaliteError(
          'INVALID_RECORD',
          `record ${index} of a batch for ${this.topic}-${this.partition} has offset delta ${record.offsetDelta}, expected ${index}`,
          { topic: this.topic, partition: this.partition, value: record.offsetDelta },
        )
      }
      if (compacted && (record.key === null || record.key === undefined)) {
        throw new KafkaliteError(
          'INVALID_RECORD',
          `compacted topic ${this.topic} cannot accept a record without a key (record ${index})`,
          { topic: this.topic, partition: this.partition },
        )
      }
    }
    if (sizeBytes > this.#config.maxMessageBytes) {
      throw new KafkaliteError(
        'MESSAGE_TOO_LARGE',
        `batch of ${sizeBytes} bytes for ${this.topic}-${this.partition} exceeds max.message.bytes ${this.#config.maxMessageBytes}`,
        {
          topic: this.topic,
          partition: this.partition,
          value: sizeBytes,
          limitName: 'max.message.bytes',
          limit: this.#config.maxMessageBytes,
        },
      )
    }
    return sizeBytes
  }

  /**
   * Checks an idempotent batch's producer epoch and sequence. Returns the base offset of the
   * identical batch already appended (a retry, acknowledged without appending again), or null.
   * @throws KafkaliteError INVALID_PRODUCER_EPOCH (an older epoch), OUT_OF_ORDER_SEQUENCE_NUMBER
   */
  checkSequence(input: BatchInput): number | null {
    const producerId = input.producerId ?? NO_PRODUCER_ID
    const baseSequence = input.baseSequence ?? -1
    if (producerId === NO_PRODUCER_ID || baseSequence < 0) return null
    const epoch = input.producerEpoch ?? 0
    const state = this.#producerStates.get(producerId)
    const context = { topic: this.topic, partition: this.partition, value: baseSequence }
    if (state !== undefined && epoch < state.epoch) {
      throw new KafkaliteError(
        'INVALID_PRODUCER_EPOCH',
        `producer ${producerId} epoch ${epoch} is older than ${state.epoch} on ${this.topic}-${this.partition}`,
        context,
      )
    }
    if (state === undefined || epoch > state.epoch) {
      if (baseSequence !== 0) {
        throw new KafkaliteError(
          'OUT_OF_ORDER_SEQUENCE_NUMBER',
          `producer ${producerId} epoch ${epoch} must start at sequence 0 on ${this.topic}-${this.partition}, got ${baseSequence}`,
          context,
        )
      }
      return null
    }
    if (baseSequence === state.lastSequence + 1) return null
    const lastSequence = baseSequence + recordCount(input) - 1
    for (const recent of state.recent) {
      if (recent.firstSequence === baseSequence && recent.lastSequence === lastSequence)
        return recent.baseOffset
    }
    throw new KafkaliteError(
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
      `producer ${producerId} sent sequence ${baseSequence} on ${this.topic}-${this.partition}; expected ${state.lastSequence + 1}`,
      context,
    )
  }

  #recordSequence(batch: RecordBatch): void {
    if (batch.producerId === NO_PRODUCER_ID || batch.baseSequence < 0) return
    let state = this.#producerStates.get(batch.producerId)
    if (state === undefined || batch.producerEpoch > state.epoch) {
      state = { epoch: batch.producerEpoch, lastSequence: -1, recent: [] }
      this.#producerStates.set(batch.producerId, state)
    }
    // Offsets of a batch being appended are contiguous: it holds lastOffsetDelta + 1 records.
    state.lastSequence = batch.baseSequence + batch.lastOffsetDelta
    state.recent.push({
      firstSequence: batch.baseSequence,
      lastSequence: state.lastSequence,
      baseOffset: batch.baseOffset,
    })
    if (state.recent.length > RECENT_BATCHES_PER_PRODUCER) state.recent.shift()
  }

  /**
   * Appends one batch atomically and returns its base offset. Call validate() first when several
   * partitions must all accept before any appends.
   */
  append(input: BatchInput, nowMs: number, sizeBytes = this.validate(input)): AppendResult {
    const packed = packedOf(input)
    const records = packed === null ? input.records : null
    const baseOffset = this.highWatermark
    const logAppendTime = this.#config.timestampType === 'LogAppendTime'
    let lastOffsetDelta: number
    let firstTimestamp: number
    let maxTimestamp: number
    if (records === null) {
      const packedRecords = packed as PackedRecords
      assert(packedRecords.count > 0, 'a batch holds at least one record')
      lastOffsetDelta = packedRecords.count - 1
      firstTimestamp = packedRecords.firstTimestamp
      maxTimestamp = packedRecords.maxTimestamp
    } else {
      assert(records.length > 0, 'a batch holds at least one record')
      lastOffsetDelta = (records[records.length - 1] as StoredRecord).offsetDelta
      firstTimestamp = (records[0] as StoredRecord).timestamp
      maxTimestamp = firstTimestamp
      for (let index = 1; index < records.length; index++) {
        const timestamp = (records[index] as StoredRecord).timestamp
        if (timestamp > maxTimestamp) maxTimestamp = timestamp
      }
    }
    assert(baseOffset + lastOffsetDelta < LIMITS.offsetMax, 'offsets stay safe integers')
    if (logAppendTime) {
      firstTimestamp = nowMs
      maxTimestamp = nowMs
    }
    const metadata = {
      baseOffset,
      lastOffsetDelta,
      firstTimestamp,
      maxTimestamp,
      appendTimeMs: nowMs,
      producerId: input.producerId ?? NO_PRODUCER_ID,
      producerEpoch: input.producerEpoch ?? -1,
      baseSequence: input.baseSequence ?? -1,
      isTransactional: input.isTransactional ?? false,
      isControl: false,
      controlType: null,
      sizeBytes,
    }
    let batch: RecordBatch
    if (records === null) {
      const packedRecords = packed as PackedRecords
      batch = new PackedBatch(metadata, logAppendTime ? packedRecords.withTimestamp(nowMs) : packedRecords)
    } else {
      batch = recordBatch(metadata, logAppendTime ? withTimestamp(records, nowMs) : records)
    }
    this.#appendBatch(batch, nowMs)
    this.#recordSequence(batch)
    if (batch.isTransactional && !this.#openTransactions.has(batch.producerId)) {
      this.#openTransactions.set(batch.producerId, baseOffset)
    }
    return {
      baseOffset,
      logAppendTime: logAppendTime ? nowMs : -1,
      logStartOffset: this.logStartOffset,
      batch,
    }
  }

  /** Writes a transaction marker for `producerId` and closes its open transaction here. */
  appendControl(producerId: number, producerEpoch: number, controlType: ControlType, nowMs: number): number {
    const offset = this.highWatermark
    const marker: StoredRecord = {
      offsetDelta: 0,
      timestamp: nowMs,
      key: null,
      value: null,
      headers: null,
      sizeBytes: 0,
    }
    this.#appendBatch(
      {
        baseOffset: offset,
        lastOffsetDelta: 0,
        firstTimestamp: nowMs,
        maxTimestamp: nowMs,
        appendTimeMs: nowMs,
        producerId,
        producerEpoch,
        baseSequence: -1,
        isTransactional: true,
        isControl: true,
        controlType,
        records: [marker],
        sizeBytes: BATCH_OVERHEAD_BYTES,
      },
      nowMs,
    )
    const firstOffset = this.#openTransactions.get(producerId)
    this.#openTransactions.delete(producerId)
    if (controlType === 0 && firstOffset !== undefined) {
      this.#abortedTransactions.push({ producerId, firstOffset, lastOffset: offset })
    }
    return offset
  }

  #appendBatch(batch: RecordBatch, nowMs: number): void {
    if (
      this.#activeBatchCount > 0 &&
      (this.#activeSizeBytes + batch.sizeBytes > this.#config.segmentBytes ||
        nowMs - this.#activeFirstAppendTimeMs >= this.#config.segmentMs)
    ) {
      this.#store.roll(nowMs)
      this.#activeBatchCount = 0
      this.#activeSizeBytes = 0
    }
    this.#store.append(batch)
    if (this.#activeBatchCount === 0) this.#activeFirstAppendTimeMs = batch.appendTimeMs
    this.#activeBatchCount++
    this.#activeSizeBytes += batch.sizeBytes
    const waiters = this.waiters
    if (waiters !== null) {
      this.waiters = null
      for (const wake of waiters) wake()
    }
  }

  #syncActiveSegment(): void {
    const segments = this.#store.segments()
    const active = segments[segments.length - 1]
    this.#activeBatchCount = active?.batchCount ?? 0
    this.#activeSizeBytes = active?.sizeBytes ?? 0
    this.#activeFirstAppendTimeMs = active?.firstAppendTimeMs ?? Number.NaN
  }

  /**
   * Reads batches from `offset`.
   * @throws KafkaliteError OFFSET_OUT_OF_RANGE when offset is below logStartOffset or past the high watermark
   */
  read(offset: number, options: ReadOptions): ReadResult {
    const highWatermark = this.highWatermark
    const logStartOffset = this.logStartOffset
    const lastStableOffset = this.lastStableOffset
    this.checkOffset(offset)
    const limit = options.isolation === IsolationLevel.ReadCommitted ? lastStableOffset : highWatermark
    if (offset >= limit) {
      return { batches: EMPTY, nextOffset: offset, highWatermark, lastStableOffset, logStartOffset }
    }
    const stored = this.#store.read(offset, options.maxBytes)
    const readCommitted = options.isolation === IsolationLevel.ReadCommitted
    let visible: RecordBatch[] | null = null
    let nextOffset = offset
    let index = 0
    for (; index < stored.length; index++) {
      const batch = stored[index] as RecordBatch
      if (batch.baseOffset >= limit) break
      nextOffset = batchNextOffset(batch)
      const hidden = batch.isControl || (readCommitted && batch.isTransactional && this.#isAborted(batch))
      if (hidden) visible ??= stored.slice(0, index)
      else if (visible !== null) visible.push(batch)
    }
    const batches = visible ?? (index === stored.length ? stored : stored.slice(0, index))
    return { batches, nextOffset, highWatermark, lastStableOffset, logStartOffset }
  }

  /**
   * Visits every retained record from the log start to the end visible at `isolation`, in offset
   * order (replays of internal topics, inspection). Reads a megabyte at a time.
   */
  forEachRecord(
    visit: (record: StoredRecord, offset: number, batch: RecordBatch) => void,
    isolation: IsolationLevel = IsolationLevel.ReadUncommitted,
  ): void {
    let offset = this.logStartOffset
    const end = isolation === IsolationLevel.ReadCommitted ? this.lastStableOffset : this.highWatermark
    while (offset < end) {
      const read = this.read(offset, { maxBytes: 1 << 20, isolation })
      for (const batch of read.batches) {
        for (const record of batch.records) {
          const recordOffset = batch.baseOffset + record.offsetDelta
          if (recordOffset >= offset) visit(record, recordOffset, batch)
        }
      }
      if (read.nextOffset <= offset) break
      offset = read.nextOffset
    }
  }

  /** @throws KafkaliteError OFFSET_OUT_OF_RANGE when offset is outside [logStartOffset, highWatermark] */
  checkOffset(offset: number): void {
    const logStartOffset = this.logStartOffset
    const highWatermark = this.highWatermark
    if (offset < logStartOffset || offset > highWatermark) {
      throw new KafkaliteError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${offset} is out of range for ${this.topic}-${this.partition}: valid offsets are ${logStartOffset}..${highWatermark}`,
        { topic: this.topic, partition: this.partition, offset },
      )
    }
  }

  #isAborted(batch: RecordBatch): boolean {
    const aborted = this.#abortedTransactions
    for (let index = aborted.length - 1; index >= 0; index--) {
      const transaction = aborted[index] as AbortedTransaction
      if (transaction.lastOffset < batch.baseOffset) break
      if (transaction.producerId === batch.producerId && transaction.firstOffset <= batch.baseOffset)
        return true
    }
    return false
  }

  /** First offset at or after logStartOffset whose timestamp is ≥ timestampMs, or null. */
  offsetForTimestamp(timestampMs: number): number | null {
    return this.#store.offsetForTimestamp(timestampMs, this.logStartOffset)
  }

  /**
   * Moves logStartOffset to `beforeOffset` (-1: the high watermark) and drops whole segments below it.
   * An offset below the current start is a no-op. Returns the new log start offset.
   * @throws KafkaliteError OFFSET_OUT_OF_RANGE when beforeOffset is past the high watermark
   */
  deleteRecords(beforeOffset: number): number {
    const target = beforeOffset === -1 ? this.highWatermark : beforeOffset
    if (target > this.highWatermark || target < -1) {
      throw new KafkaliteError(
        'OFFSET_OUT_OF_RANGE',
        `cannot delete records before ${beforeOffset} in ${this.topic}-${this.partition}: the high watermark is ${this.highWatermark}`,
        { topic: this.topic, partition: this.partition, offset: beforeOffset },
      )
    }
    if (target <= this.logStartOffset) return this.logStartOffset
    this.#store.setLogStartOffset(target)
    const segments = this.#store.segments()
    let count = 0
    while (count < segments.length && (segments[count] as SegmentInfo).nextOffset <= target) count++
    this.#dropOldest(count, segments.length)
    this.#trimAborted()
    return target
  }

  /** Applies retention (and compaction when the policy says so) at time `nowMs`. */
  enforceRetention(nowMs: number): void {
    const config = this.#config
    if (config.cleanupPolicy !== 'compact') {
      const segments = this.#store.segments()
      const count = segmentsToDelete(segments, config, nowMs)
      if (count > 0) {
        const newStart =
          count >= segments.length ? this.highWatermark : (segments[count] as SegmentInfo).baseOffset
        this.#dropOldest(count, segments.length)
        if (newStart > this.logStartOffset) this.#store.setLogStartOffset(newStart)
        this.#trimAborted()
      }
    }
    if (config.cleanupPolicy !== 'delete') this.#compact(nowMs)
  }

  /** Drops the oldest `count` segments; when that is every segment, rolls first (as Kafka does). */
  #dropOldest(count: number, segmentCount: number): void {
    if (count <= 0) return
    if (count >= segmentCount) {
      this.#store.roll(0)
      count = this.#store.segments().length - 1
    }
    this.#store.deleteOldestSegments(count)
    this.#syncActiveSegment()
  }

  #trimAborted(): void {
    const start = this.logStartOffset
    let drop = 0
    while (
      drop < this.#abortedTransactions.length &&
      (this.#abortedTransactions[drop] as AbortedTransaction).lastOffset < start
    )
      drop++
    if (drop > 0) this.#abortedTransactions.splice(0, drop)
  }

  #compact(nowMs: number): void {
    const segments = this.#store.segments()
    if (segments.length < 2) return
    const latest = new Map<string, number>()
    for (const batch of this.#store.read(this.logStartOffset, Number.POSITIVE_INFINITY)) {
      if (batch.isControl) continue
      for (const record of batch.records)
        latest.set(keyIdentity(record.key), batch.baseOffset + record.offsetDelta)
    }
    const lagLimitMs = nowMs - this.#config.minCompactionLagMs
    for (let index = 0; index < segments.length - 1; index++) {
      const segment = segments[index] as (typeof segments)[number]
      if (segment.maxTimestamp > lagLimitMs) break
      // A segment's batches add up to its sizeBytes, so this reads that segment and not the rest of the log.
      const batches = this.#store.read(segment.baseOffset, segment.sizeBytes)
      const inSegment = batches.filter((batch) => batch.baseOffset < segment.nextOffset)
      const kept = compactSegment(inSegment, latest, nowMs - this.#config.deleteRetentionMs)
      if (kept !== null) this.#store.replaceSegment(segment.baseOffset, kept)
    }
  }
}

function withTimestamp(records: readonly StoredRecord[], timestamp: number): readonly StoredRecord[] {
  const stamped: StoredRecord[] = new Array(records.length)
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as StoredRecord
    // Every field spelled out: `{ ...record, timestamp }` costs about a microsecond per record on Node 20.
    stamped[index] = {
      offsetDelta: record.offsetDelta,
      timestamp,
      key: record.key,
      value: record.value,
      headers: record.headers,
      sizeBytes: record.sizeBytes,
    }
  }
  return stamped
}

/** Records in a batch input, packed or not. */
function recordCount(input: BatchInput): number {
  return packedOf(input)?.count ?? input.records.length
}
