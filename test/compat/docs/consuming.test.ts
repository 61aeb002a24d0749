/* biome-ignore-all lint/suspicious/noExplicitAny: event payloads are inspected loosely */
/**
 * KafkaJS docs: Consuming.md examples (subscribe, eachMessage, eachBatch, concurrency,
 * autoCommit, manual commits, fromBeginning, pause/resume, seek, describeGroup), against
 * kafkalite/kafkajs.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import {
  type Consumer,
  type ConsumerConfig,
  type EachBatchPayload,
  type EachMessagePayload,
  Kafka,
  type KafkaMessage,
  logLevel,
} from '../../../src/kafkajs/index.js'
import { docsCluster, unique, until } from './helpers.js'

let cluster: ReturnType<typeof docsCluster>
let kafka: Kafka
beforeEach(() => {
  cluster = docsCluster()
  kafka = new Kafka({ clientId: 'my-app', brokers: cluster.test.brokers, logLevel: logLevel.NOTHING })
})
afterEach(() => cluster.cleanup())

async function createTopic(topic: string, numPartitions = 1) {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions }] })
  await admin.disconnect()
}

async function produce(topic: string, messages: { key?: string; value: string; partition?: number }[]) {
  const producer = kafka.producer({ createPartitioner: () => () => 0 })
  await producer.connect()
  await producer.send({ topic, messages })
  await producer.disconnect()
}

function newConsumer(config: Partial<ConsumerConfig> = {}): Consumer {
  const consumer = kafka.consumer({ groupId: unique('my-group'), maxWaitTimeInMs: 100, ...config })
  cluster.defer(() => consumer.disconnect())
  return consumer
}

function joined(consumer: Consumer): Promise<any> {
  return new Promise((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, (e) => {
      off()
      resolve(e)
    })
  })
}

async function committed(groupId: string, topic: string) {
  const admin = kafka.admin()
  await admin.connect()
  const [result] = await admin.fetchOffsets({ groupId, topics: [topic] })
  await admin.disconnect()
  return result!.partitions
}

it('subscribe: topics arrays, several calls, fromBeginning per call', async () => {
  const [A, B, C, D] = ['A', 'B', 'C', 'D'].map((s) => unique(`topic-${s}`)) as [
    string,
    string,
    string,
    string,
  ]
  for (const t of [A, B, C, D]) await produce(t, [{ value: `old-${t}` }])
  const consumer = newConsumer()
  await consumer.connect()
  await consumer.subscribe({ topics: [A] })
  // You can subscribe to multiple topics at once
  await consumer.subscribe({ topics: [B, C] })
  // It's possible to start from the beginning of the topic
  await consumer.subscribe({ topics: [D], fromBeginning: true })
  const seen: [string, string][] = []
  const join = joined(consumer)
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      seen.push([topic, String(message.value)])
    },
  })
  await join
  for (const t of [A, B, C, D]) await produce(t, [{ value: `new-${t}` }])
  await until(() => seen.length >= 5, 'for 5 messages')
  await new Promise((resolve) => setTimeout(resolve, 100))
  expect(seen.sort()).toEqual(
    [[D, `old-${D}`], ...[A, B, C, D].map((t) => [t, `new-${t}`] as [string, string])].sort(),
  )
})

it('subscribe with a RegExp matches existing topics only, not ones created later', async () => {
  const suffix = unique('x')
  const eu = `topic-eu-${suffix}`
  const us = `topic-US-${suffix}`
  const other = `topic-asia-${suffix}`
  for (const t of [eu, us, other]) await produce(t, [{ value: t }])
  const consumer = newConsumer()
  await consumer.connect()
  await consumer.subscribe({ topics: [/topic-(eu|us)-.*/i], fromBeginning: true })
  const seen: string[] = []
  await consumer.run({
    eachMessage: async ({ topic }) => {
      seen.push(topic)
    },
  })
  await until(() => seen.length >= 2, 'for eu and us')
  const later = `topic-eu-later-${suffix}`
  await produce(later, [{ value: 'late' }])
  await new Promise((resolve) => setTimeout(resolve, 200))
  expect(seen.sort()).toEqual([eu, us].sort())
})

it('eachMessage: { topic, partition, message, heartbeat, pause }; key, value, headers', async () => {
  const topic = unique('t')
  const producer = kafka.producer({ createPartitioner: () => () => 0 })
  await producer.connect()
  await producer.send({ topic, messages: [{ key: 'k1', value: 'v1', headers: { h: 'x' } }] })
  await producer.disconnect()
  const consumer = newConsumer()
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const seen: any[] = []
  await consumer.run({
    eachMessage: async ({ topic, partition, message, heartbeat, pause }: EachMessagePayload) => {
      await heartbeat()
      seen.push({
        topic,
        partition,
        typeofPause: typeof pause,
        key: message.key!.toString(),
        value: message.value!.toString(),
        headers: message.headers,
        offset: message.offset,
      })
    },
  })
  await until(() => seen.length === 1)
  expect(seen[0]).toEqual({
    topic,
    partition: 0,
    typeofPause: 'function',
    key: 'k1',
    value: 'v1',
    headers: { h: Buffer.from('x') },
    offset: '0',
  })
})

