import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Admin,
  ConfigResourceTypes,
  ConfigSource,
  type Consumer,
  Kafka,
  type KafkaMessage,
  logLevel,
  type Producer,
  ResourcePatternTypes,
  resetKafkaliteClusters,
} from '../../src/kafkajs/index.js'

type Client = { disconnect(): Promise<void> }
const clients: Client[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) await client.disconnect()
  await resetKafkaliteClusters()
})

function address(): string {
  return `admin-${randomUUID()}:9092`
}

interface Setup {
  readonly kafka: Kafka
  readonly admin: Admin
  readonly logs: { level: number; namespace: string; message: string; extra: Record<string, unknown> }[]
}

/** A Kafka on its own cluster with a connected admin; fast retries so retried failures end quickly. */
async function setup(options: { brokers?: string[]; numPartitions?: number } = {}): Promise<Setup> {
  const logs: Setup['logs'] = []
  const kafka = new Kafka({
    brokers: options.brokers ?? [address()],
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry.log
      logs.push({ level: entry.level, namespace: entry.namespace, message, extra })
    },
    retry: { retries: 2, initialRetryTime: 1, maxRetryTime: 5 },
    ...(options.numPartitions === undefined ? {} : { numPartitions: options.numPartitions }),
  })
  const admin = kafka.admin()
  clients.push(admin)
  await admin.connect()
  return { kafka, admin, logs }
}

function track<T extends Client>(client: T): T {
  clients.push(client)
  return client
}

async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const producer = track(kafka.producer())
  await producer.connect()
  return producer
}

/** Sends `count` keyless values to one partition. */
async function produce(producer: Producer, topic: string, count: number, partition = 0): Promise<void> {
  const messages = Array.from({ length: count }, (_, index) => ({ value: `value-${index}`, partition }))
  await producer.send({ topic, messages })
}

/** Rejection of `promise`; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected the promise to reject')
}

async function expectRejection(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  const error = await rejection(promise)
  expect({ name: error.name, message: error.message }).toEqual({ name, message })
}

/** A promise and the function that resolves it (Node 20 has no Promise.withResolvers). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

function topicName(): string {
  return `topic-${randomUUID()}`
}

/** Runs a consumer of `topic` in `groupId`; resolves once it has joined. */
async function runningConsumer(
  kafka: Kafka,
  groupId: string,
  topic: string,
  onMessage: (message: KafkaMessage, partition: number) => void = () => {},
): Promise<Consumer> {
  const consumer = track(kafka.consumer({ groupId }))
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({ eachMessage: async ({ message, partition }) => onMessage(message, partition) })
  return consumer
}

