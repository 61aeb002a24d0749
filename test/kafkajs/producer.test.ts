/**
 * The KafkaJS producer, used as a KafkaJS user would: RecordMetadata shapes, partitioning,
 * validation and connection errors with KafkaJS's messages, topic auto-creation, broker-side
 * rejections, and what consumers get back (Buffers, headers, timestamps).
 */
import { Buffer } from 'node:buffer'
import { createRequire } from 'node:module'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  CompressionTypes,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  type PartitionerArgs,
  Partitioners,
} from '../../src/kafkajs/index.js'
import { createTestCluster, makeMessages, readMessages, type TestCluster, uniqueName } from './helpers.js'

const require = createRequire(import.meta.url)
// The real KafkaJS 2.2.4 (a dev dependency), used only as an oracle for partitioning.
const realKafkajs = require('kafkajs') as typeof import('kafkajs')

let cluster: TestCluster
let topic: string

beforeEach(() => {
  cluster = createTestCluster()
  topic = uniqueName('topic')
})

afterEach(() => cluster.cleanup())

async function connectedProducer(config: Parameters<TestCluster['producer']>[0] = {}) {
  const producer = cluster.producer(config)
  await producer.connect()
  return producer
}

describe('RecordMetadata', () => {
  it('returns one entry per partition written, with baseOffset, logAppendTime -1 and logStartOffset', async () => {
    const producer = await connectedProducer()
    const first = await producer.send({ topic, messages: makeMessages(10) })
    expect(first).toEqual([
      {
        topicName: topic,
        partition: 0,
        errorCode: 0,
        baseOffset: '0',
        logAppendTime: '-1',
        logStartOffset: '0',
      },
    ])
    const second = await producer.send({ topic, messages: makeMessages(10) })
    expect(second).toEqual([
      {
        topicName: topic,
        partition: 0,
        errorCode: 0,
        baseOffset: '10',
        logAppendTime: '-1',
        logStartOffset: '0',
      },
    ])
    // exactly KafkaJS's keys for a modern broker: no offset/timestamp fields
    expect(Object.keys(second[0] ?? {}).sort()).toEqual(
      ['baseOffset', 'errorCode', 'logAppendTime', 'logStartOffset', 'partition', 'topicName'].sort(),
    )
  })

  it('lists partitions in ascending order, each with the first offset assigned in it', async () => {
    await cluster.createTopic(topic, 3)
    const producer = await connectedProducer()
    await producer.send({ topic, messages: [{ partition: 1, value: 'warm-up' }] })
    const metadata = await producer.send({
      topic,
      messages: [
        { partition: 2, value: 'a' },
        { partition: 0, value: 'b' },
        { partition: 1, value: 'c' },
        { partition: 2, value: 'd' },
      ],
    })
    expect(metadata.map(({ partition, baseOffset }) => [partition, baseOffset])).toEqual([
      [0, '0'],
      [1, '1'],
      [2, '0'],
    ])
  })

  it('sendBatch merges entries of the same topic and keeps topics in input order', async () => {
    const other = uniqueName('other')
    const producer = await connectedProducer()
    const metadata = await producer.sendBatch({
      topicMessages: [
        { topic, messages: [{ value: 'a1' }] },
        { topic: other, messages: [{ value: 'b1' }, { value: 'b2' }] },
        { topic, messages: [{ value: 'a2' }] },
      ],
    })
    expect(metadata).toEqual([
      {
        topicName: topic,
        partition: 0,
        errorCode: 0,
        baseOffset: '0',
        logAppendTime: '-1',
        logStartOffset: '0',
      },
      {
        topicName: other,
        partition: 0,
        errorCode: 0,
        baseOffset: '0',
        logAppendTime: '-1',
        logStartOffset: '0',
      },
    ])
    const received = await readMessages(cluster, topic, 2)
    expect(received.map(({ message }) => String(message.value))).toEqual(['a1', 'a2'])
  })

  it('acks 0 resolves with [] and still appends the records', async () => {
    const producer = await connectedProducer()
    expect(await producer.send({ topic, acks: 0, messages: makeMessages(3) })).toEqual([])
    const next = await producer.send({ topic, acks: 1, messages: [{ value: 'after' }] })
    expect(next[0]?.baseOffset).toBe('3')
  })

  it('an empty messages array resolves with []', async () => {
    const producer = await connectedProducer()
    expect(await producer.send({ topic, messages: [] })).toEqual([])
    expect(await producer.sendBatch({ topicMessages: [] })).toEqual([])
  })

  it('logStartOffset reports where the log starts', async () => {
    const producer = await connectedProducer()
    await producer.send({ topic, messages: makeMessages(5) })
    const admin = cluster.admin()
    await admin.connect()
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] })
    const metadata = await producer.send({ topic, messages: [{ value: 'x' }] })
    expect(metadata[0]).toMatchObject({ baseOffset: '5', logStartOffset: '3' })
  })
})

