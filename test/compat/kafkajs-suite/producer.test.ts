/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/producer/index.spec.js and
 * src/producer/__tests__/producingToInvalidTopic.spec.js.
 */
import { Buffer } from 'node:buffer'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KafkaJSNonRetriableError, type Producer } from '../../../src/kafkajs/index.js'
import { Cluster, createModPartitioner, secureRandom, waitForMessages } from './helpers.js'

let cluster: Cluster
let topicName: string

beforeEach(() => {
  cluster = new Cluster()
  topicName = `test-topic-${secureRandom()}`
})
afterEach(() => cluster.cleanup())

const ten = () => Array.from({ length: 10 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }))
const result = (topic: string, baseOffset: string) => ({
  topicName: topic,
  baseOffset,
  errorCode: 0,
  partition: 0,
  logAppendTime: '-1',
  logStartOffset: '0',
})

describe('argument validation', () => {
  it('throws if the topic is invalid', async () => {
    const producer = cluster.producer()
    await expect(producer.send({ acks: 1, topic: null as never, messages: [] })).rejects.toHaveProperty(
      'message',
      'Invalid topic',
    )
  })
  it('throws if messages is invalid', async () => {
    const producer = cluster.producer()
    await expect(
      producer.send({ acks: 1, topic: topicName, messages: null as never }),
    ).rejects.toHaveProperty('message', `Invalid messages array [null] for topic "${topicName}"`)
  })
  it('throws for messages with a value of undefined', async () => {
    const producer = cluster.producer()
    await expect(
      producer.send({ acks: 1, topic: topicName, messages: [{ foo: 'bar' } as never] }),
    ).rejects.toHaveProperty(
      'message',
      `Invalid message without value for topic "${topicName}": {"foo":"bar"}`,
    )
  })
  it('throws if the producer is not connected', async () => {
    const producer = cluster.producer()
    await expect(
      producer.send({ topic: topicName, messages: [{ key: 'key', value: 'value' }] }),
    ).rejects.toThrow(/The producer is disconnected/)
  })
  it('throws if the producer is disconnecting', async () => {
    const producer = cluster.producer()
    await producer.connect()
    const disconnecting = producer.disconnect()
    await expect(
      producer.send({ topic: topicName, messages: [{ key: 'key', value: 'value' }] }),
    ).rejects.toThrow(/The producer is disconnecting/)
    await disconnecting
  })
  it('allows messages with a null value (tombstones)', async () => {
    const producer = cluster.producer()
    await producer.connect()
    await expect(
      producer.send({ acks: 1, topic: topicName, messages: [{ foo: 'bar', value: null } as never] }),
    ).resolves.toBeDefined()
  })
  it('gives access to its logger', () => {
    expect(cluster.producer().logger()).toMatchObject({
      info: expect.any(Function),
      error: expect.any(Function),
    })
  })
  it('on() throws for an invalid event name', () => {
    const producer = cluster.producer()
    expect(() => producer.on('NON_EXISTENT_EVENT' as never, () => {})).toThrow(KafkaJSNonRetriableError)
    expect(() => producer.on('NON_EXISTENT_EVENT' as never, () => {})).toThrow(
      /Event name should be one of producer.events./,
    )
  })
  it('emits connection events', async () => {
    const producer = cluster.producer()
    const connect = new Promise((r) => producer.on(producer.events.CONNECT, r))
    const disconnect = new Promise((r) => producer.on(producer.events.DISCONNECT, r))
    await producer.connect()
    await expect(connect).resolves.toMatchObject({
      id: expect.any(Number),
      type: 'producer.connect',
      timestamp: expect.any(Number),
    })
    await producer.disconnect()
    await expect(disconnect).resolves.toMatchObject({ type: 'producer.disconnect' })
  })
})

it('acks=0 returns [] immediately', async () => {
  await cluster.createTopic({ topic: topicName })
  const producer = cluster.producer({ createPartitioner: createModPartitioner as never })
  await producer.connect()
  expect(await producer.send({ acks: 0, topic: topicName, messages: ten() })).toEqual([])
})

