/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/consumer/__tests__/instrumentationEvents.spec.js.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { Consumer, ConsumerConfig, Producer } from '../../../src/kafkajs/index.js'
import {
  Cluster,
  createModPartitioner,
  secureRandom,
  waitFor,
  waitForConsumerToJoinGroup,
} from './helpers.js'

let cluster: Cluster
let topicName: string
let groupId: string
let producer: Producer
let message: { key: string; value: string }

beforeEach(async () => {
  cluster = new Cluster()
  topicName = `test-topic-${secureRandom()}`
  groupId = `consumer-group-id-${secureRandom()}`
  await cluster.createTopic({ topic: topicName })
  producer = cluster.producer({ createPartitioner: createModPartitioner as never })
  message = { key: `key-${secureRandom()}`, value: `value-${secureRandom()}` }
})
afterEach(() => cluster.cleanup())

const createTestConsumer = (opts: Partial<ConsumerConfig> = {}): Consumer =>
  cluster.consumer({ groupId, heartbeatInterval: 100, maxWaitTimeInMs: 500, ...opts } as ConsumerConfig)

function record(consumer: Consumer, name: string): any[] {
  const events: any[] = []
  ;(consumer.on as any)(name, (e: unknown) => events.push(e))
  return events
}
const envelope = (type: string, payload: unknown) => ({
  id: expect.any(Number),
  timestamp: expect.any(Number),
  type,
  payload,
})

async function runWithMessage(consumer: Consumer, eachMessage: () => any = () => true) {
  await consumer.connect()
  await producer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  await consumer.run({ eachMessage })
  await producer.send({ acks: 1, topic: topicName, messages: [message] })
}

it('emits heartbeat', async () => {
  const consumer = createTestConsumer({ heartbeatInterval: 0 })
  const events = record(consumer, consumer.events.HEARTBEAT)
  await runWithMessage(consumer)
  await waitFor(() => events.length > 0)
  expect(events).toContainEqual(
    envelope('consumer.heartbeat', {
      groupId,
      memberId: expect.any(String),
      groupGenerationId: expect.any(Number),
    }),
  )
})

it('emits commit offsets (partition as a string)', async () => {
  const consumer = createTestConsumer()
  const events = record(consumer, consumer.events.COMMIT_OFFSETS)
  await runWithMessage(consumer)
  await waitFor(() => events.length > 0)
  expect(events).toContainEqual(
    envelope('consumer.commit_offsets', {
      groupId,
      memberId: expect.any(String),
      groupGenerationId: expect.any(Number),
      topics: [{ topic: topicName, partitions: [{ offset: '1', partition: '0' }] }],
    }),
  )
})

it('emits group join', async () => {
  const consumer = createTestConsumer()
  const events = record(consumer, consumer.events.GROUP_JOIN)
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  await consumer.run({ eachMessage: async () => {} })
  await waitFor(() => events.length > 0)
  expect(events).toContainEqual(
    envelope('consumer.group_join', {
      duration: expect.any(Number),
      groupId: expect.any(String),
      isLeader: true,
      leaderId: expect.any(String),
      groupProtocol: expect.any(String),
      memberId: expect.any(String),
      memberAssignment: { [topicName]: [0] },
    }),
  )
})

it('emits fetch and fetch start', async () => {
  const consumer = createTestConsumer()
  const fetches = record(consumer, consumer.events.FETCH)
  const starts = record(consumer, consumer.events.FETCH_START)
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  await consumer.run({ eachMessage: async () => {} })
  await waitFor(() => fetches.length > 0 && starts.length > 0)
  expect(fetches[0]).toEqual(
    envelope('consumer.fetch', {
      numberOfBatches: expect.any(Number),
      duration: expect.any(Number),
      nodeId: expect.any(String),
    }),
  )
  expect(starts[0]).toEqual(envelope('consumer.fetch_start', { nodeId: expect.any(String) }))
})

