/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/consumer/__tests__/subscribe.spec.js.
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
let groupId: string
let consumer: Consumer
let producer: Producer

beforeEach(() => {
  cluster = new Cluster()
  groupId = `consumer-group-id-${secureRandom()}`
  consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 1, maxBytesPerPartition: 180 })
  producer = cluster.producer({ createPartitioner: createModPartitioner as never })
})
afterEach(() => cluster.cleanup())

async function runAndJoin(consumed: any[]) {
  const joined = waitForConsumerToJoinGroup(consumer)
  void consumer.run({ eachMessage: async (event) => void consumed.push(event) })
  await joined
}

describe('subscribing to several topics', () => {
  it('rejects when one of the topics is invalid', async () => {
    const promise = consumer.subscribe({ topics: [1 as never] })
    await expect(promise).rejects.toHaveProperty(
      'message',
      'Invalid topic 1 (number), the topic name has to be a String or a RegExp',
    )
    await expect(promise).rejects.toBeInstanceOf(KafkaJSNonRetriableError)
  })

  it('subscribes by topic name, as a string or as a RegExp', async () => {
    const scope = secureRandom()
    const regexMatchingTopic = `pattern-${scope}-regex-${secureRandom()}`
    const topics = [`topic-${secureRandom()}`, `topic-${secureRandom()}`, regexMatchingTopic]
    await Promise.all(topics.map((topic) => cluster.createTopic({ topic })))
    const consumed: any[] = []
    await consumer.connect()
    await consumer.subscribe({
      topics: [topics[0]!, topics[1]!, new RegExp(`pattern-${scope}-regex-.*`, 'i')],
      fromBeginning: true,
    })
    await runAndJoin(consumed)
    await producer.connect()
    await producer.sendBatch({
      acks: 1,
      topicMessages: [
        { topic: topics[0]!, messages: [{ key: 'drink', value: 'drink' }] },
        { topic: topics[1]!, messages: [{ key: 'your', value: 'your' }] },
        { topic: topics[2]!, messages: [{ key: 'ovaltine', value: 'ovaltine' }] },
      ],
    })
    await waitForMessages(consumed, { number: 3 })
    expect(consumed.map((m) => m.message.value.toString())).toEqual(
      expect.arrayContaining(['drink', 'your', 'ovaltine']),
    )
  })
})

describe('the deprecated "topic" argument', () => {
  it('rejects a null topic: Missing required argument "topics"', async () => {
    await expect(consumer.subscribe({ topic: null as never })).rejects.toHaveProperty(
      'message',
      'Missing required argument "topics"',
    )
  })

  it('rejects a topic that is neither a String nor a RegExp', async () => {
    await expect(consumer.subscribe({ topic: 1 as never })).rejects.toHaveProperty(
      'message',
      'Invalid topic 1 (number), the topic name has to be a String or a RegExp',
    )
  })

  it('subscribes to a topic given as a string', async () => {
    const topic = `topic-${secureRandom()}`
    await cluster.createTopic({ topic })
    const consumed: any[] = []
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await runAndJoin(consumed)
    await producer.connect()
    await producer.sendBatch({
      acks: 1,
      topicMessages: [{ topic, messages: [{ key: 'key-a', value: 'value-a' }] }],
    })
    await waitForMessages(consumed, { number: 1 })
    expect(consumed.map((m) => m.message.value.toString()).sort()).toEqual(['value-a'])
  })

  it('subscribes to every topic a RegExp matches, and only to those', async () => {
    const scope = secureRandom()
    const [us, se, uk, br] = ['us', 'se', 'uk', 'br'].map(
      (c) => `pattern-${scope}-${c}-${secureRandom()}`,
    ) as [string, string, string, string]
    await Promise.all([us, se, uk, br].map((topic) => cluster.createTopic({ topic })))
    const consumed: any[] = []
    await consumer.connect()
    await consumer.subscribe({ topic: new RegExp(`pattern-${scope}-(se|br)-.*`, 'i'), fromBeginning: true })
    await runAndJoin(consumed)
    await producer.connect()
    await producer.sendBatch({
      acks: 1,
      topicMessages: [
        { topic: us, messages: [{ key: 'key-us', value: 'value-us' }] },
        { topic: uk, messages: [{ key: 'key-uk', value: 'value-uk' }] },
        { topic: se, messages: [{ key: 'key-se', value: 'value-se' }] },
        { topic: br, messages: [{ key: 'key-br', value: 'value-br' }] },
      ],
    })
    await waitForMessages(consumed, { number: 2 })
    // Give a wrongly subscribed topic the time to show up before asserting on exactly two.
    await new Promise((r) => setTimeout(r, 100))
    expect(consumed.map((m) => m.message.value.toString()).sort()).toEqual(['value-br', 'value-se'])
  })
})

describe('other subscribe() rules of consumer/index.js', () => {
  it('rejects "topics" that is not an array', async () => {
    const promise = consumer.subscribe({ topics: 'abc' as never })
    await expect(promise).rejects.toBeInstanceOf(KafkaJSNonRetriableError)
    await expect(promise).rejects.toHaveProperty('message', 'Argument "topics" must be an array')
  })

  it('rejects a subscription while the consumer is running', async () => {
    const topic = `topic-${secureRandom()}`
    await cluster.createTopic({ topic })
    await consumer.connect()
    await consumer.subscribe({ topic })
    await runAndJoin([])
    const promise = consumer.subscribe({ topic: `topic-${secureRandom()}` })
    await expect(promise).rejects.toBeInstanceOf(KafkaJSNonRetriableError)
    await expect(promise).rejects.toHaveProperty(
      'message',
      'Cannot subscribe to topic while consumer is running',
    )
  })
})
