import { describe, expect, it } from 'vitest'
import { isKafkaliteError } from '../../../src/common/errors.js'
import { PackedBatch, type PackedRecords, packedOf } from '../../../src/common/packed-records.js'
import type { RecordBatch } from '../../../src/common/record.js'
import { packMessages } from '../../../src/kafkajs/pack.js'
import { BATCH_HEADER_BYTES, decodeBatchFrame, encodeBatchFrame } from '../../../src/storage/files/codec.js'
import { FRAME_HEADER_BYTES, inspectFrame, sealFrame } from '../../../src/storage/files/frame.js'
import { testBatch } from '../storage-contract.js'

const FLAGS = FRAME_HEADER_BYTES + 52

describe('batch codec', () => {
  it('stores all-Buffer batches in the binary layout and anything else as msgpack', () => {
    const buffers = encodeBatchFrame(testBatch(0, { recordCount: 3 }))
    const objects = encodeBatchFrame(testBatch(0, { recordCount: 3, value: (offset) => ({ offset }) }))
    expect((buffers[FLAGS] as number) & 4).toBe(4)
    expect((objects[FLAGS] as number) & 4).toBe(0)
    expect(inspectFrame(buffers, 0, buffers.length)).toBe(buffers.length)
  })

  it('round-trips values msgpack keeps exactly: undefined, Dates, bigints, nested arrays', () => {
    const values = [
      undefined,
      new Date(1_700_000_000_123),
      2n ** 60n,
      [[1], [2, [3]]],
      { nested: { when: new Date(0) } },
    ]
    const batch = testBatch(10, { recordCount: values.length, value: (offset) => values[offset - 10] })
    const frame = encodeBatchFrame(batch)
    expect(decodeBatchFrame(frame, 0, frame.length)).toStrictEqual(batch)
  })

  it.each([
    ['binary', testBatch(0, { recordCount: 2 })],
    ['msgpack', testBatch(0, { recordCount: 2, value: () => ({ a: 1 }) })],
  ])('reports %s records that pass the CRC but do not parse as CORRUPT_MESSAGE', (_layout, batch) => {
    const frame = encodeBatchFrame(batch)
    const damaged = frame.subarray(0, frame.length - 3)
    sealFrame(damaged)
    let caught: unknown
    try {
      decodeBatchFrame(damaged, 0, damaged.length)
    } catch (error) {
      caught = error
    }
    expect(isKafkaliteError(caught, 'CORRUPT_MESSAGE')).toBe(true)
    expect(damaged.length).toBeGreaterThan(FRAME_HEADER_BYTES + BATCH_HEADER_BYTES)
  })
})

function packedBatch(baseOffset: number, messages: Parameters<typeof packMessages>[0]): PackedBatch {
  const packed = packMessages(messages, () => 0, 1_700_000_000_000).get(0) as PackedRecords
  return new PackedBatch(
    {
      baseOffset,
      lastOffsetDelta: packed.count - 1,
      firstTimestamp: packed.firstTimestamp,
      maxTimestamp: packed.maxTimestamp,
      appendTimeMs: 5,
      producerId: 7,
      producerEpoch: 1,
      baseSequence: 3,
      isTransactional: true,
      isControl: false,
      controlType: null,
      sizeBytes: packed.sizeBytes + 61,
    },
    packed,
  )
}

const plain = (batch: RecordBatch) => ({ ...batch, records: batch.records.map((record) => ({ ...record })) })