it('eachBatch with eachBatchAutoResolve: all helpers present; resolved offsets committed', async () => {
  const topic = unique('t')
  await produce(topic, [
    { key: 'a', value: '1' },
    { key: 'b', value: '2' },
    { key: 'c', value: '3' },
  ])
  const groupId = unique('g')
  const consumer = newConsumer({ groupId })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const logged: any[] = []
  const helperTypes: Record<string, string> = {}
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({
      batch,
      resolveOffset,
      heartbeat,
      commitOffsetsIfNecessary,
      uncommittedOffsets,
      isRunning,
      isStale,
      pause,
    }: EachBatchPayload) => {
      Object.assign(helperTypes, {
        commitOffsetsIfNecessary: typeof commitOffsetsIfNecessary,
        uncommittedOffsets: typeof uncommittedOffsets,
        pause: typeof pause,
        isRunning: String(isRunning()),
        isStale: String(isStale()),
      })
      for (const message of batch.messages) {
        logged.push({
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: batch.highWatermark,
          message: {
            offset: message.offset,
            key: message.key!.toString(),
            value: message.value!.toString(),
            headers: message.headers,
          },
        })
        resolveOffset(message.offset)
        await heartbeat()
      }
    },
  })
  await until(() => logged.length === 3)
  expect(logged[0]).toEqual({
    topic,
    partition: 0,
    highWatermark: '3',
    message: { offset: '0', key: 'a', value: '1', headers: {} },
  })
  expect(helperTypes).toEqual({
    commitOffsetsIfNecessary: 'function',
    uncommittedOffsets: 'function',
    pause: 'function',
    isRunning: 'true',
    isStale: 'false',
  })
  await until(async () => (await committed(groupId, topic))[0]?.offset === '3', 'for commit 3')
})

it('eachBatch uncommittedOffsets() lists resolved-but-uncommitted offsets by topic-partition', async () => {
  const topic = unique('t')
  await produce(topic, [{ value: '1' }, { value: '2' }])
  const consumer = newConsumer()
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  let snapshot: any
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, uncommittedOffsets }) => {
      resolveOffset(batch.messages[0]!.offset)
      snapshot ??= uncommittedOffsets()
    },
  })
  await until(() => snapshot)
  expect(snapshot).toEqual({ topics: [{ topic, partitions: [{ partition: '0', offset: '1' }] }] })
})

it('eachBatchAutoResolve: false example: stop resolving when !isRunning() — unresolved not committed', async () => {
  const topic = unique('t')
  await produce(topic, [{ value: '1' }, { value: '2' }, { value: '3' }])
  const groupId = unique('g')
  const consumer = newConsumer({ groupId })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const processed: string[] = []
  const processMessage = async (message: KafkaMessage) => {
    processed.push(String(message.value))
    if (processed.length === 2) void consumer.stop()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break
        await processMessage(message)
        resolveOffset(message.offset)
        await heartbeat()
      }
    },
  })
  await until(() => processed.length >= 2)
  await new Promise((resolve) => setTimeout(resolve, 150))
  expect(processed).toEqual(['1', '2'])
  await consumer.disconnect()
  expect(await committed(groupId, topic)).toEqual([{ partition: 0, offset: '2', metadata: null }])
})

it('partitionsConsumedConcurrently: 3 processes partitions in parallel, each in order', async () => {
  const topic = unique('t')
  await createTopic(topic, 3)
  const producer = kafka.producer()
  await producer.connect()
  for (let p = 0; p < 3; p++) {
    await producer.send({ topic, messages: [0, 1, 2].map((i) => ({ value: `${p}-${i}`, partition: p })) })
  }
  await producer.disconnect()
  const consumer = newConsumer()
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  let active = 0
  let maxActive = 0
  const perPartition: Record<number, string[]> = { 0: [], 1: [], 2: [] }
  await consumer.run({
    partitionsConsumedConcurrently: 3, // Default: 1
    eachMessage: async ({ partition, message }) => {
      active++
      maxActive = Math.max(maxActive, active)
      await new Promise((resolve) => setTimeout(resolve, 30))
      perPartition[partition]!.push(String(message.value))
      active--
    },
  })
  await until(() => Object.values(perPartition).every((l) => l.length === 3), 'for 9 messages')
  expect(maxActive).toBeGreaterThan(1)
  expect(maxActive).toBeLessThanOrEqual(3)
  for (let p = 0; p < 3; p++) expect(perPartition[p]).toEqual([`${p}-0`, `${p}-1`, `${p}-2`])
})