describe('admin.connect / disconnect / on / logger', () => {
  it('emits admin.connect and admin.disconnect, and on() returns a remover', async () => {
    const kafka = new Kafka({ brokers: [address()], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    const seen: { type: string; payload: unknown }[] = []
    admin.on(admin.events.CONNECT, (event) => seen.push({ type: event.type, payload: event.payload }))
    const remove = admin.on(admin.events.DISCONNECT, (event) =>
      seen.push({ type: event.type, payload: event.payload }),
    )
    await admin.connect()
    await admin.disconnect()
    remove()
    await admin.connect()
    await admin.disconnect()
    expect(seen).toEqual([
      { type: 'admin.connect', payload: undefined },
      { type: 'admin.disconnect', payload: undefined },
      { type: 'admin.connect', payload: undefined },
    ])
  })

  it('exposes KafkaJS event names and rejects unknown ones', async () => {
    const { admin } = await setup()
    expect(admin.events).toEqual({
      CONNECT: 'admin.connect',
      DISCONNECT: 'admin.disconnect',
      REQUEST: 'admin.network.request',
      REQUEST_TIMEOUT: 'admin.network.request_timeout',
      REQUEST_QUEUE_SIZE: 'admin.network.request_queue_size',
    })
    expect(() => admin.on('admin.nope' as never, () => {})).toThrowError(
      expect.objectContaining({
        name: 'KafkaJSNonRetriableError',
        message:
          'Event name should be one of admin.events.CONNECT, admin.events.DISCONNECT, admin.events.REQUEST, admin.events.REQUEST_TIMEOUT, admin.events.REQUEST_QUEUE_SIZE',
      }),
    )
  })

  it('logs under the Admin namespace', async () => {
    const { admin, logs } = await setup()
    admin.logger().warn('hello', { a: 1 })
    expect(logs).toEqual([{ level: logLevel.WARN, namespace: 'Admin', message: 'hello', extra: { a: 1 } }])
  })
})

describe('admin.listTopics', () => {
  it('lists created topics, and __consumer_offsets once a group has committed', async () => {
    const { admin } = await setup()
    const [a, b] = ['a-topic', 'b-topic']
    await admin.createTopics({ topics: [{ topic: b }, { topic: a }] })
    expect((await admin.listTopics()).sort()).toEqual([a, b])
    await admin.setOffsets({ groupId: 'g', topic: a, partitions: [{ partition: 0, offset: '0' }] })
    expect((await admin.listTopics()).sort()).toEqual(['__consumer_offsets', a, b])
  })
})

describe('admin.createTopics', () => {
  it.each([
    [null, 'Invalid topics array null'],
    ['this-is-not-an-array', 'Invalid topics array this-is-not-an-array'],
    [[{ topic: 123 }], 'Invalid topics array, the topic names have to be a valid string'],
    [
      [{ topic: 't' }, { topic: 't' }],
      'Invalid topics array, it cannot have multiple entries for the same topic',
    ],
    [[{ topic: 't', configEntries: 'x' }], 'Invalid configEntries for topic "t", must be an array'],
    [
      [{ topic: 't', configEntries: ['x'] }],
      'Invalid configEntries for topic "t". Entry 0 must be an object',
    ],
    [
      [{ topic: 't', configEntries: [{ name: 'a' }] }],
      'Invalid configEntries for topic "t". Entry 0 must have a valid "value" property',
    ],
    [
      [{ topic: 't', configEntries: [{ value: 'a' }] }],
      'Invalid configEntries for topic "t". Entry 0 must have a valid "name" property',
    ],
  ])('rejects topics %j with KafkaJSNonRetriableError', async (topics, message) => {
    const { admin } = await setup()
    await expectRejection(admin.createTopics({ topics } as never), 'KafkaJSNonRetriableError', message)
    expect(await admin.listTopics()).toEqual([])
  })

  it('creates topics with the broker default partition count and resolves true', async () => {
    const { admin } = await setup({ numPartitions: 3 })
    const [a, b, c] = [topicName(), topicName(), topicName()]
    const created = await admin.createTopics({
      topics: [
        { topic: a },
        { topic: b, numPartitions: -1, replicationFactor: -1 },
        { topic: c, numPartitions: 2 },
      ],
    })
    expect(created).toBe(true)
    const { topics } = await admin.fetchTopicMetadata({ topics: [a, b, c] })
    expect(topics.map(({ name, partitions }) => [name, partitions.length])).toEqual([
      [a, 3],
      [b, 3],
      [c, 2],
    ])
  })

  it('resolves false when every error is TOPIC_ALREADY_EXISTS, creating the new topics', async () => {
    const { admin } = await setup()
    const [existing, fresh] = [topicName(), topicName()]
    await admin.createTopics({ topics: [{ topic: existing }] })
    expect(await admin.createTopics({ topics: [{ topic: existing }] })).toBe(false)
    expect(await admin.createTopics({ topics: [{ topic: fresh }, { topic: existing }] })).toBe(false)
    expect((await admin.listTopics()).sort()).toEqual([existing, fresh].sort())
  })

  it('accepts replicationFactor 1 and rejects others as a single-broker cluster does', async () => {
    const { admin } = await setup()
    const [one, three] = ['t-one', 't-three']
    const error = await rejection(
      admin.createTopics({
        topics: [
          { topic: three, replicationFactor: 3 },
          { topic: one, replicationFactor: 1 },
        ],
      }),
    )
    expect(error.name).toBe('KafkaJSAggregateError')
    expect(error.message).toBe('Topic creation errors')
    const [failure] = error.errors as (Error & Record<string, unknown>)[]
    expect(failure).toMatchObject({
      name: 'KafkaJSCreateTopicError',
      type: 'INVALID_REPLICATION_FACTOR',
      code: 38,
      message: 'Replication-factor is invalid',
      topic: three,
      retriable: false,
    })
    expect(await admin.listTopics()).toEqual([one])
  })

  it('reports every failing topic, sorted by name, and creates the valid ones', async () => {
    const { admin } = await setup()
    const error = await rejection(
      admin.createTopics({
        topics: [
          { topic: 'z-bad name' },
          { topic: 'ok' },
          { topic: 'm-zero', numPartitions: 0 },
          { topic: 'a-config', configEntries: [{ name: 'retention.ms', value: 'soon' }] },
          { topic: 'b-unknown-key', configEntries: [{ name: 'no.such.key', value: '1' }] },
        ],
      }),
    )
    const summary = (error.errors as (Error & Record<string, unknown>)[]).map((each) => [
      each.topic,
      each.type,
      each.message,
    ])
    expect(summary).toEqual([
      ['a-config', 'INVALID_CONFIG', 'Configuration is invalid'],
      ['b-unknown-key', 'INVALID_CONFIG', 'Configuration is invalid'],
      ['m-zero', 'INVALID_PARTITIONS', 'Number of partitions is invalid'],
      [
        'z-bad name',
        'INVALID_TOPIC_EXCEPTION',
        'The request attempted to perform an operation on an invalid topic',
      ],
    ])
    expect(await admin.listTopics()).toEqual(['ok'])
  })

  it('creates partitions from a replica assignment naming broker 0 only', async () => {
    const { admin } = await setup()
    const topic = topicName()
    const assigned = await admin.createTopics({
      topics: [
        {
          topic,
          replicaAssignment: [
            { partition: 1, replicas: [0] },
            { partition: 0, replicas: [0] },
          ],
        },
      ],
    })
    expect(assigned).toBe(true)
    expect((await admin.fetchTopicOffsets(topic)).map(({ partition }) => partition)).toEqual([0, 1])
    const types = async (entry: object) => {
      const error = await rejection(admin.createTopics({ topics: [{ topic: topicName(), ...entry }] }))
      return (error.errors as Record<string, unknown>[]).map((each) => each.type)
    }
    expect(await types({ replicaAssignment: [{ partition: 0, replicas: [0, 1] }] })).toEqual([
      'INVALID_REPLICA_ASSIGNMENT',
    ])
    expect(await types({ replicaAssignment: [{ partition: 1, replicas: [0] }] })).toEqual([
      'INVALID_REPLICA_ASSIGNMENT',
    ])
    expect(await types({ numPartitions: 1, replicaAssignment: [{ partition: 0, replicas: [0] }] })).toEqual([
      'INVALID_REQUEST',
    ])
  })

  it('applies configEntries as topic config', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({
      topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '60000' }] }],
    })
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
      includeSynonyms: false,
    })
    expect(resources[0]?.configEntries).toEqual([
      expect.objectContaining({ configName: 'retention.ms', configValue: '60000', isDefault: false }),
    ])
  })

  it('validateOnly checks without creating (waiting for no leaders)', async () => {
    const { admin } = await setup()
    const [topic, existing] = [topicName(), topicName()]
    await admin.createTopics({ topics: [{ topic: existing }] })
    expect(await admin.createTopics({ validateOnly: true, topics: [{ topic }] })).toBe(true)
    expect(await admin.createTopics({ validateOnly: true, topics: [{ topic: existing }] })).toBe(false)
    const error = await rejection(
      admin.createTopics({ validateOnly: true, topics: [{ topic, replicationFactor: 2 }] }),
    )
    expect(error.name).toBe('KafkaJSAggregateError')
    expect(await admin.listTopics()).toEqual([existing])
  })
})