for (const idempotent of [false, true]) {
  describe(`produce messages (idempotent=${idempotent})`, () => {
    const acks = idempotent ? -1 : 1
    let producer: Producer
    beforeEach(async () => {
      await cluster.createTopic({ topic: topicName })
      producer = cluster.producer({ createPartitioner: createModPartitioner as never, idempotent })
      await producer.connect()
    })
    it('returns record metadata with string offsets', async () => {
      expect(await producer.send({ acks, topic: topicName, messages: ten() })).toEqual([
        result(topicName, '0'),
      ])
      expect(await producer.send({ acks, topic: topicName, messages: ten() })).toEqual([
        result(topicName, '10'),
      ])
    })
    it('with headers', async () => {
      const withHeaders = () =>
        ten().map((m, i) => ({ ...m, headers: { [`header-a${i}`]: `a${i}`, [`header-b${i}`]: `b${i}` } }))
      expect(await producer.send({ acks, topic: topicName, messages: withHeaders() })).toEqual([
        result(topicName, '0'),
      ])
      expect(await producer.send({ acks, topic: topicName, messages: withHeaders() })).toEqual([
        result(topicName, '10'),
      ])
    })
    it('without a message key', async () => {
      await expect(
        producer.send({ acks, topic: topicName, messages: [{ value: 'test-value' }] }),
      ).resolves.toBeDefined()
    })
    it('allows sending an empty list of messages', async () => {
      await expect(producer.send({ acks, topic: topicName, messages: [] })).resolves.toBeDefined()
    })
    it('sendBatch allows an empty topicMessages list', async () => {
      await expect(producer.sendBatch({ acks, topicMessages: [] })).resolves.toBeDefined()
    })
    it('produces to multiple topics', async () => {
      const topics = [`test-topic-${secureRandom()}`, `test-topic-${secureRandom()}`]
      for (const topic of topics) await cluster.createTopic({ topic })
      const by = (a: { topicName: string }, b: { topicName: string }) =>
        a.topicName.localeCompare(b.topicName)
      const send = () =>
        producer.sendBatch({ acks, topicMessages: topics.map((topic) => ({ topic, messages: ten() })) })
      expect((await send()).sort(by)).toEqual(topics.map((t) => result(t, '0')).sort(by))
      expect((await send()).sort(by)).toEqual(topics.map((t) => result(t, '10')).sort(by))
    })
    it('sendBatch consolidates topicMessages by topic', async () => {
      const consumed: any[] = []
      const consumer = cluster.consumer({ groupId: `test-consumer-${secureRandom()}` })
      await consumer.connect()
      await consumer.subscribe({ topic: topicName, fromBeginning: true })
      await consumer.run({ eachMessage: async (e) => void consumed.push(e) })
      const res = await producer.sendBatch({
        acks,
        topicMessages: [
          {
            topic: topicName,
            messages: [
              { key: 'key-1', value: 'value-1' },
              { key: 'key-2', value: 'value-2' },
            ],
          },
          { topic: topicName, messages: [{ key: 'key-3', value: 'value-3' }] },
        ],
      })
      expect(res).toEqual([result(topicName, '0')])
      await expect(waitForMessages(consumed, { number: 3 })).resolves.toEqual(
        [1, 2, 3].map((n) =>
          expect.objectContaining({
            topic: topicName,
            partition: 0,
            message: expect.objectContaining({
              key: Buffer.from(`key-${n}`),
              value: Buffer.from(`value-${n}`),
              offset: `${n - 1}`,
            }),
          }),
        ),
      )
    })
  })
}

describe('idempotent=true', () => {
  it('rejects acks != -1', async () => {
    const producer = cluster.producer({ createPartitioner: createModPartitioner as never, idempotent: true })
    await producer.connect()
    for (const acks of [1, 0]) {
      const error = await producer.send({ acks, topic: topicName, messages: ten() }).catch((e) => e)
      expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
      expect(error.message).toBe(
        "Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees",
      )
    }
  })
  it('throws if retries < 1', () => {
    expect(() => cluster.kafka.producer({ idempotent: true, retry: { retries: 0 } })).toThrow(
      'Idempotent producer must allow retries to protect against transient errors',
    )
  })
})

