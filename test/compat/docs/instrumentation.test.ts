/* biome-ignore-all lint/suspicious/noExplicitAny: event payloads are inspected loosely */
/**
 * KafkaJS docs: InstrumentationEvents.md, against kafkalite/kafkajs.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { type Consumer, Kafka, type LogEntry, logLevel } from '../../../src/kafkajs/index.js'
import { docsCluster, unique, until } from './helpers.js'

let cluster: ReturnType<typeof docsCluster>
let kafka: Kafka
let logs: LogEntry[]
beforeEach(() => {
  cluster = docsCluster()
  logs = []
  kafka = new Kafka({
    clientId: 'my-app',
    brokers: cluster.test.brokers,
    logLevel: logLevel.ERROR,
    logCreator: () => (entry) => logs.push(entry),
  })
})
afterEach(() => cluster.cleanup())

const envelope = (type: string, payload: unknown) => ({
  id: expect.any(Number),
  type,
  timestamp: expect.any(Number),
  payload,
})

function record(consumer: Consumer, names: string[]) {
  const events: any[] = []
  for (const name of names) (consumer.on as any)(name, (e: any) => events.push(e))
  return events
}

async function produce(topic: string, values: string[]) {
  const producer = kafka.producer({ createPartitioner: () => () => 0 })
  await producer.connect()
  await producer.send({ topic, messages: values.map((value) => ({ key: 'k', value })) })
  await producer.disconnect()
}

it('consumer.on(HEARTBEAT) gets { id, type, timestamp, payload } and returns removeListener', async () => {
  const topic = unique('t')
  const groupId = unique('g')
  const consumer = kafka.consumer({ groupId, heartbeatInterval: 10, maxWaitTimeInMs: 100 })
  cluster.defer(() => consumer.disconnect())
  const { HEARTBEAT } = consumer.events
  const beats: any[] = []
  const removeListener = consumer.on(HEARTBEAT, (e) => {
    beats.push(e)
  })
  expect(typeof removeListener).toBe('function')
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({ eachMessage: async () => {} })
  await produce(topic, ['a'])
  await until(() => beats.length > 0, 'for a heartbeat')
  expect(beats[0]).toEqual(
    envelope('consumer.heartbeat', {
      groupId,
      memberId: expect.any(String),
      groupGenerationId: expect.any(Number),
    }),
  )
  removeListener()
  const count = beats.length
  await new Promise((resolve) => setTimeout(resolve, 100))
  expect(beats.length).toBe(count)
})

it('consumer lifecycle events and their payload fields, in order', async () => {
  const topic = unique('t')
  const groupId = unique('g')
  const consumer = kafka.consumer({ groupId })
  const e = consumer.events
  const events = record(consumer, [
    e.CONNECT,
    e.GROUP_JOIN,
    e.FETCH_START,
    e.FETCH,
    e.START_BATCH_PROCESS,
    e.END_BATCH_PROCESS,
    e.COMMIT_OFFSETS,
    e.STOP,
    e.DISCONNECT,
  ])
  await produce(topic, ['a', 'b'])
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const done: string[] = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      done.push(String(message.value))
    },
  })
  await until(() => events.some((ev) => ev.type === e.COMMIT_OFFSETS), 'for a commit')
  await consumer.disconnect()

  const first = (type: string) => events.find((ev) => ev.type === type)
  expect(first(e.CONNECT)).toEqual(envelope('consumer.connect', undefined))
  expect(first(e.GROUP_JOIN)!.payload).toEqual({
    groupId,
    memberId: expect.any(String),
    leaderId: expect.any(String),
    isLeader: true,
    memberAssignment: { [topic]: [0] },
    groupProtocol: 'RoundRobinAssigner',
    duration: expect.any(Number),
  })
  // The docs list FETCH_START as {} and FETCH as { numberOfBatches, duration }; KafkaJS
  // src/consumer/runner.js emits FETCH_START { nodeId } and FETCH { numberOfBatches, duration, nodeId }
  expect(first(e.FETCH_START)!.payload).toEqual({ nodeId: expect.anything() })
  expect(first(e.FETCH)!.payload).toEqual({
    numberOfBatches: expect.any(Number),
    duration: expect.any(Number),
    nodeId: expect.anything(),
  })
  const batchFields = {
    topic,
    partition: 0,
    highWatermark: '2',
    offsetLag: expect.any(String),
    offsetLagLow: expect.any(String),
    batchSize: 2,
    firstOffset: '0',
    lastOffset: '1',
  }
  expect(first(e.START_BATCH_PROCESS)!.payload).toEqual(batchFields)
  expect(first(e.END_BATCH_PROCESS)!.payload).toEqual({ ...batchFields, duration: expect.any(Number) })
  expect(first(e.COMMIT_OFFSETS)!.payload).toEqual({
    groupId,
    memberId: expect.any(String),
    groupGenerationId: expect.any(Number),
    topics: [{ topic, partitions: [{ partition: '0', offset: '2' }] }],
  })
  expect(first(e.STOP)).toEqual(envelope('consumer.stop', undefined))
  expect(first(e.DISCONNECT)).toEqual(envelope('consumer.disconnect', undefined))

  const order = [
    e.CONNECT,
    e.GROUP_JOIN,
    e.START_BATCH_PROCESS,
    e.END_BATCH_PROCESS,
    e.COMMIT_OFFSETS,
    e.STOP,
    e.DISCONNECT,
  ]
  const positions = order.map((type) => events.findIndex((ev) => ev.type === type))
  expect(positions).toEqual([...positions].sort((a, b) => a - b))
  expect(done).toEqual(['a', 'b'])
})

it('CRASH carries { error, groupId, restart }; restart follows retry.restartOnFailure', async () => {
  const topic = unique('t')
  const groupId = unique('g')
  const restartOnFailure = async (_error: Error) => false
  const consumer = kafka.consumer({ groupId, retry: { retries: 0, restartOnFailure } })
  cluster.defer(() => consumer.disconnect())
  const crashes: any[] = []
  consumer.on(consumer.events.CRASH, (ev) => {
    crashes.push(ev)
  })
  await produce(topic, ['a'])
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({
    eachMessage: async () => {
      throw new Error('processing failed')
    },
  })
  await until(() => crashes.length > 0, 'for a crash')
  expect(crashes[0]).toEqual(
    envelope('consumer.crash', { error: expect.any(Error), groupId, restart: false }),
  )
  // KafkaJS src/retry/index.js: a retriable error past `retries` becomes KafkaJSNumberOfRetriesExceeded
  expect(crashes[0].payload.error.name).toBe('KafkaJSNumberOfRetriesExceeded')
  // MigrationGuide-2-0-0: `originalError` was replaced by `cause`
  expect(crashes[0].payload.error.cause).toMatchObject({ message: 'processing failed' })
  expect(crashes[0].payload.error.originalError).toBeUndefined()
})

it('REBALANCING { groupId, memberId } when a second member joins', async () => {
  const topic = unique('t')
  const groupId = unique('g')
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
  await admin.disconnect()
  const first = kafka.consumer({ groupId, heartbeatInterval: 10 })
  const second = kafka.consumer({ groupId, heartbeatInterval: 10 })
  cluster.defer(() => first.disconnect())
  cluster.defer(() => second.disconnect())
  const rebalances: any[] = []
  first.on(first.events.REBALANCING, (ev) => {
    rebalances.push(ev)
  })
  const joins: any[] = []
  first.on(first.events.GROUP_JOIN, (ev) => {
    joins.push(ev)
  })
  await first.connect()
  await first.subscribe({ topic })
  await first.run({ eachMessage: async () => {} })
  await until(() => joins.length > 0, 'for the first join')
  await second.connect()
  await second.subscribe({ topic })
  await second.run({ eachMessage: async () => {} })
  await until(() => rebalances.length > 0, 'for a rebalance')
  expect(rebalances[0]).toEqual(
    envelope('consumer.rebalancing', { groupId, memberId: joins[0].payload.memberId }),
  )
})

it('producer CONNECT / DISCONNECT events; admin CONNECT / DISCONNECT events', async () => {
  const producer = kafka.producer({ createPartitioner: () => () => 0 })
  const admin = kafka.admin()
  const seen: any[] = []
  producer.on(producer.events.CONNECT, (ev) => {
    seen.push(ev)
  })
  producer.on(producer.events.DISCONNECT, (ev) => {
    seen.push(ev)
  })
  admin.on(admin.events.CONNECT, (ev) => {
    seen.push(ev)
  })
  admin.on(admin.events.DISCONNECT, (ev) => {
    seen.push(ev)
  })
  await producer.connect()
  await admin.connect()
  await admin.disconnect()
  await producer.disconnect()
  expect(seen.map((ev) => ev.type)).toEqual([
    'producer.connect',
    'admin.connect',
    'admin.disconnect',
    'producer.disconnect',
  ])
})

it('on() with an unknown event name throws KafkaJSNonRetriableError', () => {
  const producer = kafka.producer({ createPartitioner: () => () => 0 })
  expect(() => (producer.on as any)('consumer.heartbeat', () => {})).toThrow(/Event name should be one of/)
})

it('a listener that rejects does not affect the client; the error is logged', async () => {
  const producer = kafka.producer({ createPartitioner: () => () => 0 })
  producer.on(producer.events.CONNECT, async () => {
    throw new Error('listener boom')
  })
  await producer.connect()
  await producer.send({ topic: unique('t'), messages: [{ value: 'still works' }] })
  await producer.disconnect()
  await until(() => logs.some((l) => l.log.message === 'Failed to execute listener: listener boom'))
  const entry = logs.find((l) => l.log.message === 'Failed to execute listener: listener boom')!
  // KafkaJS src/producer/index.js `on`: logger.error(`Failed to execute listener: ${e.message}`, { eventName, stack })
  expect(entry).toMatchObject({ namespace: 'Producer', label: 'ERROR' })
  expect(entry.log).toMatchObject({ eventName: 'producer.connect', stack: expect.any(String) })
})

// A documented difference (README, "No network events"): InstrumentationEvents.md's REQUEST is
// "Emitted on every network request to a broker" (KafkaJS src/network/connection.js); in process
// there is none, so the names exist and listeners are accepted, but never called.
it('REQUEST and REQUEST_QUEUE_SIZE listeners are accepted and never called (no network)', async () => {
  const producer = kafka.producer({ createPartitioner: () => () => 0 })
  const requests: unknown[] = []
  producer.on(producer.events.REQUEST, (ev) => void requests.push(ev))
  producer.on(producer.events.REQUEST_QUEUE_SIZE, (ev) => void requests.push(ev))
  await producer.connect()
  await producer.send({ topic: unique('t'), messages: [{ value: 'x' }] })
  await producer.disconnect()
  expect(producer.events.REQUEST).toBe('producer.network.request')
  expect(requests).toEqual([])
})