describe('admin.deleteTopics', () => {
  it.each([
    [null, 'Invalid topics array null'],
    ['this-is-not-an-array', 'Invalid topics array this-is-not-an-array'],
    [[123], 'Invalid topics array, the names must be a valid string'],
  ])('rejects topics %j with KafkaJSNonRetriableError', async (topics, message) => {
    const { admin } = await setup()
    await expectRejection(admin.deleteTopics({ topics } as never), 'KafkaJSNonRetriableError', message)
  })

  it('deletes topics and their data', async () => {
    const { kafka, admin } = await setup()
    const [kept, deleted] = [topicName(), topicName()]
    await admin.createTopics({ topics: [{ topic: kept }, { topic: deleted }] })
    await produce(await connectedProducer(kafka), deleted, 3)
    await expect(admin.deleteTopics({ topics: [deleted] })).resolves.toBeUndefined()
    expect(await admin.listTopics()).toEqual([kept])
    await admin.createTopics({ topics: [{ topic: deleted }] })
    expect(await admin.fetchTopicOffsets(deleted)).toEqual([
      { partition: 0, offset: '0', high: '0', low: '0' },
    ])
  })

  it('retries UNKNOWN_TOPIC_OR_PARTITION and then rejects, deleting the topics that exist', async () => {
    const { admin, logs } = await setup()
    const existing = topicName()
    await admin.createTopics({ topics: [{ topic: existing }] })
    const error = await rejection(admin.deleteTopics({ topics: [existing, 'missing'] }))
    expect(error.name).toBe('KafkaJSNumberOfRetriesExceeded')
    expect(error.message).toBe('This server does not host this topic-partition')
    expect(error.retryCount).toBe(2)
    expect(error.cause).toMatchObject({ name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' })
    expect(await admin.listTopics()).toEqual([])
    expect(logs.filter((log) => log.message === 'Could not delete topics')).toHaveLength(3)
  })
})

describe('admin.createPartitions', () => {
  it.each([
    [null, 'Invalid topic partitions array null'],
    ['this-is-not-an-array', 'Invalid topic partitions array this-is-not-an-array'],
    [[], 'Empty topic partitions array'],
    [[{ topic: 123 }], 'Invalid topic partitions array, the topic names have to be a valid string'],
    [
      [{ topic: 't' }, { topic: 't' }],
      'Invalid topic partitions array, it cannot have multiple entries for the same topic',
    ],
  ])('rejects topicPartitions %j with KafkaJSNonRetriableError', async (topicPartitions, message) => {
    const { admin } = await setup()
    await expectRejection(
      admin.createPartitions({ topicPartitions } as never),
      'KafkaJSNonRetriableError',
      message,
    )
  })

  it('grows a topic to the new total and resolves undefined', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    await expect(admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] })).resolves.toBeUndefined()
    await admin.createPartitions({ topicPartitions: [{ topic, count: 4, assignments: [[0]] }] })
    await admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic, count: 9 }] })
    expect((await admin.fetchTopicOffsets(topic)).map(({ partition }) => partition)).toEqual([0, 1, 2, 3])
  })

  it('hands new partitions to a running consumer group', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    const received: string[] = []
    const { promise: done, resolve } = deferred()
    await runningConsumer(kafka, 'g', topic, (message, partition) => {
      received.push(`${partition}:${message.offset}`)
      if (received.length === 2) resolve()
    })
    await admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] })
    const producer = await connectedProducer(kafka)
    await producer.send({
      topic,
      messages: [
        { value: 'a', partition: 0 },
        { value: 'b', partition: 1 },
      ],
    })
    await done
    expect(received.sort()).toEqual(['0:0', '1:0'])
  })

  it('rejects a missing topic, a count not above the current one, and an assignment off broker 0', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })
    const cases: [object, string][] = [
      [{ topic: `${topic}x`, count: 3 }, 'This server does not host this topic-partition'],
      [{ topic, count: 2 }, 'Number of partitions is invalid'],
      [{ topic, count: 3 }, 'Number of partitions is invalid'],
      [{ topic, count: 4, assignments: [[10]] }, 'Replica assignment is invalid'],
      [{ topic, count: 5, assignments: [[0]] }, 'Replica assignment is invalid'],
    ]
    for (const [entry, message] of cases) {
      await expectRejection(
        admin.createPartitions({ topicPartitions: [entry as never] }),
        'KafkaJSProtocolError',
        message,
      )
    }
    expect(await admin.fetchTopicOffsets(topic)).toHaveLength(3)
  })
})

describe('admin.fetchTopicMetadata', () => {
  it.each([
    [[null], 'Invalid topic null'],
    [[0], 'Invalid topic 0'],
  ])('rejects topics %j with KafkaJSNonRetriableError', async (topics, message) => {
    const { admin } = await setup()
    await expectRejection(admin.fetchTopicMetadata({ topics } as never), 'KafkaJSNonRetriableError', message)
  })

  it.each(['abc', { name: 'abc' }])(
    'rejects topics that are not an array (%j) as KafkaJS does, with its forEach TypeError',
    async (topics) => {
      const { admin } = await setup()
      await expectRejection(
        admin.fetchTopicMetadata({ topics } as never),
        'TypeError',
        'topics.forEach is not a function',
      )
    },
  )

  it('describes each partition as led by broker 0', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    const partition = (partitionId: number) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
    })
    expect(await admin.fetchTopicMetadata({ topics: [topic] })).toEqual({
      topics: [{ name: topic, partitions: [partition(0), partition(1)] }],
    })
  })

  it('describes every topic, internal ones included, when no topics are given', async () => {
    const { admin } = await setup()
    await admin.createTopics({ topics: [{ topic: 'x' }] })
    await admin.setOffsets({ groupId: 'g', topic: 'x', partitions: [{ partition: 0, offset: '0' }] })
    const names = async (options?: { topics: string[] }) =>
      (await admin.fetchTopicMetadata(options)).topics.map(({ name }) => name).sort()
    expect(await names()).toEqual(['__consumer_offsets', 'x'])
    expect(await names({ topics: [] })).toEqual(['__consumer_offsets', 'x'])
  })

  it('rejects an unknown topic without creating it', async () => {
    const { admin } = await setup()
    await admin.createTopics({ topics: [{ topic: 'known' }] })
    await expectRejection(
      admin.fetchTopicMetadata({ topics: ['known', 'unknown'] }),
      'KafkaJSProtocolError',
      'This server does not host this topic-partition',
    )
    expect(await admin.listTopics()).toEqual(['known'])
  })
})

describe('admin.fetchTopicOffsets', () => {
  it('rejects an invalid topic with KafkaJSNonRetriableError', async () => {
    const { admin } = await setup()
    await expectRejection(
      admin.fetchTopicOffsets(null as never),
      'KafkaJSNonRetriableError',
      'Invalid topic null',
    )
  })

  it('reports high watermark and log start per partition', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    expect(await admin.fetchTopicOffsets(topic)).toEqual([
      { partition: 0, offset: '0', high: '0', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
    ])
    const producer = await connectedProducer(kafka)
    await produce(producer, topic, 100, 0)
    await produce(producer, topic, 7, 1)
    expect(await admin.fetchTopicOffsets(topic)).toEqual([
      { partition: 0, offset: '100', high: '100', low: '0' },
      { partition: 1, offset: '7', high: '7', low: '0' },
    ])
  })

  it('retries an unknown topic and then rejects with KafkaJSNumberOfRetriesExceeded', async () => {
    const { admin } = await setup()
    const error = await rejection(admin.fetchTopicOffsets('missing'))
    expect(error.name).toBe('KafkaJSNumberOfRetriesExceeded')
    expect(error.cause).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' })
    expect(await admin.listTopics()).toEqual([])
  })
})

describe('admin.fetchTopicOffsetsByTimestamp', () => {
  it('rejects an invalid topic with KafkaJSNonRetriableError', async () => {
    const { admin } = await setup()
    await expectRejection(
      admin.fetchTopicOffsetsByTimestamp(null as never),
      'KafkaJSNonRetriableError',
      'Invalid topic null',
    )
  })

  it('finds the first offset at or after a timestamp, else the high watermark', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, 1_000)).toEqual([{ partition: 0, offset: '0' }])
    const producer = await connectedProducer(kafka)
    const at = (timestamp: number) =>
      Array.from({ length: 10 }, (_, index) => ({ value: `v${index}`, timestamp: String(timestamp) }))
    await producer.send({ topic, messages: at(1_000) })
    await producer.send({ topic, messages: at(2_000) })
    const offsetAt = async (timestamp?: number) =>
      (await admin.fetchTopicOffsetsByTimestamp(topic, timestamp))[0]
    expect(await offsetAt(500)).toEqual({ partition: 0, offset: '0' })
    expect(await offsetAt(1_500)).toEqual({ partition: 0, offset: '10' })
    expect(await offsetAt(2_000)).toEqual({ partition: 0, offset: '10' })
    expect(await offsetAt(9_000)).toEqual({ partition: 0, offset: '20' })
    expect(await offsetAt()).toEqual({ partition: 0, offset: '20' })
  })
})

