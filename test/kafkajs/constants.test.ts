import { createRequire } from 'node:module'
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest'
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type CompressionCodec,
  CompressionCodecs,
  CompressionTypes,
  ConfigResourceTypes,
  ConfigSource,
  logLevel,
  lookupCodec,
  ResourcePatternTypes,
} from '../../src/kafkajs/constants.js'
import { KafkaJSNotImplemented } from '../../src/kafkajs/errors.js'

const require = createRequire(import.meta.url)
const kafkajs = require('kafkajs') as Record<string, Record<string, unknown>>
const kafkajsGzip = require('kafkajs/src/protocol/message/compression/gzip.js') as CompressionCodec

describe('enums', () => {
  it.each([
    ['logLevel', logLevel],
    ['CompressionTypes', CompressionTypes],
    ['ConfigResourceTypes', ConfigResourceTypes],
    ['ConfigSource', ConfigSource],
    ['AclResourceTypes', AclResourceTypes],
    ['AclOperationTypes', AclOperationTypes],
    ['AclPermissionTypes', AclPermissionTypes],
    ['ResourcePatternTypes', ResourcePatternTypes],
  ] as const)('%s has exactly the keys, order and values of kafkajs', (name, values) => {
    expect(Object.entries(values)).toEqual(Object.entries(kafkajs[name] as object))
  })

  it('can be used as values, as parameter types and member types like KafkaJS enums', () => {
    const level: logLevel = logLevel.INFO
    const info: logLevel.INFO = logLevel.INFO
    const gzip: CompressionTypes.GZIP = CompressionTypes.GZIP
    expect([level, info, gzip]).toEqual([4, 4, 1])
    expectTypeOf<logLevel>().toEqualTypeOf<0 | 1 | 2 | 4 | 5>()
    expectTypeOf<ConfigSource.DEFAULT_CONFIG>().toEqualTypeOf<5>()
    expectTypeOf<AclOperationTypes>().toExtend<number>()
    // @ts-expect-error 3 is not a log level
    const three: logLevel = 3
    expect(three).toBe(3)
  })
})

describe('CompressionCodecs', () => {
  const original = { ...CompressionCodecs }
  afterEach(() => {
    Object.assign(CompressionCodecs, original)
  })

  it('registers the same codec types as kafkajs', () => {
    expect(Object.keys(CompressionCodecs)).toEqual(Object.keys(kafkajs.CompressionCodecs as object))
  })

  it.each([
    [CompressionTypes.Snappy, 'Snappy'],
    [CompressionTypes.LZ4, 'LZ4'],
    [CompressionTypes.ZSTD, 'ZSTD'],
  ])('throws KafkaJSNotImplemented for unregistered codec %i like kafkajs', (type, name) => {
    const theirs = (() => {
      try {
        ;(kafkajs.CompressionCodecs as Record<number, () => unknown>)[type]?.()
      } catch (error) {
        return error as Error
      }
      return undefined
    })()
    expect(theirs?.message).toBe(`${name} compression not implemented`)
    expect(() => lookupCodec(type)).toThrow(KafkaJSNotImplemented)
    expect(() => lookupCodec(type)).toThrow(theirs?.message as string)
    expect(() => CompressionCodecs[type]?.()).toThrow(
      expect.objectContaining({ name: theirs?.name, retriable: false }),
    )
  })

  it('finds no codec for None or unknown types', () => {
    expect(lookupCodec(CompressionTypes.None)).toBeNull()
    expect(lookupCodec(7)).toBeNull()
  })

  it('compresses with gzip in a form kafkajs decompresses, and back', async () => {
    const codec = lookupCodec(CompressionTypes.GZIP) as CompressionCodec
    const bytes = Buffer.from('a message worth compressing, '.repeat(20))
    const compressed = await codec.compress({ buffer: bytes })
    expect(compressed.length).toBeLessThan(bytes.length)
    expect(await kafkajsGzip.decompress(compressed)).toEqual(bytes)
    expect(await codec.decompress(await kafkajsGzip.compress({ buffer: bytes }))).toEqual(bytes)
  })

  it('uses a codec a user registers', () => {
    const snappy: CompressionCodec = { compress: async (e) => e.buffer, decompress: async (b) => b }
    CompressionCodecs[CompressionTypes.Snappy] = () => snappy
    expect(lookupCodec(CompressionTypes.Snappy)).toBe(snappy)
  })
})
