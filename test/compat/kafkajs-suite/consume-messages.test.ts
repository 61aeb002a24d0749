/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/consumer/__tests__/consumeMessages.spec.js.
 */
import { Buffer } from 'node:buffer'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CompressionTypes, type Consumer, type Producer } from '../../../src/kafkajs/index.js'
import {
  Cluster,
  createModPartitioner,
  generateMessages,
  secureRandom,
  waitFor,
  waitForConsumerToJoinGroup,
  waitForMessages,
  waitForNextEvent,
} from './helpers.js'

let cluster: Cluster
let topicName: string
let groupId: string
let producer: Producer
let consumer: Consumer

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const randomMessages = (n: number) =>
  Array.from({ length: n }, () => {
    const value = secureRandom()
    return { key: `key-${value}`, value: `value-${value}` }
  })

beforeEach(async () => {
  cluster = new Cluster()
  topicName = `test-topic-${secureRandom()}`
  groupId = `consumer-group-id-${secureRandom()}`
  await cluster.createTopic({ topic: topicName })
  producer = cluster.producer({ createPartitioner: createModPartitioner as never })
  consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 100 })
})
afterEach(() => cluster.cleanup())

async function startConsumer(run: Parameters<Consumer['run']>[0], c: Consumer = consumer, topic = topicName) {
  await c.connect()
  await producer.connect()
  await c.subscribe({ topic, fromBeginning: true })
  const joined = waitForConsumerToJoinGroup(c)
  void c.run(run)
  await joined
}

it('consume messages', async () => {
  const consumed: any[] = []
  await startConsumer({ eachMessage: async (event) => void consumed.push(event) })
  const messages = randomMessages(100)
  await producer.send({ acks: 1, topic: topicName, messages })
  await waitForMessages(consumed, { number: 100 })
  expect(consumed[0]).toEqual(
    expect.objectContaining({
      topic: topicName,
      partition: 0,
      message: expect.objectContaining({
        key: Buffer.from(messages[0]!.key),
        value: Buffer.from(messages[0]!.value),
        offset: '0',
      }),
    }),
  )
  expect(consumed.at(-1)).toEqual(
    expect.objectContaining({
      topic: topicName,
      partition: 0,
      message: expect.objectContaining({
        key: Buffer.from(messages[99]!.key),
        value: Buffer.from(messages[99]!.value),
        offset: '99',
      }),
    }),
  )
  expect(consumed.map((m) => m.message.offset)).toEqual(messages.map((_, i) => `${i}`))
})

it('consumes messages concurrently, never above partitionsConsumedConcurrently and reaching it', async () => {
  const concurrently = 2
  topicName = `test-topic-${secureRandom()}`
  await cluster.createTopic({ topic: topicName, partitions: concurrently + 1 })
  let inProgress = 0
  let max = 0
  let hitLimit = false
  consumer.on(consumer.events.START_BATCH_PROCESS, () => {
    inProgress++
    max = Math.max(max, inProgress)
    hitLimit ||= inProgress === concurrently
  })
  consumer.on(consumer.events.END_BATCH_PROCESS, () => void inProgress--)
  const consumed: unknown[] = []
  await startConsumer({
    partitionsConsumedConcurrently: concurrently,
    eachMessage: async (event) => {
      await sleep(1)
      consumed.push(event)
    },
  })
  await producer.send({ acks: 1, topic: topicName, messages: randomMessages(100) })
  await waitForMessages(consumed, { number: 100 })
  expect(max).toBeLessThanOrEqual(concurrently)
  expect(hitLimit).toBe(true)
})

it('concurrent heartbeats are consolidated and respect heartbeatInterval', async () => {
  const heartbeatInterval = 50
  // KafkaJS's test uses maxWaitTimeInMs: 0, which blocks kafkalite's event loop: see
  // 'maxWaitTimeInMs: 0 does not starve the event loop' in max-wait-zero.test.ts.
  consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 1, heartbeatInterval })
  topicName = `test-topic-${secureRandom()}`
  await cluster.createTopic({ topic: topicName, partitions: 10 })
  let then = Date.now()
  const deltas: number[] = []
  consumer.on(consumer.events.HEARTBEAT, () => {
    const now = Date.now()
    deltas.push(now - then)
    then = now
  })
  const consumed: unknown[] = []
  await startConsumer({
    partitionsConsumedConcurrently: 5,
    eachBatch: async ({ batch: { messages }, heartbeat }) => {
      for (const event of messages) {
        await Promise.all([heartbeat(), heartbeat()])
        await sleep(1)
        consumed.push(event)
      }
    },
  })
  await producer.send({ acks: 1, topic: topicName, messages: randomMessages(200) })
  await waitForMessages(consumed, { number: 200 })
  expect(consumed).toHaveLength(200)
  for (const delta of deltas) expect(delta).toBeGreaterThanOrEqual(heartbeatInterval - 1)
})