describe('admin.fetchOffsets', () => {
  it('rejects a missing groupId and a non-array topics', async () => {
    const { admin } = await setup()
    await expectRejection(
      admin.fetchOffsets({ groupId: null } as never),
      'KafkaJSNonRetriableError',
      'Invalid groupId null',
    )
    await expectRejection(
      admin.fetchOffsets({ groupId: 'g', topics: 'topic' } as never),
      'KafkaJSNonRetriableError',
      'Expected topics array to be set',
    )
  })

  it("reports '-1' and null metadata where nothing is committed, and rejects an unknown topic", async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    expect(await admin.fetchOffsets({ groupId: 'g', topics: [topic] })).toEqual([
      {
        topic,
        partitions: [
          { partition: 0, offset: '-1', metadata: null },
          { partition: 1, offset: '-1', metadata: null },
        ],
      },
    ])
    await expectRejection(
      admin.fetchOffsets({ groupId: 'g', topics: ['missing'] }),
      'KafkaJSProtocolError',
      'This server does not host this topic-partition',
    )
  })

  it('reports what a consumer committed, with its metadata', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    const groupId = `group-${randomUUID()}`
    await admin.createTopics({ topics: [{ topic }] })
    await produce(await connectedProducer(kafka), topic, 3)
    const consumer = track(kafka.consumer({ groupId }))
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const committed = new Promise<void>((resolve) => {
      consumer.on(consumer.events.COMMIT_OFFSETS, () => resolve())
    })
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        if (message.offset === '2') {
          await consumer.commitOffsets([{ topic, partition, offset: '3', metadata: 'checkpoint' }])
        }
      },
    })
    await committed
    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([
      { topic, partitions: [{ partition: 0, offset: '3', metadata: 'checkpoint' }] },
    ])
  })

  it('reports every topic the group has commits for when topics are omitted', async () => {
    const { admin } = await setup()
    await admin.createTopics({ topics: [{ topic: 'b', numPartitions: 3 }, { topic: 'a' }, { topic: 'c' }] })
    await admin.setOffsets({ groupId: 'g', topic: 'b', partitions: [{ partition: 2, offset: '23' }] })
    await admin.setOffsets({ groupId: 'g', topic: 'a', partitions: [{ partition: 0, offset: '13' }] })
    const expected = [
      { topic: 'a', partitions: [{ partition: 0, offset: '13', metadata: null }] },
      { topic: 'b', partitions: [{ partition: 2, offset: '23', metadata: null }] },
    ]
    expect(await admin.fetchOffsets({ groupId: 'g' })).toEqual(expected)
    expect(await admin.fetchOffsets({ groupId: 'g', topics: [] })).toEqual(expected)
    expect(await admin.fetchOffsets({ groupId: 'other' })).toEqual([])
  })

  it('resolveOffsets turns -1/-2 into high/low and commits the resolved values', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    const groupId = 'g'
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    await produce(await connectedProducer(kafka), topic, 10)
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] })
    await admin.resetOffsets({ groupId, topic, earliest: true })
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 1, offset: '-1' }] })
    const offsets = async (resolveOffsets = false) =>
      (await admin.fetchOffsets({ groupId, topics: [topic], resolveOffsets }))[0]?.partitions.map(
        ({ offset }) => offset,
      )
    expect(await offsets()).toEqual(['-2', '-1'])
    expect(await offsets(true)).toEqual(['4', '0'])
    expect(await offsets()).toEqual(['4', '0'])
  })

  it('resolveOffsets is refused while the group is running', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    await runningConsumer(kafka, 'g', topic)
    await expectRejection(
      admin.fetchOffsets({ groupId: 'g', topics: [topic], resolveOffsets: true }),
      'KafkaJSNonRetriableError',
      'The consumer group must have no running instances, current state: Stable',
    )
  })
})

describe('admin.setOffsets', () => {
  it.each([
    [{ groupId: null }, 'Invalid groupId null'],
    [{ groupId: 'g', topic: null }, 'Invalid topic null'],
    [{ groupId: 'g', topic: 't', partitions: null }, 'Invalid partitions'],
    [{ groupId: 'g', topic: 't', partitions: [] }, 'Invalid partitions'],
  ])('rejects %j with KafkaJSNonRetriableError', async (options, message) => {
    const { admin } = await setup()
    await expectRejection(admin.setOffsets(options as never), 'KafkaJSNonRetriableError', message)
  })

  it('rejects invalid seek entries before committing anything', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    const cases: [object, string][] = [
      [{ partition: 'x', offset: '1' }, 'Invalid partition, expected a number received x'],
      [{ partition: 1, offset: 'abc' }, 'Invalid offset, expected a long received abc'],
      [{ partition: 1, offset: '-5' }, 'Offset must not be a negative number'],
    ]
    for (const [entry, message] of cases) {
      const partitions = [{ partition: 0, offset: '9' }, entry] as never
      await expectRejection(
        admin.setOffsets({ groupId: 'g', topic, partitions }),
        'KafkaJSNonRetriableError',
        message,
      )
    }
    expect(await admin.fetchOffsets({ groupId: 'g' })).toEqual([])
  })

  it('stores offsets as given, sentinels included, ignoring partitions the topic lacks', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })
    await admin.setOffsets({
      groupId: 'g',
      topic,
      partitions: [
        { partition: 0, offset: '13' },
        { partition: 1, offset: -2 as never },
        { partition: 7, offset: '5' },
      ],
    })
    expect(await admin.fetchOffsets({ groupId: 'g', topics: [topic] })).toEqual([
      {
        topic,
        partitions: [
          { partition: 0, offset: '13', metadata: null },
          { partition: 1, offset: '-2', metadata: null },
          { partition: 2, offset: '-1', metadata: null },
        ],
      },
    ])
  })

  it('rejects an unknown topic with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const { admin } = await setup()
    const error = await rejection(
      admin.setOffsets({ groupId: 'g', topic: 'missing', partitions: [{ partition: 0, offset: '1' }] }),
    )
    expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' })
  })

  it('is refused while the group runs and allowed once it has stopped', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    const consumer = await runningConsumer(kafka, 'g', topic)
    await expectRejection(
      admin.setOffsets({ groupId: 'g', topic, partitions: [{ partition: 0, offset: '1' }] }),
      'KafkaJSNonRetriableError',
      'The consumer group must have no running instances, current state: Stable',
    )
    await consumer.stop()
    await admin.setOffsets({ groupId: 'g', topic, partitions: [{ partition: 0, offset: '1' }] })
    expect((await admin.fetchOffsets({ groupId: 'g', topics: [topic] }))[0]?.partitions[0]?.offset).toBe('1')
  })

  it('moves where a consumer of the group starts', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    await produce(await connectedProducer(kafka), topic, 5)
    await admin.setOffsets({ groupId: 'g', topic, partitions: [{ partition: 0, offset: '3' }] })
    const offsets: string[] = []
    const { promise: done, resolve } = deferred()
    await runningConsumer(kafka, 'g', topic, (message) => {
      offsets.push(message.offset)
      if (message.offset === '4') resolve()
    })
    await done
    expect(offsets).toEqual(['3', '4'])
  })
})

