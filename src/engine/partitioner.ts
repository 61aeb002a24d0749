/**
 * Partition choice shared by every face: the keyed rule of Kafka's Java client (and KafkaJS's
 * DefaultPartitioner) and the null-key round-robin counter KafkaJS uses.
 *
 * Behavior: null keys go round-robin from a random start, as KafkaJS 2.x does; this is not the
 * Java client's sticky partitioner.
 */
import { assert } from '../common/assert.js'
import { murmur2, toPositive } from './murmur2.js'

/**
 * The partition a keyed record goes to: `toPositive(murmur2(key)) % partitionCount`, as in Java.
 * `partitionCount` counts every partition of the topic, available or not. The key is `keyBytes`, or
 * its `[start, end)` when given.
 */
export function partitionForKey(
  keyBytes: Uint8Array,
  partitionCount: number,
  start = 0,
  end = keyBytes.length,
): number {
  assert(Number.isInteger(partitionCount) && partitionCount > 0, 'a topic has at least one partition')
  return toPositive(murmur2(keyBytes, start, end)) % partitionCount
}

const uint32Range = 0x1_0000_0000

/**
 * A round-robin position for null-key records of one topic. It starts at a random unsigned 32-bit
 * value drawn from the injected `random()` (a function returning [0, 1), like `Math.random`), and
 * each `next(count)` advances by one, so `count × k` calls hit every index exactly `k` times.
 */
export class RoundRobinCounter {
  /** The last value handed out, kept as an unsigned 32-bit integer (it wraps as Kafka's int does). */
  #value: number

  constructor(random: () => number) {
    this.#value = Math.floor(random() * uint32Range) >>> 0
  }

  /** Advances the counter and returns an index in `[0, count)`. */
  next(count: number): number {
    assert(Number.isInteger(count) && count > 0, 'round-robin needs at least one candidate')
    this.#value = (this.#value + 1) >>> 0
    return toPositive(this.#value) % count
  }
}