describe('packed batches', () => {
  const batch = packedBatch(40, [
    { key: 'a', value: 'first', timestamp: '1000' },
    { key: null, value: null },
    { key: Buffer.from([0, 1, 2]), value: Buffer.alloc(0), timestamp: '1700000000005' },
    { key: 'ключ', value: 'x'.repeat(300) },
  ])

  it('are written in the packed layout (frame version 2) and read back as packed batches with equal records', () => {
    const frame = encodeBatchFrame(batch)
    expect((frame[FLAGS] as number) & 8).toBe(8)
    expect(frame.readUInt16LE(8)).toBe(2)
    const decoded = decodeBatchFrame(frame, 0, frame.length)
    expect(packedOf(decoded)).not.toBeNull()
    expect(plain(decoded)).toEqual(plain(batch))
  })

  it('decode into bytes of their own: changing the frame afterwards changes nothing read', () => {
    const frame = encodeBatchFrame(batch)
    const decoded = decodeBatchFrame(frame, 0, frame.length)
    frame.fill(0)
    expect(String(decoded.records[0]?.value)).toBe('first')
  })

  it('larger than the reused frame buffer round-trip too, and leave later frames intact', () => {
    const value = Buffer.alloc(3 << 20, 9)
    const large = packedBatch(0, [{ key: 'big', value }])
    const frame = encodeBatchFrame(large)
    expect(frame.length).toBeGreaterThan(3 << 20)
    const sameValue = (decoded: RecordBatch) => value.equals(decoded.records[0]?.value as Buffer)
    expect(sameValue(decodeBatchFrame(frame, 0, frame.length))).toBe(true)
    const small = encodeBatchFrame(batch)
    expect(sameValue(decodeBatchFrame(frame, 0, frame.length))).toBe(true)
    expect(plain(decodeBatchFrame(small, 0, small.length))).toEqual(plain(batch))
  })

  it('with headers fall back to the binary layout, records equal', () => {
    const withHeaders = packedBatch(0, [{ key: 'k', value: 'v', headers: { h: 'x' } }])
    const frame = encodeBatchFrame(withHeaders)
    expect((frame[FLAGS] as number) & 12).toBe(4)
    expect(plain(decodeBatchFrame(frame, 0, frame.length))).toEqual(plain(withHeaders))
  })

  const corrupt = (damage: (frame: Buffer, payload: number) => Buffer): unknown => {
    const frame = Buffer.from(encodeBatchFrame(batch))
    const damaged = damage(frame, FRAME_HEADER_BYTES + BATCH_HEADER_BYTES)
    sealFrame(damaged, 2)
    try {
      decodeBatchFrame(damaged, 0, damaged.length)
    } catch (error) {
      return error
    }
    return null
  }

  /** A damage that writes `write(frame, payloadStart)` in place. */
  const writing =
    (write: (frame: Buffer, payload: number) => void) =>
    (frame: Buffer, payload: number): Buffer => {
      write(frame, payload)
      return frame
    }
  const bounds = 4 * 16

  it.each([
    [
      'a bound past the slab',
      writing((frame, payload) => frame.writeInt32LE(1_000_000, payload + bounds + 4)),
    ],
    ['a negative bound', writing((frame, payload) => frame.writeInt32LE(-7, payload + bounds))],
    [
      'an end before its start',
      writing((frame, payload) => {
        frame.writeInt32LE(2, payload + bounds)
        frame.writeInt32LE(0, payload + bounds + 4)
      }),
    ],
    ['a slab length that disagrees', writing((frame, payload) => frame.writeUInt32LE(3, payload + 4 * 32))],
    ['a truncated payload', (frame: Buffer) => frame.subarray(0, frame.length - 5)],
    ['a NaN timestamp', writing((frame, payload) => frame.writeDoubleLE(Number.NaN, payload))],
    // Header field lastOffsetDelta (batch header offset 8) no longer matches the record count.
    [
      'a record count that disagrees with the last offset',
      writing((frame, payload) => frame.writeUInt32LE(7, payload - BATCH_HEADER_BYTES + 8)),
    ],
  ])('that pass the CRC with %s are CORRUPT_MESSAGE, never data', (_what, damage) => {
    expect(isKafkaliteError(corrupt(damage), 'CORRUPT_MESSAGE')).toBe(true)
  })
})
