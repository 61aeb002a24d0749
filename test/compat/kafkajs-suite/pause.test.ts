/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/consumer/__tests__/pause.spec.js.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { type Consumer, KafkaJSNonRetriableError, type Producer } from '../../../src/kafkajs/index.js'
import { Cluster, secureRandom, waitForConsumerToJoinGroup, waitForMessages } from './helpers.js'

let cluster: Cluster
let topics: string[]
let groupId: string
let producer: Producer
let consumer: Consumer

beforeEach(async () => {
  cluster = new Cluster()
  topics = [`test-topic-${secureRandom()}`, `test-topic-${secureRandom()}`]
  groupId = `consumer-group-id-${secureRandom()}`
  for (const topic of topics) await cluster.createTopic({ topic, partitions: 2 })
  producer = cluster.producer()
  consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 1, maxBytesPerPartition: 180 })
})
afterEach(() => cluster.cleanup())

const keyed = (partitions: number[]) =>
  partitions.map((partition) => {
    const key = secureRandom()
    return { key: `key-${key}`, value: `value-${key}`, partition }
  })

async function run(config: Parameters<Consumer['run']>[0]) {
  const joined = waitForConsumerToJoinGroup(consumer)
  void consumer.run(config)
  await joined
}

it('paused() is [] before run', () => {
  expect(consumer.paused()).toEqual([])
})

it('pause/resume validate the topic and require run()', () => {
  for (const op of ['pause', 'resume'] as const) {
    expect(() => consumer[op]([{ topic: null as never, partitions: [0] }])).toThrow(KafkaJSNonRetriableError)
    expect(() => consumer[op]([{ topic: null as never, partitions: [0] }])).toThrow(
      'Invalid topic [object Object]',
    ) // 2.2.4: `Invalid topic ${(tp && tp.topic) || tp}`
    expect(() => consumer[op]([{ topic: 'foo', partitions: [0] }])).toThrow(
      'Consumer group was not initialized, consumer#run must be called first',
    )
  }
})

it('pauses the right topic/partition via the eachMessage pause() callback, and resumes with its return value', async () => {
  await consumer.connect()
  await producer.connect()
  const messages = keyed([0, 0, 1, 0])
  for (const topic of topics) {
    await producer.send({ acks: 1, topic, messages: messages.slice(0, 2) })
    await consumer.subscribe({ topic, fromBeginning: true })
  }
  let shouldPause = true
  const consumed: { topic: number; message: number }[] = []
  const resumes: (() => void)[] = []
  await run({
    eachMessage: async ({ topic, message, pause }) => {
      const t = topics.indexOf(topic)
      const m = messages.findIndex((x) => String(x.key) === String(message.key))
      if (shouldPause && t === 0 && m === 1) {
        resumes.push(pause())
        throw new Error('bailing out')
      }
      consumed.push({ topic: t, message: m })
    },
  })
  await waitForMessages(consumed, { number: 3 })
  expect(consumer.paused()).toEqual([{ topic: topics[0], partitions: [0] }])
  for (const topic of topics) await producer.send({ acks: 1, topic, messages: messages.slice(2) })
  await waitForMessages(consumed, { number: 6 })
  expect(consumed).toHaveLength(6)
  for (const e of [
    { topic: 0, message: 0 },
    { topic: 0, message: 2 },
    { topic: 1, message: 0 },
    { topic: 1, message: 1 },
    { topic: 1, message: 2 },
    { topic: 1, message: 3 },
  ])
    expect(consumed).toContainEqual(e)
  shouldPause = false
  for (const resume of resumes) resume()
  await waitForMessages(consumed, { number: 8 })
  expect(consumed).toHaveLength(8)
  expect(consumed).toContainEqual({ topic: 0, message: 1 })
  expect(consumed).toContainEqual({ topic: 0, message: 3 })
})