describe('partitioning', () => {
  // Java-generated murmur2 values, reduced modulo the partition count (catalog §2.1).
  const vectors: readonly [key: string | Buffer, partitionOf3: number, partitionOf10: number | null][] = [
    ['', 0, 1],
    ['a', 1, 4],
    ['foo', 2, 6],
    ['bar', 0, 5],
    ['hello', 0, 9],
    ['key-1', 0, 0],
    ['key-2', 2, 2],
    ['key-3', 2, 7],
    ['user-1', 2, 8],
    ['user-42', 1, 0],
    ['order-1', 1, 6],
    ['order-2', 0, 3],
    ['order-3', 0, 9],
    ['test-key', 2, 1],
    ['0', 2, 6],
    ['1', 0, 9],
    ['42', 1, 2],
    [Buffer.from([0xff, 0x00, 0x80]), 1, null],
    ['é', 0, null],
  ]

  it.each([3, 10])('puts keyed messages where Java murmur2 does (%i partitions)', async (partitionCount) => {
    await cluster.createTopic(topic, partitionCount)
    const producer = await connectedProducer({ createPartitioner: Partitioners.DefaultPartitioner })
    for (const [key, of3, of10] of vectors) {
      const expected = partitionCount === 3 ? of3 : of10
      if (expected === null) continue
      const [metadata] = await producer.send({ topic, messages: [{ key: key as string, value: 'v' }] })
      expect({ key: String(key), partition: metadata?.partition }).toEqual({
        key: String(key),
        partition: expected,
      })
    }
  })

  it('agrees with the real KafkaJS DefaultPartitioner and LegacyPartitioner on random keys', async () => {
    const partitionCount = 7
    await cluster.createTopic(topic, partitionCount)
    const partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    }))
    for (const [ours, theirs] of [
      [Partitioners.DefaultPartitioner, realKafkajs.Partitioners.DefaultPartitioner],
      [Partitioners.LegacyPartitioner, realKafkajs.Partitioners.LegacyPartitioner],
    ] as const) {
      const producer = await connectedProducer({ createPartitioner: ours })
      const oracle = theirs()
      for (let index = 0; index < 100; index++) {
        const key = uniqueName(`k${index}`).slice(0, 5 + (index % 30))
        const expected = oracle({ topic, partitionMetadata, message: { key, value: 'v' } })
        const [metadata] = await producer.send({ topic, messages: [{ key, value: 'v' }] })
        expect(metadata?.partition).toBe(expected)
      }
    }
  })

  it('spreads null-key messages round-robin, k per partition for N×k messages', async () => {
    await cluster.createTopic(topic, 4)
    const producer = await connectedProducer()
    await producer.send({ topic, messages: makeMessages(12, 'batch', false) })
    for (let index = 0; index < 8; index++)
      await producer.send({ topic, messages: [{ value: `single-${index}` }] })
    const counts = await cluster.highWatermarks(topic)
    expect([...counts.values()]).toEqual(['5', '5', '5', '5'])
  })

  it('sends to message.partition as given, overriding the key', async () => {
    await cluster.createTopic(topic, 3)
    const producer = await connectedProducer()
    const [metadata] = await producer.send({ topic, messages: [{ key: 'a', partition: 2, value: 'v' }] })
    expect(metadata?.partition).toBe(2)
  })

  it('rejects with a custom partitioner’s own error, as is and without retrying, as KafkaJS bails it', async () => {
    await cluster.createTopic(topic, 3)
    const thrown = new Error('no partition for you')
    let calls = 0
    const producer = await connectedProducer({
      createPartitioner: () => () => {
        calls++
        throw thrown
      },
    })
    await expect(producer.send({ topic, messages: [{ value: 'v' }] })).rejects.toBe(thrown)
    expect(calls).toBe(1)
  })

  it('calls a custom createPartitioner once per producer and its partitioner once per message', async () => {
    await cluster.createTopic(topic, 3)
    const calls: PartitionerArgs[] = []
    let created = 0
    const producer = await connectedProducer({
      createPartitioner: () => {
        created++
        return (args) => {
          calls.push(args)
          return 1
        }
      },
    })
    const metadata = await producer.send({ topic, messages: [{ value: 'a' }, { key: 'k', value: 'b' }] })
    await producer.send({ topic, messages: [{ value: 'c' }] })
    expect(created).toBe(1)
    expect(calls).toHaveLength(3)
    expect(calls[0]).toMatchObject({ topic, message: { value: 'a' } })
    expect(calls[0]?.partitionMetadata.map(({ partitionId, leader }) => [partitionId, leader])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ])
    expect(metadata).toEqual([expect.objectContaining({ partition: 1, baseOffset: '0' })])
  })

  // A deliberate difference: KafkaJS drops such messages without an error (README).
  it.each([5, -1, 1.5, Number.NaN, '5', 'one'])(
    'refuses at once, without retrying, a message for partition %j the topic does not have, and appends nothing',
    async (partition) => {
      await cluster.createTopic(topic, 2)
      const producer = await connectedProducer()
      const started = Date.now()
      const error = await producer
        .send({
          topic,
          messages: [
            { partition: 0, value: 'kept?' },
            { partition: partition as number, value: 'v' },
          ],
        })
        .catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
      expect((error as Error).cause).toMatchObject({
        name: 'KafkaJSProtocolError',
        type: 'UNKNOWN_TOPIC_OR_PARTITION',
      })
      expect((error as Error).message).toBe(
        `Invalid partition ${typeof partition === 'string' ? `"${partition}"` : partition} for topic "${topic}": it has 2 partitions (0 to 1)`,
      )
      expect(Date.now() - started).toBeLessThan(250)
      expect(await cluster.highWatermarks(topic)).toEqual(
        new Map([
          [0, '0'],
          [1, '0'],
        ]),
      )
    },
  )

  it('refuses a custom partitioner’s answer outside the topic’s partitions the same way', async () => {
    await cluster.createTopic(topic, 3)
    const producer = await connectedProducer({ createPartitioner: () => () => 3 })
    await expect(producer.send({ topic, messages: [{ value: 'v' }] })).rejects.toThrow(
      `Invalid partition 3 for topic "${topic}": it has 3 partitions (0 to 2)`,
    )
  })

  it('reads a partition given as a decimal string as that partition, as KafkaJS does', async () => {
    await cluster.createTopic(topic, 3)
    const producer = await connectedProducer()
    const metadata = await producer.send({
      topic,
      messages: [
        { partition: '1' as never, value: 'a' },
        { partition: 1, value: 'b' },
        { partition: '2' as never, value: 'c' },
      ],
    })
    expect(metadata.map(({ partition, baseOffset }) => [partition, baseOffset])).toEqual([
      [1, '0'],
      [2, '0'],
    ])
    const received = await readMessages(cluster, topic, 3)
    expect(
      received.filter(({ partition }) => partition === 1).map(({ message }) => String(message.value)),
    ).toEqual(['a', 'b'])
  })
})

