/**
 * Port of chrvadala/kafka-test-helper (commit cd70143) test/index.spec.js,
 * examples/ConsumerExample.test.js + examples/ConsumerExample.js and
 * examples/ProducerExample.test.js + examples/ProducerExample.js to vitest.
 * Infrastructure only: the docker broker (KAFKA_SERVER) is a kafkalite createTestBroker().
 */
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import type { Consumer, Kafka, Producer } from '../../../../src/kafkajs/index.js'
import { createTestBroker, type TestBroker } from '../../../../src/testing/index.js'
import getKafka from './get-kafka.js'
import { createKafkaTestHelper } from './KafkaTestHelper.js'

let testBroker: TestBroker
beforeAll(() => {
  testBroker = createTestBroker()
})
afterAll(async () => {
  await testBroker.close()
})

// --- examples/ConsumerExample.js
const CONSUMER_TIMEOUT_DEFAULTS = {
  sessionTimeout: 10_000,
  rebalanceTimeout: 12_000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 100,
}

class ConsumerExample {
  kafka: Kafka | null = null
  consumer: Consumer | null = null
  async setup(kafka: Kafka, topicPrefix: number) {
    const consumer = kafka.consumer({ groupId: 'test-group', ...CONSUMER_TIMEOUT_DEFAULTS })

    await consumer.connect()
    await consumer.subscribe({ topic: `${topicPrefix}test-topic`, fromBeginning: true })

    await consumer.run({
      eachMessage: async ({ message }) => {
        await this.handleMessage(message.value!.toString())
      },
    })

    this.kafka = kafka
    this.consumer = consumer
  }

  async handleMessage(_message: string): Promise<void> {
    // console.log(message)
  }

  async destroy() {
    await this.consumer!.disconnect()
    this.consumer = null
    this.kafka = null
  }
}

// --- examples/ProducerExample.js
class ProducerExample {
  kafka: Kafka | null = null
  topicPrefix: number | null = null
  producer: Producer | null = null
  async setup(kafka: Kafka, topicPrefix: number) {
    const producer = kafka.producer()
    await producer.connect()

    this.kafka = kafka
    this.topicPrefix = topicPrefix
    this.producer = producer
  }

  async doSomething(record: unknown) {
    await this.producer!.send({
      topic: `${this.topicPrefix}_something_happened`,
      messages: [
        {
          value: JSON.stringify({
            operation: 'doSomething',
            record,
          }),
        },
      ],
    })
  }

  async destroy() {
    const producer = this.producer!
    this.kafka = null
    this.topicPrefix = null
    this.producer = null
    await producer.disconnect()
  }
}

// --- test/index.spec.js
let i = 0
const randomString = (prefix: string) => {
  const random = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')
  return `${random}_${prefix}_${i++}`
}

test('create KafkaTestHelper', async () => {
  const kafka = getKafka(testBroker.brokers)
  const testTopic = randomString('topic')
  const topicHelper = await createKafkaTestHelper(kafka, testTopic)

  expect(typeof topicHelper).toBe('object')

  await topicHelper.ensureTopicExists()
  await topicHelper.ensureTopicDeleted()
})

// --- examples/ConsumerExample.test.js
test('ConsumerExample', async () => {
  // init Kafka Test helper
  const kafka = getKafka(testBroker.brokers) // see https://kafka.js.org/docs/configuration
  const topicPrefix = Date.now() //  this avoids cross test interference
  const topicHelper = await createKafkaTestHelper(kafka, `${topicPrefix}test-topic`)
  await topicHelper.ensureTopicExists()

  // init the module that has to be tested
  const controller = new ConsumerExample()
  await controller.setup(kafka, topicPrefix)

  // a way to intercepts when the controller has done (there could be other ways...)
  const waitMessage = () =>
    new Promise((resolve) => {
      controller.handleMessage = vi.fn().mockImplementation((message) => {
        resolve(message)
      })
    })

  // Kafka Test Helper publishes a message, serialized as JSON string
  await topicHelper.publishMessages([
    {
      json: {
        hello: 'world',
      },
    },
  ])

  // wait for post elaboration and validates output
  const message = await waitMessage()
  expect(message).toBe('{"hello":"world"}')
  await controller.destroy()
  await topicHelper.ensureTopicDeleted()
})

// --- examples/ProducerExample.test.js
test('ProducerExample', async () => {
  // init Kafka Test helper
  const kafka = getKafka(testBroker.brokers) // see https://kafka.js.org/docs/configuration
  const topicPrefix = Date.now() //  this avoids cross test interference
  const topicHelper = await createKafkaTestHelper(kafka, `${topicPrefix}_something_happened`)
  await topicHelper.ensureTopicExists()

  // init the module that has to be tested
  const controller = new ProducerExample()
  await controller.setup(kafka, topicPrefix)

  const record = {
    name: 'Tony',
    surname: 'Stark',
  }

  await controller.doSomething(record)

  // Kafka Test Helper retrieves published messages
  const messages = await topicHelper.messages()
  expect(messages).toHaveLength(1)
  expect(messages[0]!.json).toEqual({
    operation: 'doSomething',
    record,
  })

  // OR
  expect(messages[0]!.string).toEqual(
    JSON.stringify({
      operation: 'doSomething',
      record,
    }),
  )

  // OR
  expect(messages[0]!.buffer).toEqual(
    Buffer.from(
      JSON.stringify({
        operation: 'doSomething',
        record,
      }),
    ),
  )

  // OR
  expect(messages).toEqual([
    expect.objectContaining({
      json: {
        operation: 'doSomething',
        record,
      },
    }),
  ])

  // destroy
  await controller.destroy()
  await topicHelper.ensureTopicDeleted()
})
