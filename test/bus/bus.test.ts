import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  type Bus,
  type BusMessage,
  createBus,
  defineTopic,
  EventValidationError,
  fileStorage,
} from '../../src/index.js'

const Order = z.object({
  orderId: z.string(),
  amount: z.number().positive(),
  items: z.array(z.object({ sku: z.string() })),
})
const orders = defineTopic({ name: 'orders', value: Order, key: (order) => order.orderId, partitions: 3 })
const payments = defineTopic({
  name: 'payments',
  value: z.object({ orderId: z.string(), paid: z.boolean() }),
  partitions: 1,
})

const buses: Bus[] = []
function bus(options: Parameters<typeof createBus>[0] = {}): Bus {
  const created = createBus({ log: () => {}, ...options })
  buses.push(created)
  return created
}
afterEach(async () => {
  await Promise.all(buses.splice(0).map((each) => each.close()))
})

function order(orderId: string, amount = 10) {
  return { orderId, amount, items: [{ sku: `sku-${orderId}` }] }
}

async function collect<T>(count: number, start: (push: (item: T) => void) => Promise<unknown>): Promise<T[]> {
  const items: T[] = []
  let done!: () => void
  const finished = new Promise<void>((resolve) => (done = resolve))
  await start((item) => {
    items.push(item)
    if (items.length === count) done()
  })
  await finished
  return items
}