describe('validation and connection errors', () => {
  it('rejects a send before connect with the retriable KafkaJSError "The producer is disconnected"', async () => {
    const producer = cluster.producer()
    const error = await producer
      .send({ topic, messages: [{ value: 'v' }] })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KafkaJSError)
    expect(error).toMatchObject({
      name: 'KafkaJSError',
      message: 'The producer is disconnected',
      retriable: true,
    })
  })

  it('rejects a send after disconnect the same way, and while disconnecting with a non-retriable error', async () => {
    const producer = await connectedProducer()
    const disconnecting = producer.disconnect()
    await expect(producer.send({ topic, messages: [{ value: 'v' }] })).rejects.toMatchObject({
      name: 'KafkaJSNonRetriableError',
      message: "The producer is disconnecting; therefore, it can't safely accept messages anymore",
      retriable: false,
    })
    await disconnecting
    await expect(producer.send({ topic, messages: [{ value: 'v' }] })).rejects.toMatchObject({
      name: 'KafkaJSError',
      message: 'The producer is disconnected',
    })
  })

  it('rejects invalid topics and messages with KafkaJS messages, before checking the connection', async () => {
    const producer = cluster.producer()
    const cases: [() => Promise<unknown>, string][] = [
      [() => producer.send({ topic: null as unknown as string, messages: [] }), 'Invalid topic'],
      [() => producer.sendBatch({ topicMessages: [{ topic: '', messages: [] }] }), 'Invalid topic'],
      [
        () => producer.send({ topic, messages: null as unknown as [] }),
        `Invalid messages array [null] for topic "${topic}"`,
      ],
      [
        () => producer.send({ topic, messages: [{ foo: 'bar' } as never] }),
        `Invalid message without value for topic "${topic}": {"foo":"bar"}`,
      ],
    ]
    for (const [send, message] of cases) {
      const error = await send().catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
      expect(error).toMatchObject({ name: 'KafkaJSNonRetriableError', message, retriable: false })
    }
  })

  it('accepts a null value (a tombstone) and delivers it as null', async () => {
    const producer = await connectedProducer()
    await producer.send({ topic, messages: [{ key: 'k', value: null }] })
    const [received] = await readMessages(cluster, topic, 1)
    expect(received?.message.value).toBeNull()
    expect(received?.message.key).toEqual(Buffer.from('k'))
  })

  it('accepts acks 1 and a timeout, and rejects acks the broker does not know with INVALID_REQUIRED_ACKS', async () => {
    const producer = await connectedProducer()
    await expect(producer.send({ topic, acks: 1, timeout: 5, messages: [{ value: 'v' }] })).resolves.toEqual([
      expect.objectContaining({ baseOffset: '0' }),
    ])
    const error = await producer
      .send({ topic, acks: 2, messages: [{ value: 'v' }] })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KafkaJSProtocolError)
    expect(error).toMatchObject({
      type: 'INVALID_REQUIRED_ACKS',
      code: 21,
      retriable: false,
      message: 'Produce request specified an invalid value for required acks',
    })
    expect(await cluster.highWatermarks(topic)).toEqual(new Map([[0, '1']]))
  })

  it('an idempotent producer refuses acks other than -1', async () => {
    const producer = await connectedProducer({ idempotent: true })
    expect(producer.isIdempotent()).toBe(true)
    await expect(producer.send({ topic, acks: 1, messages: [{ value: 'v' }] })).rejects.toThrow(
      "Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees",
    )
    await expect(producer.send({ topic, messages: [{ value: 'v' }] })).resolves.toHaveLength(1)
    // a batch the broker rejects does not consume sequence numbers
    await expect(
      producer.send({ topic, messages: [{ value: Buffer.alloc(2 * 1024 * 1024) }] }),
    ).rejects.toMatchObject({
      type: 'MESSAGE_TOO_LARGE',
    })
    await expect(producer.send({ topic, messages: [{ value: 'w' }] })).resolves.toEqual([
      expect.objectContaining({ baseOffset: '1' }),
    ])
  })

  it('an idempotent producer without retries cannot be created', () => {
    expect(() => cluster.kafka.producer({ idempotent: true, retry: { retries: 0 } })).toThrow(
      'Idempotent producer must allow retries to protect against transient errors',
    )
  })
})

