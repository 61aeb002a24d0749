/**
 * Ported from tulios/kafkajs v2.2.4 src/consumer/__tests__/seek.spec.js.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Consumer, KafkaJSNonRetriableError, type Producer } from '../../../src/kafkajs/index.js'
import {
  Cluster,
  createModPartitioner,
  secureRandom,
  waitForConsumerToJoinGroup,
  waitForMessages,
} from './helpers.js'

let cluster: Cluster
let topicName: string
let groupId: string
let producer: Producer
let consumer: Consumer

beforeEach(() => {
  cluster = new Cluster()
  topicName = `test-topic-${secureRandom()}`
  groupId = `consumer-group-id-${secureRandom()}`
  producer = cluster.producer({ createPartitioner: createModPartitioner as never })
  consumer = cluster.consumer({ groupId })
})
afterEach(() => cluster.cleanup())

const at = (partition: number, offset: string) =>
  expect.objectContaining({ topic: topicName, partition, message: expect.objectContaining({ offset }) })

describe('with one partition', () => {
  beforeEach(() => cluster.createTopic({ topic: topicName, partitions: 1 }))

  it('validates its arguments', () => {
    const cases: [unknown, string][] = [
      [{ topic: null }, 'Invalid topic null'],
      [{ topic: topicName, partition: 'ABC' }, 'Invalid partition, expected a number received ABC'],
      [{ topic: topicName, partition: 0, offset: 'ABC' }, 'Invalid offset, expected a long received ABC'],
      [{ topic: topicName, partition: 0, offset: '-32' }, 'Offset must not be a negative number'],
      [
        { topic: topicName, partition: 0, offset: '1' },
        'Consumer group was not initialized, consumer#run must be called first',
      ],
    ]
    for (const [arg, message] of cases) {
      expect(() => consumer.seek(arg as never)).toThrow(KafkaJSNonRetriableError)
      expect(() => consumer.seek(arg as never)).toThrow(message)
    }
  })

  it('recovers from offset out of range', async () => {
    await consumer.connect()
    await producer.connect()
    await producer.send({ acks: 1, topic: topicName, messages: [{ key: 'key-1', value: 'v' }] })
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const consumed: unknown[] = []
    const joined = waitForConsumerToJoinGroup(consumer)
    void consumer.run({ eachMessage: async (e) => void consumed.push(e) })
    consumer.seek({ topic: topicName, partition: 0, offset: '100' })
    await joined
    await expect(waitForMessages(consumed, { number: 1 })).resolves.toEqual([at(0, '0')])
  })

  it('with autoCommit: false, seek does not commit the offset', async () => {
    const admin = cluster.admin()
    await Promise.all([consumer, producer, admin].map((c) => c.connect()))
    await producer.send({
      acks: 1,
      topic: topicName,
      messages: [1, 2, 3].map((n) => ({ key: `key-${n}`, value: `value-${n}` })),
    })
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    let consumed: unknown[] = []
    const joined = waitForConsumerToJoinGroup(consumer)
    void consumer.run({ autoCommit: false, eachMessage: async (e) => void consumed.push(e) })
    consumer.seek({ topic: topicName, partition: 0, offset: '2' })
    await joined
    await expect(waitForMessages(consumed, { number: 1 })).resolves.toEqual([at(0, '2')])
    await expect(admin.fetchOffsets({ groupId, topics: [topicName] })).resolves.toEqual([
      {
        topic: topicName,
        partitions: expect.arrayContaining([expect.objectContaining({ partition: 0, offset: '-1' })]),
      },
    ])
    consumed = []
    const again = consumed
    consumer.seek({ topic: topicName, partition: 0, offset: '1' })
    await expect(waitForMessages(again, { number: 2 })).resolves.toEqual([at(0, '1'), at(0, '2')])
  })
})

describe('with two partitions', () => {
  beforeEach(() => cluster.createTopic({ topic: topicName, partitions: 2 }))

  it('updates the partition offset to the given offset', async () => {
    await consumer.connect()
    await producer.connect()
    const messages = ['key-1', 'key-1', 'key-1', 'key-0'].map((key) => ({
      key,
      value: `value-${secureRandom()}`,
    }))
    await producer.send({ acks: 1, topic: topicName, messages })
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const consumed: unknown[] = []
    const joined = waitForConsumerToJoinGroup(consumer)
    void consumer.run({ eachMessage: async (e) => void consumed.push(e) })
    consumer.seek({ topic: topicName, partition: 1, offset: '1' })
    await joined
    await expect(waitForMessages(consumed, { number: 3 })).resolves.toEqual(
      expect.arrayContaining([at(0, '0'), at(1, '1'), at(1, '2')]),
    )
  })

  it('works for both partitions', async () => {
    await consumer.connect()
    await producer.connect()
    const messages = ['key-1', 'key-1', 'key-0', 'key-0', 'key-0'].map((key) => ({
      key,
      value: `value-${secureRandom()}`,
    }))
    await producer.send({ acks: 1, topic: topicName, messages })
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const consumed: unknown[] = []
    const joined = waitForConsumerToJoinGroup(consumer)
    void consumer.run({ eachMessage: async (e) => void consumed.push(e) })
    consumer.seek({ topic: topicName, partition: 0, offset: '2' })
    consumer.seek({ topic: topicName, partition: 1, offset: '1' })
    await joined
    await expect(waitForMessages(consumed, { number: 2 })).resolves.toEqual(
      expect.arrayContaining([at(0, '2'), at(1, '1')]),
    )
  })
})
