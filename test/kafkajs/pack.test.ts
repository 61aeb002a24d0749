import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SlabRecord } from '../../src/common/slab-record.js'
import { toStoredBytes } from '../../src/kafkajs/convert.js'
import { packMessages } from '../../src/kafkajs/pack.js'
import type { Message } from '../../src/kafkajs/types.js'

const bytesOrText = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
  fc.integer(),
)

const bytesOf = (value: Uint8Array | null): Buffer | null => (value === null ? null : Buffer.from(value))

describe('packMessages', () => {
  it('stores every key and value as KafkaJS encodes it, grouped by partition in message order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ key: bytesOrText, value: bytesOrText, partition: fc.integer({ min: 0, max: 3 }) }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (messages) => {
          const packed = packMessages(messages as Message[], (message) => message.partition as number, 5)
          for (const [partition, records] of packed) {
            const expected = messages.filter((message) => message.partition === partition)
            expect(records).toHaveLength(expected.length)
            records.forEach((record, index) => {
              expect(record).toBeInstanceOf(SlabRecord)
              expect(record.offsetDelta).toBe(index)
              expect(record.timestamp).toBe(5)
              expect(bytesOf(record.key as Uint8Array | null)).toEqual(toStoredBytes(expected[index]?.key))
              expect(bytesOf(record.value as Uint8Array | null)).toEqual(
                toStoredBytes(expected[index]?.value),
              )
              const key = toStoredBytes(expected[index]?.key)
              const value = toStoredBytes(expected[index]?.value)
              expect(record.sizeBytes).toBe(21 + (key?.length ?? 0) + (value?.length ?? 0))
            })
          }
          expect([...packed.values()].reduce((sum, records) => sum + records.length, 0)).toBe(messages.length)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('hands the partition chooser the encoded key bytes, and null for a null key', () => {
    const seen: (string | null)[] = []
    packMessages(
      [
        { key: 'ключ', value: 'a' },
        { key: Buffer.from([1, 2]), value: 'b' },
        { key: null, value: 'c' },
        { value: 'd' },
      ],
      (_message, key, start, end) => {
        seen.push(key === null ? null : Buffer.from(key.subarray(start, end)).toString('hex'))
        return 0
      },
      0,
    )
    expect(seen).toEqual([Buffer.from('ключ').toString('hex'), '0102', null, null])
  })

  it("converts a key or value object with String() once, so its toString's effects happen once", () => {
    let calls = 0
    const key = {
      toString: () => {
        calls++
        return `call-${calls}`
      },
    }
    const [records] = [...packMessages([{ key: key as never, value: 'v' }], () => 0, 0).values()]
    expect(calls).toBe(1)
    expect(Buffer.from(records?.[0]?.key as Uint8Array).toString()).toBe('call-1')
  })

  it("copies the producer's Buffers: mutating them afterwards changes nothing stored", () => {
    const key = Buffer.from('key')
    const value = Buffer.from('value')
    const [records] = [...packMessages([{ key, value }], () => 0, 0).values()]
    key.fill(0)
    value.fill(0)
    expect(Buffer.from(records?.[0]?.key as Uint8Array).toString()).toBe('key')
    expect(Buffer.from(records?.[0]?.value as Uint8Array).toString()).toBe('value')
  })

  it('keeps one slab per partition, so a partition batch is one allocation', () => {
    const packed = packMessages(
      Array.from({ length: 10 }, (_, index) => ({
        key: `k${index}`,
        value: 'x'.repeat(100),
        partition: index % 2,
      })),
      (message) => message.partition as number,
      0,
    )
    for (const records of packed.values()) {
      const slabs = new Set(records.map((record) => (record as SlabRecord).slab))
      expect(slabs.size).toBe(1)
    }
  })
})

describe('SlabRecord', () => {
  const slab = Buffer.from('keyvalue')
  const record = new SlabRecord(3, 10, slab, 0, 3, 3, 8, null, 29)

  it('reads key and value as views of its slab, and null bounds as null', () => {
    expect(Buffer.from(record.key as Uint8Array).toString()).toBe('key')
    expect(Buffer.from(record.value as Uint8Array).toString()).toBe('value')
    const tombstone = new SlabRecord(0, 0, slab, -1, -1, -1, -1, null, 21)
    expect(tombstone.key).toBeNull()
    expect(tombstone.value).toBeNull()
    expect(Buffer.isBuffer(record.value)).toBe(true)
  })

  it('withTimestamp changes the timestamp and shares everything else', () => {
    const stamped = record.withTimestamp(99)
    expect(stamped.timestamp).toBe(99)
    expect(stamped.slab).toBe(slab)
    expect([
      stamped.offsetDelta,
      stamped.keyStart,
      stamped.keyEnd,
      stamped.valueStart,
      stamped.valueEnd,
      stamped.sizeBytes,
    ]).toEqual([3, 0, 3, 3, 8, 29])
  })
})