it('heartbeats are exposed in the eachMessage handler (one HEARTBEAT event for one heartbeat() after 100ms)', async () => {
  consumer = cluster.consumer({ groupId, heartbeatInterval: 50 })
  let heartbeats = 0
  consumer.on(consumer.events.HEARTBEAT, () => void heartbeats++)
  const consumed: unknown[] = []
  await startConsumer({
    eachMessage: async (payload) => {
      await sleep(100)
      await payload.heartbeat()
      consumed.push(payload.message)
      await sleep(100)
    },
  })
  await producer.send({ acks: 1, topic: topicName, messages: [{ key: 'value', value: 'value' }] })
  await waitForMessages(consumed, { number: 1 })
  expect(heartbeats).toBe(1)
})

it('consume GZIP messages (with headers, magicByte 2)', async () => {
  const consumed: any[] = []
  await startConsumer({ eachMessage: async (event) => void consumed.push(event) })
  const k1 = secureRandom()
  const k2 = secureRandom()
  const m1 = { key: `key-${k1}`, value: `value-${k1}`, headers: { [`header-${k1}`]: `header-value-${k1}` } }
  const m2 = { key: `key-${k2}`, value: `value-${k2}`, headers: { [`header-${k2}`]: `header-value-${k2}` } }
  await producer.send({ acks: 1, topic: topicName, compression: CompressionTypes.GZIP, messages: [m1, m2] })
  await expect(waitForMessages(consumed, { number: 2 })).resolves.toEqual([
    expect.objectContaining({
      topic: topicName,
      partition: 0,
      message: expect.objectContaining({
        key: Buffer.from(m1.key),
        value: Buffer.from(m1.value),
        headers: { [`header-${k1}`]: Buffer.from(`header-value-${k1}`) },
        magicByte: 2,
        offset: '0',
      }),
    }),
    expect.objectContaining({
      topic: topicName,
      partition: 0,
      message: expect.objectContaining({
        key: Buffer.from(m2.key),
        value: Buffer.from(m2.value),
        headers: { [`header-${k2}`]: Buffer.from(`header-value-${k2}`) },
        magicByte: 2,
        offset: '1',
      }),
    }),
  ])
})

it('consume batches: batch shape and the eachBatch helpers', async () => {
  const batches: any[] = []
  const fns: unknown[] = []
  await startConsumer({
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, uncommittedOffsets }) => {
      batches.push(batch)
      fns.push(resolveOffset, heartbeat, isRunning, isStale, uncommittedOffsets)
    },
  })
  const [m1, m2] = randomMessages(2)
  await producer.send({ acks: 1, topic: topicName, messages: [m1!, m2!] })
  await expect(waitForMessages(batches)).resolves.toEqual([
    expect.objectContaining({
      topic: topicName,
      partition: 0,
      highWatermark: '2',
      messages: [
        expect.objectContaining({ key: Buffer.from(m1!.key), value: Buffer.from(m1!.value), offset: '0' }),
        expect.objectContaining({ key: Buffer.from(m2!.key), value: Buffer.from(m2!.value), offset: '1' }),
      ],
    }),
  ])
  expect(fns).toEqual(Array(5).fill(expect.any(Function)))
})

it('commits the last offsets processed before stopping', async () => {
  const admin = cluster.admin()
  await admin.connect()
  const consumed: any[] = []
  await startConsumer({ eachMessage: async (event) => void consumed.push(event) })
  consumer.on(consumer.events.END_BATCH_PROCESS, async () => {
    await consumer.stop()
  })
  const messages = randomMessages(100)
  await producer.send({ acks: 1, topic: topicName, messages })
  await waitForMessages(consumed, { number: 100 })
  expect(consumed.map((m) => m.message.offset)).toEqual(messages.map((_, i) => `${i}`))
  await waitFor(async () => {
    const response = await admin.fetchOffsets({ groupId, topics: [topicName] })
    return response[0]?.partitions[0]?.offset === '100'
  })
})

