/**
 * Test helpers for the KafkaJS face, written against the public API only: a fresh cluster per
 * test (a unique broker address), condition and event waits without sleeps, and committed-offset
 * lookups through the admin client, as a user's test would do them.
 */
import { randomUUID } from 'node:crypto'
import {
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type ConsumerGroupJoinEvent,
  type ConsumerRunConfig,
  type EachMessagePayload,
  Kafka,
  type KafkaConfig,
  type KafkaMessage,
  logLevel,
  type Producer,
  type ProducerConfig,
  resetKafkaliteClusters,
} from '../../src/kafkajs/index.js'

/** A name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`
}

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this long (default 5000 ms). */
  readonly timeoutMs?: number
  /** What the failure message says we waited for. */
  readonly what?: string
}

/**
 * Resolves once `condition()` returns a truthy value (which it resolves to), checking after every
 * macrotask turn; rejects after `timeoutMs`.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5_000
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await condition()
    if (value) return value
    if (Date.now() > deadline) {
      throw new Error(`waitFor timed out after ${timeoutMs} ms${options.what ? `: ${options.what}` : ''}`)
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 1))
  }
}

type Emitter = { on(name: never, listener: (event: never) => void): () => void }

/** The next event `name` from a client (matching `predicate`), or a rejection after `timeoutMs`. */
export function waitForEvent<E = { type: string; payload: unknown }>(
  client: Emitter,
  name: string,
  predicate: (event: E) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<E> {
  return new Promise<E>((resolve, reject) => {
    const on = client.on as unknown as (name: string, listener: (event: E) => void) => () => void
    const timer = setTimeout(() => {
      remove()
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${name}`))
    }, timeoutMs)
    const remove = on.call(client, name, (event: E) => {
      if (!predicate(event)) return
      clearTimeout(timer)
      remove()
      resolve(event)
    })
  })
}

/** KafkaJS's test idiom: resolves with the GROUP_JOIN event (attach right after an un-awaited run()). */
export function waitForConsumerToJoinGroup(
  consumer: Consumer,
  timeoutMs = 5_000,
): Promise<ConsumerGroupJoinEvent> {
  return waitForEvent<ConsumerGroupJoinEvent>(
    consumer as unknown as Emitter,
    consumer.events.GROUP_JOIN,
    () => true,
    timeoutMs,
  )
}

/** A Kafka on a cluster of its own, with every client it made disconnected by `cleanup()`. */
export interface TestCluster {
  readonly kafka: Kafka
  readonly brokers: string[]
  /** Another Kafka on the same cluster (a second service, a restarted process). */
  newKafka(config?: Partial<KafkaConfig>): Kafka
  producer(config?: ProducerConfig, kafka?: Kafka): Producer
  consumer(config: ConsumerConfig, kafka?: Kafka): Consumer
  admin(kafka?: Kafka): Admin
  /** Creates topics with the given partition counts through the admin client. */
  createTopic(topic: string, numPartitions?: number): Promise<void>
  /** Committed offsets of a group for a topic: partition → offset ('-1' when none). */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, string>>
  /** High watermarks of a topic: partition → offset. */
  highWatermarks(topic: string): Promise<Map<number, string>>
  cleanup(): Promise<void>
}

/** Builds a cluster with a unique broker address; call `cleanup()` in afterEach. */
export function createTestCluster(config: Partial<KafkaConfig> = {}): TestCluster {
  const brokers = [`${uniqueName('broker')}:9092`]
  const clients: { disconnect(): Promise<void> }[] = []
  const newKafka = (extra: Partial<KafkaConfig> = {}): Kafka =>
    new Kafka({ clientId: 'test', logLevel: logLevel.NOTHING, ...config, ...extra, brokers })
  const kafka = newKafka()
  const track = <T extends { disconnect(): Promise<void> }>(client: T): T => {
    clients.push(client)
    return client
  }
  let sharedAdmin: Admin | undefined
  const admin = async (): Promise<Admin> => {
    if (sharedAdmin === undefined) {
      sharedAdmin = track(kafka.admin())
      await sharedAdmin.connect()
    }
    return sharedAdmin
  }
  return {
    kafka,
    brokers,
    newKafka,
    producer: (producerConfig = {}, owner = kafka) => track(owner.producer(producerConfig)),
    consumer: (consumerConfig, owner = kafka) => track(owner.consumer(consumerConfig)),
    admin: (owner = kafka) => track(owner.admin()),
    async createTopic(topic, numPartitions = 1) {
      await (await admin()).createTopics({ topics: [{ topic, numPartitions }] })
    },
    async committedOffsets(groupId, topic) {
      const [result] = await (await admin()).fetchOffsets({ groupId, topics: [topic] })
      return new Map((result?.partitions ?? []).map(({ partition, offset }) => [partition, offset]))
    },
    async highWatermarks(topic) {
      const offsets = await (await admin()).fetchTopicOffsets(topic)
      return new Map(offsets.map(({ partition, high }) => [partition, high]))
    },
    async cleanup() {
      const results = await Promise.allSettled(
        clients
          .splice(0)
          .reverse()
          .map((client) => client.disconnect()),
      )
      for (const result of results) if (result.status === 'rejected') throw result.reason
      await resetKafkaliteClusters(brokers[0])
    },
  }
}

/** Messages `prefix-0 … prefix-(count-1)`, keyed `key-i` unless `keyed` is false. */
export function makeMessages(
  count: number,
  prefix = 'value',
  keyed = true,
): { key: string | null; value: string }[] {
  return Array.from({ length: count }, (_, index) => ({
    key: keyed ? `key-${index}` : null,
    value: `${prefix}-${index}`,
  }))
}

/** One consumed message with where it came from. */
export interface ConsumedMessage {
  readonly topic: string
  readonly partition: number
  readonly message: KafkaMessage
}

/**
 * Reads `count` messages of `topic` from the beginning with a consumer of a fresh group, then
 * disconnects it; rejects if fewer arrive within the timeout.
 */
export async function readMessages(
  cluster: TestCluster,
  topic: string,
  count: number,
): Promise<ConsumedMessage[]> {
  const consumer = cluster.consumer({ groupId: uniqueName('reader') })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const received: ConsumedMessage[] = []
  await consumer.run({
    eachMessage: async ({ topic: from, partition, message }) => {
      received.push({ topic: from, partition, message })
    },
  })
  await waitFor(() => received.length >= count, { what: `${count} messages from ${topic}` })
  await consumer.disconnect()
  return received
}

/** Options of {@link startCollecting}. */
export interface CollectOptions {
  readonly topics: (string | RegExp)[]
  readonly groupId?: string
  readonly fromBeginning?: boolean
  readonly config?: Partial<ConsumerConfig>
  readonly run?: Omit<ConsumerRunConfig, 'eachMessage' | 'eachBatch'>
  /** Called for each message after it is recorded (may throw, may await). */
  readonly onMessage?: (payload: EachMessagePayload) => Promise<void> | void
}

/** A running consumer that records every message it is handed, in delivery order. */
export async function startCollecting(
  cluster: TestCluster,
  options: CollectOptions,
): Promise<{ consumer: Consumer; received: ConsumedMessage[]; groupId: string }> {
  const groupId = options.groupId ?? uniqueName('group')
  const consumer = cluster.consumer({ groupId, ...options.config })
  await consumer.connect()
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false })
  const received: ConsumedMessage[] = []
  await consumer.run({
    ...options.run,
    eachMessage: async (payload) => {
      received.push({ topic: payload.topic, partition: payload.partition, message: payload.message })
      await options.onMessage?.(payload)
    },
  })
  return { consumer, received, groupId }
}

/** Values of consumed messages as strings. */
export function valuesOf(messages: readonly ConsumedMessage[]): string[] {
  return messages.map(({ message }) => String(message.value))
}
