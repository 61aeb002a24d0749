/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/consumer/__tests__/runner.spec.js: the assertions that
 * are observable through the public API. The spec drives Runner with a mocked ConsumerGroup;
 * here the same rules are checked through committed offsets, the eachBatch helpers and the CRASH
 * event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type Consumer,
  KafkaJSNoBrokerAvailableError,
  KafkaJSNonRetriableError,
  KafkaJSNotImplemented,
  KafkaJSNumberOfRetriesExceeded,
  type Producer,
} from '../../../src/kafkajs/index.js'
import {
  Cluster,
  createModPartitioner,
  secureRandom,
  waitFor,
  waitForConsumerToJoinGroup,
  waitForNextEvent,
} from './helpers.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let cluster: Cluster
let topicName: string
let groupId: string
let producer: Producer
let consumer: Consumer

beforeEach(async () => {
  cluster = new Cluster()
  topicName = `test-topic-${secureRandom()}`
  groupId = `consumer-group-id-${secureRandom()}`
  await cluster.createTopic({ topic: topicName })
  producer = cluster.producer({ createPartitioner: createModPartitioner as never })
  consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 50 })
  await producer.connect()
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
})
afterEach(() => cluster.cleanup())

const messages = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }))

async function committedOffset(): Promise<string> {
  const admin = cluster.admin()
  await admin.connect()
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topicName] })
  return offsets!.partitions.find((p) => p.partition === 0)!.offset
}

async function run(config: Parameters<Consumer['run']>[0]) {
  const joined = waitForConsumerToJoinGroup(consumer)
  void consumer.run(config)
  await joined
}

it('commits the offsets of a handled batch (autoCommit)', async () => {
  await producer.send({ acks: 1, topic: topicName, messages: messages(5) })
  const done = waitForNextEvent(consumer, consumer.events.END_BATCH_PROCESS)
  const committed = waitForNextEvent(consumer, consumer.events.COMMIT_OFFSETS)
  await run({ eachBatch: async () => {} })
  await done
  await committed
  expect(await committedOffset()).toBe('5')
})

describe('the eachBatch commitOffsetsIfNecessary helper', () => {
  it('commits the offsets it is given, even with autoCommit: false', async () => {
    await producer.send({ acks: 1, topic: topicName, messages: messages(3) })
    let called = false
    await run({
      autoCommit: false,
      eachBatch: async ({ commitOffsetsIfNecessary }) => {
        if (called) return
        called = true
        await commitOffsetsIfNecessary({
          topics: [{ topic: topicName, partitions: [{ offset: '1', partition: 0 }] }],
        })
      },
    })
    await waitFor(() => called)
    await waitFor(async () => (await committedOffset()) === '1', { what: 'offset 1 committed' })
  })

  it('reports the offsets it was given, as given, in the COMMIT_OFFSETS event', async () => {
    await producer.send({ acks: 1, topic: topicName, messages: messages(3) })
    const events: any[] = []
    consumer.on(consumer.events.COMMIT_OFFSETS, (event) => void events.push(event))
    let called = false
    const offsets = { topics: [{ topic: topicName, partitions: [{ offset: '1', partition: 0 }] }] }
    await run({
      autoCommit: false,
      eachBatch: async ({ commitOffsetsIfNecessary }) => {
        if (called) return
        await commitOffsetsIfNecessary(offsets)
        called = true
      },
    })
    await waitFor(() => called)
    // offsetManager.commitOffsets (offsetManager/index.js:246-266) emits the topics it was given.
    expect(events.map((e) => e.payload.topics)).toEqual([offsets.topics])
  })

  it('without offsets, commits only when autoCommitInterval / autoCommitThreshold say so', async () => {
    await producer.send({ acks: 1, topic: topicName, messages: messages(3) })
    let called = false
    let committedInside = ''
    await run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
        if (called) return
        resolveOffset(batch.messages[0]!.offset)
        await commitOffsetsIfNecessary()
        committedInside = await committedOffset()
        called = true
      },
    })
    await waitFor(() => called)
    // Neither an interval nor a threshold is set: the call commits nothing.
    expect(committedInside).toBe('-1')
  })
})

it('eachBatchAutoResolve: false does not resolve the last offset of the batch', async () => {
  await producer.send({ acks: 1, topic: topicName, messages: messages(3) })
  const done = waitForNextEvent(consumer, consumer.events.END_BATCH_PROCESS)
  await run({ eachBatchAutoResolve: false, eachBatch: async () => {} })
  await done
  await sleep(50)
  expect(await committedOffset()).toBe('-1')
})