describe('admin.resetOffsets', () => {
  it.each([
    [{ groupId: null }, 'Invalid groupId null'],
    [{ groupId: 'g', topic: null }, 'Invalid topic null'],
  ])('rejects %j with KafkaJSNonRetriableError', async (options, message) => {
    const { admin } = await setup()
    await expectRejection(admin.resetOffsets(options as never), 'KafkaJSNonRetriableError', message)
  })

  it('stores -1 (latest) by default and -2 with earliest, on every partition', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    await admin.setOffsets({ groupId: 'g', topic, partitions: [{ partition: 0, offset: '13' }] })
    const offsets = async () =>
      (await admin.fetchOffsets({ groupId: 'g', topics: [topic] }))[0]?.partitions.map(({ offset }) => offset)
    await admin.resetOffsets({ groupId: 'g', topic } as never)
    expect(await offsets()).toEqual(['-1', '-1'])
    await admin.resetOffsets({ groupId: 'g', topic, earliest: true })
    expect(await offsets()).toEqual(['-2', '-2'])
  })

  it('makes a fromBeginning consumer reread a topic it had finished', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    await produce(await connectedProducer(kafka), topic, 2)
    await admin.setOffsets({ groupId: 'g', topic, partitions: [{ partition: 0, offset: '2' }] })
    await admin.resetOffsets({ groupId: 'g', topic, earliest: true })
    const offsets: string[] = []
    const { promise: done, resolve } = deferred()
    await runningConsumer(kafka, 'g', topic, (message) => {
      offsets.push(message.offset)
      if (offsets.length === 2) resolve()
    })
    await done
    expect(offsets).toEqual(['0', '1'])
  })

  it('is refused while the group runs', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    await runningConsumer(kafka, 'g', topic)
    await expectRejection(
      admin.resetOffsets({ groupId: 'g', topic, earliest: false }),
      'KafkaJSNonRetriableError',
      'The consumer group must have no running instances, current state: Stable',
    )
  })
})

describe('admin.describeCluster', () => {
  it('reports broker 0 at the first configured address as controller', async () => {
    const host = `cluster-${randomUUID()}`
    const { admin } = await setup({ brokers: [`${host}:9093`, `${host}-b:9094`] })
    const described = await admin.describeCluster()
    expect(described).toEqual({
      brokers: [{ nodeId: 0, host, port: 9093 }],
      controller: 0,
      clusterId: expect.any(String),
    })
    const other = await setup()
    expect((await other.admin.describeCluster()).clusterId).not.toBe(described.clusterId)
    expect((await other.admin.describeCluster()).brokers[0]?.port).toBe(9092)
  })

  it('reads the address from an async brokers function', async () => {
    const host = `fn-${randomUUID()}`
    const kafka = new Kafka({ brokers: async () => [`${host}:19092`], logLevel: logLevel.NOTHING })
    const admin = track(kafka.admin())
    expect((await admin.describeCluster()).brokers).toEqual([{ nodeId: 0, host, port: 19092 }])
  })
})

describe('admin.listGroups / describeGroups', () => {
  it('lists and describes a running group', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    await runningConsumer(kafka, 'running', topic)
    expect((await admin.listGroups()).groups).toEqual([{ groupId: 'running', protocolType: 'consumer' }])
    const { groups } = await admin.describeGroups(['running'])
    expect(groups).toEqual([
      {
        errorCode: 0,
        groupId: 'running',
        members: [
          {
            clientHost: expect.any(String),
            clientId: expect.any(String),
            memberId: expect.any(String),
            memberAssignment: expect.anything(),
            memberMetadata: expect.anything(),
          },
        ],
        protocol: 'RoundRobinAssigner',
        protocolType: 'consumer',
        state: 'Stable',
      },
    ])
  })

  it('describes unknown groups as Dead and admin-committed groups as Empty consumer groups, in request order', async () => {
    const { admin } = await setup()
    await admin.createTopics({ topics: [{ topic: 't' }] })
    await admin.setOffsets({ groupId: 'committed', topic: 't', partitions: [{ partition: 0, offset: '1' }] })
    const { groups } = await admin.describeGroups(['nobody', 'committed'])
    expect(groups).toEqual([
      { errorCode: 0, groupId: 'nobody', members: [], protocol: '', protocolType: '', state: 'Dead' },
      {
        errorCode: 0,
        groupId: 'committed',
        members: [],
        protocol: '',
        protocolType: 'consumer',
        state: 'Empty',
      },
    ])
    expect((await admin.listGroups()).groups).toEqual([{ groupId: 'committed', protocolType: 'consumer' }])
  })
})

describe('admin.deleteGroups', () => {
  it.each([
    [null, 'Invalid groupIds array null'],
    [['ok', 5], 'Invalid groupId name: true'],
  ])('rejects %j with KafkaJSNonRetriableError', async (groupIds, message) => {
    const { admin } = await setup()
    await expectRejection(admin.deleteGroups(groupIds as never), 'KafkaJSNonRetriableError', message)
  })

  it('resolves [] for no groups, and deletes empty groups with their offsets', async () => {
    const { admin } = await setup()
    await admin.createTopics({ topics: [{ topic: 't' }] })
    expect(await admin.deleteGroups([])).toEqual([])
    await admin.setOffsets({ groupId: 'g', topic: 't', partitions: [{ partition: 0, offset: '4' }] })
    expect(await admin.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: 0 }])
    expect((await admin.listGroups()).groups).toEqual([])
    expect(await admin.fetchOffsets({ groupId: 'g', topics: ['t'] })).toEqual([
      { topic: 't', partitions: [{ partition: 0, offset: '-1', metadata: null }] },
    ])
  })

  it('rejects with KafkaJSDeleteGroupsError listing only the groups that failed', async () => {
    const { kafka, admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    const consumer = await runningConsumer(kafka, 'running', topic)
    await admin.setOffsets({ groupId: 'idle', topic, partitions: [{ partition: 0, offset: '0' }] })
    const error = await rejection(admin.deleteGroups(['running', 'idle', 'missing']))
    expect({ name: error.name, message: error.message, retriable: error.retriable }).toEqual({
      name: 'KafkaJSDeleteGroupsError',
      message: 'Error in DeleteGroups',
      retriable: true,
    })
    const groups = error.groups as {
      groupId: string
      errorCode: number
      error: Error & Record<string, unknown>
    }[]
    expect(
      groups.map(({ groupId, errorCode, error: cause }) => [
        groupId,
        errorCode,
        cause.name,
        cause.type,
        cause.message,
      ]),
    ).toEqual([
      ['running', 68, 'KafkaJSProtocolError', 'NON_EMPTY_GROUP', 'The group is not empty'],
      ['missing', 69, 'KafkaJSProtocolError', 'GROUP_ID_NOT_FOUND', 'The group id was not found'],
    ])
    expect((await admin.listGroups()).groups.map(({ groupId }) => groupId)).toEqual(['running'])
    await consumer.stop()
    expect(await admin.deleteGroups(['running'])).toEqual([{ groupId: 'running', errorCode: 0 }])
  })
})

