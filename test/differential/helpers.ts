/**
 * Small building blocks shared by the scenarios. Everything here uses only KafkaJS's public API
 * through the {@link Kit}, so it behaves the same on both sides.
 */
import type { Kit } from './harness.js'

type KafkaInstance = Kit['kafka']
type Consumer = ReturnType<KafkaInstance['consumer']>
type Producer = ReturnType<KafkaInstance['producer']>
type EachMessagePayload = Parameters<NonNullable<Parameters<Consumer['run']>[0]>['eachMessage'] & {}>[0]
type KafkaMessage = EachMessagePayload['message']
type RecordMetadata = Awaited<ReturnType<Producer['send']>>[number]

/** A consumed message as plain data. */
export interface Delivered {
  readonly topic: string
  readonly partition: number
  readonly offset: string
  readonly key: string | null
  readonly value: string | null
  readonly headers: Record<string, string | string[]>
}

/** Buffer → utf8 string, keeping null. */
export function text(value: Buffer | string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  return value.toString()
}

/** A consumed message as plain, comparable data. */
export function deliveredMessage(topic: string, partition: number, message: KafkaMessage): Delivered {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue
    headers[name] = Array.isArray(value) ? value.map((item) => item.toString()) : value.toString()
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: text(message.key),
    value: text(message.value),
    headers,
  }
}

/** RecordMetadata with its run-specific parts kept (the harness normalises topic names). */
export function metadataRecord(metadata: RecordMetadata): Record<string, unknown> {
  return { ...metadata }
}

/** RecordMetadata sorted by topic and partition (the order across partitions is not a contract). */
export function sortedMetadata(metadata: readonly RecordMetadata[]): Record<string, unknown>[] {
  return [...metadata]
    .sort((a, b) => a.topicName.localeCompare(b.topicName) || a.partition - b.partition)
    .map(metadataRecord)
}

/** Creates topics with the admin client and waits for their leaders. */
export async function createTopics(
  kit: Kit,
  topics: readonly { readonly topic: string; readonly numPartitions?: number }[],
): Promise<void> {
  const admin = kit.admin()
  await admin.connect()
  await admin.createTopics({
    topics: topics.map((entry) => ({ numPartitions: 1, ...entry })),
    waitForLeaders: true,
  })
  await admin.disconnect()
}

/** A connected producer (fast retries, DefaultPartitioner). */
export async function connectedProducer(
  kit: Kit,
  config: Parameters<Kit['producer']>[0] = {},
): Promise<Producer> {
  const producer = kit.producer(config)
  await producer.connect()
  return producer
}

/**
 * Subscribes, runs with eachMessage collecting every delivery, and waits until `count` messages
 * arrived. Returns the live list (it keeps growing if more arrive) and stops nothing.
 */
export async function consumeMessages(
  kit: Kit,
  consumer: Consumer,
  options: {
    readonly topics: string[]
    readonly count: number
    readonly fromBeginning?: boolean
    readonly autoCommit?: boolean
    readonly produce?: () => Promise<unknown>
  },
): Promise<Delivered[]> {
  const delivered: Delivered[] = []
  await consumer.connect()
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true })
  await consumer.run({
    ...(options.autoCommit === undefined ? {} : { autoCommit: options.autoCommit }),
    eachMessage: async ({ topic, partition, message }) => {
      delivered.push(deliveredMessage(topic, partition, message))
    },
  })
  await options.produce?.()
  await kit.waitFor(
    () => delivered.length >= options.count,
    `${options.count} messages (have ${delivered.length})`,
  )
  return delivered
}

/** Groups deliveries per partition, in delivery order: `{ '0': ['0:v0', …] }`. */
export function perPartition(
  delivered: readonly Delivered[],
  render: (message: Delivered) => string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const message of [...delivered].sort((a, b) => a.topic.localeCompare(b.topic))) {
    ;(out[`${message.topic}/${message.partition}`] ??= []).push(render(message))
  }
  return out
}

/** Waits (bounded) for the consumer's group to reach `state` per describeGroup. */
export async function waitForGroupState(kit: Kit, consumer: Consumer, state: string): Promise<void> {
  await kit.waitFor(async () => (await consumer.describeGroup()).state === state, `group state ${state}`)
}

/** The committed offsets of a group for topics, per admin.fetchOffsets, as `topic/partition → offset`. */
export async function committedOffsets(
  kit: Kit,
  groupId: string,
  topics: string[],
): Promise<Record<string, string>> {
  const admin = kit.admin()
  await admin.connect()
  const result = await admin.fetchOffsets({ groupId, topics })
  await admin.disconnect()
  const out: Record<string, string> = {}
  for (const entry of result) {
    for (const partition of entry.partitions) out[`${entry.topic}/${partition.partition}`] = partition.offset
  }
  return out
}

/** The keys of an object, sorted: compares shapes without values. */
export function shape(value: object): string[] {
  return Object.keys(value).sort()
}