it('autoCommit: false commits nothing; uncommittedOffsets() lists what was resolved', async () => {
  await producer.send({ acks: 1, topic: topicName, messages: messages(3) })
  const seen: unknown[] = []
  await run({
    autoCommit: false,
    eachBatch: async ({ uncommittedOffsets }) => void seen.push(uncommittedOffsets()),
  })
  await waitFor(() => seen.length >= 1)
  expect(seen[0]).toEqual({ topics: [] })
  await producer.send({ acks: 1, topic: topicName, messages: messages(1) })
  await waitFor(() => seen.length >= 2)
  expect(seen[1]).toEqual({ topics: [{ topic: topicName, partitions: [{ partition: '0', offset: '3' }] }] })
  expect(await committedOffset()).toBe('-1')
})

it('consumer.commitOffsets commits while running', async () => {
  // As the spec, after run() has resolved (Runner.start done).
  await consumer.run({ eachMessage: async () => {} })
  await consumer.commitOffsets([{ topic: topicName, partition: 0, offset: '1' }])
  expect(await committedOffset()).toBe('1')
})

it('an error thrown by a batch handler among concurrent partitions crashes with KafkaJSNumberOfRetriesExceeded (retries: 0)', async () => {
  topicName = `test-topic-${secureRandom()}`
  await cluster.createTopic({ topic: topicName, partitions: 3 })
  consumer = cluster.consumer({
    groupId,
    maxWaitTimeInMs: 50,
    retry: { retries: 0, restartOnFailure: async () => false },
  })
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  const crash = waitForNextEvent(consumer, consumer.events.CRASH)
  await consumer.run({
    partitionsConsumedConcurrently: 10,
    eachBatchAutoResolve: false,
    eachBatch: async () => {
      throw new Error('Error while processing batches in parallel')
    },
  })
  await producer.send({ acks: 1, topic: topicName, messages: messages(6) })
  const event = await crash
  expect(event.payload.error).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded)
  expect(event.payload.error.message).toBe('Error while processing batches in parallel')
})

// Runner.scheduleFetchManager bails out of its retrier with these two error names
// (runner.js:142-148), so onCrash receives the error itself, not a KafkaJSNonRetriableError
// wrapping it (which the retrier builds for other non-retriable errors: retry/index.js:51-53).
describe.each([
  ['KafkaJSNotImplemented', () => new KafkaJSNotImplemented('not implemented')],
  ['KafkaJSNoBrokerAvailableError', () => new KafkaJSNoBrokerAvailableError()],
])('a %s thrown while consuming', (name, makeError) => {
  it('crashes the consumer at once with that very error (no retry, no wrapping)', async () => {
    const error = makeError()
    expect(error.name).toBe(name)
    // Short retries, so that a consumer that retries instead of bailing crashes quickly too.
    consumer = cluster.consumer({
      groupId,
      maxWaitTimeInMs: 50,
      retry: { retries: 2, initialRetryTime: 20, restartOnFailure: async () => false },
    })
    await consumer.connect()
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const crash = waitForNextEvent(consumer, consumer.events.CRASH)
    let calls = 0
    await consumer.run({
      eachMessage: async () => {
        calls++
        throw error
      },
    })
    await producer.send({ acks: 1, topic: topicName, messages: messages(1) })
    const event = await crash
    expect(event.payload.restart).toBe(false)
    expect({ name: event.payload.error.name, handlerCalls: calls }).toEqual({ name, handlerCalls: 1 })
    expect(event.payload.error).toBe(error)
  })
})

it('a non-retriable error that is not bailed is wrapped in KafkaJSNonRetriableError (control for the case above)', async () => {
  const error = new TypeError('boom')
  consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 50 })
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  const crash = waitForNextEvent(consumer, consumer.events.CRASH)
  await consumer.run({
    eachMessage: async () => {
      throw error
    },
  })
  await producer.send({ acks: 1, topic: topicName, messages: messages(1) })
  const event = await crash
  expect(event.payload.restart).toBe(false)
  expect(event.payload.error).toBeInstanceOf(KafkaJSNonRetriableError)
  expect(event.payload.error.name).toBe('KafkaJSNonRetriableError')
  expect(event.payload.error.cause).toBe(error)
})
