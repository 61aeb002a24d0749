/**
 * KafkaJS docs: GettingStarted.md and Configuration.md examples, against kafkalite/kafkajs.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import kafkajsDefault, { Kafka, logLevel } from '../../../src/kafkajs/index.js'
import { docsCluster, unique, until } from './helpers.js'

let cluster: ReturnType<typeof docsCluster>
beforeEach(() => {
  cluster = docsCluster()
})
afterEach(() => cluster.cleanup())

it('GettingStarted: produce then consume "Hello KafkaJS user!" from the beginning', async () => {
  const kafka = new Kafka({ clientId: 'my-app', brokers: cluster.test.brokers, logLevel: logLevel.NOTHING })
  const topic = unique('test-topic')

  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, messages: [{ value: 'Hello KafkaJS user!' }] })
  await producer.disconnect()

  const consumer = kafka.consumer({ groupId: unique('test-group') })
  cluster.defer(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen: { value: string }[] = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push({ value: message.value!.toString() })
    },
  })
  await until(() => seen.length === 1, 'for the message')
  expect(seen).toEqual([{ value: 'Hello KafkaJS user!' }])
})

it('Configuration: require("kafkajs") style default import exposes Kafka and logLevel', () => {
  expect(kafkajsDefault.Kafka).toBe(Kafka)
  expect(kafkajsDefault.logLevel).toEqual({ NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 })
})

it('Configuration: brokers may be an async function resolving to the broker list', async () => {
  const kafka = new Kafka({
    clientId: 'my-app',
    brokers: async () => cluster.test.brokers,
    logLevel: logLevel.NOTHING,
  })
  const admin = kafka.admin()
  await admin.connect()
  const topic = unique('discovered')
  expect(await admin.createTopics({ topics: [{ topic }] })).toBe(true)
  expect(await admin.listTopics()).toContain(topic)
  await admin.disconnect()
})

it('Configuration: connectionTimeout, requestTimeout, enforceRequestTimeout, retry are accepted', async () => {
  const configs = [
    { connectionTimeout: 3000 },
    { requestTimeout: 25000 },
    { enforceRequestTimeout: false },
    { retry: { initialRetryTime: 100, retries: 8 } },
  ]
  for (const extra of configs) {
    const kafka = new Kafka({
      clientId: 'my-app',
      brokers: cluster.test.brokers,
      logLevel: logLevel.NOTHING,
      ...extra,
    })
    const producer = kafka.producer()
    await producer.connect()
    const [meta] = await producer.send({ topic: unique('cfg'), messages: [{ value: 'x' }] })
    expect(meta).toMatchObject({ partition: 0, errorCode: 0, baseOffset: '0' })
    await producer.disconnect()
  }
})

it('Configuration: a custom socketFactory is accepted (never called: no network in process)', async () => {
  let calls = 0
  const kafka = new Kafka({
    clientId: 'my-app',
    brokers: cluster.test.brokers,
    logLevel: logLevel.NOTHING,
    socketFactory: () => {
      calls++
      throw new Error('not used')
    },
  })
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic: unique('sock'), messages: [{ value: 'x' }] })
  await producer.disconnect()
  expect(calls).toBe(0)
})