it('does not call eachMessage again for a partition paused via consumer.pause inside eachMessage', async () => {
  await consumer.connect()
  await producer.connect()
  const messages = keyed([0, 0, 1, 0])
  for (const topic of topics) {
    await producer.send({ acks: 1, topic, messages: messages.slice(0, 2) })
    await consumer.subscribe({ topic, fromBeginning: true })
  }
  let shouldPause = true
  const consumed: { topic: number; message: number }[] = []
  await run({
    eachMessage: async ({ topic, message, partition }) => {
      const t = topics.indexOf(topic)
      const m = messages.findIndex((x) => String(x.key) === String(message.key))
      consumed.push({ topic: t, message: m })
      if (shouldPause && t === 0 && m === 0) consumer.pause([{ topic, partitions: [partition] }])
    },
  })
  await waitForMessages(consumed, { number: 3 })
  expect(consumer.paused()).toEqual([{ topic: topics[0], partitions: [0] }])
  for (const topic of topics) await producer.send({ acks: 1, topic, messages: messages.slice(2) })
  await waitForMessages(consumed, { number: 6 })
  expect(consumed).toHaveLength(6)
  expect(consumed).not.toContainEqual({ topic: 0, message: 1 })
  shouldPause = false
  consumer.resume(consumer.paused())
  await waitForMessages(consumed, { number: 8 })
  expect(consumed).toHaveLength(8)
  expect(consumed).toContainEqual({ topic: 0, message: 1 })
  expect(consumed).toContainEqual({ topic: 0, message: 3 })
})

it('pauses via the eachBatch pause() callback (eachBatchAutoResolve: false)', async () => {
  await consumer.connect()
  await producer.connect()
  const original = keyed([0, 0, 0, 1])
  for (const topic of topics) {
    await producer.send({ acks: 1, topic, messages: original })
    await consumer.subscribe({ topic, fromBeginning: true })
  }
  let shouldPause = true
  const consumed: { topic: number; message: number }[] = []
  const resumes: (() => void)[] = []
  await run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch: { topic, messages }, pause, resolveOffset, commitOffsetsIfNecessary }) => {
      messages.every((message) => {
        const t = topics.indexOf(topic)
        const m = original.findIndex((x) => String(x.key) === String(message.key))
        if (shouldPause && ((t === 0 && m === 1) || (t === 1 && m === 3))) {
          resumes.push(pause())
          return false
        }
        consumed.push({ topic: t, message: m })
        resolveOffset(message.offset)
        return true
      })
      await commitOffsetsIfNecessary()
    },
  })
  await waitForMessages(consumed, { number: 5 })
  expect(consumer.paused()).toContainEqual({ topic: topics[0], partitions: [0] })
  expect(consumer.paused()).toContainEqual({ topic: topics[1], partitions: [1] })
  shouldPause = false
  for (const resume of resumes) resume()
  await waitForMessages(consumed, { number: 8 })
  expect(consumer.paused()).toEqual([])
  expect(consumed).toContainEqual({ topic: 0, message: 1 })
  expect(consumed).toContainEqual({ topic: 1, message: 3 })
})

it('does not fetch messages for a paused topic; paused() lists all its partitions', async () => {
  await consumer.connect()
  await producer.connect()
  const [m1, m2] = [keyed([0])[0]!, keyed([1])[0]!]
  for (const topic of topics) {
    await producer.send({ acks: 1, topic, messages: [m1] })
    await consumer.subscribe({ topic, fromBeginning: true })
  }
  const consumed: any[] = []
  await run({ eachMessage: async (e) => void consumed.push(e) })
  await waitForMessages(consumed, { number: 2 })
  expect(consumer.paused()).toEqual([])
  const [paused, active] = topics
  consumer.pause([{ topic: paused! }])
  for (const topic of topics) await producer.send({ acks: 1, topic, messages: [m2] })
  await waitForMessages(consumed, { number: 3 })
  expect(consumed.filter(({ topic }) => topic === paused)).toEqual([
    expect.objectContaining({ topic: paused, message: expect.objectContaining({ offset: '0' }) }),
  ])
  expect(consumed.filter(({ topic }) => topic === active).sort((a, b) => a.partition - b.partition)).toEqual([
    expect.objectContaining({
      topic: active,
      partition: 0,
      message: expect.objectContaining({ offset: '0' }),
    }),
    expect.objectContaining({
      topic: active,
      partition: 1,
      message: expect.objectContaining({ offset: '0' }),
    }),
  ])
  expect(consumer.paused()).toEqual([{ topic: paused, partitions: [0, 1] }])
})

