import { createRequire } from 'node:module'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AssignerProtocol } from '../../src/kafkajs/assigner-protocol.js'

const require = createRequire(import.meta.url)
const kafkajs = (require('kafkajs') as { AssignerProtocol: typeof AssignerProtocol }).AssignerProtocol

// Topic names as Kafka allows them, less the ones that are Object.prototype's own keys: an
// assignment is a plain object keyed by topic, and KafkaJS (the reference here) mishandles those.
const topicName = fc
  .stringMatching(/^[a-zA-Z0-9._-]{1,40}$/)
  .filter((name) => !Object.hasOwn(Object.prototype, name))
const text = fc.string({ unit: 'grapheme', maxLength: 20 })
const userData = fc.uint8Array({ maxLength: 32 }).map((bytes) => Buffer.from(bytes))
const metadata = fc.record({
  version: fc.integer({ min: -32768, max: 32767 }),
  topics: fc.array(text, { maxLength: 8 }),
  userData,
})
const assignment = fc.record({
  version: fc.integer({ min: 0, max: 3 }),
  assignment: fc.dictionary(topicName, fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { maxLength: 8 }), {
    maxKeys: 6,
  }),
  userData,
})

describe('AssignerProtocol.MemberMetadata', () => {
  it('encodes byte for byte like kafkajs', () => {
    fc.assert(
      fc.property(metadata, (value) => {
        expect(AssignerProtocol.MemberMetadata.encode(value)).toEqual(kafkajs.MemberMetadata.encode(value))
      }),
      { numRuns: 500 },
    )
  })

  it('decodes what kafkajs encodes and kafkajs decodes what it encodes', () => {
    fc.assert(
      fc.property(metadata, (value) => {
        expect(AssignerProtocol.MemberMetadata.decode(kafkajs.MemberMetadata.encode(value))).toEqual(value)
        expect(kafkajs.MemberMetadata.decode(AssignerProtocol.MemberMetadata.encode(value))).toEqual(value)
      }),
      { numRuns: 500 },
    )
  })

  it('encodes a missing userData as empty bytes and a null one as -1, like kafkajs', () => {
    const withoutUserData = { version: 0, topics: ['orders'] }
    const mine = AssignerProtocol.MemberMetadata.encode(withoutUserData)
    expect(mine).toEqual(kafkajs.MemberMetadata.encode(withoutUserData as never))
    expect(mine.subarray(-4)).toEqual(Buffer.from([0, 0, 0, 0]))
    const nullUserData = AssignerProtocol.MemberMetadata.encode({ ...withoutUserData, userData: null })
    expect(nullUserData.subarray(-4)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]))
    expect(AssignerProtocol.MemberMetadata.decode(nullUserData)?.userData).toBeNull()
  })

  it('throws a RangeError on a truncated buffer, as kafkajs does', () => {
    const truncated = AssignerProtocol.MemberMetadata.encode({
      version: 0,
      topics: ['orders'],
      userData: Buffer.alloc(0),
    })
    expect(() => kafkajs.MemberMetadata.decode(truncated.subarray(0, 5))).toThrow(RangeError)
    expect(() => AssignerProtocol.MemberMetadata.decode(truncated.subarray(0, 5))).toThrow(RangeError)
  })
})

describe('AssignerProtocol.MemberAssignment', () => {
  it('encodes byte for byte like kafkajs, including integer-like topic names first', () => {
    const value = {
      version: 0,
      assignment: { zeta: [2, 0], '42': [1], alpha: [] as number[] },
      userData: Buffer.alloc(0),
    }
    expect(AssignerProtocol.MemberAssignment.encode(value)).toEqual(kafkajs.MemberAssignment.encode(value))
    fc.assert(
      fc.property(assignment, (random) => {
        expect(AssignerProtocol.MemberAssignment.encode(random)).toEqual(
          kafkajs.MemberAssignment.encode(random),
        )
      }),
      { numRuns: 500 },
    )
  })

  it('round-trips across the two implementations', () => {
    fc.assert(
      fc.property(assignment, (value) => {
        expect(AssignerProtocol.MemberAssignment.decode(kafkajs.MemberAssignment.encode(value))).toEqual(
          kafkajs.MemberAssignment.decode(kafkajs.MemberAssignment.encode(value)),
        )
        expect(kafkajs.MemberAssignment.decode(AssignerProtocol.MemberAssignment.encode(value))).toEqual(
          value,
        )
      }),
      { numRuns: 500 },
    )
  })

  it('decodes a buffer too short for the version as null', () => {
    expect(AssignerProtocol.MemberAssignment.decode(Buffer.alloc(0))).toBeNull()
    expect(AssignerProtocol.MemberAssignment.decode(Buffer.from([0]))).toBeNull()
    expect(kafkajs.MemberAssignment.decode(Buffer.from([0]))).toBeNull()
    expect(AssignerProtocol.MemberAssignment.decode(Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]))).toEqual({
      version: 1,
      assignment: {},
      userData: Buffer.alloc(0),
    })
  })
})
