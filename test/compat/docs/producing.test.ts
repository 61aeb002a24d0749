/**
 * KafkaJS docs: Producing.md examples (send, partitions, headers, sendBatch, compression),
 * against kafkalite/kafkajs.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import {
  CompressionCodecs,
  CompressionTypes,
  type IHeaders,
  Kafka,
  KafkaJSNotImplemented,
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

async function consumeAll(topics: string[], count: number) {
  const consumer = kafka.consumer({ groupId: unique('g') })
  cluster.defer(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topics, fromBeginning: true })
  const seen: {
    topic: string
    partition: number
    key: string | undefined
    value: string | undefined
    headers: IHeaders | undefined
    timestamp: string
  }[] = []
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      seen.push({
        topic,
        partition,
        key: message.key?.toString(),
        value: message.value?.toString(),
        headers: message.headers,
        timestamp: message.timestamp,
      })
    },
  })
  await until(() => seen.length >= count, `for ${count} messages`)
  return seen
}

it('producer options { allowAutoTopicCreation: false, transactionTimeout } are accepted', async () => {
  const producer = kafka.producer({ allowAutoTopicCreation: false, transactionTimeout: 30000 })
  await producer.connect()
  const topic = unique('precreated')
  await createTopic(topic)
  await producer.send({ topic, messages: [{ value: 'ok' }] })
  await producer.disconnect()
  expect(cluster.test.records(topic)).toHaveLength(1)
})

it('send: two keyed messages; resolves to RecordMetadata per partition', async () => {
  const topic = unique('topic-name')
  const producer = kafka.producer()
  await producer.connect()
  const result = await producer.send({
    topic,
    messages: [
      { key: 'key1', value: 'hello world' },
      { key: 'key2', value: 'hey hey!' },
    ],
  })
  await producer.disconnect()
  // KafkaJS src/producer/sendMessages.js: one entry per (topic, partition) with string offsets
  expect(result).toEqual([
    expect.objectContaining({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' }),
  ])
  const seen = await consumeAll([topic], 2)
  expect(seen.map(({ key, value }) => ({ key, value }))).toEqual([
    { key: 'key1', value: 'hello world' },
    { key: 'key2', value: 'hey hey!' },
  ])
})

it('send: a defined partition per message is honored', async () => {
  const topic = unique('topic-name')
  await createTopic(topic, 2)
  const producer = kafka.producer()
  await producer.connect()
  const result = await producer.send({
    topic,
    messages: [
      { key: 'key1', value: 'hello world', partition: 0 },
      { key: 'key2', value: 'hey hey!', partition: 1 },
    ],
  })
  await producer.disconnect()
  expect([...result].sort((a, b) => a.partition - b.partition)).toEqual([
    expect.objectContaining({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' }),
    expect.objectContaining({ topicName: topic, partition: 1, errorCode: 0, baseOffset: '0' }),
  ])
  const records = cluster.test.records(topic)
  expect(records.map((r) => [r.partition, String(r.value)])).toEqual([
    [0, 'hello world'],
    [1, 'hey hey!'],
  ])
})

it('send signature: acks, timeout, compression (acks 0 resolves to an empty array)', async () => {
  const topic = unique('topic-name')
  const producer = kafka.producer()
  await producer.connect()
  const all = await producer.send({
    topic,
    messages: [{ value: 'a' }],
    acks: -1,
    timeout: 30000,
    compression: CompressionTypes.None,
  })
  expect(all).toHaveLength(1)
  const leader = await producer.send({ topic, messages: [{ value: 'b' }], acks: 1 })
  expect(leader[0]).toMatchObject({ baseOffset: '1' })
  // KafkaJS src/producer/sendMessages.js: `expectResponse = acks !== 0`, else []
  const none = await producer.send({ topic, messages: [{ value: 'c' }], acks: 0 })
  expect(none).toEqual([])
  await producer.disconnect()
  expect(cluster.test.records(topic).map((r) => String(r.value))).toEqual(['a', 'b', 'c'])
})

it('message value may be a Buffer, a string or null; timestamp defaults to now, or is kept', async () => {
  const topic = unique('values')
  const producer = kafka.producer()
  await producer.connect()
  const before = Date.now()
  await producer.send({
    topic,
    messages: [
      { value: Buffer.from('buf') },
      { value: 'str' },
      { key: 'tombstone', value: null },
      { value: 'stamped', timestamp: '1600000000000' },
    ],
  })
  await producer.disconnect()
  const seen = await consumeAll([topic], 4)
  expect(seen.map((m) => m.value)).toEqual(['buf', 'str', undefined, 'stamped'])
  expect(Number(seen[0]!.timestamp)).toBeGreaterThanOrEqual(before)
  expect(typeof seen[0]!.timestamp).toBe('string')
  expect(seen[3]!.timestamp).toBe('1600000000000')
})

it('headers: string values are delivered as Buffers; array values are repeated headers', async () => {
  const topic = unique('topic-name')
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({
    topic,
    messages: [
      {
        key: 'key1',
        value: 'hello world',
        headers: {
          'correlation-id': '2bfb68bb-893a-423b-a7fa-7b568cad5b67',
          'system-id': 'my-system',
        },
      },
      { key: 'key2', value: 'multi', headers: { participants: ['Alice', 'Bob'] } },
    ],
  })
  await producer.disconnect()
  const seen = await consumeAll([topic], 2)
  expect(seen[0]!.headers).toEqual({
    'correlation-id': Buffer.from('2bfb68bb-893a-423b-a7fa-7b568cad5b67'),
    'system-id': Buffer.from('my-system'),
  })
  // MigrationGuide-2-0-0: duplicate header keys come back as an array of Buffers
  expect(seen[1]!.headers).toEqual({ participants: [Buffer.from('Alice'), Buffer.from('Bob')] })
})

it('sendBatch: topicMessages to three topics', async () => {
  const [a, b, c] = [unique('topic-a'), unique('topic-b'), unique('topic-c')]
  const producer = kafka.producer()
  await producer.connect()
  const topicMessages = [
    { topic: a, messages: [{ key: 'key', value: 'hello topic-a' }] },
    { topic: b, messages: [{ key: 'key', value: 'hello topic-b' }] },
    {
      topic: c,
      messages: [
        {
          key: 'key',
          value: 'hello topic-c',
          headers: { 'correlation-id': '2bfb68bb-893a-423b-a7fa-7b568cad5b67' },
        },
      ],
    },
  ]
  const result = await producer.sendBatch({ topicMessages })
  await producer.disconnect()
  expect(result.map((r) => r.topicName).sort()).toEqual([a, b, c].sort())
  for (const r of result) expect(r).toMatchObject({ partition: 0, errorCode: 0, baseOffset: '0' })
  const seen = await consumeAll([a, b, c], 3)
  expect(seen.map((m) => [m.topic, m.value]).sort()).toEqual(
    [
      [a, 'hello topic-a'],
      [b, 'hello topic-b'],
      [c, 'hello topic-c'],
    ].sort(),
  )
  expect(seen.find((m) => m.topic === c)!.headers).toEqual({
    'correlation-id': Buffer.from('2bfb68bb-893a-423b-a7fa-7b568cad5b67'),
  })
})

it('sendBatch signature: acks, timeout, compression', async () => {
  const topic = unique('t')
  const producer = kafka.producer()
  await producer.connect()
  const result = await producer.sendBatch({
    topicMessages: [{ topic, messages: [{ value: 'x' }] }],
    acks: 1,
    timeout: 1000,
    compression: CompressionTypes.GZIP,
  })
  await producer.disconnect()
  expect(result).toEqual([expect.objectContaining({ topicName: topic, partition: 0, baseOffset: '0' })])
})

it('compression GZIP: consumers decompress transparently', async () => {
  const topic = unique('topic-name')
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({
    topic,
    compression: CompressionTypes.GZIP,
    messages: [
      { key: 'key1', value: 'hello world' },
      { key: 'key2', value: 'hey hey!' },
    ],
  })
  await producer.disconnect()
  const seen = await consumeAll([topic], 2)
  expect(seen.map((m) => m.value)).toEqual(['hello world', 'hey hey!'])
})

it('compression Snappy without a registered codec fails with KafkaJSNotImplemented', async () => {
  const producer = kafka.producer()
  await producer.connect()
  const saved = CompressionCodecs[CompressionTypes.Snappy]
  try {
    // KafkaJS src/protocol/message/compression/index.js: Snappy throws until a codec is registered
    await expect(
      producer.send({ topic: unique('t'), compression: CompressionTypes.Snappy, messages: [{ value: 'x' }] }),
    ).rejects.toBeInstanceOf(KafkaJSNotImplemented)
  } finally {
    CompressionCodecs[CompressionTypes.Snappy] = saved!
    await producer.disconnect()
  }
})

it('compression Other: a custom codec registered under Snappy lets send and consume work', async () => {
  const MyCustomSnappyCodec = {
    async compress(encoder: { buffer: Buffer }) {
      return encoder.buffer
    },
    async decompress(buffer: Buffer) {
      return buffer
    },
  }
  const saved = CompressionCodecs[CompressionTypes.Snappy]
  CompressionCodecs[CompressionTypes.Snappy] = () => MyCustomSnappyCodec
  try {
    const topic = unique('topic-name')
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic,
      compression: CompressionTypes.Snappy,
      messages: [
        { key: 'key1', value: 'hello world' },
        { key: 'key2', value: 'hey hey!' },
      ],
    })
    await producer.disconnect()
    const seen = await consumeAll([topic], 2)
    expect(seen.map((m) => m.value)).toEqual(['hello world', 'hey hey!'])
  } finally {
    CompressionCodecs[CompressionTypes.Snappy] = saved!
  }
})
