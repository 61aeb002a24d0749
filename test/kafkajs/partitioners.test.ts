import { createRequire } from 'node:module'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createDefaultPartitioner,
  createLegacyPartitioner,
  keyBytes,
  legacyMurmur2,
  Partitioners,
} from '../../src/kafkajs/partitioners.js'
import type { Message, PartitionMetadata } from '../../src/kafkajs/types.js'

const require = createRequire(import.meta.url)
const kafkajs = (require('kafkajs') as { Partitioners: typeof Partitioners }).Partitioners
const kafkajsLegacyMurmur2 = require('kafkajs/src/producer/partitioners/legacy/murmur2.js') as (
  key: unknown,
) => number

afterEach(() => {
  vi.restoreAllMocks()
})

function metadata(count: number, leaderless: readonly number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
  }))
}

const key = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
)

/** Makes kafkajs's crypto-drawn round-robin start equal `start` (it reads a big-endian uint32). */
function fixKafkaJSStart(start: number): void {
  const fill = (array: Uint8Array): Uint8Array => {
    const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength)
    bytes.fill(0)
    bytes.writeUInt32BE(start, 0)
    return array
  }
  vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(
    fill as typeof globalThis.crypto.getRandomValues,
  )
}

describe('legacyMurmur2', () => {
  it.each([
    ['', 275646684],
    ['a', -809885833],
    ['key-1', 461895951],
    ['1', 1311020360],
  ])('reproduces KafkaJS 1.x hash of %j', (text, expected) => {
    expect(legacyMurmur2(Buffer.from(text))).toBe(expected)
  })

  it('agrees with kafkajs legacy murmur2 on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(legacyMurmur2(bytes)).toBe(kafkajsLegacyMurmur2(Buffer.from(bytes)))
      }),
      { numRuns: 2_000 },
    )
  })
})

describe.each([
  ['DefaultPartitioner', createDefaultPartitioner, kafkajs.DefaultPartitioner],
  ['LegacyPartitioner', createLegacyPartitioner, kafkajs.LegacyPartitioner],
] as const)('%s', (_name, create, theirs) => {
  it('puts random keys on the partition kafkajs picks', () => {
    const mine = create()
    const reference = theirs()
    fc.assert(
      fc.property(key, fc.integer({ min: 1, max: 64 }), (messageKey, count) => {
        const args = {
          topic: 't',
          partitionMetadata: metadata(count),
          message: { key: messageKey, value: null },
        }
        expect(mine(args)).toBe(reference(args))
      }),
      { numRuns: 3_000 },
    )
  })

  it('hashes keys as KafkaJS converts them: numbers and non-Buffer bytes as strings', () => {
    const mine = create()
    const reference = theirs()
    const odd: Array<Message['key'] | number | Uint8Array> = [123, '123', 0, new Uint8Array([1, 2, 3]), '']
    for (const oddKey of odd) {
      const message = { key: oddKey, value: null } as Message
      const args = { topic: 't', partitionMetadata: metadata(7), message }
      expect(mine(args), String(oddKey)).toBe(reference(args))
    }
    expect(keyBytes(123)).toEqual(Buffer.from('123'))
  })

  it('returns an explicit partition as is, even out of range', () => {
    const mine = create()
    const args = {
      topic: 't',
      partitionMetadata: metadata(3),
      message: { key: 'k', value: null, partition: 99 },
    }
    expect(mine(args)).toBe(99)
    expect(theirs()(args)).toBe(99)
  })

  it('sends null keys round-robin over partitions with a leader, exactly like kafkajs from the same start', () => {
    const start = 0x7ffffff0 // close to the 2^31 wrap, where toPositive folds the counter back to 0
    fixKafkaJSStart(start)
    const reference = theirs()
    const mine = create({ random: () => start / 2 ** 32 })
    const partitionMetadata = metadata(7, [2, 5])
    const picks = (partitioner: (args: never) => number) =>
      Array.from({ length: 40 }, (_, i) =>
        partitioner({ topic: i % 2 === 0 ? 'a' : 'b', partitionMetadata, message: { value: null } } as never),
      )
    const mineAll = picks(mine)
    expect(mineAll).toEqual(picks(reference))
    expect(mineAll).not.toContain(2)
    expect(mineAll).not.toContain(5)
  })

  it('spreads null keys over all partitions when none has a leader, like kafkajs', () => {
    fixKafkaJSStart(12345)
    const reference = theirs()
    const mine = create({ random: () => 12345 / 2 ** 32 })
    const partitionMetadata = metadata(4, [0, 1, 2, 3])
    const args = { topic: 't', partitionMetadata, message: { key: null, value: 'v' } }
    const mineAll = Array.from({ length: 8 }, () => mine(args))
    expect(mineAll).toEqual(Array.from({ length: 8 }, () => reference(args)))
    expect([...mineAll].sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3])
  })
})

describe('Partitioners', () => {
  it('has the keys of kafkajs and JavaCompatiblePartitioner is DefaultPartitioner', () => {
    expect(Object.keys(Partitioners)).toEqual(Object.keys(kafkajs))
    expect(Partitioners.JavaCompatiblePartitioner).toBe(Partitioners.DefaultPartitioner)
  })

  it('builds a fresh partitioner per call of the factory', () => {
    const partitioner = Partitioners.DefaultPartitioner()
    const args = { topic: 't', partitionMetadata: metadata(10), message: { key: 'key-3', value: null } }
    expect(partitioner(args)).toBe(7)
    expect(Partitioners.LegacyPartitioner()({ ...args, partitionMetadata: metadata(3) })).toBe(2)
    expect(Partitioners.DefaultPartitioner()).not.toBe(partitioner)
  })
})
