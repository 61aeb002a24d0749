/**
 * The bounded cache of recently appended batches, shared by every partition of one store: a
 * consumer that follows its producers reads them from memory, without a read or a decode. It holds
 * at most `cacheBytes` (counted as frame bytes on disk; the decoded objects take somewhat more),
 * least recently used first out. Everything else is read from disk on demand and not cached
 * (segment-reader.ts says why), so memory stays bounded however large the log.
 */
import type { RecordBatch } from '../../common/record.js'

/** One cached batch. */
export interface CacheEntry {
  /** The decoded batch (shared with every reader: records are immutable). */
  readonly batch: RecordBatch
  /** Where its frame starts in the segment file. */
  readonly position: number
  /** Size of its frame, header included: what it costs in the cache. */
  readonly frameBytes: number
  /** The segment's map this entry is filed in, by base offset. */
  readonly owner: Map<number, CacheEntry>
}

/** Least-recently-used cache of decoded batches, bounded in frame bytes. */
export class BatchCache {
  readonly #capacityBytes: number
  /** Entries in use order: the first is the least recently used. */
  readonly #order = new Set<CacheEntry>()
  #usedBytes = 0

  constructor(capacityBytes: number) {
    this.#capacityBytes = capacityBytes
  }

  /** Frame bytes currently cached. */
  get usedBytes(): number {
    return this.#usedBytes
  }

  /** The cached batch at `baseOffset` of a segment, marked as just used. */
  get(owner: Map<number, CacheEntry>, baseOffset: number): CacheEntry | undefined {
    const entry = owner.get(baseOffset)
    if (entry !== undefined) {
      this.#order.delete(entry)
      this.#order.add(entry)
    }
    return entry
  }

  /** Caches a batch, evicting the least recently used until the bound holds. */
  put(owner: Map<number, CacheEntry>, batch: RecordBatch, position: number, frameBytes: number): void {
    if (frameBytes > this.#capacityBytes) return
    const previous = owner.get(batch.baseOffset)
    if (previous !== undefined) this.#remove(previous)
    const entry: CacheEntry = { batch, position, frameBytes, owner }
    owner.set(batch.baseOffset, entry)
    this.#order.add(entry)
    this.#usedBytes += frameBytes
    while (this.#usedBytes > this.#capacityBytes) {
      const oldest = this.#order.values().next().value as CacheEntry
      this.#remove(oldest)
    }
  }

  /** Forgets every batch of one segment (deleted, replaced or closed). */
  dropAll(owner: Map<number, CacheEntry>): void {
    for (const entry of owner.values()) {
      this.#order.delete(entry)
      this.#usedBytes -= entry.frameBytes
    }
    owner.clear()
  }

  #remove(entry: CacheEntry): void {
    this.#order.delete(entry)
    entry.owner.delete(entry.batch.baseOffset)
    this.#usedBytes -= entry.frameBytes
  }
}
