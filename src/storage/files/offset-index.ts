/**
 * The sparse offset index of one segment: every `indexIntervalBytes` of log, the position of the
 * batch that starts there. A lookup gives the position of the last indexed batch at or before an
 * offset, from which a reader scans at most about `indexIntervalBytes` (plus one batch) forward.
 * Offsets are stored relative to the segment's base and positions as u32, 8 bytes an entry (as in
 * Kafka's `.index`).
 */

import { assert } from '../../common/assert.js'
import { lastIndexWhere } from '../../common/search.js'

const INITIAL_CAPACITY = 64

/** Bytes one entry takes in an index file. */
export const OFFSET_INDEX_ENTRY_BYTES = 8

/** Sparse relative offset → file position entries, in increasing order of both. */
export class OffsetIndex {
  #relativeOffsets = new Uint32Array(INITIAL_CAPACITY)
  #positions = new Uint32Array(INITIAL_CAPACITY)
  #length = 0

  /** Number of entries. */
  get entryCount(): number {
    return this.#length
  }

  /** Adds an entry; both the offset and the position must be past the last entry's. */
  add(relativeOffset: number, position: number): void {
    const length = this.#length
    if (length > 0) {
      assert(relativeOffset > (this.#relativeOffsets[length - 1] as number), 'index offsets increase')
      assert(position > (this.#positions[length - 1] as number), 'index positions increase')
    }
    if (length === this.#positions.length) this.#grow()
    this.#relativeOffsets[length] = relativeOffset
    this.#positions[length] = position
    this.#length = length + 1
  }

  /** Position of the last entry whose offset is ≤ relativeOffset, or 0 (the segment's start). */
  floorPosition(relativeOffset: number): number {
    const offsets = this.#relativeOffsets
    const found = lastIndexWhere(this.#length, (index) => (offsets[index] as number) <= relativeOffset)
    return found === -1 ? 0 : (this.#positions[found] as number)
  }

  /** Writes the entries at `start` of `target`; returns the bytes written. */
  writeTo(target: Buffer, start: number): number {
    for (let index = 0; index < this.#length; index++) {
      target.writeUInt32LE(this.#relativeOffsets[index] as number, start + index * OFFSET_INDEX_ENTRY_BYTES)
      target.writeUInt32LE(this.#positions[index] as number, start + index * OFFSET_INDEX_ENTRY_BYTES + 4)
    }
    return this.#length * OFFSET_INDEX_ENTRY_BYTES
  }

  /**
   * Reads `count` entries from `source` at `start`. Returns null when they are not strictly
   * increasing or point at or past `fileBytes` (a damaged index is rebuilt, never trusted).
   */
  static readFrom(source: Buffer, start: number, count: number, fileBytes: number): OffsetIndex | null {
    const index = new OffsetIndex()
    let lastOffset = -1
    let lastPosition = -1
    for (let entry = 0; entry < count; entry++) {
      const relativeOffset = source.readUInt32LE(start + entry * OFFSET_INDEX_ENTRY_BYTES)
      const position = source.readUInt32LE(start + entry * OFFSET_INDEX_ENTRY_BYTES + 4)
      if (relativeOffset <= lastOffset || position <= lastPosition || position >= fileBytes) return null
      index.add(relativeOffset, position)
      lastOffset = relativeOffset
      lastPosition = position
    }
    return index
  }

  #grow(): void {
    const capacity = this.#positions.length * 2
    const offsets = new Uint32Array(capacity)
    offsets.set(this.#relativeOffsets)
    const positions = new Uint32Array(capacity)
    positions.set(this.#positions)
    this.#relativeOffsets = offsets
    this.#positions = positions
  }
}
