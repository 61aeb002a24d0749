/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/producer/__tests__/idempotentProduceMessages.spec.js.
 *
 * The spec makes `broker.produce` throw a retriable KafkaJSError by spying on the broker object;
 * here the test broker's public fault injection (`faults.failNextProduce`, a retriable
 * REQUEST_TIMED_OUT) plays that part. The spec's cases where the error comes *after* the records
 * were appended have no public-API equivalent and are not ported.
 *
 * The spec's consumer uses maxWaitTimeInMs: 0; 1 is used here (see max-wait-zero.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Consumer, Producer } from '../../../src/kafkajs/index.js'
import { Cluster, secureRandom, waitForMessages } from './helpers.js'

let cluster: Cluster
let topicName: string
let producer: Producer
let consumer: Consumer
const messages = Array.from({ length: 4 }, (_, i) => ({ key: `key-${secureRandom()}`, value: `${i}` }))

beforeEach(async () => {
  cluster = new Cluster()
  topicName = `test-topic-${secureRandom()}`
  producer = cluster.producer({ idempotent: true })
  consumer = cluster.consumer({ groupId: `consumer-group-id-${secureRandom()}`, maxWaitTimeInMs: 1 })
  await cluster.createTopic({ topic: topicName, partitions: 1 })
  await Promise.all([producer.connect(), consumer.connect()])
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
})
afterEach(() => cluster.cleanup())

async function consumeAll(): Promise<string[]> {
  const consumed: any[] = []
  await consumer.run({ eachMessage: async (payload) => void consumed.push(payload) })
  await waitForMessages(consumed, { number: messages.length })
  await new Promise((r) => setTimeout(r, 50))
  return consumed.map(({ message }) => message.value.toString())
}

const storedValues = () =>
  cluster.test.records(topicName).map((r) => Buffer.from(r.value as Buffer).toString())

describe('sequential produce() calls', () => {
  it('writes every message to the partition once, in order', async () => {
    for (const m of messages) await producer.send({ acks: -1, topic: topicName, messages: [m] })
    expect(await consumeAll()).toEqual(['0', '1', '2', '3'])
    expect(storedValues()).toEqual(['0', '1', '2', '3'])
  })

  it('when produce() fails with a retriable error, every message is still written once, in order', async () => {
    cluster.test.faults.failNextProduce(topicName, 'REQUEST_TIMED_OUT')
    for (const m of messages) await producer.send({ acks: -1, topic: topicName, messages: [m] })
    expect(await consumeAll()).toEqual(['0', '1', '2', '3'])
    expect(storedValues()).toEqual(['0', '1', '2', '3'])
  })
})

describe('concurrent produce() calls', () => {
  it('writes every message to the partition once', async () => {
    await Promise.all(messages.map((m) => producer.send({ acks: -1, topic: topicName, messages: [m] })))
    const consumed = await consumeAll()
    expect(consumed).toHaveLength(messages.length)
    expect([...consumed].sort()).toEqual(['0', '1', '2', '3'])
  })

  for (const [which, count] of [
    ['the first call', 1],
    ['the first two calls', 2],
  ] as const) {
    it(`when ${which} ${count === 1 ? 'fails' : 'fail'} with a retriable error, every message is written once`, async () => {
      cluster.test.faults.failNextProduce(topicName, 'REQUEST_TIMED_OUT', { count })
      const results = await Promise.allSettled(
        messages.map((m) => producer.send({ acks: -1, topic: topicName, messages: [m] })),
      )
      const consumed = await consumeAll()
      expect(new Set(consumed).size).toBe(messages.length)
      expect(consumed).toHaveLength(messages.length)
      // KafkaJS retries the retriable error, so every send resolves.
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
    })
  }
})
