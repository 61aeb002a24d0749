/**
 * Port of chrvadala/kafka-test-helper (MIT) for the kafkalite drop-in check:
 *   src/KafkaTestHelper.js, src/placeholder.js, src/utils.js (commit cd70143, v1.3.0)
 * Only the import changed: 'kafkajs' -> kafkalite's KafkaJS face. Types added for TypeScript.
 */
import { getRandomValues } from 'node:crypto'
import type { Admin, Kafka, KafkaMessage } from '../../../../src/kafkajs/index.js'

// --- src/utils.js
export function randomNumber(): number {
  const array = new Uint32Array(1)
  getRandomValues(array)
  return array[0]!
}

export function tryToConvertBufferToJson(buffer: Buffer | null): unknown {
  try {
    return JSON.parse(String(buffer?.toString()))
  } catch (_e) {
    return null
  }
}

export function tryToConvertBufferToString(buffer: Buffer | null): string | null {
  try {
    return buffer!.toString('utf8')
  } catch (_e) {
    return null
  }
}

// --- src/placeholder.js
export const WHAT_IS_THAT_MESSAGE_KEY = 'what_is_that_message'
export const WHAT_IS_THAT_MESSAGE_VALUE =
  'https://github.com/chrvadala/kafka-test-helper/blob/main/docs/architecture.md'

export function makePlaceholderMessages(uuid: string, partions: number) {
  const messages = []
  for (let i = 0; i < partions; i++) {
    messages.push({
      partition: i,
      value: JSON.stringify({
        [WHAT_IS_THAT_MESSAGE_KEY]: WHAT_IS_THAT_MESSAGE_VALUE,
        kafka_test_helper: 'yes',
        uuid,
      }),
    })
  }
  return messages
}

export function isPlaceholderMessage(message: KafkaMessage): boolean {
  const json = tryToExtractValueFromMessage(message)
  if (!json) return false
  return typeof json === 'object' && json !== null && 'kafka_test_helper' in json
}

export function isPlaceholderMessageWithUUID(message: KafkaMessage, uuid: string): boolean {
  const json = tryToExtractValueFromMessage(message)
  if (!json) return false
  return (
    typeof json === 'object' &&
    json !== null &&
    'kafka_test_helper' in json &&
    'uuid' in json &&
    (json as { uuid: unknown }).uuid === uuid
  )
}

function tryToExtractValueFromMessage(message: KafkaMessage): unknown {
  try {
    // the original passes the Buffer to JSON.parse, which stringifies it
    return JSON.parse(message.value as unknown as string)
  } catch {
    return false
  }
}

// --- src/KafkaTestHelper.js
const GROUP_ID_PREFIX = 'kafka-test-helper-'
const CONSUMER_TIMEOUT_DEFAULTS = {
  sessionTimeout: 10_000,
  rebalanceTimeout: 12_000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 100,
}

export interface ConsumedMessage {
  headers: KafkaMessage['headers']
  partition: number
  buffer: Buffer | null
  json: unknown
  string: string | null
}

export interface ProducibleMessage {
  partition?: number
  key?: string
  buffer?: Buffer
  json?: unknown
  string?: string
}

type TopicOffsets = Awaited<ReturnType<Admin['fetchTopicOffsets']>>

class KafkaTestHelper {
  _kafka: Kafka
  _topic: string
  _initialTopicOffsets: TopicOffsets

  constructor(kafka: Kafka, topic: string) {
    this._kafka = kafka
    this._topic = topic
    this._initialTopicOffsets = [] // e.g. [ { partition: 0, offset: '0', high: '0', low: '0' } ]
  }

  static async create(kafka: Kafka, topic: string) {
    const helper = new KafkaTestHelper(kafka, topic)
    await helper.reset()
    return helper
  }

  async reset() {
    const admin = await this._getAdmin()

    if (await this._topicExists(admin)) {
      this._initialTopicOffsets = await admin.fetchTopicOffsets(this._topic)
    }
    await admin.disconnect()
  }

  async ensureTopicExists(timeout: number | null = null) {
    const admin = await this._getAdmin()

    if (!(await this._topicExists(admin))) {
      await admin.createTopics({
        validateOnly: false,
        waitForLeaders: true,
        timeout: timeout || 5000,
        topics: [
          {
            topic: this._topic,
          },
        ],
      })
      await this.reset()
    }
    await admin.disconnect()
  }

  async ensureTopicDeleted(timeout: number | null = null) {
    const admin = await this._getAdmin()
    if (await this._topicExists(admin)) {
      await admin.deleteTopics({
        topics: [this._topic],
        timeout: timeout || 5000,
      })
    }
    await admin.disconnect()
  }

  async messages(): Promise<ConsumedMessage[]> {
    const uuid = `placeholder-${randomNumber()}`
    const groupId = GROUP_ID_PREFIX + randomNumber()

    const partitions = this._initialTopicOffsets.length

    // produce messages
    const producer = this._kafka.producer()
    await producer.connect()
    await producer.send({
      topic: this._topic,
      messages: makePlaceholderMessages(uuid, partitions),
    })
    await producer.disconnect()

    // consume messages
    const messages: ConsumedMessage[] = []
    const receivedPlaceholdersWithUUID: KafkaMessage[] = []
    const consumer = this._kafka.consumer({
      groupId,
      ...CONSUMER_TIMEOUT_DEFAULTS,
    })
    await consumer.connect()
    await consumer.subscribe({ topic: this._topic, fromBeginning: false })
    // not awaited, as in the original
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (!isPlaceholderMessage(message)) {
          messages.push({
            partition,
            headers: message.headers,
            buffer: message.value,
            json: tryToConvertBufferToJson(message.value),
            string: tryToConvertBufferToString(message.value),
          })
        }

        if (isPlaceholderMessageWithUUID(message, uuid)) {
          receivedPlaceholdersWithUUID.push(message)
        }
      },
    })

    // reset cursor
    for (const initialPartitionCursor of this._initialTopicOffsets) {
      await consumer.seek({
        topic: this._topic,
        partition: initialPartitionCursor.partition,
        offset: initialPartitionCursor.offset,
      })
    }

    // wait messages until placeholders
    await new Promise<void>((resolve) => {
      const interval = setInterval(() => {
        if (receivedPlaceholdersWithUUID.length >= partitions) {
          clearInterval(interval)
          // the original calls consumer.pause() with no argument
          ;(consumer.pause as unknown as () => void)()
          resolve()
        }
      }, 50)
    })

    await consumer.disconnect()
    return messages
  }

  async publishMessages(messages: ProducibleMessage[]) {
    const txMessages = []
    let outcome: { value: string | Buffer | undefined; key?: string; partition?: number }
    for (const message of messages) {
      outcome = {
        value: message.buffer,
      }
      if (message.string) outcome.value = message.string
      if (message.json) outcome.value = JSON.stringify(message.json)
      if (message.key) outcome.key = message.key
      if (message.partition) outcome.partition = message.partition
      txMessages.push(outcome)
    }

    const producer = this._kafka.producer()
    await producer.connect()
    await producer.send({
      topic: this._topic,
      messages: txMessages as { value: string | Buffer }[],
    })
    await producer.disconnect()
  }

  async _getAdmin() {
    const admin = this._kafka.admin()
    await admin.connect()
    return admin
  }

  async _topicExists(admin: Admin) {
    const topics = await admin.listTopics()
    const exists = topics.includes(this._topic)
    return exists
  }
}

export default KafkaTestHelper

// --- src/index.js
export async function createKafkaTestHelper(kafka: Kafka, topic: string) {
  return KafkaTestHelper.create(kafka, topic)
}
