/**
 * KafkaJS docs: Transactions.md examples, against kafkalite/kafkajs.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { Kafka, KafkaJSNonRetriableError, logLevel } from '../../../src/kafkajs/index.js'
import { docsCluster, unique, until } from './helpers.js'

let cluster: ReturnType<typeof docsCluster>
let client: Kafka
beforeEach(() => {
  cluster = docsCluster()
  client = new Kafka({
    clientId: 'transactional-client',
    brokers: cluster.test.brokers,
    logLevel: logLevel.NOTHING,
  })
})
afterEach(() => cluster.cleanup())

function transactionalProducer() {
  const producer = client.producer({
    transactionalId: unique('my-transactional-producer'),
    maxInFlightRequests: 1,
    idempotent: true,
  })
  cluster.defer(() => producer.disconnect())
  return producer
}

async function readAll(topic: string, readUncommitted: boolean, expected: number) {
  const consumer = client.consumer({ groupId: unique('reader'), readUncommitted, maxWaitTimeInMs: 100 })
  cluster.defer(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const seen: string[] = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(String(message.value))
    },
  })
  await until(() => seen.length >= expected, `for ${expected} messages`)
  await new Promise((resolve) => setTimeout(resolve, 100))
  return seen
}

it('send within a transaction then commit: a read-committed consumer sees the messages', async () => {
  const topic = unique('topic')
  const producer = transactionalProducer()
  await producer.connect()
  const messages = [{ key: 'k', value: 'committed-1' }, { value: 'committed-2' }]
  const transaction = await producer.transaction()
  try {
    await transaction.send({ topic, messages })
    await transaction.commit()
  } catch (e) {
    await transaction.abort()
    throw e
  }
  expect(transaction.isActive()).toBe(false)
  expect(await readAll(topic, false, 2)).toEqual(['committed-1', 'committed-2'])
})

it('abort rolls back: read-committed consumers skip the messages, read-uncommitted see them', async () => {
  const topic = unique('topic')
  const producer = transactionalProducer()
  await producer.connect()
  const aborted = await producer.transaction()
  await aborted.send({ topic, messages: [{ value: 'aborted' }] })
  await aborted.abort()
  const committed = await producer.transaction()
  await committed.sendBatch({ topicMessages: [{ topic, messages: [{ value: 'kept' }] }] })
  await committed.commit()
  expect(await readAll(topic, false, 1)).toEqual(['kept'])
  expect(await readAll(topic, true, 2)).toEqual(['aborted', 'kept'])
})

it('the documented try/catch: a failing send inside the transaction leads to abort()', async () => {
  const topic = unique('topic')
  const producer = transactionalProducer()
  await producer.connect()
  const transaction = await producer.transaction()
  let aborted = false
  try {
    await transaction.send({ topic, messages: [{ value: 'first' }] })
    await transaction.send({ topic, messages: [{ value: 'bad', partition: 7 }] })
    await transaction.commit()
  } catch {
    await transaction.abort()
    aborted = true
  }
  expect(aborted).toBe(true)
  expect(cluster.test.records(topic, { readCommitted: true })).toEqual([])
})

it('using a transaction after it ended throws; producer.transaction() needs a transactionalId', async () => {
  const topic = unique('topic')
  const producer = transactionalProducer()
  await producer.connect()
  const transaction = await producer.transaction()
  await transaction.send({ topic, messages: [{ value: 'x' }] })
  await transaction.commit()
  await expect(transaction.send({ topic, messages: [{ value: 'y' }] })).rejects.toBeInstanceOf(
    KafkaJSNonRetriableError,
  )

  const plain = client.producer({ createPartitioner: () => () => 0 })
  await plain.connect()
  // KafkaJS src/producer/index.js transaction()
  await expect(plain.transaction()).rejects.toThrow(
    'Must provide transactional id for transactional producer',
  )
  await plain.disconnect()
})

it('sendOffsets({ consumerGroupId, topics }) commits offsets only when the transaction commits', async () => {
  const topic = unique('topic')
  const output = unique('out')
  const consumerGroupId = unique('group')
  const producer = transactionalProducer()
  await producer.connect()
  const admin = client.admin()
  await admin.connect()
  cluster.defer(() => admin.disconnect())
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })

  const abortMe = await producer.transaction()
  await abortMe.send({ topic: output, messages: [{ value: 'derived' }] })
  await abortMe.sendOffsets({
    consumerGroupId,
    topics: [{ topic, partitions: [{ partition: 0, offset: '5' }] }],
  })
  await abortMe.abort()
  expect(await admin.fetchOffsets({ groupId: consumerGroupId, topics: [topic] })).toEqual([
    { topic, partitions: [{ partition: 0, offset: '-1', metadata: null }] },
  ])

  const transaction = await producer.transaction()
  await transaction.send({ topic: output, messages: [{ value: 'derived' }] })
  await transaction.sendOffsets({
    consumerGroupId,
    topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }],
  })
  await transaction.commit()
  expect(await admin.fetchOffsets({ groupId: consumerGroupId, topics: [topic] })).toEqual([
    { topic, partitions: [{ partition: 0, offset: '7', metadata: null }] },
  ])
})

it('consume-transform-produce loop with sendOffsets from eachMessage', async () => {
  const input = unique('in')
  const output = unique('out')
  const groupId = unique('ctp')
  const seed = client.producer({ createPartitioner: () => () => 0 })
  await seed.connect()
  await seed.send({ topic: input, messages: [{ value: 'a' }, { value: 'b' }] })
  await seed.disconnect()

  const producer = transactionalProducer()
  await producer.connect()
  const consumer = client.consumer({ groupId, maxWaitTimeInMs: 100 })
  cluster.defer(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topics: [input], fromBeginning: true })
  let done = 0
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      const transaction = await producer.transaction()
      try {
        await transaction.send({ topic: output, messages: [{ value: String(message.value).toUpperCase() }] })
        await transaction.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] }],
        })
        await transaction.commit()
        done++
      } catch (e) {
        await transaction.abort()
        throw e
      }
    },
  })
  await until(() => done === 2)
  expect(cluster.test.records(output, { readCommitted: true }).map((r) => String(r.value))).toEqual([
    'A',
    'B',
  ])
  expect(cluster.test.groupOffsets(groupId)).toContainEqual(
    expect.objectContaining({ topic: input, partition: 0, committedOffset: 2 }),
  )
})
