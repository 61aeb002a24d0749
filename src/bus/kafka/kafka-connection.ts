/**
 * The Kafka transport's shared state for one bus: KafkaJS, loaded on first use, one `Kafka`
 * client, one admin for topic creation and offsets, and the partition count of every topic seen.
 *
 * Behavior: `kafkajs` is an optional peer dependency; it is imported the first time the bus talks
 * to Kafka, never when kafkalite is loaded, so in-process users need not install it. Topics are
 * created from their definitions (partitions and config entries; the replication factor is the
 * cluster's default) when missing; an existing topic is used as it is, with its own partition count.
 */
import type { Admin, Kafka, KafkaConfig, logCreator } from 'kafkajs'
import { z } from 'zod'
import { KafkaliteError } from '../../common/errors.js'
import type { TopicDefinition } from '../define-topic.js'
import { createValueCodec, type ValueCodec } from './codec.js'
import type { BusKafkaOptions, BusLog } from './kafka-options.js'

const BusKafkaOptionsSchema = z.object({
  brokers: z.array(z.string().min(1)).min(1),
  clientId: z.string().min(1).optional(),
  serializer: z.enum(['json', 'msgpack']).optional(),
  ssl: z.union([z.boolean(), z.object({}).loose()]).optional(),
  sasl: z
    .object({ mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer', 'aws']) })
    .loose()
    .optional(),
  connectionTimeoutMs: z.number().int().positive().optional(),
  requestTimeoutMs: z.number().int().positive().optional(),
})

/** The KafkaJS module as loaded. */
export type KafkaJSModule = typeof import('kafkajs')

/** One bus's link to a Kafka cluster; every producer and consumer of the bus goes through it. */
export class KafkaConnection {
  readonly options: Readonly<BusKafkaOptions>
  readonly codec: ValueCodec
  readonly log: BusLog
  #client: Promise<{ kafkajs: KafkaJSModule; kafka: Kafka }> | null = null
  #admin: Promise<Admin> | null = null
  /** Partition count per topic name, filled by ensureTopic. */
  readonly #partitionCounts = new Map<string, Promise<number>>()

  /** @throws KafkaliteError INVALID_CONFIG for options KafkaJS could not use */
  constructor(options: BusKafkaOptions, log: BusLog) {
    const parsed = BusKafkaOptionsSchema.safeParse(options)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new KafkaliteError(
        'INVALID_CONFIG',
        `createBus({ kafka }): ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}`,
        { cause: parsed.error },
      )
    }
    this.options = Object.freeze({ ...options, brokers: Object.freeze([...options.brokers]) })
    this.codec = createValueCodec(options.serializer ?? 'json')
    this.log = log
  }

  /** KafkaJS and the bus's client, loaded and made on first use. */
  client(): Promise<{ kafkajs: KafkaJSModule; kafka: Kafka }> {
    this.#client ??= this.#load()
    return this.#client
  }

  async #load(): Promise<{ kafkajs: KafkaJSModule; kafka: Kafka }> {
    let loaded: KafkaJSModule & { default?: KafkaJSModule }
    try {
      loaded = await import('kafkajs')
    } catch (error) {
      throw new KafkaliteError(
        'INVALID_CONFIG',
        "createBus({ kafka }) needs the 'kafkajs' package: npm install kafkajs@^2.2.4",
        { cause: error },
      )
    }
    // kafkajs is CommonJS: its exports arrive as the default export under ESM.
    const kafkajs = loaded.default ?? loaded
    const options = this.options
    const config: KafkaConfig = {
      brokers: [...options.brokers],
      clientId: options.clientId ?? 'kafkalite-bus',
      logLevel: kafkajs.logLevel.WARN,
      logCreator: this.#logCreator(kafkajs),
      ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
      ...(options.sasl === undefined ? {} : { sasl: options.sasl as NonNullable<KafkaConfig['sasl']> }),
      ...(options.connectionTimeoutMs === undefined
        ? {}
        : { connectionTimeout: options.connectionTimeoutMs }),
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeout: options.requestTimeoutMs }),
    }
    return { kafkajs, kafka: new kafkajs.Kafka(config) }
  }

  #logCreator(kafkajs: KafkaJSModule): logCreator {
    const log = this.log
    return () =>
      ({ level, log: entry }) => {
        const { message, ...extra } = entry
        const busLevel =
          level <= kafkajs.logLevel.ERROR ? 'error' : level === kafkajs.logLevel.WARN ? 'warn' : 'info'
        log(busLevel, `kafkajs: ${message}`, extra)
      }
  }

  /** The bus's admin client, connected on first use. */
  admin(): Promise<Admin> {
    this.#admin ??= (async () => {
      const { kafka } = await this.client()
      const admin = kafka.admin()
      await admin.connect()
      return admin
    })()
    return this.#admin
  }

  /** Creates the topic from its definition when it does not exist; resolves with its partition count. */
  ensureTopic(definition: TopicDefinition): Promise<number> {
    let count = this.#partitionCounts.get(definition.name)
    if (count === undefined) {
      count = this.#ensureTopic(definition)
      // A failure is not cached: the next send tries again.
      void count.catch(() => this.#partitionCounts.delete(definition.name))
      this.#partitionCounts.set(definition.name, count)
    }
    return count
  }

  async #ensureTopic(definition: TopicDefinition): Promise<number> {
    const admin = await this.admin()
    const existing = await admin.listTopics()
    if (!existing.includes(definition.name)) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: definition.name,
            numPartitions: definition.partitions,
            configEntries: Object.entries(definition.config).map(([name, value]) => ({
              name,
              value: String(value),
            })),
          },
        ],
      })
    }
    const metadata = await admin.fetchTopicMetadata({ topics: [definition.name] })
    return metadata.topics[0]?.partitions.length ?? definition.partitions
  }

  /** Disconnects the admin client (producers and consumers are closed by their owners). */
  async close(): Promise<void> {
    const admin = this.#admin
    this.#admin = null
    if (admin !== null) await admin.then((connected) => connected.disconnect()).catch(() => {})
  }
}