describe('typed bus', () => {
  it('delivers typed events with key, partition, numeric offset, timestamp and headers', async () => {
    const b = bus()
    const producer = b.producer()
    const results = await producer.send(orders, [
      { value: order('o-1'), headers: { source: 'web' }, timestamp: 1_000 },
      { value: order('o-2') },
    ])
    expect(results.reduce((sum, result) => sum + result.count, 0)).toBe(2)
    const consumer = b.consumer({ groupId: 'billing', topics: [orders], fromBeginning: true })
    const messages = await collect<BusMessage>(2, (push) =>
      consumer.run({
        eachMessage: async ({ message }) => {
          push(message)
        },
      }),
    )
    const first = messages.find((message) => message.key === 'o-1')!
    expect(first.value).toEqual(order('o-1'))
    expect(first.headers).toEqual({ source: 'web' })
    expect(first.timestamp).toBe(1_000)
    expect(typeof first.offset).toBe('number')
    expect(first.topic).toBe('orders')
    await consumer.stop()
  })

  it('puts a key on the partition Kafka would (murmur2 of its UTF-8 bytes)', async () => {
    const b = bus()
    const [result] = await b.producer().send(orders, { value: order('key-3') })
    // "key-3" → partition 2 of 3 (Java reference vectors)
    expect(result?.partition).toBe(2)
  })

  it('rejects a bad value with EventValidationError naming topic, event index and path, appending nothing', async () => {
    const b = bus()
    const producer = b.producer()
    const error = await producer
      .send(orders, [
        { value: order('ok') },
        { value: { orderId: 'bad', amount: -1, items: [{ sku: 3 }] } as never },
      ])
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(EventValidationError)
    const validation = error as EventValidationError
    expect(validation.code).toBe('EVENT_VALIDATION_FAILED')
    expect(validation.topic).toBe('orders')
    expect(validation.index).toBe(1)
    expect(validation.issues.map((issue) => issue.path)).toEqual(['amount', 'items.0.sku'])
    expect(validation.message).toMatch(/invalid value for topic orders \(event 1\): value\.amount/)
    expect(b.topicOffsets(orders).every((partition) => partition.highWatermark === 0)).toBe(true)
    await producer.send(orders, { value: order('after') })
    expect(b.topicOffsets(orders).reduce((sum, partition) => sum + partition.highWatermark, 0)).toBe(1)
  })

  it('keeps records immutable: later producer mutation and consumer mutation change nothing', async () => {
    const b = bus()
    const value = order('o-1')
    await b.producer().send(orders, { value })
    value.items[0]!.sku = 'mutated'
    value.amount = 999
    const first = b.consumer({ groupId: 'a', topics: [orders], fromBeginning: true })
    const [seen] = await collect<BusMessage>(1, (push) =>
      first.run({ eachMessage: async ({ message }) => push(message) }),
    )
    expect(seen?.value).toEqual(order('o-1'))
    // A consumer mutating what it received changes nothing another consumer (or a later read) sees.
    const received = seen!.value as { amount: number; items: { sku: string }[] }
    received.amount = 1
    received.items[0]!.sku = 'changed by a consumer'
    const second = b.consumer({ groupId: 'b', topics: [orders], fromBeginning: true })
    const [again] = await collect<BusMessage>(1, (push) =>
      second.run({ eachMessage: async ({ message }) => push(message) }),
    )
    expect(again?.value).toEqual(order('o-1'))
    await first.stop()
    await second.stop()
  })

  it('splits a group between members and commits what they processed', async () => {
    const b = bus()
    const producer = b.producer()
    await producer.send(
      orders,
      Array.from({ length: 30 }, (_, index) => ({ value: order(`o-${index}`) })),
    )
    const seen = new Map<string, number>()
    const members = [0, 1, 2].map(() => b.consumer({ groupId: 'g', topics: [orders], fromBeginning: true }))
    for (const member of members) {
      await member.run({
        eachMessage: async ({ message }) => {
          const id = `${message.partition}:${message.offset}`
          seen.set(id, (seen.get(id) ?? 0) + 1)
        },
      })
    }
    await b.broker.settled()
    expect(seen.size).toBe(30)
    expect([...seen.values()].every((count) => count === 1)).toBe(true)
    const committed = b.committedOffsets('g', orders)
    expect(committed.map((entry) => entry.offset)).toEqual(
      b.topicOffsets(orders).map((entry) => entry.highWatermark),
    )
    for (const member of members) await member.stop()
  })

  it('eachBatch gets typed messages and numeric batch offsets', async () => {
    const b = bus()
    await b
      .producer()
      .send(payments, [{ value: { orderId: 'a', paid: true } }, { value: { orderId: 'b', paid: false } }])
    const consumer = b.consumer({ groupId: 'p', topics: [payments], fromBeginning: true })
    const batches = await collect<{ first: number | null; last: number; values: string[] }>(1, (push) =>
      consumer.run({
        eachBatch: async ({ batch }) => {
          push({
            first: batch.firstOffset(),
            last: batch.lastOffset(),
            values: batch.messages.map((message) => message.value.orderId),
          })
        },
      }),
    )
    expect(batches[0]).toEqual({ first: 0, last: 1, values: ['a', 'b'] })
    await consumer.stop()
  })

  it('retries a failing handler and redelivers the same event', async () => {
    const b = bus()
    await b.producer().send(payments, { value: { orderId: 'x', paid: true } })
    const consumer = b.consumer({
      groupId: 'r',
      topics: [payments],
      fromBeginning: true,
      retry: { initialRetryTimeMs: 5 },
    })
    let attempts = 0
    await consumer.run({
      eachMessage: async () => {
        attempts++
        if (attempts < 3) throw new Error('transient')
      },
    })
    await b.broker.settled()
    expect(attempts).toBe(3)
    expect(b.committedOffsets('r', payments)[0]?.offset).toBe(1)
    await consumer.stop()
  })

  it('rejects run() without a handler and a consumer without topics', () => {
    const b = bus()
    expect(() => b.consumer({ groupId: 'x', topics: [] as never })).toThrow(/at least one topic/)
    const consumer = b.consumer({ groupId: 'x', topics: [payments] })
    return expect(consumer.run({})).rejects.toThrow(/eachMessage or eachBatch/)
  })

  it('round-trips values through file storage and re-checks them against the schema when read back', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kafkalite-bus-'))
    try {
      const writer = createBus({ storage: fileStorage({ directory, fsync: 'always' }), log: () => {} })
      await writer.producer().send(orders, { value: order('o-1', 5) })
      // A record written under an older, looser schema.
      const loose = defineTopic({
        name: 'orders',
        value: z.object({
          orderId: z.string(),
          amount: z.number(),
          items: z.array(z.object({ sku: z.string() })),
        }),
        partitions: 3,
      })
      await writer.producer().send(loose, { value: { orderId: 'old', amount: -5, items: [] }, partition: 0 })
      await writer.close()

      const reader = createBus({ storage: fileStorage({ directory, fsync: 'always' }), log: () => {} })
      const invalid: { offset: number; path: string | undefined }[] = []
      const valid: unknown[] = []
      const consumer = reader.consumer({ groupId: 'reader', topics: [orders], fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ message }) => void valid.push(message.value),
        onInvalid: ({ offset, error }) => void invalid.push({ offset, path: error.issues[0]?.path }),
      })
      await reader.broker.settled()
      expect(valid).toEqual([order('o-1', 5)])
      expect(invalid).toEqual([{ offset: expect.any(Number), path: 'amount' }])
      await consumer.stop()
      await reader.close()
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it('closes with await using', async () => {
    let broker: Bus['broker'] | undefined
    {
      await using b = createBus({ log: () => {} })
      broker = b.broker
      await b.producer().send(payments, { value: { orderId: 'a', paid: true } })
    }
    expect(broker?.closed).toBe(true)
  })
})

describe('typed bus bytes', () => {
  it('copies Uint8Array and Buffer fields: mutating the sent Buffer or a received one changes nothing stored', async () => {
    const bytes = defineTopic({
      name: 'bytes',
      value: z.object({ blob: z.instanceof(Uint8Array) }),
      partitions: 1,
    })
    const b = createBus({ log: () => {} })
    const blob = Buffer.from('abc')
    await b.producer().send(bytes, { value: { blob } })
    blob[0] = 0x7a
    const read = async (groupId: string) => {
      const consumer = b.consumer({ groupId, topics: [bytes], fromBeginning: true })
      const [message] = await collect<BusMessage>(1, (push) =>
        consumer.run({ eachMessage: async ({ message }) => push(message) }),
      )
      await consumer.stop()
      return (message!.value as { blob: Uint8Array }).blob
    }
    const first = await read('one')
    expect(Buffer.from(first).toString()).toBe('abc')
    first[1] = 0x7a
    expect(Buffer.from(await read('two')).toString()).toBe('abc')
    await b.close()
  })
})
