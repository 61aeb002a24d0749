/**
 * The typed bus over a Kafka cluster, through KafkaJS: `createBus({ kafka: { brokers } })`.
 *
 * Behavior: the same producers and consumers as in process (see kafka-producer.ts and
 * kafka-consumer.ts for where they differ). There is no in-process broker, so `bus.broker` is
 * undefined, and the admin helpers (`createTopics`, `topicOffsets`, `committedOffsets`) return
 * promises because they ask the cluster.
 */
import type { TopicOffsets } from '../bus.js'
import type { BusConsumer, BusConsumerOptions } from '../consumer.js'
import type { TopicDefinition } from '../define-topic.js'
import type { BusProducer, BusProducerOptions } from '../producer.js'
import { KafkaConnection } from './kafka-connection.js'
import { KafkaBusConsumer } from './kafka-consumer.js'
import type { BusKafkaOptions, BusLog } from './kafka-options.js'
import { KafkaBusProducer } from './kafka-producer.js'

/**
 * The typed bus on a Kafka cluster: producers, consumers and close as in process; the admin
 * helpers ask the cluster and so return promises.
 */
export interface KafkaBus extends AsyncDisposable {
  readonly transport: 'kafka'
  /** There is no in-process broker on this transport. */
  readonly broker: undefined
  /** Creates the topics that do not exist yet, with their definitions' partitions and config. */
  createTopics(definitions: readonly TopicDefinition[]): Promise<void>
  producer(options?: BusProducerOptions): BusProducer
  consumer<const Definitions extends readonly TopicDefinition[]>(
    options: BusConsumerOptions<Definitions>,
  ): BusConsumer<Definitions>
  /** Log start and end per partition. */
  topicOffsets(definition: TopicDefinition): Promise<TopicOffsets[]>
  /** A group's committed offset per partition of a topic (-1 where none). */
  committedOffsets(
    groupId: string,
    definition: TopicDefinition,
  ): Promise<{ partition: number; offset: number }[]>
  /** Stops every consumer, disconnects every producer and the admin client. */
  close(): Promise<void>
}

/** Makes the Kafka transport's bus; nothing connects until the first call that needs the cluster. */
export function createKafkaBus(options: BusKafkaOptions, log: BusLog): KafkaBus {
  const connection = new KafkaConnection(options, log)
  const consumers = new Set<KafkaBusConsumer<readonly TopicDefinition[]>>()
  const producers = new Set<KafkaBusProducer>()
  let closing: Promise<void> | null = null
  const bus: KafkaBus = {
    transport: 'kafka',
    broker: undefined,
    createTopics: async (definitions) => {
      for (const definition of definitions) await connection.ensureTopic(definition)
    },
    producer: (producerOptions) => {
      const producer = new KafkaBusProducer(connection, producerOptions)
      producers.add(producer)
      return producer
    },
    consumer: (consumerOptions) => {
      const consumer = new KafkaBusConsumer(connection, consumerOptions)
      consumers.add(consumer as unknown as KafkaBusConsumer<readonly TopicDefinition[]>)
      return consumer
    },
    topicOffsets: async (definition) => {
      const admin = await connection.admin()
      const offsets = await admin.fetchTopicOffsets(definition.name)
      return offsets
        .map((entry) => ({
          partition: entry.partition,
          logStartOffset: Number(entry.low),
          highWatermark: Number(entry.high),
        }))
        .sort((a, b) => a.partition - b.partition)
    },
    committedOffsets: async (groupId, definition) => {
      const admin = await connection.admin()
      const [topic] = await admin.fetchOffsets({ groupId, topics: [definition.name] })
      return (topic?.partitions ?? [])
        .map((entry) => ({ partition: entry.partition, offset: Number(entry.offset) }))
        .sort((a, b) => a.partition - b.partition)
    },
    close: () => {
      closing ??= (async () => {
        await Promise.all([...consumers].map((consumer) => consumer.stop()))
        consumers.clear()
        await Promise.all([...producers].map((producer) => producer.close()))
        producers.clear()
        await connection.close()
      })().finally(() => {
        closing = null
      })
      return closing
    },
    [Symbol.asyncDispose]: () => bus.close(),
  }
  return bus
}
