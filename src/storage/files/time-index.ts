/**
 * The sparse time index of one segment. Record timestamps need not increase (CreateTime), so an
 * entry records, for the batch that starts at a position, the largest timestamp of every batch
 * before it. Those values never decrease along the segment, so a binary search finds the last
 * position before which no batch has a timestamp ≥ the one looked for: a timestamp lookup scans
 * from there. Entries are added beside offset index entries, and only when that largest
 * timestamp has grown since the previous entry (16 bytes an entry: f64, u32, u32).
 */

import { assert } from '../../common/assert.js'
import { lastIndexWhere } from '../../common/search.js'

const INITIAL_CAPACITY = 64

/** Bytes one entry takes in an index file. */
export const TIME_INDEX_ENTRY_BYTES = 16

/** Sparse (largest timestamp before a batch) → that batch's relative offset and position. */
export class TimeIndex {
  #timestamps = new Float64Array(INITIAL_CAPACITY)
  #relativeOffsets = new Uint32Array(INITIAL_CAPACITY)
  #positions = new Uint32Array(INITIAL_CAPACITY)
  #length = 0

  /** Number of entries. */
  get entryCount(): number {
    return this.#length
  }

  /** The largest timestamp recorded so far, or -Infinity. */
  get lastTimestamp(): number {
    return this.#length === 0 ? Number.NEGATIVE_INFINITY : (this.#timestamps[this.#length - 1] as number)
  }

  /** Adds an entry: every batch before `position` has timestamps ≤ `timestampBeforeMs`. */
  add(timestampBeforeMs: number, relativeOffset: number, position: number): void {
    const length = this.#length
    if (length > 0) {
      assert(timestampBeforeMs > (this.#timestamps[length - 1] as number), 'time index timestamps increase')
      assert(position > (this.#positions[length - 1] as number), 'time index positions increase')
    }
    if (length === this.#positions.length) this.#grow()
    this.#timestamps[length] = timestampBeforeMs
    this.#relativeOffsets[length] = relativeOffset
    this.#positions[length] = position
    this.#length = length + 1
  }

  /** The position of the last entry before which every timestamp is < timestampMs, or 0. */
  startPosition(timestampMs: number): number {
    const timestamps = this.#timestamps
    const found = lastIndexWhere(this.#length, (index) => (timestamps[index] as number) < timestampMs)
    return found === -1 ? 0 : (this.#positions[found] as number)
  }

  /** Writes the entries at `start` of `target`; returns the bytes written. */
  writeTo(target: Buffer, start: number): number {
    for (let index = 0; index < this.#length; index++) {
      const at = start + index * TIME_INDEX_ENTRY_BYTES
      target.writeDoubleLE(this.#timestamps[index] as number, at)
      target.writeUInt32LE(this.#relativeOffsets[index] as number, at + 8)
      target.writeUInt32LE(this.#positions[index] as number, at + 12)
    }
    return this.#length * TIME_INDEX_ENTRY_BYTES
  }

  /** Reads `count` entries; null when they are not increasing or point at or past `fileBytes`. */
  static readFrom(source: Buffer, start: number, count: number, fileBytes: number): TimeIndex | null {
    const index = new TimeIndex()
    let lastTimestamp = Number.NEGATIVE_INFINITY
    let lastPosition = -1
    for (let entry = 0; entry < count; entry++) {
      const at = start + entry * TIME_INDEX_ENTRY_BYTES
      const timestamp = source.readDoubleLE(at)
      const relativeOffset = source.readUInt32LE(at + 8)
      const position = source.readUInt32LE(at + 12)
      if (!(timestamp > lastTimestamp) || position <= lastPosition || position >= fileBytes) return null
      index.add(timestamp, relativeOffset, position)
      lastTimestamp = timestamp
      lastPosition = position
    }
    return index
  }

  #grow(): void {
    const capacity = this.#positions.length * 2
    const timestamps = new Float64Array(capacity)
    timestamps.set(this.#timestamps)
    const offsets = new Uint32Array(capacity)
    offsets.set(this.#relativeOffsets)
    const positions = new Uint32Array(capacity)
    positions.set(this.#positions)
    this.#timestamps = timestamps
    this.#relativeOffsets = offsets
    this.#positions = positions
  }
}
