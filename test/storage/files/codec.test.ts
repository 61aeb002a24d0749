import { describe, expect, it } from 'vitest'
import { isKafkaliteError } from '../../../src/common/errors.js'
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
