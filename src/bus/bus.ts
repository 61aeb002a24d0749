import type { Clock } from '../common/clock.js'
import { KafkaliteError } from '../common/errors.js'
import { Broker } from '../engine/broker.js'
import type { Storage } from '../storage/storage.js'
import { type BusConsumer, type BusConsumerOptions, InProcessBusConsumer } from './consumer.js'
import type { TopicDefinition } from './define-topic.js'
import { createKafkaBus, type KafkaBus } from './kafka/kafka-bus.js'
import type { BusKafkaOptions, BusLog } from './kafka/kafka-options.js'
import { type BusProducer, type BusProducerOptions, InProcessBusProducer } from './producer.js'

/** Options of {@link createBus} for the in-process bus (the default). */
export interface BusOptions {
  /** Absent: the in-process transport. Give `kafka` to run the same bus on a Kafka cluster. */
  readonly kafka?: undefined
  /** Run on this broker (default: a new one). Share it with `kafkalite/kafkajs` or `kafkalite/testing`. */
  readonly broker?: Broker
  /** Storage of the new broker (default memory); e.g. `fileStorage({ directory, fsync: 'always' })`. */
  readonly storage?: Storage
  readonly clock?: Clock
  /** Where the bus logs (default: warnings and errors to console). */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void
}

/**
 * Options of {@link createBus} for a Kafka cluster. The in-process options (`broker`, `storage`,
 * `clock`) do not exist there: the cluster stores, and KafkaJS keeps the time.
 */
export interface KafkaBusOptions {
  /** Run on this Kafka cluster through KafkaJS (an optional peer dependency, loaded on first use). */
  readonly kafka: BusKafkaOptions
  readonly broker?: never
  readonly storage?: never
  readonly clock?: never
  /** Where the bus and KafkaJS log (default: warnings and errors to console). */
  readonly log?: BusLog
}

/** Partition counts and offsets of a typed topic. */
export interface TopicOffsets {
  readonly partition: number
  readonly logStartOffset: number
  readonly highWatermark: number
}

/**
 * A typed event bus over an in-process broker: topics defined with zod schemas, producers and
 * consumer groups with Kafka's semantics. Closable with `await using`.
 * @example
 * await using bus = createBus()
 * await bus.producer().send(orders, { value: { orderId: 'o-1', amount: 12 } })
 */
export interface Bus extends AsyncDisposable {
  readonly transport: 'in-process'
  readonly broker: Broker
  /** Creates the topics that do not exist yet, with their definitions' partitions and config. */
  createTopics(definitions: readonly TopicDefinition[]): void
  producer(options?: BusProducerOptions): BusProducer
  consumer<const Definitions extends readonly TopicDefinition[]>(
    options: BusConsumerOptions<Definitions>,
  ): BusConsumer<Definitions>
  /** Log start and end per partition. */
  topicOffsets(definition: TopicDefinition): TopicOffsets[]
  /** A group's committed offset per partition of a topic (-1 where none). */
  committedOffsets(groupId: string, definition: TopicDefinition): { partition: number; offset: number }[]
  /** Stops every consumer made by this bus and closes the broker if the bus created it. */
  close(): Promise<void>
}

/**
 * What both transports' buses share: type a parameter with it to accept either ({@link Bus} in
 * process, {@link KafkaBus} on a cluster). Producers and consumers are the same interfaces on both.
 */
export interface PortableBus extends AsyncDisposable {
  readonly transport: 'in-process' | 'kafka'
  producer(options?: BusProducerOptions): BusProducer
  consumer<const Definitions extends readonly TopicDefinition[]>(
    options: BusConsumerOptions<Definitions>,
  ): BusConsumer<Definitions>
  close(): Promise<void>
}

/**
 * Creates a typed bus: in process by default, or on a Kafka cluster with `{ kafka: { brokers } }`.
 * @throws KafkaliteError STORAGE_ERROR when a file store cannot be opened, INVALID_CONFIG for bad `kafka` options
 * @example
 * const bus = createBus() // in process
 * const clusterBus = createBus({ kafka: { brokers: ['kafka-1:9092'], serializer: 'msgpack' } })
 */
export function createBus(options: KafkaBusOptions): KafkaBus
export function createBus(options?: BusOptions): Bus
export function createBus(options: BusOptions | KafkaBusOptions = {}): Bus | KafkaBus {
  const log = options.log ?? defaultLog
  if (options.kafka !== undefined) return createKafkaBus(options.kafka, log)
  return createInProcessBus(options as BusOptions, log)
}

function defaultLog(
  level: 'info' | 'warn' | 'error',
  message: string,
  extra?: Record<string, unknown>,
): void {
  if (level === 'info') return
  console.warn(`[kafkalite bus] ${level}: ${message}`, extra ?? '')
}

function createInProcessBus(options: BusOptions, log: BusLog): Bus {
  const owned = options.broker === undefined
  const broker =
    options.broker ??
    new Broker({
      ...(options.storage === undefined ? {} : { storage: options.storage }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    })
  const consumers = new Set<InProcessBusConsumer<readonly TopicDefinition[]>>()
  const ensureTopic = (definition: TopicDefinition): void => {
    if (broker.hasTopic(definition.name)) return
    broker.createTopic(definition.name, { partitions: definition.partitions, config: definition.config })
  }
  const bus: Bus = {
    transport: 'in-process',
    broker,
    createTopics: (definitions) => {
      for (const definition of definitions) ensureTopic(definition)
    },
    producer: (producerOptions) => new InProcessBusProducer(broker, ensureTopic, producerOptions),
    consumer: (consumerOptions) => {
      const consumer = new InProcessBusConsumer(broker, consumerOptions, ensureTopic, log)
      consumers.add(consumer as unknown as InProcessBusConsumer<readonly TopicDefinition[]>)
      return consumer
    },
    topicOffsets: (definition) =>
      broker.topic(definition.name).partitions.map((partitionLog) => ({
        partition: partitionLog.partition,
        logStartOffset: partitionLog.logStartOffset,
        highWatermark: partitionLog.highWatermark,
      })),
    committedOffsets: (groupId, definition) =>
      broker.topic(definition.name).partitions.map((partitionLog) => ({
        partition: partitionLog.partition,
        offset: broker.groups.committedOffset(groupId, definition.name, partitionLog.partition)?.offset ?? -1,
      })),
    close: async () => {
      await Promise.all([...consumers].map((consumer) => consumer.stop()))
      consumers.clear()
      if (owned) await broker.close()
    },
    [Symbol.asyncDispose]: () => bus.close(),
  }
  return bus
}

/** Narrows an unknown error to the bus's typed validation error. */
export function isValidationError(
  error: unknown,
): error is KafkaliteError & { code: 'EVENT_VALIDATION_FAILED' } {
  return error instanceof KafkaliteError && error.code === 'EVENT_VALIDATION_FAILED'
}