describe('admin.deleteTopicRecords', () => {
  /** A 2-partition topic with 13 records in partition 0 and 7 in partition 1. */
  async function seeded(): Promise<Setup & { topic: string }> {
    const context = await setup()
    const topic = topicName()
    await context.admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    const producer = await connectedProducer(context.kafka)
    await produce(producer, topic, 13, 0)
    await produce(producer, topic, 7, 1)
    return { ...context, topic }
  }

  const lows = async (admin: Admin, topic: string) =>
    (await admin.fetchTopicOffsets(topic)).map(({ low }) => low)

  it.each([
    [{ topic: null }, 'Invalid topic "null"'],
    [{ topic: ['topic-in-an-array'] }, 'Invalid topic "topic-in-an-array"'],
    [{ topic: 't', partitions: [] }, 'Invalid partitions'],
    [{ topic: 't' }, 'Invalid partitions'],
  ])('rejects %j with KafkaJSNonRetriableError', async (options, message) => {
    const { admin } = await setup()
    await expectRejection(admin.deleteTopicRecords(options as never), 'KafkaJSNonRetriableError', message)
  })

  it('deletes records before the offset, and all of them for -1', async () => {
    const { admin, topic } = await seeded()
    await expect(
      admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '7' }] }),
    ).resolves.toBeUndefined()
    expect(await lows(admin, topic)).toEqual(['7', '0'])
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: '-1' }] })
    expect(await admin.fetchTopicOffsets(topic)).toEqual([
      { partition: 0, offset: '13', high: '13', low: '7' },
      { partition: 1, offset: '7', high: '7', low: '7' },
    ])
  })

  it('rejects a partition the topic lacks before deleting anything', async () => {
    const { admin, topic } = await seeded()
    const error = await rejection(
      admin.deleteTopicRecords({
        topic,
        partitions: [
          { partition: 0, offset: '7' },
          { partition: 2, offset: '5' },
        ],
      }),
    )
    expect({ name: error.name, message: error.message, retriable: error.retriable }).toEqual({
      name: 'KafkaJSDeleteTopicRecordsError',
      message: 'Error while deleting records',
      retriable: false,
    })
    const [entry] = error.partitions as {
      partition: number
      offset: string
      error: Error & Record<string, unknown>
    }[]
    expect(error.partitions).toHaveLength(1)
    expect(entry).toMatchObject({ partition: 2, offset: '5' })
    expect(entry?.error).toMatchObject({
      name: 'KafkaJSBrokerNotFound',
      message: 'Could not find the leader for the partition',
      retriable: false,
    })
    expect(await lows(admin, topic)).toEqual(['0', '0'])
  })

  it('logs a warning and changes nothing for an offset below the log start', async () => {
    const { admin, topic, logs } = await seeded()
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: '5' }] })
    await admin.deleteTopicRecords({
      topic,
      partitions: [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '3' },
      ],
    })
    expect(logs.filter(({ namespace }) => namespace === 'Admin')).toEqual([
      {
        level: logLevel.WARN,
        namespace: 'Admin',
        message:
          'The requested offset is before the earliest offset maintained on the partition - no records will be deleted from this partition',
        extra: { topic, partition: 1, offset: '3' },
      },
    ])
    expect(await lows(admin, topic)).toEqual(['7', '5'])
  })

  it('fails a partition past its high watermark with OFFSET_OUT_OF_RANGE and deletes the others', async () => {
    const { admin, topic } = await seeded()
    const error = await rejection(
      admin.deleteTopicRecords({
        topic,
        partitions: [
          { partition: 0, offset: '7' },
          { partition: 1, offset: '99' },
        ],
      }),
    )
    expect({ name: error.name, message: error.message }).toEqual({
      name: 'KafkaJSNonRetriableError',
      message: 'Error while deleting records',
    })
    const cause = error.cause as Error & Record<string, unknown>
    expect({ name: cause.name, retriable: cause.retriable }).toEqual({
      name: 'KafkaJSDeleteTopicRecordsError',
      retriable: false,
    })
    const partitions = cause.partitions as {
      partition: number
      offset: string
      error: Error & Record<string, unknown>
    }[]
    expect(
      partitions.map(({ partition, offset, error: failure }) => [
        partition,
        offset,
        failure.name,
        failure.type,
      ]),
    ).toEqual([[1, '99', 'KafkaJSProtocolError', 'OFFSET_OUT_OF_RANGE']])
    expect(await lows(admin, topic)).toEqual(['7', '0'])
  })

  it('makes a fromBeginning consumer start at the new log start', async () => {
    const { kafka, admin, topic } = await seeded()
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '7' }] })
    const firstOffsets = new Map<number, string>()
    let count = 0
    const { promise: done, resolve } = deferred()
    await runningConsumer(kafka, 'readers', topic, (message, partition) => {
      if (!firstOffsets.has(partition)) firstOffsets.set(partition, message.offset)
      if (++count === 13) resolve()
    })
    await done
    expect(Object.fromEntries(firstOffsets)).toEqual({ 0: '7', 1: '0' })
  })

  it('retries an unknown topic and then rejects', async () => {
    const { admin } = await setup()
    const error = await rejection(
      admin.deleteTopicRecords({ topic: 'missing', partitions: [{ partition: 0, offset: '1' }] }),
    )
    expect(error.name).toBe('KafkaJSNumberOfRetriesExceeded')
    expect(error.cause).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' })
  })
})