it('does not process a topic paused while its handler throws; after resume the message is redelivered', async () => {
  const [topic] = topics as [string]
  const consumed: any[] = []
  let shouldThrow = true
  await consumer.connect()
  await producer.connect()
  await producer.send({ acks: 1, topic, messages: keyed([0]) })
  await consumer.subscribe({ topic, fromBeginning: true })
  await run({
    eachMessage: async (event) => {
      consumed.push(event)
      if (shouldThrow) {
        consumer.pause([{ topic }])
        throw new Error('Should fail')
      }
    },
  })
  await waitForMessages(consumed, { number: 1 })
  await new Promise((r) => setTimeout(r, 200))
  const tillError = [...consumed]
  shouldThrow = false
  consumer.resume([{ topic }])
  await waitForMessages(consumed, { number: 2 })
  expect(tillError).toHaveLength(1)
  expect(consumed).toHaveLength(2)
  expect(consumed.map((e) => e.message.offset)).toEqual(['0', '0'])
})

it('when all topics are paused, eachMessage is not called', async () => {
  consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 100, maxBytesPerPartition: 180 })
  await producer.connect()
  await consumer.connect()
  await consumer.subscribe({ topic: topics[0]!, fromBeginning: true })
  await consumer.subscribe({ topic: topics[1]!, fromBeginning: true })
  let calls = 0
  await run({ eachMessage: async () => void calls++ })
  consumer.pause([{ topic: topics[0]! }, { topic: topics[1]! }])
  for (const topic of topics) await producer.send({ acks: 1, topic, messages: keyed([0]) })
  await new Promise((r) => setTimeout(r, 150))
  expect(calls).toBe(0)
})

it('resumes fetching from the specified topic (paused before the group join)', async () => {
  await consumer.connect()
  await producer.connect()
  const message = keyed([0])[0]!
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true })
  const consumed: any[] = []
  const joined = waitForConsumerToJoinGroup(consumer)
  void consumer.run({ eachMessage: async (e) => void consumed.push(e) })
  const [paused, active] = topics
  consumer.pause([{ topic: paused! }])
  await joined
  for (const topic of topics) await producer.send({ acks: 1, topic, messages: [message] })
  await waitForMessages(consumed, { number: 1 })
  consumer.resume([{ topic: paused! }])
  await expect(waitForMessages(consumed, { number: 2 })).resolves.toEqual([
    expect.objectContaining({
      topic: active,
      partition: 0,
      message: expect.objectContaining({ offset: '0' }),
    }),
    expect.objectContaining({
      topic: paused,
      partition: 0,
      message: expect.objectContaining({ offset: '0' }),
    }),
  ])
  expect(consumer.paused()).toEqual([])
})

it('resumes fetching from earlier paused partitions', async () => {
  await consumer.connect()
  await producer.connect()
  const [topic] = topics as [string]
  const value = secureRandom()
  const msg = { key: `key-${value}`, value: `value-${value}` }
  for (const partition of [0, 1]) await producer.send({ acks: 1, topic, messages: [{ ...msg, partition }] })
  await consumer.subscribe({ topic, fromBeginning: true })
  const consumed: any[] = []
  await run({ eachMessage: async (e) => void consumed.push(e) })
  await waitForMessages(consumed, { number: 2 })
  consumer.pause([{ topic, partitions: [0] }])
  for (const partition of [0, 1]) await producer.send({ acks: 1, topic, messages: [{ ...msg, partition }] })
  await waitForMessages(consumed, { number: 3 })
  consumer.resume([{ topic, partitions: [0] }])
  await waitForMessages(consumed, { number: 4 })
  expect(consumed.filter((e) => e.partition === 0).map((e) => e.message.offset)).toEqual(['0', '1'])
  expect(consumed.filter((e) => e.partition === 1).map((e) => e.message.offset)).toEqual(['0', '1'])
  expect(consumer.paused()).toEqual([])
})