it('consume messages with 0.11 format: headers from two topics via sendBatch', async () => {
  const topic2 = `test-topic2-${secureRandom()}`
  await cluster.createTopic({ topic: topic2 })
  await consumer.connect()
  await producer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  await consumer.subscribe({ topic: topic2, fromBeginning: true })
  const consumed: any[] = []
  const joined = waitForConsumerToJoinGroup(consumer)
  void consumer.run({ eachMessage: async (event) => void consumed.push(event) })
  await joined
  const withHeaders = () =>
    generateMessages({ number: 103 }).map((m, i) => ({
      ...m,
      headers: {
        'header-keyA': `header-valueA-${i}`,
        'header-keyB': `header-valueB-${i}`,
        'header-keyC': `header-valueC-${i}`,
      },
    }))
  const messages1 = withHeaders()
  const messages2 = withHeaders()
  await producer.sendBatch({
    acks: 1,
    topicMessages: [
      { topic: topicName, messages: messages1 },
      { topic: topic2, messages: messages2 },
    ],
  })
  await waitForMessages(consumed, { number: 206 })
  for (const [topic, sent] of [
    [topicName, messages1],
    [topic2, messages2],
  ] as const) {
    const got = consumed.filter((m) => m.topic === topic)
    const last = sent.at(-1)!
    expect(got.at(-1)).toEqual(
      expect.objectContaining({
        topic,
        partition: 0,
        message: expect.objectContaining({
          key: Buffer.from(last.key),
          value: Buffer.from(last.value),
          headers: {
            'header-keyA': Buffer.from(last.headers['header-keyA']),
            'header-keyB': Buffer.from(last.headers['header-keyB']),
            'header-keyC': Buffer.from(last.headers['header-keyC']),
          },
          magicByte: 2,
          offset: '102',
        }),
      }),
    )
    expect(got.map((m) => m.message.offset)).toEqual(sent.map((_, i) => `${i}`))
  }
})

it('stops consuming messages when running = false (disconnect during the first eachMessage)', async () => {
  let calls = 0
  await startConsumer({
    eachMessage: async () => {
      calls++
      await sleep(100)
    },
  })
  await producer.send({ acks: 1, topic: topicName, messages: randomMessages(2) })
  await waitFor(() => calls > 0)
  await consumer.disconnect()
  expect(calls).toEqual(1)
})

describe('discarding messages after seeking', () => {
  it('stops consuming messages when the fetched batch has gone stale', async () => {
    consumer = cluster.consumer({ groupId, minBytes: 1024, maxWaitTimeInMs: 500 })
    await consumer.connect()
    await producer.connect()
    await producer.send({ acks: 1, topic: topicName, messages: randomMessages(10) })
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const offsets: string[] = []
    void consumer.run({
      eachMessage: async ({ message }) => {
        offsets.push(message.offset)
        if (offsets.length === 1) consumer.seek({ topic: topicName, partition: 0, offset: message.offset })
      },
    })
    await waitFor(() => offsets.length >= 2)
    expect(offsets[0]).toEqual(offsets[1])
  })

  it('resolves a batch as stale when seek was called while processing it', async () => {
    consumer = cluster.consumer({ groupId, minBytes: 1024, maxWaitTimeInMs: 500 })
    await consumer.connect()
    await producer.connect()
    await producer.send({ acks: 1, topic: topicName, messages: randomMessages(10) })
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const offsets: string[] = []
    void consumer.run({
      eachBatch: async ({ batch, isStale, heartbeat, resolveOffset }) => {
        for (const message of batch.messages) {
          if (isStale()) break
          offsets.push(message.offset)
          if (offsets.length === 1) consumer.seek({ topic: topicName, partition: 0, offset: message.offset })
          resolveOffset(message.offset)
          await heartbeat()
        }
      },
    })
    await waitFor(() => offsets.length >= 2)
    expect(offsets[0]).toEqual(offsets[1])
  })

  it('skips messages fetched while seek was called', async () => {
    consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 1000 })
    const messages = randomMessages(10)
    await producer.connect()
    await producer.send({ acks: 1, topic: topicName, messages })
    await consumer.connect()
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const offsets: string[] = []
    const joined = waitForConsumerToJoinGroup(consumer)
    void consumer.run({
      eachBatch: async ({ batch, heartbeat }) => {
        for (const message of batch.messages) offsets.push(message.offset)
        await heartbeat()
      },
    })
    await joined
    await waitFor(() => offsets.length === messages.length)
    await waitForNextEvent(consumer, consumer.events.FETCH_START)
    const seeked = offsets[5]!
    consumer.seek({ topic: topicName, partition: 0, offset: seeked })
    await producer.send({ acks: 1, topic: topicName, messages })
    await waitFor(() => offsets.length > messages.length)
    expect(offsets[messages.length]).toEqual(seeked)
  })
})