describe('admin.describeConfigs', () => {
  const TOPIC = ConfigResourceTypes.TOPIC

  it.each([
    [null, 'Invalid resources array null'],
    ['this-is-not-an-array', 'Invalid resources array this-is-not-an-array'],
    [[], 'Resources array cannot be empty'],
    [[{ type: TOPIC, name: 'a' }, { type: 1999 }], 'Invalid resource type 1999: {"type":1999}'],
    [
      [
        { type: TOPIC, name: 'a' },
        { type: TOPIC, name: null },
      ],
      'Invalid resource name null: {"type":2,"name":null}',
    ],
    [[{ type: TOPIC, name: 123 }], 'Invalid resource name 123: {"type":2,"name":123}'],
    [
      [
        { type: TOPIC, name: 'a', configNames: [] },
        { type: TOPIC, name: 'd', configNames: 123 },
      ],
      'Invalid resource configNames 123: {"type":2,"name":"d","configNames":123}',
    ],
  ])('rejects resources %j with KafkaJSNonRetriableError', async (resources, message) => {
    const { admin } = await setup()
    await expectRejection(admin.describeConfigs({ resources } as never), 'KafkaJSNonRetriableError', message)
  })

  it('describes every config of a topic, defaults as DEFAULT_CONFIG', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    const response = await admin.describeConfigs({
      resources: [{ type: TOPIC, name: topic }],
      includeSynonyms: false,
    })
    expect(Object.keys(response)).toEqual(['resources'])
    const [resource] = response.resources
    expect(resource).toMatchObject({
      errorCode: 0,
      errorMessage: '',
      resourceType: TOPIC,
      resourceName: topic,
    })
    const names = resource?.configEntries.map(({ configName }) => configName)
    expect(names).toEqual(
      expect.arrayContaining(['cleanup.policy', 'retention.ms', 'retention.bytes', 'segment.bytes']),
    )
    expect(resource?.configEntries.every((entry) => entry.configSource === ConfigSource.DEFAULT_CONFIG)).toBe(
      true,
    )
  })

  it('filters by configNames and marks explicitly set keys TOPIC_CONFIG, with synonyms on request', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({
      topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '60000' }] }],
    })
    const describe = (includeSynonyms: boolean) =>
      admin.describeConfigs({
        resources: [{ type: TOPIC, name: topic, configNames: ['cleanup.policy', 'retention.ms'] }],
        includeSynonyms,
      })
    expect(await describe(false)).toEqual({
      resources: [
        {
          errorCode: 0,
          errorMessage: '',
          resourceType: TOPIC,
          resourceName: topic,
          configEntries: [
            {
              configName: 'cleanup.policy',
              configValue: 'delete',
              readOnly: false,
              isDefault: true,
              configSource: ConfigSource.DEFAULT_CONFIG,
              isSensitive: false,
              configSynonyms: [],
            },
            {
              configName: 'retention.ms',
              configValue: '60000',
              readOnly: false,
              isDefault: false,
              configSource: ConfigSource.TOPIC_CONFIG,
              isSensitive: false,
              configSynonyms: [],
            },
          ],
        },
      ],
    })
    // As Kafka 3.9 answers: a default has its broker-level synonym; retention.ms has none, since
    // Kafka derives it from log.retention.hours.
    const synonyms = (await describe(true)).resources[0]?.configEntries.map(
      ({ configSynonyms }) => configSynonyms,
    )
    expect(synonyms).toEqual([
      [
        {
          configName: 'log.cleanup.policy',
          configValue: 'delete',
          configSource: ConfigSource.DEFAULT_CONFIG,
        },
      ],
      [{ configName: 'retention.ms', configValue: '60000', configSource: ConfigSource.TOPIC_CONFIG }],
    ])
  })

  it('describes broker 0 and rejects other broker ids and unknown topics', async () => {
    const { admin } = await setup({ numPartitions: 4 })
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configNames: ['num.partitions'] }],
      includeSynonyms: false,
    })
    expect(resources[0]?.configEntries).toEqual([
      {
        configName: 'num.partitions',
        configValue: '4',
        readOnly: true,
        isDefault: false,
        configSource: ConfigSource.STATIC_BROKER_CONFIG,
        isSensitive: false,
        configSynonyms: [],
      },
    ])
    await expectRejection(
      admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }],
        includeSynonyms: false,
      }),
      'KafkaJSBrokerNotFound',
      'Broker 1 not found in the cached metadata',
    )
    await expectRejection(
      admin.describeConfigs({ resources: [{ type: TOPIC, name: 'missing' }], includeSynonyms: false }),
      'KafkaJSProtocolError',
      'This server does not host this topic-partition',
    )
  })
})

describe('admin.alterConfigs', () => {
  const TOPIC = ConfigResourceTypes.TOPIC
  const configValue = async (admin: Admin, topic: string, name: string) =>
    (
      await admin.describeConfigs({
        resources: [{ type: TOPIC, name: topic, configNames: [name] }],
        includeSynonyms: false,
      })
    ).resources[0]?.configEntries[0]?.configValue

  it.each([
    [null, 'Invalid resources array null'],
    [[], 'Resources array cannot be empty'],
    [[{ type: 1999 }], 'Invalid resource type 1999: {"type":1999}'],
    [[{ type: TOPIC, name: null }], 'Invalid resource name null: {"type":2,"name":null}'],
    [
      [
        { type: TOPIC, name: 'a', configEntries: [] },
        { type: TOPIC, name: 'd', configEntries: 123 },
      ],
      'Invalid resource configEntries 123: {"type":2,"name":"d","configEntries":123}',
    ],
    [
      [
        { type: TOPIC, name: 'a', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        { type: TOPIC, name: 'd', configEntries: [{}] },
      ],
      'Invalid resource config value: {"type":2,"name":"d","configEntries":[{}]}',
    ],
  ])('rejects resources %j with KafkaJSNonRetriableError', async (resources, message) => {
    const { admin } = await setup()
    await expectRejection(admin.alterConfigs({ resources } as never), 'KafkaJSNonRetriableError', message)
  })

  it('replaces the topic config, or only validates it with validateOnly', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({
      topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '60000' }] }],
    })
    const alter = (validateOnly: boolean) =>
      admin.alterConfigs({
        validateOnly,
        resources: [
          { type: TOPIC, name: topic, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        ],
      })
    expect(await alter(true)).toEqual({
      resources: [{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: topic }],
    })
    expect(await configValue(admin, topic, 'cleanup.policy')).toBe('delete')
    await alter(false)
    expect(await configValue(admin, topic, 'cleanup.policy')).toBe('compact')
    // AlterConfigs (not incremental): keys not given return to their defaults.
    expect(await configValue(admin, topic, 'retention.ms')).toBe('604800000')
  })

  it('rejects invalid values, unknown topics and broker resources with protocol errors', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic }] })
    const alter = (type: number, name: string, value: string) =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: type as never, name, configEntries: [{ name: 'retention.ms', value }] }],
      })
    await expectRejection(alter(TOPIC, topic, 'soon'), 'KafkaJSProtocolError', 'Configuration is invalid')
    await expectRejection(
      alter(TOPIC, 'missing', '1'),
      'KafkaJSProtocolError',
      'This server does not host this topic-partition',
    )
    const error = await rejection(alter(ConfigResourceTypes.BROKER, '0', '1'))
    expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type: 'INVALID_REQUEST' })
    expect(await configValue(admin, topic, 'retention.ms')).toBe('604800000')
  })
})