describe('topics', () => {
  it('creates a missing topic with one partition by default (allowAutoTopicCreation true)', async () => {
    const producer = await connectedProducer()
    const metadata = await producer.send({ topic, messages: makeMessages(5, 'v', true) })
    expect(metadata.map(({ partition }) => partition)).toEqual([0])
    expect([...(await cluster.highWatermarks(topic)).entries()]).toEqual([[0, '5']])
  })

  it('with allowAutoTopicCreation false, retries UNKNOWN_TOPIC_OR_PARTITION and gives up with KafkaJSNumberOfRetriesExceeded', async () => {
    const producer = await connectedProducer({
      allowAutoTopicCreation: false,
      retry: { retries: 2, initialRetryTime: 5 },
    })
    const error = (await producer
      .send({ topic, messages: [{ value: 'v' }] })
      .catch((caught: unknown) => caught)) as KafkaJSNumberOfRetriesExceeded | undefined
    expect(error).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded)
    expect(error).toMatchObject({
      name: 'KafkaJSNumberOfRetriesExceeded',
      message: 'This server does not host this topic-partition',
      retriable: false,
      retryCount: 2,
    })
    expect(error?.cause).toBeInstanceOf(KafkaJSProtocolError)
    expect(error?.cause).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true })
    const admin = cluster.admin()
    await admin.connect()
    expect(await admin.listTopics()).not.toContain(topic)
  })

  it('with allowAutoTopicCreation false, sends to an existing topic', async () => {
    await cluster.createTopic(topic, 2)
    const producer = await connectedProducer({ allowAutoTopicCreation: false })
    await expect(producer.send({ topic, messages: [{ partition: 1, value: 'v' }] })).resolves.toEqual([
      expect.objectContaining({ partition: 1, baseOffset: '0' }),
    ])
  })

  it('rejects an invalid topic name without retrying, and the producer stays usable', async () => {
    const producer = await connectedProducer()
    for (const invalid of [`${topic}-abc)(*&^%`, 'x'.repeat(250), '..']) {
      const error = await producer
        .send({ topic: invalid, messages: [{ value: 'v' }] })
        .catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
      expect(error).toMatchObject({
        name: 'KafkaJSNonRetriableError',
        message: 'The request attempted to perform an operation on an invalid topic',
        retriable: false,
        cause: expect.objectContaining({
          name: 'KafkaJSProtocolError',
          type: 'INVALID_TOPIC_EXCEPTION',
          code: 17,
        }),
      })
    }
    await expect(producer.send({ topic, messages: [{ value: 'v' }] })).resolves.toHaveLength(1)
  })

  it('rejects a batch over max.message.bytes with MESSAGE_TOO_LARGE, appends nothing, and stays usable', async () => {
    const producer = await connectedProducer()
    const error = await producer
      .send({ topic, messages: [{ value: 'small' }, { value: Buffer.alloc(2 * 1024 * 1024) }] })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KafkaJSProtocolError)
    expect(error).toMatchObject({
      name: 'KafkaJSProtocolError',
      type: 'MESSAGE_TOO_LARGE',
      code: 10,
      retriable: false,
      // as Kafka 3.9.1 + KafkaJS 2.2.4 report it
      message: 'The request included a message larger than the max message size the server will accept',
    })
    const [metadata] = await producer.send({ topic, messages: [{ value: 'after' }] })
    expect(metadata?.baseOffset).toBe('0')
  })
})