it('discards messages received when pausing while a fetch is in flight', async () => {
  consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 200 })
  const messages = randomMessages(10)
  await producer.connect()
  await producer.send({ acks: 1, topic: topicName, messages })
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  const offsets: string[] = []
  const joined = waitForConsumerToJoinGroup(consumer)
  void consumer.run({
    eachBatch: async ({ batch, heartbeat }) => {
      for (const message of batch.messages) offsets.push(message.offset)
      await heartbeat()
    },
  })
  await joined
  await waitFor(() => offsets.length === messages.length)
  await waitForNextEvent(consumer, consumer.events.FETCH_START)
  consumer.pause([{ topic: topicName }])
  await producer.send({ acks: 1, topic: topicName, messages })
  await waitForNextEvent(consumer, consumer.events.FETCH)
  expect(offsets.length).toEqual(messages.length)
})

describe('transactions', () => {
  it('accepts messages from an idempotent producer', async () => {
    producer = cluster.producer({
      createPartitioner: createModPartitioner as never,
      transactionalId: `transactional-id-${secureRandom()}`,
      idempotent: true,
      maxInFlightRequests: 1,
    })
    const consumed: any[] = []
    await startConsumer({ eachMessage: async (event) => void consumed.push(event) })
    const messages = generateMessages({ prefix: 'idempotent' })
    await producer.sendBatch({ topicMessages: [{ topic: topicName, messages }] })
    await waitForMessages(consumed, { number: 100 })
    expect(consumed).toHaveLength(100)
    expect(consumed[0].message.value.toString()).toMatch(/value-idempotent-0/)
    expect(consumed[99].message.value.toString()).toMatch(/value-idempotent-99/)
  })

  it('accepts messages from committed transactions, interleaved with plain sends', async () => {
    producer = cluster.producer({
      createPartitioner: createModPartitioner as never,
      transactionalId: `transactional-id-${secureRandom()}`,
      maxInFlightRequests: 1,
    })
    const consumed: any[] = []
    await startConsumer({ eachMessage: async (event) => void consumed.push(event) })
    const m1 = generateMessages({ prefix: 'txn1' })
    const m2 = generateMessages({ prefix: 'txn2' })
    const n1 = generateMessages({ prefix: 'nontransactional1', number: 1 })
    const n2 = generateMessages({ prefix: 'nontransactional2', number: 1 })
    await producer.sendBatch({ topicMessages: [{ topic: topicName, messages: n1 }] })
    const txn1 = await producer.transaction()
    await txn1.sendBatch({ topicMessages: [{ topic: topicName, messages: m1 }] })
    await txn1.commit()
    const txn2 = await producer.transaction()
    await txn2.sendBatch({ topicMessages: [{ topic: topicName, messages: m2 }] })
    await txn2.commit()
    await producer.sendBatch({ topicMessages: [{ topic: topicName, messages: n2 }] })
    const number = 202
    await waitForMessages(consumed, { number })
    expect(consumed[0].message.value.toString()).toMatch(/value-nontransactional1-0/)
    expect(consumed[1].message.value.toString()).toMatch(/value-txn1-0/)
    expect(consumed[number - 1].message.value.toString()).toMatch(/value-nontransactional2-0/)
    expect(consumed[number - 2].message.value.toString()).toMatch(/value-txn2-99/)
  })

  it('does not receive aborted messages', async () => {
    producer = cluster.producer({
      createPartitioner: createModPartitioner as never,
      transactionalId: `transactional-id-${secureRandom()}`,
      maxInFlightRequests: 1,
    })
    const consumed: any[] = []
    await startConsumer({ eachMessage: async (event) => void consumed.push(event) })
    const a1 = await producer.transaction()
    await a1.sendBatch({
      topicMessages: [{ topic: topicName, messages: generateMessages({ prefix: 'aborted-txn-1' }) }],
    })
    await a1.abort()
    await producer.sendBatch({
      topicMessages: [
        { topic: topicName, messages: generateMessages({ prefix: 'nontransactional', number: 1 }) },
      ],
    })
    const a2 = await producer.transaction()
    await a2.sendBatch({
      topicMessages: [{ topic: topicName, messages: generateMessages({ prefix: 'aborted-txn-2' }) }],
    })
    await a2.abort()
    const c = await producer.transaction()
    await c.sendBatch({
      topicMessages: [
        { topic: topicName, messages: generateMessages({ prefix: 'committed-txn', number: 10 }) },
      ],
    })
    await c.commit()
    await waitForMessages(consumed, { number: 11 })
    await cluster.test.settled()
    expect(consumed).toHaveLength(11)
    expect(consumed[0].message.value.toString()).toMatch(/value-nontransactional-0/)
    expect(consumed[1].message.value.toString()).toMatch(/value-committed-txn-0/)
    expect(consumed[10].message.value.toString()).toMatch(/value-committed-txn-9/)
  })

  it('receives aborted messages for isolation level READ_UNCOMMITTED (readUncommitted: true)', async () => {
    producer = cluster.producer({
      createPartitioner: createModPartitioner as never,
      transactionalId: `transactional-id-${secureRandom()}`,
      maxInFlightRequests: 1,
    })
    consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 100, readUncommitted: true })
    const consumed: any[] = []
    await startConsumer({ eachMessage: async (event) => void consumed.push(event) })
    const t = await producer.transaction()
    await t.sendBatch({
      topicMessages: [{ topic: topicName, messages: generateMessages({ prefix: 'aborted-txn1' }) }],
    })
    await t.abort()
    await waitForMessages(consumed, { number: 100 })
    expect(consumed).toHaveLength(100)
    expect(consumed[0].message.value.toString()).toMatch(/value-aborted-txn1-0/)
    expect(consumed.at(-1).message.value.toString()).toMatch(/value-aborted-txn1-99/)
  })

  const consumeTransformProduce = async (commit: boolean) => {
    producer = cluster.producer({
      transactionalId: `transactional-id-${secureRandom()}`,
      maxInFlightRequests: 1,
    })
    let consumed: any[] = []
    let perMessage: any[] = []
    let current: () => any = () => undefined
    const eachBatch = async ({ batch, uncommittedOffsets, heartbeat, resolveOffset }: any) => {
      for (const message of batch.messages) {
        consumed.push(message)
        resolveOffset(message.offset)
        perMessage.push(uncommittedOffsets())
        current = uncommittedOffsets
      }
      await heartbeat()
    }
    await startConsumer({ autoCommit: false, eachBatch })
    const messages = generateMessages().map((m) => ({ ...m, partition: 0 }))
    await producer.send({ acks: 1, topic: topicName, messages })
    await waitForMessages(consumed, { number: 100 })
    if (!commit) await consumer.stop()
    expect(consumed[0].value.toString()).toMatch(/value-0/)
    expect(consumed[99].value.toString()).toMatch(/value-99/)
    expect(perMessage).toHaveLength(consumed.length)
    const txn = await producer.transaction()
    await txn.sendOffsets({ consumerGroupId: groupId, topics: perMessage[commit ? 97 : 98].topics })
    if (commit) await txn.commit()
    else await txn.abort()
    if (commit) await consumer.stop()
    consumed = []
    perMessage = []
    void consumer.run({ eachBatch, autoCommit: false })
    return {
      get consumed() {
        return consumed
      },
      get perMessage() {
        return perMessage
      },
      current: () => current(),
      producer,
    }
  }

  it('respects offsets sent by a committed transaction (consume-transform-produce)', async () => {
    const state = await consumeTransformProduce(true)
    await waitForMessages(state.consumed, { number: 2 })
    expect(state.consumed).toHaveLength(2)
    expect(state.consumed[0].value.toString()).toMatch(/value-98/)
    expect(state.consumed[1].value.toString()).toMatch(/value-99/)
    const last = state.perMessage.pop()
    expect(state.current()).toEqual(last)
    expect(state.current()).toEqual({
      topics: [{ topic: topicName, partitions: [{ partition: '0', offset: '100' }] }],
    })
    const txn2 = await producer.transaction()
    await txn2.sendOffsets({ consumerGroupId: groupId, topics: last.topics })
    await txn2.commit()
    expect(state.current()).toEqual({ topics: [] })
  })

  it('does not respect offsets sent by an aborted transaction (consume-transform-produce)', async () => {
    const state = await consumeTransformProduce(false)
    await waitFor(() => state.consumed.length >= 1)
    expect(state.consumed[0].value.toString()).toMatch(/value-0/)
    await waitFor(() => state.consumed.length >= 100)
    expect(state.consumed.at(-1).value.toString()).toMatch(/value-99/)
    const last = state.perMessage.pop()
    expect(state.current()).toEqual(last)
    expect(state.current()).toEqual({
      topics: [{ topic: topicName, partitions: [{ partition: '0', offset: '100' }] }],
    })
  })
})