it('autoCommitInterval and autoCommitThreshold options commit resolved offsets', async () => {
  for (const options of [{ autoCommitInterval: 5000 }, { autoCommitThreshold: 100 }]) {
    const topic = unique('t')
    await produce(topic, [{ value: '1' }, { value: '2' }])
    const groupId = unique('g')
    const consumer = newConsumer({ groupId })
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({ ...options, eachMessage: async () => {} })
    await until(async () => (await committed(groupId, topic))[0]?.offset === '2', JSON.stringify(options))
    await consumer.disconnect()
  }
})

it('autoCommitThreshold: eachBatch commits through commitOffsetsIfNecessary once the threshold is reached', async () => {
  const topic = unique('t')
  await produce(topic, [{ value: '1' }, { value: '2' }, { value: '3' }, { value: '4' }])
  const groupId = unique('g')
  const consumer = newConsumer({ groupId })
  const commits: any[] = []
  consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
    commits.push(e.payload.topics[0]?.partitions[0]?.offset)
  })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    autoCommitThreshold: 2,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
      for (const message of batch.messages) {
        resolveOffset(message.offset)
        await commitOffsetsIfNecessary()
      }
    },
  })
  await until(() => commits.includes('4'), 'for commit of 4')
  // threshold 2: commits after offsets 1 and 3 are resolved (2 then 4 as next offsets)
  expect(commits.slice(0, 2)).toEqual(['2', '4'])
})

it('manual committing: autoCommit false + consumer.commitOffsets', async () => {
  const A = unique('topic-A')
  const B = unique('topic-B')
  await createTopic(A, 2)
  await createTopic(B, 1)
  const groupId = unique('g')
  const consumer = newConsumer({ groupId })
  await consumer.connect()
  await consumer.subscribe({ topics: [A, B] })
  const join = joined(consumer)
  await consumer.run({
    autoCommit: false,
    eachMessage: async () => {
      // Process the message somehow
    },
  })
  await join
  await consumer.commitOffsets([
    { topic: A, partition: 0, offset: '1' },
    { topic: A, partition: 1, offset: '3' },
    { topic: B, partition: 0, offset: '2' },
  ])
  const admin = kafka.admin()
  await admin.connect()
  const offsets = await admin.fetchOffsets({ groupId, topics: [A, B] })
  await admin.disconnect()
  expect(offsets).toEqual([
    {
      topic: A,
      partitions: [
        { partition: 0, offset: '1', metadata: null },
        { partition: 1, offset: '3', metadata: null },
      ],
    },
    { topic: B, partitions: [{ partition: 0, offset: '2', metadata: null }] },
  ])
})

it('fromBeginning false (default) starts at the latest offset; true at the earliest', async () => {
  const t1 = unique('test-topic')
  const t2 = unique('other-topic')
  await produce(t1, [{ value: 'old1' }])
  await produce(t2, [{ value: 'old2' }])
  const consumer = newConsumer()
  await consumer.connect()
  await consumer.subscribe({ topics: [t1], fromBeginning: true })
  await consumer.subscribe({ topics: [t2], fromBeginning: false })
  const seen: string[] = []
  const join = joined(consumer)
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(String(message.value))
    },
  })
  await join
  await produce(t2, [{ value: 'new2' }])
  await until(() => seen.length >= 2)
  await new Promise((resolve) => setTimeout(resolve, 100))
  expect(seen.sort()).toEqual(['new2', 'old1'])
})

it('pause/resume: consumer.pause([{ topic }]) stops delivery; paused(); resume() restarts', async () => {
  const topic = unique('jobs')
  await produce(topic, [{ value: '1' }, { value: '2' }, { value: '3' }])
  const consumer = newConsumer()
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const seen: string[] = []
  class TooManyRequestsError extends Error {
    retryAfter = 0.1
  }
  let failures = 0
  const sendToDependency = async (message: KafkaMessage) => {
    if (String(message.value) === '2' && failures++ === 0) throw new TooManyRequestsError('slow down')
    seen.push(String(message.value))
  }
  let pausedList: ReturnType<Consumer['paused']> = []
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      try {
        await sendToDependency(message)
      } catch (e) {
        if (e instanceof TooManyRequestsError) {
          consumer.pause([{ topic }])
          pausedList = consumer.paused()
          setTimeout(() => consumer.resume([{ topic }]), e.retryAfter * 1000)
        }
        throw e
      }
    },
  })
  await until(() => seen.length === 3, 'for all three after resume')
  expect(seen).toEqual(['1', '2', '3'])
  expect(pausedList).toEqual([{ topic, partitions: [0] }])
  expect(consumer.paused()).toEqual([])
})

