import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  offsetForTimestampIn,
  PackedBatch,
  PackedBatchInput,
  PackedRecords,
  packedOf,
} from '../../src/common/packed-records.js'
import { toStoredBytes } from '../../src/kafkajs/convert.js'
import { packMessages } from '../../src/kafkajs/pack.js'
import type { Message } from '../../src/kafkajs/types.js'

const bytesOrText = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
)

const bytesOf = (value: Uint8Array | null): Buffer | null => (value === null ? null : Buffer.from(value))

describe('packMessages', () => {
  it('stores every key and value as KafkaJS encodes it, grouped by partition in message order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: bytesOrText,
            value: bytesOrText,
            // Mostly valid partitions; also what a custom partitioner may return that the broker rejects.
            partition: fc.oneof(
              { weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }) },
              fc.constantFrom(-1, 4095, 4096, 2 ** 31, 1.5, Number.NaN),
            ),
          }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (messages) => {
          const packed = packMessages(messages as Message[], (message) => message.partition as number, 5)
          for (const [partition, columns] of packed) {
            const records = columns.toRecords()
            const expected = messages.filter((message) => Object.is(message.partition, partition))
            expect(records).toHaveLength(expected.length)
            records.forEach((record, index) => {
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
          expect([...packed.values()].reduce((sum, columns) => sum + columns.count, 0)).toBe(messages.length)
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

  it('refuses numbers, booleans and objects as keys or values with TypeError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.boolean(), fc.object(), fc.double()),
        fc.boolean(),
        (odd, asKey) => {
          const message = asKey ? { key: odd, value: 'v' } : { key: 'k', value: odd }
          expect(() => packMessages([{ value: 'ok' }, message as never], () => 0, 0)).toThrow(TypeError)
        },
      ),
    )
  })

  it("copies the producer's Buffers: mutating them afterwards changes nothing stored", () => {
    const key = Buffer.from('key')
    const value = Buffer.from('value')
    const [packed] = [...packMessages([{ key, value }], () => 0, 0).values()]
    key.fill(0)
    value.fill(0)
    expect(Buffer.from(packed?.recordAt(0).key as Uint8Array).toString()).toBe('key')
    expect(Buffer.from(packed?.recordAt(0).value as Uint8Array).toString()).toBe('value')
  })

  it('keeps headers per record, and no header column when no message has headers', () => {
    const [withHeaders] = [
      ...packMessages([{ value: 'a' }, { value: 'b', headers: { h: 'x' } }], () => 0, 0).values(),
    ]
    expect(withHeaders?.recordAt(0).headers).toBeNull()
    expect(withHeaders?.recordAt(1).headers).toEqual([{ key: 'h', value: Buffer.from('x') }])
    expect(withHeaders?.recordAt(1).sizeBytes).toBe(21 + 1 + 'h'.length + 1 + 2)
    const [without] = [...packMessages([{ value: 'a' }], () => 0, 0).values()]
    expect(without?.headers).toBeNull()
  })
})

describe('PackedRecords', () => {
  const packed = new PackedRecords({
    slab: Buffer.from('k1v1v2'),
    bounds: Int32Array.from([0, 2, 2, 4, -1, -1, 4, 6, -1, -1, -1, -1]),
    timestamps: Float64Array.from([30, 10, 50]),
    sizes: Float64Array.from([25, 23, 21]),
    headers: null,
  })

  it('summarises its columns: count, total size, first and max timestamp, null keys', () => {
    expect([
      packed.count,
      packed.sizeBytes,
      packed.firstTimestamp,
      packed.maxTimestamp,
      packed.hasNullKey,
    ]).toEqual([3, 69, 30, 50, true])
  })

  it('builds record objects on demand, keys and values as views of the slab', () => {
    expect(
      packed.toRecords().map((record) => ({
        ...record,
        key: record.key === null ? null : String(record.key),
        value: record.value === null ? null : String(record.value),
      })),
    ).toEqual([
      { offsetDelta: 0, timestamp: 30, key: 'k1', value: 'v1', headers: null, sizeBytes: 25 },
      { offsetDelta: 1, timestamp: 10, key: null, value: 'v2', headers: null, sizeBytes: 23 },
      { offsetDelta: 2, timestamp: 50, key: null, value: null, headers: null, sizeBytes: 21 },
    ])
    expect(Buffer.isBuffer(packed.recordAt(0).value)).toBe(true)
  })

  it('withTimestamp stamps every record and shares the bytes', () => {
    const stamped = packed.withTimestamp(99)
    expect(stamped.toRecords().map((record) => record.timestamp)).toEqual([99, 99, 99])
    expect([stamped.firstTimestamp, stamped.maxTimestamp]).toEqual([99, 99])
    expect(stamped.slab).toBe(packed.slab)
  })

  it('a packed batch keeps its columns off its own properties, so a spread with records is a plain batch', () => {
    const batch = new PackedBatch(
      {
        baseOffset: 10,
        lastOffsetDelta: 2,
        firstTimestamp: 30,
        maxTimestamp: 50,
        appendTimeMs: 0,
        producerId: -1,
        producerEpoch: -1,
        baseSequence: -1,
        isTransactional: false,
        isControl: false,
        controlType: null,
        sizeBytes: 130,
      },
      packed,
    )
    expect(packedOf(batch)).toBe(packed)
    expect(batch.records).toHaveLength(3)
    const compacted = { ...batch, records: batch.records.slice(0, 1) }
    expect(packedOf(compacted)).toBeNull()
    expect(compacted.records).toHaveLength(1)
    expect(packedOf(new PackedBatchInput(packed))).toBe(packed)
    // Timestamps 30, 10, 50 at offsets 10, 11, 12: the first at or after, from an offset on.
    for (const candidate of [batch, { ...batch, records: batch.records }]) {
      expect(offsetForTimestampIn(candidate, 0, 20)).toBe(10)
      expect(offsetForTimestampIn(candidate, 11, 20)).toBe(12)
      expect(offsetForTimestampIn(candidate, 11, 5)).toBe(11)
      expect(offsetForTimestampIn(candidate, 0, 51)).toBeNull()
    }
    expect(new PackedBatchInput(packed).records).toHaveLength(3)
  })
})
