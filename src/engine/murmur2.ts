/**
 * Java-compatible murmur2, the hash Kafka's Java client and KafkaJS's DefaultPartitioner apply to
 * record keys. Java computes it on 32-bit ints with wrap-around; `Math.imul` and `| 0` give the
 * same results without Long or BigInt, so a key lands on the partition it would on real Kafka.
 */

const seed = 0x9747b28c
const multiplier = 0x5bd1e995
const shift = 24

/**
 * Hashes bytes (all of them, or `[start, end)`) exactly as `org.apache.kafka.common.utils.Utils.murmur2` does.
 * Returns a signed 32-bit integer (Java `int`).
 * @example murmur2(new TextEncoder().encode('foo')) // 597841616
 */
export function murmur2(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const length = end - start
  let hash = (seed ^ length) | 0
  const wholeWords = length >>> 2
  for (let word = 0; word < wholeWords; word++) {
    const at = start + (word << 2)
    // Indexes are below `length`, so the reads are defined; `| 0` keeps the word an int32.
    let k = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24) | 0
    k = Math.imul(k, multiplier)
    k ^= k >>> shift
    k = Math.imul(k, multiplier)
    hash = Math.imul(hash, multiplier)
    hash ^= k
  }
  const tail = start + (length & ~3)
  const remaining = length & 3
  // Java's switch falls through from case 3 to case 1; the ifs below do the same in order.
  if (remaining === 3) hash ^= bytes[tail + 2]! << 16
  if (remaining >= 2) hash ^= bytes[tail + 1]! << 8
  if (remaining >= 1) {
    hash ^= bytes[tail]!
    hash = Math.imul(hash, multiplier)
  }
  hash ^= hash >>> 13
  hash = Math.imul(hash, multiplier)
  hash ^= hash >>> 15
  return hash | 0
}

/**
 * Kafka's `Utils.toPositive`: clears the sign bit. It is not `Math.abs`: -1 maps to 2147483647.
 */
export function toPositive(value: number): number {
  return value & 0x7fffffff
}
