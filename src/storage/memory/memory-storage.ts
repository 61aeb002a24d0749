import { assert } from '../../common/assert.js'
import { KafkaliteError } from '../../common/errors.js'
import { offsetForTimestampIn } from '../../common/packed-records.js'
import { batchNextOffset, type RecordBatch } from '../../common/record.js'
import { lastIndexWhere } from '../../common/search.js'
import { TopicPartitionMap } from '../../common/topic-partition-map.js'
import type { PartitionStore, SegmentInfo, Storage, StoredState, StoredTopic } from '../storage.js'

/**
 * The default store: segments as arrays of batches, dropped whole by retention. Nothing survives
 * the process.
 */
export function memoryStorage(): Storage {
  return new MemoryStorage()
}

class MemoryStorage implements Storage {
  readonly kind = 'memory'
  readonly readOnly = false
  #topics: readonly StoredTopic[] = []
  /** Every partition opened so far, so a second Broker on this Storage finds the records it holds. */
  readonly #partitions = new TopicPartitionMap<MemoryPartitionStore>()
  #closed = false

  open(): StoredState {
    return { topics: this.#topics }
  }

  openPartition(topic: string, partition: number): PartitionStore {
    this.#checkOpen()
    let store = this.#partitions.get(topic, partition)
    if (store === undefined) {
      store = new MemoryPartitionStore()
      this.#partitions.set(topic, partition, store)
    }
    return store
  }

  replaceTopicMetadata(topics: readonly StoredTopic[]): void {
    this.#checkOpen()
    this.#topics = topics
  }

  deleteTopicData(topic: string, _partitionCount: number): void {
    this.#checkOpen()
    this.#partitions.deleteTopic(topic)
  }

  flush(): Promise<void> {
    return Promise.resolve()
  }

  close(): Promise<void> {
    this.#closed = true
    return Promise.resolve()
  }

  #checkOpen(): void {
    if (this.#closed) throw new KafkaliteError('BROKER_CLOSED', 'memory storage is closed')
  }
}

interface MemorySegment {
  baseOffset: number
  nextOffset: number
  sizeBytes: number
  firstAppendTimeMs: number
  maxTimestamp: number
  batches: RecordBatch[]
}

function newSegment(baseOffset: number): MemorySegment {
  return {
    baseOffset,
    nextOffset: baseOffset,
    sizeBytes: 0,
    firstAppendTimeMs: Number.NaN,
    maxTimestamp: Number.NEGATIVE_INFINITY,
    batches: [],
  }
}

/** Index of the last element whose key is ≤ target (elements sorted by key), or -1. */
function floorIndex<T>(items: readonly T[], target: number, keyOf: (item: T) => number): number {
  return lastIndexWhere(items.length, (index) => keyOf(items[index] as T) <= target)
}

const segmentBase = (segment: MemorySegment): number => segment.baseOffset
const batchBase = (batch: RecordBatch): number => batch.baseOffset

/** One partition's segments in memory. */
export class MemoryPartitionStore implements PartitionStore {
  readonly #segments: MemorySegment[] = [newSegment(0)]
  #logStartOffset = 0
  #sizeBytes = 0

  nextOffset(): number {
    return this.#active().nextOffset
  }

  logStartOffset(): number {
    return this.#logStartOffset
  }

  setLogStartOffset(offset: number): void {
    this.#logStartOffset = offset
  }

  append(batch: RecordBatch): void {
    const active = this.#active()
    assert(batch.baseOffset === active.nextOffset, 'appends are contiguous')
    if (active.batches.length === 0) active.firstAppendTimeMs = batch.appendTimeMs
    active.batches.push(batch)
    active.nextOffset = batchNextOffset(batch)
    active.sizeBytes += batch.sizeBytes
    if (batch.maxTimestamp > active.maxTimestamp) active.maxTimestamp = batch.maxTimestamp
    this.#sizeBytes += batch.sizeBytes
  }

  read(fromOffset: number, maxBytes: number): readonly RecordBatch[] {
    const segments = this.#segments
    let segmentIndex = Math.max(0, floorIndex(segments, fromOffset, segmentBase))
    const result: RecordBatch[] = []
    let bytes = 0
    for (; segmentIndex < segments.length; segmentIndex++) {
      const batches = (segments[segmentIndex] as MemorySegment).batches
      let batchIndex = Math.max(0, floorIndex(batches, fromOffset, batchBase))
      for (; batchIndex < batches.length; batchIndex++) {
        const batch = batches[batchIndex] as RecordBatch
        if (batchNextOffset(batch) <= fromOffset) continue
        if (result.length > 0 && bytes + batch.sizeBytes > maxBytes) return result
        result.push(batch)
        bytes += batch.sizeBytes
      }
    }
    return result
  }

  segments(): readonly SegmentInfo[] {
    return this.#segments.map((segment) => ({
      baseOffset: segment.baseOffset,
      nextOffset: segment.nextOffset,
      sizeBytes: segment.sizeBytes,
      batchCount: segment.batches.length,
      firstAppendTimeMs: segment.firstAppendTimeMs,
      maxTimestamp: segment.maxTimestamp,
    }))
  }

  roll(_nowMs: number): void {
    const active = this.#active()
    if (active.batches.length === 0) return
    this.#segments.push(newSegment(active.nextOffset))
  }

  deleteOldestSegments(count: number): void {
    assert(count < this.#segments.length, 'the active segment is never deleted')
    const removed = this.#segments.splice(0, count)
    for (const segment of removed) this.#sizeBytes -= segment.sizeBytes
  }

  replaceSegment(baseOffset: number, batches: readonly RecordBatch[]): void {
    const index = this.#segments.findIndex((segment) => segment.baseOffset === baseOffset)
    assert(index >= 0 && index < this.#segments.length - 1, 'only closed segments are replaced')
    const segment = this.#segments[index] as MemorySegment
    let sizeBytes = 0
    let maxTimestamp = Number.NEGATIVE_INFINITY
    for (const batch of batches) {
      assert(
        batch.baseOffset >= segment.baseOffset && batchNextOffset(batch) <= segment.nextOffset,
        'compaction keeps offsets',
      )
      sizeBytes += batch.sizeBytes
      if (batch.maxTimestamp > maxTimestamp) maxTimestamp = batch.maxTimestamp
    }
    this.#sizeBytes += sizeBytes - segment.sizeBytes
    segment.batches = [...batches]
    segment.sizeBytes = sizeBytes
    segment.maxTimestamp = maxTimestamp
  }

  offsetForTimestamp(timestampMs: number, fromOffset: number): number | null {
    for (const segment of this.#segments) {
      if (segment.maxTimestamp < timestampMs || segment.nextOffset <= fromOffset) continue
      for (const batch of segment.batches) {
        if (batch.maxTimestamp < timestampMs || batchNextOffset(batch) <= fromOffset) continue
        const offset = offsetForTimestampIn(batch, fromOffset, timestampMs)
        if (offset !== null) return offset
      }
    }
    return null
  }

  sizeBytes(): number {
    return this.#sizeBytes
  }

  #active(): MemorySegment {
    return this.#segments[this.#segments.length - 1] as MemorySegment
  }
}
