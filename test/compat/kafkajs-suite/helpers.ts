/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Helpers for the KafkaJS-suite port: a fresh isolated cluster per test, KafkaJS-style
 * message generators and waits (condition-based, no sleeps).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import {
  type Admin,
  type Consumer,
  type ConsumerConfig,
  Kafka,
  logLevel,
  type Producer,
  type ProducerConfig,
} from '../../../src/kafkajs/index.js'
import { createTestBroker, type TestBroker } from '../../../src/testing/index.js'

export const secureRandom = (): string => `${randomBytes(5).toString('hex')}-${randomUUID()}`

/** KafkaJS's test partitioner: digits of the key, mod 3, mod partition count. */
export const createModPartitioner =
  () =>
  ({ partitionMetadata, message }: { partitionMetadata: unknown[]; message: { key?: unknown } }): number => {
    const numPartitions = partitionMetadata.length
    const key = Number.parseInt(String(message.key).replace(/[^\d]/g, ''), 10)
    return ((key || 0) % 3) % numPartitions
  }

export function generateMessages(options: { prefix?: string; number?: number } = {}) {
  const { prefix, number = 100 } = options
  const p = prefix ? `-${prefix}` : ''
  return Array.from({ length: number }, (_, i) => {
    const value = secureRandom()
    return { key: `key${p}-${i}-${value}`, value: `value${p}-${i}-${value}` }
  })
}

export async function waitFor<T>(fn: () => T | Promise<T>, { timeoutMs = 8000, what = '' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`waitFor timed out ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

export const waitForMessages = <T>(buffer: T[], { number = 1 } = {}) =>
  waitFor(() => (buffer.length >= number ? buffer : false), {
    what: `for ${number} messages (got ${buffer.length})`,
  })

export function waitForNextEvent(consumer: Consumer, eventName: string, maxWait = 8000): Promise<any> {
  return new Promise((resolve, reject) => {
    const timeoutId = setTimeout(() => reject(new Error(`Timeout waiting for '${eventName}'`)), maxWait)
    const off = (consumer.on as any)(eventName, (event: unknown) => {
      clearTimeout(timeoutId)
      off()
      resolve(event)
    })
  })
}

export function waitForConsumerToJoinGroup(consumer: Consumer, maxWait = 8000): Promise<any> {
  return new Promise((resolve, reject) => {
    const timeoutId = setTimeout(() => reject(new Error('Timeout joining group')), maxWait)
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      clearTimeout(timeoutId)
      resolve(event)
    })
    consumer.on(consumer.events.CRASH, (event) => {
      clearTimeout(timeoutId)
      reject(event.payload.error)
    })
  })
}

/** One isolated cluster; tracks clients to disconnect them at cleanup. */
export class Cluster {
  readonly test: TestBroker
  readonly kafka: Kafka
  readonly clients: { disconnect(): Promise<void> }[] = []
  constructor(config: Record<string, unknown> = {}) {
    this.test = createTestBroker()
    this.kafka = new Kafka({ brokers: this.test.brokers, logLevel: logLevel.NOTHING, ...config })
  }
  producer(config: ProducerConfig = {}): Producer {
    const p = this.kafka.producer(config)
    this.clients.push(p)
    return p
  }
  consumer(config: ConsumerConfig): Consumer {
    const c = this.kafka.consumer(config)
    this.clients.push(c)
    return c
  }
  admin(): Admin {
    const a = this.kafka.admin()
    this.clients.push(a)
    return a
  }
  async createTopic({
    topic,
    partitions = 1,
    config = [],
  }: {
    topic: string
    partitions?: number
    config?: { name: string; value: string }[]
  }) {
    const admin = this.kafka.admin()
    await admin.connect()
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: partitions, configEntries: config }],
      })
    } finally {
      await admin.disconnect()
    }
  }
  async cleanup() {
    await Promise.allSettled(this.clients.map((c) => c.disconnect()))
    await this.test.close()
  }
}
