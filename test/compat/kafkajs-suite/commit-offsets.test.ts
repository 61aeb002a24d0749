/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/consumer/__tests__/commitOffsets.spec.js.
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

beforeEach(async () => {
  cluster = new Cluster()
  topicName = `test-topic-${secureRandom()}`
  groupId = `consumer-group-id-${secureRandom()}`
  await cluster.createTopic({ topic: topicName })
  producer = cluster.producer({ createPartitioner: createModPartitioner as never })
  consumer = cluster.consumer({ groupId })
})
afterEach(() => cluster.cleanup())

describe('argument validation', () => {
  const cases: [string, () => unknown[], string][] = [
    ['an invalid topic', () => [{ topic: null }], 'Invalid topic null'],
    [
      'a partition that is not a number',
      () => [{ topic: topicName, partition: 'ABC' }],
      'Invalid partition, expected a number received ABC',
    ],
    [
      'an offset that is not a number',
      () => [{ topic: topicName, partition: 0, offset: 'ABC' }],
      'Invalid offset, expected a long received ABC',
    ],
    [
      'a negative offset',
      () => [{ topic: topicName, partition: 0, offset: '-1' }],
      'Offset must not be a negative number',
    ],
    [
      'offset metadata that is not a string',
      () => [{ topic: topicName, partition: 0, offset: '1', metadata: 123 }],
      'Invalid offset metadata, expected string or null, received 123',
    ],
    [
      'a call before run()',
      () => [{ topic: topicName, partition: 0, offset: '1' }],
      'Consumer group was not initialized, consumer#run must be called first',
    ],
  ]
  for (const [what, args, message] of cases) {
    it(`rejects ${what}: ${message}`, async () => {
      const promise = consumer.commitOffsets(args() as never)
      await expect(promise).rejects.toBeInstanceOf(KafkaJSNonRetriableError)
      await expect(promise).rejects.toThrow(message)
    })
  }
})

it('updates the committed offset of the partition to the given offset', async () => {
  const admin = cluster.admin()
  await admin.connect()
  await consumer.connect()
  await producer.connect()
  const messages = Array.from({ length: 3 }, () => {
    const value = secureRandom()
    return { key: `key-${value}`, value: `value-${value}` }
  })
  await producer.send({ acks: 1, topic: topicName, messages })
  const offsetsConsumed: string[] = []
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  const joined = waitForConsumerToJoinGroup(consumer)
  void consumer.run({
    autoCommit: false,
    eachMessage: async (event) => {
      offsetsConsumed.push(event.message.offset)
      if (offsetsConsumed.length === 1) {
        await consumer.commitOffsets([{ topic: topicName, partition: 0, offset: '1' }])
      }
    },
  })
  await joined
  await expect(waitForMessages(offsetsConsumed, { number: 3 })).resolves.toEqual(['0', '1', '2'])
  await expect(admin.fetchOffsets({ groupId, topics: [topicName] })).resolves.toEqual([
    { topic: topicName, partitions: [expect.objectContaining({ partition: 0, offset: '1' })] },
  ])
})

it('commits the given metadata, and reports it in the COMMIT_OFFSETS event', async () => {
  const admin = cluster.admin()
  await admin.connect()
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  await consumer.run({ eachMessage: async () => {} })
  const events: any[] = []
  consumer.on(consumer.events.COMMIT_OFFSETS, (event) => void events.push(event))
  await consumer.commitOffsets([{ topic: topicName, partition: 0, offset: '1', metadata: 'my-metadata' }])
  await expect(admin.fetchOffsets({ groupId, topics: [topicName] })).resolves.toEqual([
    { topic: topicName, partitions: [{ partition: 0, offset: '1', metadata: 'my-metadata' }] },
  ])
  // KafkaJS emits the commit request's topics as built by consumer.commitOffsets
  // (consumer/index.js:353-394 → offsetManager/index.js:246-266): each partition entry is
  // { partition, offset, metadata }, with the offset as a Long (String(offset) === '1').
  expect(events).toHaveLength(1)
  const [partition] = events[0].payload.topics[0].partitions
  expect({
    partition: partition.partition,
    offset: String(partition.offset),
    metadata: partition.metadata,
  }).toEqual({
    partition: 0,
    offset: '1',
    metadata: 'my-metadata',
  })
})