describe('admin ACLs', () => {
  const acl = {
    resourceType: AclResourceTypes.TOPIC,
    resourceName: 'foo',
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: 'User:foo',
    host: '*',
    operation: AclOperationTypes.ALL,
    permissionType: AclPermissionTypes.DENY,
  }

  it.each([
    ['this-is-not-an-array', 'Invalid ACL array this-is-not-an-array'],
    [[], 'Empty ACL array'],
    [[{ ...acl, principal: 123 }], 'Invalid ACL array, the principals have to be a valid string'],
    [[{ ...acl, host: 123 }], 'Invalid ACL array, the hosts have to be a valid string'],
    [[{ ...acl, resourceName: 123 }], 'Invalid ACL array, the resourceNames have to be a valid string'],
    [
      [{ ...acl, operation: 123 }],
      `Invalid operation type 123: ${JSON.stringify({ ...acl, operation: 123 })}`,
    ],
    [
      [{ ...acl, resourcePatternType: 123 }],
      `Invalid resource pattern type 123: ${JSON.stringify({ ...acl, resourcePatternType: 123 })}`,
    ],
    [
      [{ ...acl, permissionType: 123 }],
      `Invalid permission type 123: ${JSON.stringify({ ...acl, permissionType: 123 })}`,
    ],
    [
      [{ ...acl, resourceType: 123 }],
      `Invalid resource type 123: ${JSON.stringify({ ...acl, resourceType: 123 })}`,
    ],
  ])('createAcls rejects %j with KafkaJSNonRetriableError', async (list, message) => {
    const { admin } = await setup()
    await expectRejection(admin.createAcls({ acl: list as never }), 'KafkaJSNonRetriableError', message)
  })

  it.each([
    [{ ...acl, resourceName: 123 }, 'Invalid resourceName, the resourceName have to be a valid string'],
    [{ ...acl, principal: 123 }, 'Invalid principal, the principal have to be a valid string'],
    [{ ...acl, host: 123 }, 'Invalid host, the host have to be a valid string'],
    [{ ...acl, operation: 123 }, 'Invalid operation type 123'],
    [{ ...acl, resourcePatternType: 123 }, 'Invalid resource pattern filter type 123'],
    [{ ...acl, permissionType: 123 }, 'Invalid permission type 123'],
    [{ ...acl, resourceType: 123 }, 'Invalid resource type 123'],
  ])('describeAcls rejects %j with KafkaJSNonRetriableError', async (filter, message) => {
    const { admin } = await setup()
    await expectRejection(admin.describeAcls(filter as never), 'KafkaJSNonRetriableError', message)
  })

  it.each([
    [null, 'Invalid ACL Filter array null'],
    [[], 'Empty ACL Filter array'],
    [[{ ...acl, host: 1 }], 'Invalid ACL Filter array, the hosts have to be a valid string'],
    [[{ ...acl, operation: 99 }], `Invalid operation type 99: ${JSON.stringify({ ...acl, operation: 99 })}`],
  ])('deleteAcls rejects %j with KafkaJSNonRetriableError', async (filters, message) => {
    const { admin } = await setup()
    await expectRejection(
      admin.deleteAcls({ filters: filters as never }),
      'KafkaJSNonRetriableError',
      message,
    )
  })

  it('answers valid requests as a cluster without an authorizer: SECURITY_DISABLED', async () => {
    const { admin } = await setup()
    const { principal: _principal, host: _host, resourceName: _name, ...filter } = acl
    for (const call of [
      admin.createAcls({ acl: [acl] }),
      admin.describeAcls(acl),
      admin.describeAcls(filter),
      admin.deleteAcls({ filters: [filter] }),
    ]) {
      const error = await rejection(call)
      expect(error).toMatchObject({
        name: 'KafkaJSProtocolError',
        type: 'SECURITY_DISABLED',
        code: 54,
        message: 'Security features are disabled',
        retriable: false,
      })
    }
  })
})

describe('admin partition reassignments', () => {
  it.each([
    [null, 'Invalid topics array null'],
    ['this-is-not-an-array', 'Invalid topics array this-is-not-an-array'],
    [[{ topic: 123 }], 'Invalid topics array, the topic names have to be a valid string'],
    [
      [{ topic: 't' }, { topic: 't' }],
      'Invalid topics array, it cannot have multiple entries for the same topic',
    ],
    [[{ topic: 't', partitionAssignment: null }], 'Invalid partitions array: null for topic: t'],
    [[{ topic: 't', partitionAssignment: [{ partition: -1 }] }], 'Invalid partitions index: -1 for topic: t'],
    [
      [{ topic: 't', partitionAssignment: [{ partition: 0, replicas: null }] }],
      'Invalid replica assignment: null for topic: t on partition: 0',
    ],
    [
      [{ topic: 't', partitionAssignment: [{ partition: 0, replicas: [0, 'a'] }] }],
      'Invalid replica assignment: 0,a for topic: t on partition: 0. Replicas must be a non negative number',
    ],
  ])('alterPartitionReassignments rejects %j with KafkaJSNonRetriableError', async (topics, message) => {
    const { admin } = await setup()
    await expectRejection(
      admin.alterPartitionReassignments({ topics: topics as never }),
      'KafkaJSNonRetriableError',
      message,
    )
  })

  it('completes a reassignment to broker 0 and rejects other brokers and unknown partitions', async () => {
    const { admin } = await setup()
    const topic = topicName()
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    await expect(
      admin.alterPartitionReassignments({
        topics: [{ topic, partitionAssignment: [{ partition: 1, replicas: [0] }] }],
      }),
    ).resolves.toBeUndefined()
    const error = await rejection(
      admin.alterPartitionReassignments({
        topics: [
          {
            topic,
            partitionAssignment: [
              { partition: 0, replicas: [2, 1] },
              { partition: 5, replicas: [0] },
            ],
          },
          { topic: 'missing', partitionAssignment: [{ partition: 0, replicas: [0] }] },
        ],
      }),
    )
    expect({ name: error.name, message: error.message }).toEqual({
      name: 'KafkaJSAggregateError',
      message: 'Errors altering partition reassignments',
    })
    const failures = (error.errors as (Error & Record<string, unknown>)[]).map((each) => [
      each.name,
      each.message,
      each.topic,
      each.partition,
    ])
    expect(failures).toEqual([
      ['KafkaJSAlterPartitionReassignmentsError', 'Replica assignment is invalid', topic, 0],
      ['KafkaJSAlterPartitionReassignmentsError', 'This server does not host this topic-partition', topic, 5],
      [
        'KafkaJSAlterPartitionReassignmentsError',
        'This server does not host this topic-partition',
        'missing',
        0,
      ],
    ])
  })

  it.each([
    ['this-is-not-an-array', 'Invalid topics array this-is-not-an-array'],
    [[{ topic: 123 }], 'Invalid topics array, the topic names have to be a valid string'],
    [
      [
        { topic: 't', partitions: [] },
        { topic: 't', partitions: [] },
      ],
      'Invalid topics array, it cannot have multiple entries for the same topic',
    ],
    [[{ topic: 't', partitions: null }], 'Invalid partition array: null for topic: t'],
    [
      [{ topic: 't', partitions: [0, 'a'] }],
      'Invalid partition array: 0,a for topic: t. The partition indices have to be a valid number greater than 0.',
    ],
  ])('listPartitionReassignments rejects %j with KafkaJSNonRetriableError', async (topics, message) => {
    const { admin } = await setup()
    await expectRejection(
      admin.listPartitionReassignments({ topics: topics as never }),
      'KafkaJSNonRetriableError',
      message,
    )
  })

  it('lists no reassignments in progress', async () => {
    const { admin } = await setup()
    await admin.createTopics({ topics: [{ topic: 't' }] })
    expect(await admin.listPartitionReassignments({})).toEqual({ topics: [] })
    expect(await admin.listPartitionReassignments({ topics: [{ topic: 't', partitions: [0, 1] }] })).toEqual({
      topics: [],
    })
  })
})