describe('transactions', () => {
  let transactionalId: string
  let producer: Producer
  beforeEach(async () => {
    transactionalId = `transactional-id-${secureRandom()}`
    await cluster.createTopic({ topic: topicName })
    producer = cluster.producer({ createPartitioner: createModPartitioner as never, transactionalId })
    await producer.connect()
  })
  for (const endFn of ['commit', 'abort'] as const) {
    it(`transaction flow ${endFn}`, async () => {
      const txn = await producer.transaction()
      await expect(producer.transaction()).rejects.toThrow(
        'There is already an ongoing transaction for this producer. Please end the transaction before beginning another.',
      )
      await txn.send({ topic: topicName, messages: [{ key: '2', value: '2' }] })
      await txn.sendBatch({ topicMessages: [{ topic: topicName, messages: [{ key: '2', value: '2' }] }] })
      await txn[endFn]()
      for (const call of [
        () => (txn.send as any)(),
        () => (txn.sendBatch as any)(),
        () => txn.commit(),
        () => txn.abort(),
      ]) {
        const error = await call().catch((e: unknown) => e)
        expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
        expect(error).toHaveProperty('message', 'Cannot continue to use transaction once ended')
      }
      expect(await producer.transaction()).toBeTruthy()
    })
  }
  it('allows sending messages outside a transaction', async () => {
    await producer.transaction()
    await producer.send({ topic: topicName, messages: [{ key: 'key', value: 'value' }] })
    await producer.sendBatch({
      topicMessages: [{ topic: topicName, messages: [{ key: 'key', value: 'value' }] }],
    })
  })
  it('supports sending offsets (committed when the transaction commits)', async () => {
    const topic2 = `test-topic-${secureRandom()}`
    await cluster.createTopic({ topic: topic2, partitions: 2 })
    const consumerGroupId = `consumer-group-id-${secureRandom()}`
    const txn = await producer.transaction()
    await txn.sendOffsets({
      consumerGroupId,
      topics: [
        {
          topic: topic2,
          partitions: [
            { partition: 0, offset: '5' },
            { partition: 1, offset: '10' },
          ],
        },
      ],
    })
    await txn.commit()
    const admin = cluster.admin()
    await admin.connect()
    expect(await admin.fetchOffsets({ groupId: consumerGroupId, topics: [topic2] })).toEqual([
      {
        topic: topic2,
        partitions: [
          expect.objectContaining({ partition: 0, offset: '5' }),
          expect.objectContaining({ partition: 1, offset: '10' }),
        ],
      },
    ])
  })
  it('commit/abort without operations resolve, and a new transaction can start', async () => {
    for (const end of ['abort', 'commit'] as const) {
      const t = await producer.transaction()
      await expect(t[end]()).resolves.toBeUndefined()
    }
    await expect(producer.transaction()).resolves.toBeTruthy()
  })
  it('a transaction after an empty aborted one works', async () => {
    const empty = await producer.transaction()
    await empty.abort()
    const t = await producer.transaction()
    await t.send({
      topic: topicName,
      messages: [
        { value: 'value', partition: 0 },
        { value: 'value', partition: 0 },
      ],
    })
    await t.commit()
    const admin = cluster.admin()
    await admin.connect()
    const [offsets] = await admin.fetchTopicOffsets(topicName)
    // two records plus the commit marker
    expect(offsets?.high).toBe('3')
  })
})

it('rejects producing to an invalid topic name, then produces to a valid one (producingToInvalidTopic.spec.js)', async () => {
  await cluster.createTopic({ topic: topicName })
  const producer = cluster.producer()
  await producer.connect()
  const message = { key: `key-${secureRandom()}`, value: `value-${secureRandom()}` }
  await expect(producer.send({ topic: `${topicName}-abc)(*&^%`, messages: [message] })).rejects.toThrow(
    'The request attempted to perform an operation on an invalid topic',
  )
  await expect(producer.send({ topic: topicName, messages: [message] })).resolves.toBeDefined()
})
