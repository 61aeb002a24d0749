import { describe, expect, it } from 'vitest'
import { InvariantError } from '../../src/common/assert.js'
import { partitionForKey, RoundRobinCounter } from '../../src/engine/partitioner.js'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('partitionForKey', () => {
  it('maps keys to the partition the Java client picks', () => {
    expect(partitionForKey(utf8('key-3'), 10)).toBe(7)
    expect(partitionForKey(utf8('order-2'), 4)).toBe(3)
    expect(partitionForKey(utf8(''), 6)).toBe(3)
  })

  it('rejects a partition count below one as a programmer error', () => {
    expect(() => partitionForKey(utf8('a'), 0)).toThrow(InvariantError)
  })
})

describe('RoundRobinCounter', () => {
  it('starts after the random position and advances by one', () => {
    const counter = new RoundRobinCounter(() => 0)
    expect([0, 1, 2, 3, 4].map(() => counter.next(3))).toEqual([1, 2, 0, 1, 2])
  })

  it('spreads count × k calls exactly k per index away from the 2^31 wrap', () => {
    for (const start of [0, 0.25, 0.5, 0.75]) {
      const counter = new RoundRobinCounter(() => start)
      const hits = [0, 0, 0, 0, 0]
      for (let i = 0; i < 5 * 7; i++) hits[counter.next(5)]! += 1
      expect(hits).toEqual([7, 7, 7, 7, 7])
    }
  })

  it('wraps like a 32-bit counter with the sign bit cleared', () => {
    // The largest uint32 start: the next value wraps to 0, as KafkaJS's `toPositive(++counter)` does.
    const counter = new RoundRobinCounter(() => 0.9999999999)
    expect(counter.next(1000)).toBe(0)
    expect(counter.next(1000)).toBe(1)
  })

  it('rejects an empty candidate set as a programmer error', () => {
    expect(() => new RoundRobinCounter(() => 0).next(0)).toThrow(InvariantError)
  })
})