describe('what consumers receive', () => {
  it('keys, values and header values come back as Buffers; repeated header keys as arrays', async () => {
    const producer = await connectedProducer()
    await producer.send({
      topic,
      messages: [
        {
          key: 'key',
          value: Buffer.from([1, 2, 3]),
          headers: {
            text: 'plain',
            binary: Buffer.from([0xde, 0xad]),
            repeated: ['one', Buffer.from('two')],
            none: [],
          },
        },
      ],
    })
    const [received] = await readMessages(cluster, topic, 1)
    const message = received?.message
    expect(Buffer.isBuffer(message?.key)).toBe(true)
    expect(Buffer.isBuffer(message?.value)).toBe(true)
    expect(message?.key).toEqual(Buffer.from('key'))
    expect(message?.value).toEqual(Buffer.from([1, 2, 3]))
    expect(message?.headers).toEqual({
      text: Buffer.from('plain'),
      binary: Buffer.from([0xde, 0xad]),
      repeated: [Buffer.from('one'), Buffer.from('two')],
    })
    expect(Buffer.isBuffer(message?.headers?.text)).toBe(true)
  })

  it('delivers the message shape KafkaJS decodes from a record batch', async () => {
    const producer = await connectedProducer()
    await producer.send({ topic, messages: [{ key: null, value: 'v', timestamp: '1600000000123' }] })
    const [received] = await readMessages(cluster, topic, 1)
    expect(received?.message).toMatchObject({
      magicByte: 2,
      attributes: 0,
      timestamp: '1600000000123',
      offset: '0',
      key: null,
      value: Buffer.from('v'),
      headers: {},
      isControlRecord: false,
      batchContext: expect.objectContaining({
        firstOffset: '0',
        isControlBatch: false,
        inTransaction: false,
      }),
    })
  })

  it('defaults the timestamp to the send time, as a decimal string', async () => {
    const producer = await connectedProducer()
    const before = Date.now()
    await producer.send({ topic, messages: [{ value: 'v' }] })
    const after = Date.now()
    const [received] = await readMessages(cluster, topic, 1)
    const timestamp = received?.message.timestamp ?? ''
    expect(timestamp).toMatch(/^\d+$/)
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before)
    expect(Number(timestamp)).toBeLessThanOrEqual(after)
  })

  // KafkaJS sizes keys, values and header values with Buffer.byteLength before writing them as
  // String(value): checked against KafkaJS 2.2.4 and Kafka 3.9.1 (test/differential/edge-cases).
  it.each([
    ['a number value', { value: 42 }, 'Received type number (42)'],
    ['a boolean value', { value: true }, 'Received type boolean (true)'],
    ['an object value', { value: { a: 1 } }, 'Received an instance of Object'],
    ['a number key', { key: 7, value: 'v' }, 'Received type number (7)'],
    ['a number header value', { value: 'v', headers: { n: 1 } }, 'Received type number (1)'],
    ['a null header value', { value: 'v', headers: { h: null } }, 'Received null'],
    ['an undefined header value', { value: 'v', headers: { h: undefined } }, 'Received undefined'],
    ['a number inside a header array', { value: 'v', headers: { h: ['a', 2] } }, 'Received type number (2)'],
  ])(
    'rejects %s with Node’s TypeError, as is, and appends nothing of the send',
    async (_, message, received) => {
      const producer = await connectedProducer()
      const error = await producer
        .send({ topic, messages: [{ value: 'first' }, message as never] })
        .catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(TypeError)
      expect(error).toMatchObject({
        code: 'ERR_INVALID_ARG_TYPE',
        message: `The "string" argument must be of type string or an instance of Buffer or ArrayBuffer. ${received}`,
      })
      expect(await cluster.highWatermarks(topic)).toEqual(new Map([[0, '0']]))
      await producer.send({ topic, messages: [{ value: 'after' }] })
      expect(await cluster.highWatermarks(topic)).toEqual(new Map([[0, '1']]))
    },
  )

  it('rejects binary data that is not a Buffer as the broker does (INVALID_RECORD), unless its text has its length', async () => {
    const producer = await connectedProducer()
    for (const value of [
      new Uint8Array([104, 105]),
      new Uint8Array([1]).buffer,
      new DataView(new ArrayBuffer(3)),
    ]) {
      const error = await producer
        .send({ topic, messages: [{ value: value as never }] })
        .catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(KafkaJSProtocolError)
      expect(error).toMatchObject({
        type: 'INVALID_RECORD',
        retriable: false,
        message: 'This record has failed the validation on broker and hence be rejected',
      })
    }
    expect(await cluster.highWatermarks(topic)).toEqual(new Map([[0, '0']]))
    // KafkaJS writes String(value): a Uint8Array [5] is the one-byte text "5", whose length agrees.
    await producer.send({
      topic,
      messages: [{ key: new Uint8Array([7]) as never, value: new Uint8Array([5]) as never }],
    })
    const [received] = await readMessages(cluster, topic, 1)
    expect(String(received?.message.key)).toBe('7')
    expect(String(received?.message.value)).toBe('5')
  })

  it('a Buffer mutated after send does not change the stored record', async () => {
    const producer = await connectedProducer()
    const key = Buffer.from('key-original')
    const value = Buffer.from('value-original')
    const header = Buffer.from('header-original')
    const sending = producer.send({ topic, messages: [{ key, value, headers: { h: header } }] })
    key.fill(0)
    value.fill(0)
    await sending
    header.fill(0)
    const [received] = await readMessages(cluster, topic, 1)
    expect(String(received?.message.key)).toBe('key-original')
    expect(String(received?.message.value)).toBe('value-original')
    expect(String(received?.message.headers?.h)).toBe('header-original')
  })

  it('LogAppendTime topics stamp the broker time and keep keys, values and headers intact', async () => {
    const admin = cluster.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [{ topic, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    })
    const producer = await connectedProducer()
    const before = Date.now()
    await producer.send({
      topic,
      messages: [
        { key: 'k1', value: 'v1', timestamp: '1000', headers: { h: 'x' } },
        { key: null, value: null, timestamp: '1000' },
      ],
    })
    const received = await readMessages(cluster, topic, 2)
    expect(
      received.map(({ message }) => [message.key?.toString() ?? null, message.value?.toString() ?? null]),
    ).toEqual([
      ['k1', 'v1'],
      [null, null],
    ])
    expect(String(received[0]?.message.headers?.h)).toBe('x')
    for (const { message } of received) expect(Number(message.timestamp)).toBeGreaterThanOrEqual(before)
  })

  it('messages of one batch get separate Buffers: mutating one message leaves its neighbours intact', async () => {
    const producer = await connectedProducer()
    await producer.send({
      topic,
      messages: [
        { key: 'a', value: 'first' },
        { key: 'b', value: 'second' },
      ],
    })
    const received = await readMessages(cluster, topic, 2)
    received[0]?.message.value?.fill(0)
    received[0]?.message.key?.fill(0)
    expect(String(received[1]?.message.key)).toBe('b')
    expect(String(received[1]?.message.value)).toBe('second')
    const again = await readMessages(cluster, topic, 2)
    expect(again.map(({ message }) => String(message.value))).toEqual(['first', 'second'])
  })

  it('a consumed Buffer mutated by one consumer does not change what another consumer reads', async () => {
    const producer = await connectedProducer()
    await producer.send({ topic, messages: [{ value: 'shared' }] })
    const [first] = await readMessages(cluster, topic, 1)
    const received = first?.message.value
    if (!received) throw new Error('expected a value')
    received.fill(0)
    const [second] = await readMessages(cluster, topic, 1)
    expect(String(second?.message.value)).toBe('shared')
  })
})

