/**
 * KafkaJS's `Partitioners`: DefaultPartitioner (Java-compatible murmur2, the default since 2.0),
 * JavaCompatiblePartitioner (the same object) and LegacyPartitioner (KafkaJS 1.x's hash), each a
 * factory `() => ({ topic, partitionMetadata, message }) => partition` (catalog §2.1).
 *
 * Rules, for both: an explicit `message.partition` is returned as is; a key (anything but null or
 * undefined) is hashed, as a Buffer or else as `Buffer.from(String(key))`, modulo the number of
 * partitions (available or not); a null key goes round-robin over partitions whose leader is >= 0,
 * from a random start per topic, or over all partitions when none has a leader.
 *
 * Behavior: the random start comes from `Math.random` (KafkaJS draws it from crypto), or from the
 * `random` option of the create* functions.
 */
import { Buffer } from 'node:buffer'
import { murmur2, toPositive } from '../engine/murmur2.js'
import { RoundRobinCounter } from '../engine/partitioner.js'
import type { ICustomPartitioner, Message, PartitionerArgs } from './types.js'

/** The bytes KafkaJS hashes for a key: a Buffer as is, anything else as UTF-8 of `String(key)`. */
export function keyBytes(key: NonNullable<Message['key']> | number): Buffer {
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key))
}

const legacySeed = 0x9747b28c
const legacyMultiplier = 0x5bd1e995
const legacyShift = 24

/**
 * KafkaJS 1.x's murmur2: the Java algorithm written with floating-point multiplication and a
 * fractional loop bound (`length / 4`), so it reads one zero-padded extra word when the length is
 * not a multiple of 4. Not Java-compatible; kept bit-for-bit for LegacyPartitioner.
 */
export function legacyMurmur2(data: Uint8Array): number {
  const length = data.length
  const byteAt = (index: number): number => (data[index] ?? 0) & 0xff
  let h = legacySeed ^ length
  const length4 = length / 4
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = byteAt(i4) + (byteAt(i4 + 1) << 8) + (byteAt(i4 + 2) << 16) + (byteAt(i4 + 3) << 24)
    k *= legacyMultiplier
    k ^= k >>> legacyShift
    k *= legacyMultiplier
    h *= legacyMultiplier
    h ^= k
  }
  const tail = length & ~3
  const remaining = length % 4
  if (remaining === 3) h ^= byteAt(tail + 2) << 16
  if (remaining >= 2) h ^= byteAt(tail + 1) << 8
  if (remaining >= 1) {
    h ^= byteAt(tail)
    h *= legacyMultiplier
  }
  h ^= h >>> 13
  h *= legacyMultiplier
  h ^= h >>> 15
  return h
}

/** Options of the create* partitioner functions. */
export interface PartitionerOptions {
  /** Draws each topic's round-robin start; returns [0, 1). Default `Math.random`. */
  readonly random?: () => number
}

/** A partitioner function as KafkaJS's factories return it. */
export type PartitionerFunction = (args: PartitionerArgs) => number

function createPartitionerWith(
  hash: (bytes: Uint8Array) => number,
  options: PartitionerOptions,
): PartitionerFunction {
  const random = options.random ?? (() => Math.random())
  // One counter per topic, created on the topic's first message whatever its key, as in KafkaJS.
  const counters = new Map<string, RoundRobinCounter>()
  return ({ topic, partitionMetadata, message }) => {
    let counter = counters.get(topic)
    if (counter === undefined) {
      counter = new RoundRobinCounter(random)
      counters.set(topic, counter)
    }
    if (message.partition !== null && message.partition !== undefined) return message.partition
    const partitionCount = partitionMetadata.length
    if (message.key !== null && message.key !== undefined) {
      return toPositive(hash(keyBytes(message.key))) % partitionCount
    }
    const available = partitionMetadata.filter((partition) => partition.leader >= 0)
    if (available.length > 0) return available[counter.next(available.length)]!.partitionId
    return partitionCount > 0 ? counter.next(partitionCount) : Number.NaN
  }
}

/** A DefaultPartitioner function with an injectable random start. */
export function createDefaultPartitioner(options: PartitionerOptions = {}): PartitionerFunction {
  return createPartitionerWith(murmur2, options)
}

/** A LegacyPartitioner function with an injectable random start. */
export function createLegacyPartitioner(options: PartitionerOptions = {}): PartitionerFunction {
  return createPartitionerWith(legacyMurmur2, options)
}

/** KafkaJS's default partitioner factory: keys land where the Java client puts them. */
export const DefaultPartitioner: ICustomPartitioner = () => createDefaultPartitioner()

/** KafkaJS 1.x's partitioner factory (`createPartitioner: Partitioners.LegacyPartitioner`). */
export const LegacyPartitioner: ICustomPartitioner = () => createLegacyPartitioner()

/**
 * KafkaJS's `Partitioners`; `JavaCompatiblePartitioner === DefaultPartitioner`.
 * @example kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
 */
export const Partitioners: {
  readonly DefaultPartitioner: ICustomPartitioner
  readonly LegacyPartitioner: ICustomPartitioner
  /** @deprecated Use DefaultPartitioner: JavaCompatiblePartitioner was renamed in KafkaJS 2.0.0. */
  readonly JavaCompatiblePartitioner: ICustomPartitioner
} = Object.freeze({ DefaultPartitioner, LegacyPartitioner, JavaCompatiblePartitioner: DefaultPartitioner })