it('pause() from eachMessage pauses only that partition and returns its resume function', async () => {
  const topic = unique('jobs')
  await createTopic(topic, 2)
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({
    topic,
    messages: [
      { value: 'p0-a', partition: 0 },
      { value: 'p0-b', partition: 0 },
      { value: 'p1-a', partition: 1 },
      { value: 'p1-b', partition: 1 },
    ],
  })
  await producer.disconnect()
  const consumer = newConsumer()
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const seen: string[] = []
  let resumeThisPartition: (() => void) | undefined
  let throttled = false
  await consumer.run({
    eachMessage: async ({ message, pause }) => {
      if (String(message.value) === 'p0-a' && !throttled) {
        throttled = true
        resumeThisPartition = pause()
        throw new Error('TooManyRequests')
      }
      seen.push(String(message.value))
    },
  })
  await until(() => seen.includes('p1-b'), 'for partition 1 to be consumed')
  expect(seen.filter((v) => v.startsWith('p0'))).toEqual([])
  expect(consumer.paused()).toEqual([{ topic, partitions: [0] }])
  expect(typeof resumeThisPartition).toBe('function')
  resumeThisPartition!()
  await until(() => seen.includes('p0-b'), 'for partition 0 after resume')
  expect(seen.filter((v) => v.startsWith('p0'))).toEqual(['p0-a', 'p0-b'])
})

it('pause/resume while the consumer is not running throws', async () => {
  const consumer = newConsumer()
  await consumer.connect()
  expect(() => consumer.pause([{ topic: 'x' }])).toThrow()
  expect(() => consumer.resume([{ topic: 'x' }])).toThrow()
})

it('seek: called right after a non-awaited run(); next message is from the offset; it is committed', async () => {
  const topic = unique('example')
  await produce(
    topic,
    Array.from({ length: 5 }, (_, i) => ({ value: `m${i}` })),
  )
  const groupId = unique('g')
  const consumer = newConsumer({ groupId })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic] })
  const seen: string[] = []
  // you don't need to await consumer#run
  void consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(`${message.offset}:${String(message.value)}`)
    },
  })
  consumer.seek({ topic, partition: 0, offset: '3' })
  await until(() => seen.length >= 2)
  expect(seen).toEqual(['3:m3', '4:m4'])
  await until(async () => (await committed(groupId, topic))[0]?.offset === '5')
})

it('seek with autoCommit: false does not commit the sought offset', async () => {
  const topic = unique('example')
  await produce(topic, [{ value: 'a' }, { value: 'b' }, { value: 'c' }])
  const groupId = unique('g')
  const consumer = newConsumer({ groupId })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic] })
  const seen: string[] = []
  void consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      seen.push(String(message.value))
    },
  })
  // This will now only resolve the previous offset, not commit it
  consumer.seek({ topic, partition: 0, offset: '1' })
  await until(() => seen.length >= 2)
  expect(seen).toEqual(['b', 'c'])
  await consumer.disconnect()
  expect(await committed(groupId, topic)).toEqual([{ partition: 0, offset: '-1', metadata: null }])
})

it('eachBatch isStale() turns true after a seek during the batch', async () => {
  const topic = unique('example')
  await produce(topic, [{ value: 'a' }, { value: 'b' }, { value: 'c' }])
  const consumer = newConsumer()
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const staleness: boolean[] = []
  const seen: string[] = []
  let sought = false
  await consumer.run({
    eachBatch: async ({ batch, isStale, resolveOffset }) => {
      for (const message of batch.messages) {
        if (!sought) {
          sought = true
          consumer.seek({ topic, partition: 0, offset: '2' })
          staleness.push(isStale())
        }
        if (isStale()) break
        seen.push(String(message.value))
        resolveOffset(message.offset)
      }
    },
  })
  await until(() => seen.includes('c'))
  expect(staleness).toEqual([true])
  expect(seen).toEqual(['c'])
})

it('describeGroup: { errorCode, groupId, members, protocol, protocolType, state }', async () => {
  const topic = unique('t')
  await createTopic(topic)
  const groupId = unique('consumer-group-id')
  const consumer = kafka.consumer({ groupId })
  cluster.defer(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topics: [topic] })
  const join = joined(consumer)
  await consumer.run({ eachMessage: async () => {} })
  await join
  const data = await consumer.describeGroup()
  expect(data).toEqual({
    errorCode: 0,
    groupId,
    members: [
      {
        clientHost: expect.any(String),
        clientId: 'my-app',
        memberAssignment: expect.any(Buffer),
        memberId: expect.stringMatching(/^my-app-/),
        memberMetadata: expect.any(Buffer),
      },
    ],
    protocol: 'RoundRobinAssigner',
    protocolType: 'consumer',
    state: 'Stable',
  })
})