it('emits start and end batch process', async () => {
  const consumer = createTestConsumer()
  const starts = record(consumer, consumer.events.START_BATCH_PROCESS)
  const ends = record(consumer, consumer.events.END_BATCH_PROCESS)
  await runWithMessage(consumer)
  await waitFor(() => starts.length > 0 && ends.length > 0)
  const common = {
    topic: topicName,
    partition: 0,
    highWatermark: expect.any(String),
    offsetLag: expect.any(String),
    offsetLagLow: expect.any(String),
    batchSize: 1,
    firstOffset: expect.any(String),
    lastOffset: expect.any(String),
  }
  expect(starts[0]).toEqual(envelope('consumer.start_batch_process', common))
  expect(ends[0]).toEqual(envelope('consumer.end_batch_process', { ...common, duration: expect.any(Number) }))
})

it('emits start and end batch process for a batch holding only an aborted transaction and its control record', async () => {
  const consumer = createTestConsumer()
  const starts = record(consumer, consumer.events.START_BATCH_PROCESS)
  const ends = record(consumer, consumer.events.END_BATCH_PROCESS)
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  await consumer.run({ eachMessage: async () => {} })
  const txProducer = cluster.producer({
    createPartitioner: createModPartitioner as never,
    transactionalId: `test-producer-${secureRandom()}`,
    maxInFlightRequests: 1,
    idempotent: true,
  })
  await txProducer.connect()
  const transaction = await txProducer.transaction()
  await transaction.send({ topic: topicName, acks: -1, messages: [{ key: 'test', value: 'test' }] })
  await transaction.abort()
  await waitFor(() => starts.length > 0 && ends.length > 0)
  const common = {
    topic: topicName,
    partition: 0,
    highWatermark: '2',
    offsetLag: expect.any(String),
    offsetLagLow: expect.any(String),
    batchSize: 0,
    firstOffset: '0',
    lastOffset: '1',
  }
  expect(starts).toEqual([envelope('consumer.start_batch_process', common)])
  expect(ends).toEqual([envelope('consumer.end_batch_process', { ...common, duration: expect.any(Number) })])
})

it('emits connect, stop and disconnect', async () => {
  const consumer = createTestConsumer()
  const connects = record(consumer, consumer.events.CONNECT)
  const stops = record(consumer, consumer.events.STOP)
  const disconnects = record(consumer, consumer.events.DISCONNECT)
  await consumer.connect()
  expect(connects).toHaveLength(1)
  await consumer.run()
  await consumer.disconnect()
  expect(stops.length).toBeGreaterThan(0)
  expect(disconnects.length).toBeGreaterThan(0)
})

for (const restart of [true, false]) {
  it(`emits crash events (restart=${restart})`, async () => {
    const error = new Error('💣')
    let calls = 0
    const consumer = createTestConsumer({
      retry: restart ? { retries: 0 } : { retries: 0, restartOnFailure: async () => false },
    })
    const crashes = record(consumer, consumer.events.CRASH)
    await runWithMessage(consumer, () => {
      if (calls++ === 0) throw error
    })
    await waitFor(() => crashes.length > 0)
    // KafkaJS's Jest toEqual compares Errors by message only; 2.2.4 emits the retrier's
    // KafkaJSNumberOfRetriesExceeded (message of, and caused by, the handler's error).
    expect(crashes[0]).toEqual(
      envelope('consumer.crash', {
        error: expect.objectContaining({ message: error.message }),
        groupId,
        restart,
      }),
    )
  })
}

it('emits rebalancing when a second member joins', async () => {
  const consumer = createTestConsumer()
  const consumer2 = createTestConsumer()
  let memberId: string | undefined
  consumer.on(consumer.events.GROUP_JOIN, async (event) => {
    memberId ??= event.payload.memberId
  })
  const rebalancing = record(consumer, consumer.events.REBALANCING)
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  const j1 = waitForConsumerToJoinGroup(consumer)
  void consumer.run({ eachMessage: async () => {} })
  await j1
  await consumer2.connect()
  await consumer2.subscribe({ topic: topicName, fromBeginning: true })
  const j2 = waitForConsumerToJoinGroup(consumer2)
  void consumer2.run({ eachMessage: async () => {} })
  await j2
  expect(rebalancing).toContainEqual(envelope('consumer.rebalancing', { groupId, memberId }))
})
