/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs src/admin/__tests__/*.spec.js: the assertions of KafkaJS's own admin
 * integration tests, rewritten against kafkalite/kafkajs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type Admin,
  ConfigResourceTypes,
  KafkaJSAggregateError,
  KafkaJSDeleteGroupsError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
} from '../../../src/kafkajs/index.js'
import {
  Cluster,
  createModPartitioner,
  secureRandom,
  waitForConsumerToJoinGroup,
  waitForMessages,
} from './helpers.js'

let cluster: Cluster
let admin: Admin
let topicName: string

beforeEach(async () => {
  cluster = new Cluster()
  admin = cluster.admin()
  topicName = `test-topic-${secureRandom()}`
})
afterEach(() => cluster.cleanup())

const bad = (v: unknown) => v as never

describe('createTopics (createTopics.spec.js)', () => {
  it('throws an error if the topics array is invalid', async () => {
    await expect(admin.createTopics({ topics: bad(null) })).rejects.toHaveProperty(
      'message',
      'Invalid topics array null',
    )
    await expect(admin.createTopics({ topics: bad('this-is-not-an-array') })).rejects.toHaveProperty(
      'message',
      'Invalid topics array this-is-not-an-array',
    )
  })
  it('throws an error if the topic name is not a valid string', async () => {
    await expect(admin.createTopics({ topics: [{ topic: bad(123) }] })).rejects.toHaveProperty(
      'message',
      'Invalid topics array, the topic names have to be a valid string',
    )
  })
  it('throws an error if there are multiple entries for the same topic', async () => {
    await expect(
      admin.createTopics({ topics: [{ topic: 'topic-123' }, { topic: 'topic-123' }] }),
    ).rejects.toHaveProperty(
      'message',
      'Invalid topics array, it cannot have multiple entries for the same topic',
    )
  })
  it.each([
    [
      'are not an array',
      'this-is-not-an-array',
      'Invalid configEntries for topic "topic-123", must be an array',
    ],
    [
      'contain a non-object',
      ['this-is-not-an-object'],
      'Invalid configEntries for topic "topic-123". Entry 0 must be an object',
    ],
    [
      'contain an entry with missing value property',
      [{ name: 'missing-value' }],
      'Invalid configEntries for topic "topic-123". Entry 0 must have a valid "value" property',
    ],
    [
      'contain an entry with missing name property',
      [{ value: 'missing-name' }],
      'Invalid configEntries for topic "topic-123". Entry 0 must have a valid "name" property',
    ],
  ])('throws an error if the config entries %s', async (_, configEntries, message) => {
    await expect(
      admin.createTopics({ topics: [{ topic: 'topic-123', configEntries: bad(configEntries) }] }),
    ).rejects.toHaveProperty('message', message)
  })
  it('creates the new topics and returns true', async () => {
    await admin.connect()
    await expect(
      admin.createTopics({ waitForLeaders: false, topics: [{ topic: topicName }] }),
    ).resolves.toEqual(true)
  })
  // KafkaJS's test assigns replicas [0, 1] on its 3-broker cluster; kafkalite has only node 0.
  it('creating topic with manual replica assignment resolves true (single-broker variant)', async () => {
    await admin.connect()
    await expect(
      admin.createTopics({
        waitForLeaders: false,
        topics: [{ topic: topicName, replicaAssignment: [{ partition: 0, replicas: [0] }] }],
      }),
    ).resolves.toEqual(true)
  })
  it('ignores already created topics and returns false', async () => {
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: topicName }] })
    await expect(
      admin.createTopics({ waitForLeaders: false, topics: [{ topic: topicName }] }),
    ).resolves.toEqual(false)
  })
  it('forwards non-ignorable errors (invalid topic name) as KafkaJSAggregateError', async () => {
    await admin.connect()
    await expect(admin.createTopics({ topics: [{ topic: 'bad topic name!' }] })).rejects.toBeInstanceOf(
      KafkaJSAggregateError,
    )
  })
})

describe('deleteTopics (deleteTopics.spec.js)', () => {
  it('throws an error if the topics array is invalid', async () => {
    await expect(admin.deleteTopics({ topics: bad(null) })).rejects.toHaveProperty(
      'message',
      'Invalid topics array null',
    )
    await expect(admin.deleteTopics({ topics: bad('this-is-not-an-array') })).rejects.toHaveProperty(
      'message',
      'Invalid topics array this-is-not-an-array',
    )
  })
  it('throws an error if the topic name is not a valid string', async () => {
    await expect(admin.deleteTopics({ topics: [bad(123)] })).rejects.toHaveProperty(
      'message',
      'Invalid topics array, the names must be a valid string',
    )
  })
  it('deletes topics (resolves undefined)', async () => {
    await admin.connect()
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: topicName }] })
    await expect(admin.deleteTopics({ topics: [topicName] })).resolves.toBeUndefined()
    expect(await admin.listTopics()).not.toContain(topicName)
  })
})

describe('createPartitions (createPartitions.spec.js)', () => {
  it('throws an error if the topics array is invalid', async () => {
    await expect(admin.createPartitions({ topicPartitions: bad(null) })).rejects.toHaveProperty(
      'message',
      'Invalid topic partitions array null',
    )
    await expect(
      admin.createPartitions({ topicPartitions: bad('this-is-not-an-array') }),
    ).rejects.toHaveProperty('message', 'Invalid topic partitions array this-is-not-an-array')
  })
  it('throws an error if the topic name is not a valid string', async () => {
    await expect(admin.createPartitions({ topicPartitions: [bad({ topic: 123 })] })).rejects.toHaveProperty(
      'message',
      'Invalid topic partitions array, the topic names have to be a valid string',
    )
  })
  it('throws an error if there are multiple entries for the same topic', async () => {
    await expect(
      admin.createPartitions({ topicPartitions: [bad({ topic: 'topic-123' }), bad({ topic: 'topic-123' })] }),
    ).rejects.toHaveProperty(
      'message',
      'Invalid topic partitions array, it cannot have multiple entries for the same topic',
    )
  })
  it('throws when the topic does not exist', async () => {
    await admin.connect()
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: `${topicName}x`, count: 3 }] }),
    ).rejects.toHaveProperty('message', 'This server does not host this topic-partition')
  })
  it('throws when assigning an invalid broker', async () => {
    await admin.connect()
    await expect(
      admin.createTopics({ waitForLeaders: false, topics: [{ topic: topicName }] }),
    ).resolves.toEqual(true)
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: topicName, count: 3, assignments: [[10]] }] }),
    ).rejects.toHaveProperty('message', 'Replica assignment is invalid')
  })
  it('throws when the total partition count is less than current', async () => {
    await admin.connect()
    await expect(
      admin.createTopics({ waitForLeaders: false, topics: [{ topic: topicName, numPartitions: 3 }] }),
    ).resolves.toEqual(true)
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: topicName, count: 2 }] }),
    ).rejects.toHaveProperty('message', 'Number of partitions is invalid')
  })
  it('creates new partitions', async () => {
    await admin.connect()
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic: topicName }] })
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: topicName, count: 3 }] }),
    ).resolves.not.toThrow()
    const { topics } = await admin.fetchTopicMetadata({ topics: [topicName] })
    expect(topics[0]?.partitions).toHaveLength(3)
  })
})

describe('fetchTopicMetadata (fetchTopicMetadata.spec.js)', () => {
  let existing: string
  beforeEach(async () => {
    existing = `test-topic-${secureRandom()}`
    await cluster.createTopic({ topic: existing, partitions: 4 })
  })
  it('throws an error if the topic name is not a valid string', async () => {
    await expect(admin.fetchTopicMetadata({ topics: [bad(null)] })).rejects.toHaveProperty(
      'message',
      'Invalid topic null',
    )
    await expect(admin.fetchTopicMetadata({ topics: [bad(0)] })).rejects.toHaveProperty(
      'message',
      'Invalid topic 0',
    )
  })
  it('retrieves metadata for each partition in the topic', async () => {
    await admin.connect()
    const { topics } = await admin.fetchTopicMetadata({ topics: [existing] })
    expect(topics).toHaveLength(1)
    expect(topics[0]).toHaveProperty('name', existing)
    expect(topics[0]?.partitions).toHaveLength(4)
    for (const partition of topics[0]?.partitions ?? []) {
      expect(partition).toHaveProperty('partitionId')
      expect(partition).toHaveProperty('leader')
      expect(partition).toHaveProperty('replicas')
      expect(partition).toHaveProperty('partitionErrorCode')
      expect(partition).toHaveProperty('isr')
    }
  })
  it('by default retrieves metadata for all topics', async () => {
    await admin.connect()
    const { topics } = await admin.fetchTopicMetadata()
    expect(topics.length).toBeGreaterThanOrEqual(1)
  })
  // kafka.admin() in KafkaJS 2.2.4 always builds its cluster with allowAutoTopicCreation: false
  it('throws when the topic does not exist (public admin never auto-creates)', async () => {
    await admin.connect()
    await expect(
      admin.fetchTopicMetadata({ topics: [existing, `test-topic-${secureRandom()}`] }),
    ).rejects.toHaveProperty('message', 'This server does not host this topic-partition')
  })
})

describe('fetchOffsets (fetchOffsets.spec.js)', () => {
  let groupId: string
  let another: string
  let yetAnother: string
  beforeEach(async () => {
    another = `another-topic-${secureRandom()}`
    yetAnother = `yet-another-topic-${secureRandom()}`
    groupId = `consumer-group-id-${secureRandom()}`
    for (const topic of [topicName, another, yetAnother]) await cluster.createTopic({ topic })
    await admin.connect()
  })
  it('throws if the groupId is invalid', async () => {
    const error = await admin.fetchOffsets({ groupId: bad(null) }).catch((e) => e)
    expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
    expect(error.message).toBe('Invalid groupId null')
  })
  it('throws if the topics argument is not a list', async () => {
    const error = await admin.fetchOffsets({ groupId: 'groupId', topics: bad(topicName) }).catch((e) => e)
    expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
    expect(error.message).toBe('Expected topics array to be set') // 2.2.4 source text
  })
  it('returns unresolved consumer group offsets', async () => {
    expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual([
      { topic: topicName, partitions: [{ partition: 0, offset: '-1', metadata: null }] },
    ])
  })
  it('returns the current consumer group offset', async () => {
    await admin.setOffsets({ groupId, topic: topicName, partitions: [{ partition: 0, offset: '13' }] })
    expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual([
      { topic: topicName, partitions: [{ partition: 0, offset: '13', metadata: null }] },
    ])
  })
  it('returns offsets for all topics when no topics are given', async () => {
    await admin.setOffsets({ groupId, topic: topicName, partitions: [{ partition: 0, offset: '13' }] })
    await admin.setOffsets({ groupId, topic: another, partitions: [{ partition: 0, offset: '23' }] })
    await admin.setOffsets({ groupId, topic: yetAnother, partitions: [{ partition: 0, offset: '42' }] })
    const offsets = await admin.fetchOffsets({ groupId })
    expect(offsets).toHaveLength(3)
    expect(offsets).toEqual(
      expect.arrayContaining([
        { topic: yetAnother, partitions: [{ partition: 0, offset: '42', metadata: null }] },
        { topic: another, partitions: [{ partition: 0, offset: '23', metadata: null }] },
        { topic: topicName, partitions: [{ partition: 0, offset: '13', metadata: null }] },
      ]),
    )
  })
  it('returns offsets for a list of topics', async () => {
    await admin.setOffsets({ groupId, topic: topicName, partitions: [{ partition: 0, offset: '13' }] })
    await admin.setOffsets({ groupId, topic: another, partitions: [{ partition: 0, offset: '42' }] })
    const offsets = await admin.fetchOffsets({ groupId, topics: [topicName, another] })
    expect(offsets).toHaveLength(2)
    expect(offsets).toEqual(
      expect.arrayContaining([
        { topic: another, partitions: [{ partition: 0, offset: '42', metadata: null }] },
        { topic: topicName, partitions: [{ partition: 0, offset: '13', metadata: null }] },
      ]),
    )
  })

  describe('with resolveOffsets', () => {
    // 5 messages consumed and committed by a consumer stopped after its first batch, then 5 more produced.
    beforeEach(async () => {
      const producer = cluster.producer({ createPartitioner: createModPartitioner as never })
      await producer.connect()
      const consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 100 })
      await consumer.connect()
      await consumer.subscribe({ topic: topicName, fromBeginning: true })
      const done = new Promise<void>((resolve) => {
        consumer.on(consumer.events.END_BATCH_PROCESS, async () => {
          await consumer.stop()
          await producer.send({
            acks: 1,
            topic: topicName,
            messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
          })
          resolve()
        })
      })
      const joined = waitForConsumerToJoinGroup(consumer)
      void consumer.run({ eachMessage: async () => {} })
      await joined
      await producer.send({
        acks: 1,
        topic: topicName,
        messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
      })
      await done
    })
    const at = (offset: string) => [
      { topic: topicName, partitions: [{ partition: 0, offset, metadata: null }] },
    ]
    it('no reset: returns the latest committed offsets', async () => {
      expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual(at('5'))
      expect(await admin.fetchOffsets({ groupId, topics: [topicName], resolveOffsets: true })).toEqual(
        at('5'),
      )
      expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual(at('5'))
    })
    it('reset to latest: -1, then the topic end after resolving', async () => {
      await admin.resetOffsets({ groupId, topic: topicName, earliest: false })
      expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual(at('-1'))
      expect(await admin.fetchOffsets({ groupId, topics: [topicName], resolveOffsets: true })).toEqual(
        at('10'),
      )
      expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual(at('10'))
    })
    it('reset to earliest: -2, then the topic start after resolving', async () => {
      await admin.resetOffsets({ groupId, topic: topicName, earliest: true })
      expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual(at('-2'))
      expect(await admin.fetchOffsets({ groupId, topics: [topicName], resolveOffsets: true })).toEqual(
        at('0'),
      )
      expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual(at('0'))
    })
    it('earliest is resolved past deleted records', async () => {
      await admin.deleteTopicRecords({ topic: topicName, partitions: [{ partition: 0, offset: '7' }] })
      await admin.resetOffsets({ groupId, topic: topicName, earliest: true })
      expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual(at('-2'))
      expect(await admin.fetchOffsets({ groupId, topics: [topicName], resolveOffsets: true })).toEqual(
        at('7'),
      )
      expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual(at('7'))
    })
  })
})

describe('fetchTopicOffsets / ByTimestamp (fetchTopicOffsets*.spec.js)', () => {
  beforeEach(() => cluster.createTopic({ topic: topicName }))
  const send = async (n: number) => {
    const producer = cluster.producer({ createPartitioner: createModPartitioner as never })
    await producer.connect()
    const messages = Array.from({ length: n }, () => {
      const value = secureRandom()
      return { key: `key-${value}`, value: `value-${value}` }
    })
    await producer.send({ acks: 1, topic: topicName, messages })
  }
  it('fetchTopicOffsets throws for an invalid topic', async () => {
    await expect(admin.fetchTopicOffsets(bad(null))).rejects.toHaveProperty('message', 'Invalid topic null')
  })
  it('returns the current topic offset', async () => {
    await admin.connect()
    await send(100)
    expect(await admin.fetchTopicOffsets(topicName)).toEqual([
      { partition: 0, offset: '100', low: '0', high: '100' },
    ])
  })
  it('fetchTopicOffsetsByTimestamp throws for an invalid topic', async () => {
    await expect(admin.fetchTopicOffsetsByTimestamp(bad(null))).rejects.toHaveProperty(
      'message',
      'Invalid topic null',
    )
  })
  it('returns the offsets from a timestamp', async () => {
    await admin.connect()
    await send(10)
    const fromTimestamp = Date.now() + 1
    await new Promise((r) => setTimeout(r, 2))
    await send(10)
    const futureTimestamp = Date.now() + 1
    await new Promise((r) => setTimeout(r, 2))
    expect(await admin.fetchTopicOffsetsByTimestamp(topicName, fromTimestamp)).toEqual([
      { partition: 0, offset: '10' },
    ])
    expect(await admin.fetchTopicOffsetsByTimestamp(topicName, futureTimestamp)).toEqual([
      { partition: 0, offset: '20' },
    ])
  })
  it('returns the offsets from a timestamp when there are no messages', async () => {
    await admin.connect()
    expect(await admin.fetchTopicOffsetsByTimestamp(topicName, Date.now())).toEqual([
      { partition: 0, offset: '0' },
    ])
    expect(await admin.fetchTopicOffsets(topicName)).toEqual([
      { partition: 0, offset: '0', low: '0', high: '0' },
    ])
  })
})

describe('listTopics (listTopics.spec.js)', () => {
  it('lists topics', async () => {
    const names = [1, 2, 3].map(() => `test-topic-${secureRandom()}`)
    await admin.createTopics({ topics: names.map((topic) => ({ topic })) })
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(names))
  })
})

describe('setOffsets / resetOffsets (setOffsets.spec.js, resetOffsets.spec.js)', () => {
  let groupId: string
  beforeEach(async () => {
    groupId = `consumer-group-id-${secureRandom()}`
    await cluster.createTopic({ topic: topicName })
  })
  it('setOffsets throws for an invalid groupId', async () => {
    await expect(admin.setOffsets({ groupId: bad(null) } as never)).rejects.toHaveProperty(
      'message',
      'Invalid groupId null',
    )
  })
  it('setOffsets throws for an invalid topic', async () => {
    await expect(admin.setOffsets({ groupId: 'groupId', topic: bad(null) } as never)).rejects.toHaveProperty(
      'message',
      'Invalid topic null',
    )
  })
  it('setOffsets throws for invalid partitions', async () => {
    await expect(
      admin.setOffsets({ groupId: 'groupId', topic: 'topic', partitions: bad(null) }),
    ).rejects.toHaveProperty('message', 'Invalid partitions')
    await expect(
      admin.setOffsets({ groupId: 'groupId', topic: 'topic', partitions: [] }),
    ).rejects.toHaveProperty('message', 'Invalid partitions')
  })
  it('sets the group to any offset (a number is accepted)', async () => {
    await admin.connect()
    await admin.setOffsets({ groupId, topic: topicName, partitions: [{ partition: 0, offset: bad(13) }] })
    expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual([
      { topic: topicName, partitions: [{ partition: 0, offset: '13', metadata: null }] },
    ])
  })
  it('setOffsets throws while the group is running', async () => {
    const consumer = cluster.consumer({ groupId })
    await consumer.connect()
    await consumer.subscribe({ topic: topicName })
    await consumer.run({ eachMessage: async () => {} })
    await admin.connect()
    await expect(
      admin.setOffsets({ groupId, topic: topicName, partitions: [{ partition: 0, offset: '13' }] }),
    ).rejects.toHaveProperty(
      'message',
      'The consumer group must have no running instances, current state: Stable',
    )
  })
  it('resetOffsets throws for an invalid groupId', async () => {
    await expect(admin.resetOffsets({ groupId: bad(null) } as never)).rejects.toHaveProperty(
      'message',
      'Invalid groupId null',
    )
  })
  it('resetOffsets throws for an invalid topic', async () => {
    await expect(
      admin.resetOffsets({ groupId: 'groupId', topic: bad(null), earliest: false }),
    ).rejects.toHaveProperty('message', 'Invalid topic null')
  })
  it('resets to latest (-1)', async () => {
    await admin.connect()
    await admin.setOffsets({ groupId, topic: topicName, partitions: [{ partition: 0, offset: '13' }] })
    await admin.resetOffsets({ groupId, topic: topicName, earliest: false })
    expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual([
      { topic: topicName, partitions: [{ partition: 0, offset: '-1', metadata: null }] },
    ])
  })
  it('resets to earliest (-2)', async () => {
    await admin.connect()
    await admin.setOffsets({ groupId, topic: topicName, partitions: [{ partition: 0, offset: '13' }] })
    await admin.resetOffsets({ groupId, topic: topicName, earliest: true })
    expect(await admin.fetchOffsets({ groupId, topics: [topicName] })).toEqual([
      { topic: topicName, partitions: [{ partition: 0, offset: '-2', metadata: null }] },
    ])
  })
  it('resetOffsets throws while the group is running', async () => {
    const consumer = cluster.consumer({ groupId })
    await consumer.connect()
    await consumer.subscribe({ topic: topicName })
    const joined = waitForConsumerToJoinGroup(consumer)
    void consumer.run({ eachMessage: async () => {} })
    await joined
    await admin.connect()
    await expect(admin.resetOffsets({ groupId, topic: topicName, earliest: false })).rejects.toHaveProperty(
      'message',
      'The consumer group must have no running instances, current state: Stable',
    )
  })
})

describe('deleteTopicRecords (deleteTopicRecords.spec.js)', () => {
  beforeEach(async () => {
    await cluster.createTopic({ topic: topicName, partitions: 2 })
    const producer = cluster.producer({ createPartitioner: createModPartitioner as never })
    await producer.connect()
    const messages = Array.from({ length: 20 }, (_, i) => ({
      key: `key-${i}`,
      value: `value-${secureRandom()}`,
    }))
    await producer.send({ acks: 1, topic: topicName, messages })
    await admin.connect()
    // the mod partitioner puts 13 on partition 0 and 7 on partition 1
    const offsets = await admin.fetchTopicOffsets(topicName)
    expect(offsets.map(({ partition, high }) => ({ partition, high }))).toEqual(
      expect.arrayContaining([
        { partition: 0, high: '13' },
        { partition: 1, high: '7' },
      ]),
    )
  })
  const lows = async () =>
    (await admin.fetchTopicOffsets(topicName)).map(({ partition, low }) => ({ partition, low }))
  it('throws for an invalid topic', async () => {
    await expect(admin.deleteTopicRecords({ topic: bad(null), partitions: [] })).rejects.toHaveProperty(
      'message',
      'Invalid topic "null"',
    )
    await expect(
      admin.deleteTopicRecords({ topic: bad(['topic-in-an-array']), partitions: [] }),
    ).rejects.toHaveProperty('message', 'Invalid topic "topic-in-an-array"')
  })
  it('throws for an empty partitions array', async () => {
    await expect(admin.deleteTopicRecords({ topic: topicName, partitions: [] })).rejects.toHaveProperty(
      'message',
      'Invalid partitions',
    )
  })
  it('removes deleted offsets from the selected partition', async () => {
    await admin.deleteTopicRecords({ topic: topicName, partitions: [{ partition: 0, offset: '7' }] })
    expect(await lows()).toEqual(
      expect.arrayContaining([
        { partition: 0, low: '7' },
        { partition: 1, low: '0' },
      ]),
    )
  })
  it('non-deleted messages are consumed', async () => {
    await admin.deleteTopicRecords({ topic: topicName, partitions: [{ partition: 0, offset: '7' }] })
    const consumed: { partition: number; message: { offset: string } }[] = []
    const consumer = cluster.consumer({ groupId: `g-${secureRandom()}`, maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    void consumer.run({ eachMessage: async (event) => void consumed.push(event) })
    await waitForMessages(consumed, { number: 13 })
    const p0 = consumed.filter(({ partition }) => partition === 0)
    expect(p0).toHaveLength(6)
    expect(p0[0]?.message.offset).toBe('7')
    expect(p0.at(-1)?.message.offset).toBe('12')
    expect(consumed.filter(({ partition }) => partition === 1)).toHaveLength(7)
  })
  it('deletes all records given offset -1', async () => {
    await admin.deleteTopicRecords({ topic: topicName, partitions: [{ partition: 0, offset: '-1' }] })
    expect(await lows()).toEqual(expect.arrayContaining([{ partition: 0, low: '13' }]))
  })
  it('throws KafkaJSDeleteTopicRecordsError (non-retriable) before processing when a partition does not exist', async () => {
    const error = await admin
      .deleteTopicRecords({
        topic: topicName,
        partitions: [
          { partition: 0, offset: '7' },
          { partition: 2, offset: '5' },
        ],
      })
      .catch((e) => e)
    expect(error).toBeDefined()
    expect(error.name).toBe('KafkaJSDeleteTopicRecordsError')
    expect(error.retriable).toBe(false)
    expect(error.partitions).toEqual([
      {
        partition: 2,
        offset: '5',
        error: expect.objectContaining({
          name: 'KafkaJSBrokerNotFound',
          message: 'Could not find the leader for the partition',
        }),
      },
    ])
    expect(await lows()).toEqual(expect.arrayContaining([{ partition: 0, low: '0' }]))
  })
  it('an offset below the low watermark has no effect', async () => {
    await admin.deleteTopicRecords({ topic: topicName, partitions: [{ partition: 1, offset: '5' }] })
    await admin.deleteTopicRecords({
      topic: topicName,
      partitions: [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '3' },
      ],
    })
    expect(await lows()).toEqual(
      expect.arrayContaining([
        { partition: 0, low: '7' },
        { partition: 1, low: '5' },
      ]),
    )
  })
  it('an out-of-range offset fails the request with KafkaJSNonRetriableError caused by KafkaJSDeleteTopicRecordsError', async () => {
    const error = await admin
      .deleteTopicRecords({
        topic: topicName,
        partitions: [
          { partition: 0, offset: '7' },
          { partition: 1, offset: '99' },
        ],
      })
      .catch((e) => e)
    expect(error).toBeDefined()
    expect(error.name).toBe('KafkaJSNonRetriableError')
    expect(error.cause.name).toBe('KafkaJSDeleteTopicRecordsError')
    expect(error.cause.retriable).toBe(false)
    expect(error.cause.partitions).toEqual([
      {
        partition: 1,
        offset: '99',
        error: expect.objectContaining({
          message: 'The requested offset is not within the range of offsets maintained by the server',
        }),
      },
    ])
    expect(await lows()).toEqual(
      expect.arrayContaining([
        { partition: 0, low: '7' },
        { partition: 1, low: '0' },
      ]),
    )
  })
})

describe('describeCluster (describeCluster.spec.js)', () => {
  it('retrieves metadata for all brokers', async () => {
    await admin.connect()
    const { brokers, clusterId, controller } = await admin.describeCluster()
    expect(brokers.length).toBeGreaterThanOrEqual(1)
    expect(brokers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          nodeId: expect.any(Number),
          host: expect.any(String),
          port: expect.any(Number),
        }),
      ]),
    )
    expect(clusterId).toEqual(expect.any(String))
    expect(brokers.map(({ nodeId }) => nodeId)).toContain(controller)
  })
})

describe('describeGroups / listGroups / deleteGroups', () => {
  const runGroup = async (groupId: string) => {
    const consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 100 })
    const consumed: unknown[] = []
    await consumer.connect()
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const joined = waitForConsumerToJoinGroup(consumer)
    void consumer.run({ eachMessage: async (event) => void consumed.push(event) })
    await joined
    return { consumer, consumed }
  }
  beforeEach(() => cluster.createTopic({ topic: topicName }))

  it('describeGroups returns a response per group (describeGroups.spec.js)', async () => {
    const groupIds = [1, 2, 3].map(() => `consumer-group-id-${secureRandom()}`)
    const runs = await Promise.all(groupIds.map(runGroup))
    const producer = cluster.producer()
    await producer.connect()
    await producer.send({ acks: 1, topic: topicName, messages: [{ key: 'k', value: 'v' }] })
    for (const run of runs) await waitForMessages(run.consumed, { number: 1 })
    await admin.connect()
    const { groups } = await admin.describeGroups(groupIds)
    expect(groups).toHaveLength(3)
    expect(groups).toEqual(
      expect.arrayContaining(
        groupIds.map((groupId) => ({
          errorCode: 0,
          groupId,
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
        })),
      ),
    )
  })
  it('describeGroups answers Dead for a group that does not exist', async () => {
    await admin.connect()
    const groupId = `non-existent-consumer-group-id-${secureRandom()}`
    expect(await admin.describeGroups([groupId])).toEqual({
      groups: [{ errorCode: 0, groupId, members: [], protocol: '', protocolType: '', state: 'Dead' }],
    })
  })
  it('listGroups lists a consuming group (listGroups.spec.js)', async () => {
    const groupId = `consumer-group-id-${secureRandom()}`
    const { consumed } = await runGroup(groupId)
    const producer = cluster.producer()
    await producer.connect()
    await producer.send({ acks: 1, topic: topicName, messages: [{ key: 'k', value: 'v' }] })
    await waitForMessages(consumed, { number: 1 })
    await admin.connect()
    const { groups } = await admin.listGroups()
    expect(groups).toEqual(
      expect.arrayContaining([expect.objectContaining({ groupId, protocolType: 'consumer' })]),
    )
  })
  it('deleteGroups([]) resolves []', async () => {
    await admin.connect()
    expect(await admin.deleteGroups([])).toEqual([])
  })
  it('deleteGroups of a connected group rejects with KafkaJSDeleteGroupsError', async () => {
    const groupId = `consumer-group-id-${secureRandom()}`
    await runGroup(groupId)
    await admin.connect()
    const error = await admin.deleteGroups([groupId]).catch((e) => e)
    expect(error).toBeInstanceOf(KafkaJSDeleteGroupsError)
    expect(error.name).toEqual('KafkaJSDeleteGroupsError')
    expect(error.groups).toEqual(expect.arrayContaining([expect.objectContaining({ groupId })]))
    for (const group of error.groups) expect(group.error).toBeInstanceOf(KafkaJSProtocolError)
  })
  it('deleteGroups after stop deletes the group', async () => {
    const groupId = `consumer-group-id-${secureRandom()}`
    const { consumer } = await runGroup(groupId)
    await consumer.stop()
    await admin.connect()
    const res = await admin.deleteGroups([groupId])
    expect(res).toEqual(expect.arrayContaining([expect.objectContaining({ groupId })]))
    const { groups } = await admin.listGroups()
    expect(groups).toEqual(expect.not.arrayContaining([expect.objectContaining({ groupId })]))
  })
  it('deleteGroups of one existing and one missing group deletes the existing one and reports the missing one', async () => {
    const groupId = `consumer-group-id-${secureRandom()}`
    const { consumer } = await runGroup(groupId)
    await consumer.stop()
    await admin.connect()
    const missing = `consumer-group-id-${secureRandom()}`
    const error = await admin.deleteGroups([groupId, missing]).catch((e) => e)
    expect(error.name).toEqual('KafkaJSDeleteGroupsError')
    expect(error.groups).toEqual(expect.arrayContaining([expect.objectContaining({ groupId: missing })]))
    for (const group of error.groups) expect(group.error).toBeInstanceOf(KafkaJSProtocolError)
    const { groups } = await admin.listGroups()
    expect(groups).toEqual(expect.not.arrayContaining([expect.objectContaining({ groupId })]))
  })
})

describe('describeConfigs / alterConfigs (describeConfigs.spec.js, alterConfigs.spec.js)', () => {
  const TOPIC = ConfigResourceTypes.TOPIC
  const entries = (response: {
    resources: { resourceType: number; configEntries: { configName: string; configValue: string }[] }[]
  }) => response.resources.find((r) => r.resourceType === TOPIC)?.configEntries ?? []
  const value = (list: { configName: string; configValue: string }[], name: string) =>
    list.find((c) => c.configName === name)?.configValue
  for (const op of ['describeConfigs', 'alterConfigs'] as const) {
    it(`${op} validates its resources array`, async () => {
      const call = (resources: unknown) => (admin[op] as (a: unknown) => Promise<unknown>)({ resources })
      await expect(call(null)).rejects.toHaveProperty('message', 'Invalid resources array null')
      await expect(call('this-is-not-an-array')).rejects.toHaveProperty(
        'message',
        'Invalid resources array this-is-not-an-array',
      )
      await expect(call([])).rejects.toHaveProperty('message', 'Resources array cannot be empty')
      await expect(call([{ type: TOPIC }, { type: 1999 }])).rejects.toHaveProperty(
        'message',
        'Invalid resource type 1999: {"type":1999}',
      )
      await expect(
        call([
          { type: TOPIC, name: 'abc' },
          { type: TOPIC, name: null },
        ]),
      ).rejects.toHaveProperty('message', 'Invalid resource name null: {"type":2,"name":null}')
      await expect(
        call([
          { type: TOPIC, name: 'abc' },
          { type: TOPIC, name: 123 },
        ]),
      ).rejects.toHaveProperty('message', 'Invalid resource name 123: {"type":2,"name":123}')
    })
  }
  it('describeConfigs validates configNames', async () => {
    await expect(
      admin.describeConfigs({
        resources: [
          bad({ type: TOPIC, name: 'abc', configNames: [] }),
          bad({ type: TOPIC, name: 'def', configNames: 123 }),
        ],
        includeSynonyms: false,
      }),
    ).rejects.toHaveProperty(
      'message',
      'Invalid resource configNames 123: {"type":2,"name":"def","configNames":123}',
    )
  })
  it('alterConfigs validates configEntries and their values', async () => {
    await expect(
      admin.alterConfigs({
        resources: [
          bad({ type: TOPIC, name: 'abc', configEntries: [] }),
          bad({ type: TOPIC, name: 'def', configEntries: 123 }),
        ],
        validateOnly: false,
      }),
    ).rejects.toHaveProperty(
      'message',
      'Invalid resource configEntries 123: {"type":2,"name":"def","configEntries":123}',
    )
    await expect(
      admin.alterConfigs({
        resources: [
          { type: TOPIC, name: 'abc', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
          bad({ type: TOPIC, name: 'def', configEntries: [{}] }),
        ],
        validateOnly: false,
      }),
    ).rejects.toHaveProperty(
      'message',
      'Invalid resource config value: {"type":2,"name":"def","configEntries":[{}]}',
    )
  })
  it('describes all configs', async () => {
    await cluster.createTopic({ topic: topicName })
    await admin.connect()
    const response = await admin.describeConfigs({
      resources: [{ type: TOPIC, name: topicName }],
      includeSynonyms: false,
    })
    expect(entries(response as never).length).toBeGreaterThan(1)
  })
  it('describes selected configs', async () => {
    await cluster.createTopic({ topic: topicName })
    await admin.connect()
    const response = await admin.describeConfigs({
      resources: [{ type: TOPIC, name: topicName, configNames: ['cleanup.policy'] }],
      includeSynonyms: false,
    })
    const list = entries(response as never)
    expect(list.length).toEqual(1)
    expect(value(list, 'cleanup.policy')).toEqual('delete')
  })
  it('alters configs, and validateOnly does not', async () => {
    await cluster.createTopic({ topic: topicName })
    await admin.connect()
    const describe = async () =>
      value(
        entries(
          (await admin.describeConfigs({
            resources: [{ type: TOPIC, name: topicName, configNames: ['cleanup.policy'] }],
            includeSynonyms: false,
          })) as never,
        ),
        'cleanup.policy',
      )
    expect(await describe()).toBe('delete')
    await admin.alterConfigs({
      validateOnly: true,
      resources: [
        { type: TOPIC, name: topicName, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    })
    expect(await describe()).toBe('delete')
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: TOPIC, name: topicName, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    })
    expect(await describe()).toBe('compact')
  })
  // KafkaJS's test alters a broker config too; kafkalite's broker configs are read-only, a
  // documented difference (README, "Admin details"). As in Kafka, each resource of the request is
  // applied or refused on its own, and KafkaJS rejects the request if any was refused.
  it('alters topic configs; a BROKER resource in the request is refused with INVALID_REQUEST', async () => {
    await cluster.createTopic({ topic: topicName })
    await admin.connect()
    const { brokers } = await admin.describeCluster()
    const response = await admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: TOPIC, name: topicName, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    })
    expect(response.resources.length).toEqual(1)
    await expect(
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          { type: TOPIC, name: topicName, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] },
          {
            type: ConfigResourceTypes.BROKER,
            name: String(brokers[0]?.nodeId),
            configEntries: [{ name: 'cleanup.policy', value: 'delete' }],
          },
        ],
      }),
    ).rejects.toMatchObject({ name: 'KafkaJSProtocolError', type: 'INVALID_REQUEST' })
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: TOPIC, name: topicName, configNames: ['cleanup.policy'] }],
    })
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe('delete')
  })
})