describe('compression', () => {
  it('accepts GZIP and None, storing records that read back unchanged', async () => {
    const producer = await connectedProducer()
    await producer.send({ topic, compression: CompressionTypes.GZIP, messages: [{ value: 'gzip' }] })
    await producer.send({ topic, compression: CompressionTypes.None, messages: [{ value: 'none' }] })
    const received = await readMessages(cluster, topic, 2)
    expect(received.map(({ message }) => String(message.value))).toEqual(['gzip', 'none'])
  })

  it('rejects Snappy without a registered codec with KafkaJSNotImplemented', async () => {
    const producer = await connectedProducer()
    await expect(
      producer.send({ topic, compression: CompressionTypes.Snappy, messages: [{ value: 'v' }] }),
    ).rejects.toMatchObject({ name: 'KafkaJSNotImplemented', message: 'Snappy compression not implemented' })
  })
})

describe('the producer object', () => {
  it('has exactly KafkaJS keys', () => {
    expect(Object.keys(cluster.producer()).sort()).toEqual(
      [
        'connect',
        'disconnect',
        'isIdempotent',
        'events',
        'on',
        'send',
        'sendBatch',
        'transaction',
        'logger',
      ].sort(),
    )
  })

  it('serves concurrent sends without losing or duplicating records', async () => {
    await cluster.createTopic(topic, 3)
    const producer = await connectedProducer()
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        producer.send({ topic, messages: makeMessages(5, `send-${index}`) }),
      ),
    )
    const received = await readMessages(cluster, topic, 100)
    expect(new Set(received.map(({ message }) => String(message.value))).size).toBe(100)
  })
})
