/**
 * murmur2 against the Java-generated vectors KafkaJS ships (src/producer/partitioners/default/
 * murmur2.spec.js, produced by its Test.java with org.apache.kafka.common.utils.Utils.murmur2),
 * the extra table of the KafkaJS catalog (§2.1), and KafkaJS's own Long-based implementation on
 * random inputs.
 */
import { createRequire } from 'node:module'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { murmur2, toPositive } from '../../src/engine/murmur2.js'

const require = createRequire(import.meta.url)
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: unknown,
) => number

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

const javaVectors: ReadonlyArray<readonly [string, number]> = [
  ['0', 971027396],
  ['1', -1993445489],
  ['128', -326012175],
  ['2187', -1508407203],
  ['16384', -325739742],
  ['78125', -1654490814],
  ['279936', 1462227128],
  ['823543', -2014198330],
  ['2097152', 607668903],
  ['4782969', -1182699775],
  ['10000000', -1830336757],
  ['19487171', -1603849305],
  ['35831808', -857013643],
  ['62748517', -1167431028],
  ['105413504', -381294639],
  ['170859375', -1658323481],
  ['100:48069', 1009543857],
]

// key, murmur2, then the partition for 2, 3, 4, 6 and 10 partitions (catalog §2.1 extra table).
const catalogVectors: ReadonlyArray<readonly [string, number, number, number, number, number, number]> = [
  ['', 275646681, 1, 0, 1, 3, 1],
  ['a', -1563381124, 0, 1, 0, 4, 4],
  ['foo', 597841616, 0, 2, 0, 2, 6],
  ['bar', 988958145, 1, 0, 1, 3, 5],
  ['hello', 2132663229, 1, 0, 1, 3, 9],
  ['key-1', 193331640, 0, 0, 0, 0, 0],
  ['key-2', 852269702, 0, 2, 2, 2, 2],
  ['key-3', -1839136101, 1, 2, 3, 5, 7],
  ['user-1', 1404122828, 0, 2, 0, 2, 8],
  ['user-42', 1459644460, 0, 1, 0, 4, 0],
  ['order-1', 1221710326, 0, 1, 2, 4, 6],
  ['order-2', -1055499005, 1, 0, 3, 3, 3],
  ['order-3', -849583649, 1, 0, 3, 3, 9],
  ['test-key', -1341026247, 1, 2, 1, 5, 1],
  ['0', 971027396, 0, 2, 0, 2, 6],
  ['1', -1993445489, 1, 0, 3, 3, 9],
  ['42', 417700972, 0, 1, 0, 4, 2],
]

describe('murmur2', () => {
  it.each(javaVectors)('hashes %j to the Java client value %i', (key, expected) => {
    expect(murmur2(utf8(key))).toBe(expected)
  })

  it.each(catalogVectors)('hashes %j to %i and partitions it like Java', (key, hash, p2, p3, p4, p6, p10) => {
    expect(murmur2(utf8(key))).toBe(hash)
    const positive = toPositive(murmur2(utf8(key)))
    expect([2, 3, 4, 6, 10].map((count) => positive % count)).toEqual([p2, p3, p4, p6, p10])
  })

  it('hashes non-ASCII bytes and multi-byte UTF-8 like Java', () => {
    expect(murmur2(Uint8Array.of(0xff, 0x00, 0x80))).toBe(-970489390)
    expect(toPositive(murmur2(Uint8Array.of(0xff, 0x00, 0x80))) % 3).toBe(1)
    expect(murmur2(utf8('é'))).toBe(186971271)
    expect(toPositive(murmur2(utf8('é'))) % 3).toBe(0)
  })

  it('returns a signed 32-bit integer', () => {
    for (const [key] of javaVectors) {
      const hash = murmur2(utf8(key))
      expect(hash | 0).toBe(hash)
    }
  })

  it('agrees with KafkaJS on random byte strings of every tail length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(murmur2(bytes)).toBe(kafkajsMurmur2(Buffer.from(bytes)))
      }),
      { numRuns: 2_000 },
    )
  })
})

describe('toPositive', () => {
  it('clears the sign bit rather than taking the absolute value', () => {
    expect(toPositive(5)).toBe(5)
    expect(toPositive(-1)).toBe(0x7fffffff)
    expect(toPositive(-2147483648)).toBe(0)
    expect(toPositive(-1993445489)).toBe(154038159)
  })
})
