/**
 * The Kafka transport's behaviour that needs no broker: option checks, nothing connecting until
 * used, validation before any I/O, and the value/key/header codecs. Its behaviour against a real
 * broker is compared with the in-process bus in test/differential/bus-over-kafka.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createValueCodec, decodeHeaders, encodeKey } from '../../../src/bus/kafka/codec.js'
import { createBus, defineTopic, EventValidationError, KafkaliteError } from '../../../src/index.js'

// Nothing listens on port 1: any attempt to connect would fail, so passing tests prove none was made.
const unreachable = { brokers: ['127.0.0.1:1'], connectionTimeoutMs: 100 }
const orders = defineTopic({ name: 'orders', value: z.object({ orderId: z.string(), amount: z.number() }) })

describe('typed bus on the Kafka transport', () => {
  it('is chosen by the kafka option, has no in-process broker and connects nothing until used', async () => {
    const bus = createBus({ kafka: unreachable, log: () => {} })
    expect(bus.transport).toBe('kafka')
    expect(bus.broker).toBeUndefined()
    bus.producer()
    bus.consumer({ groupId: 'g', topics: [orders] })
    await bus.close()
  })

  it('rejects unusable kafka options with INVALID_CONFIG', () => {
    expect(() => createBus({ kafka: { brokers: [] } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    expect(() => createBus({ kafka: { brokers: ['b:9092'], serializer: 'avro' as never } })).toThrow(
      KafkaliteError,
    )
  })

  it('rejects an invalid event with EventValidationError before any connection', async () => {
    await using bus = createBus({ kafka: unreachable, log: () => {} })
    const sending = bus
      .producer()
      .send(orders, [
        { value: { orderId: 'a', amount: 1 } },
        { value: { orderId: 'b', amount: 'x' as never } },
      ])
    await expect(sending).rejects.toBeInstanceOf(EventValidationError)
    await expect(sending).rejects.toMatchObject({ index: 1, part: 'value' })
  })

  it("rejects the in-process-only 'range' assignor and consumers without a group or topics", async () => {
    await using bus = createBus({ kafka: unreachable, log: () => {} })
    expect(() => bus.consumer({ groupId: 'g', topics: [orders], assignor: 'range' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    expect(() => bus.consumer({ groupId: '', topics: [orders] })).toThrow(
      expect.objectContaining({ code: 'INVALID_GROUP_ID' }),
    )
  })

  it('rejects seek, pause and commitOffsets before run() with INVALID_REQUEST', async () => {
    await using bus = createBus({ kafka: unreachable, log: () => {} })
    const consumer = bus.consumer({ groupId: 'g', topics: [orders] })
    expect(() => consumer.seek(orders, 0, 0)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }))
    expect(() => consumer.pause(orders)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }))
    expect(consumer.paused()).toEqual([])
  })
})

describe('Kafka transport codecs', () => {
  it.each(['json', 'msgpack'] as const)(
    '%s round-trips plain values and keeps null as a null value',
    (format) => {
      const codec = createValueCodec(format)
      const value = { orderId: 'o-1', amount: 2.5, items: [{ sku: 'a', quantity: 2 }], note: null }
      expect(codec.decode(codec.encode(value))).toEqual(value)
      expect(codec.encode(null)).toBeNull()
      expect(codec.decode(null)).toBeNull()
    },
  )

  it('json rejects bytes that are not JSON; msgpack keeps a Date that JSON turns into a string', () => {
    expect(() => createValueCodec('json').decode(Buffer.from('{nope'))).toThrow()
    const at = new Date(1_000)
    const msgpack = createValueCodec('msgpack')
    expect(msgpack.decode(msgpack.encode({ at }))).toEqual({ at })
    const json = createValueCodec('json')
    expect(json.decode(json.encode({ at }))).toEqual({ at: at.toISOString() })
  })

  it('encodes keys as strings as they are and other values as JSON', () => {
    expect(encodeKey('o-1')).toBe('o-1')
    expect(encodeKey(42)).toBe('42')
    expect(encodeKey({ region: 'eu' })).toBe('{"region":"eu"}')
    expect(encodeKey(null)).toBeNull()
  })

  it('decodes header Buffers, strings and repeated headers (the last wins) to strings', () => {
    expect(
      decodeHeaders({ a: Buffer.from('1'), b: 'two', c: [Buffer.from('x'), Buffer.from('y')], d: undefined }),
    ).toEqual({
      a: '1',
      b: 'two',
      c: 'y',
    })
    expect(decodeHeaders(undefined)).toEqual({})
  })
})
