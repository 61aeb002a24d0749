/**
 * `new Kafka(config)`: the entry object of KafkaJS, backed by an in-process broker.
 *
 * Behavior:
 * - `brokers` names the in-process cluster: every Kafka built with the same broker list in one
 *   process shares one Broker (see registry/). `resetKafkaliteClusters()` isolates tests.
 * - The config shape of `@confluentinc/kafka-javascript`'s KafkaJS API (`{ kafkaJS: { … } }`)
 *   is accepted too.
 * - `ssl`, `sasl`, `socketFactory` and network timeouts are accepted and ignored: there is no
 *   network.
 * - KafkaJS switches retry defaults when NODE_ENV is 'test'; kafkalite reads no environment and
 *   always uses KafkaJS's production defaults.
 * - While any client is connected, a referenced timer keeps the process alive, as KafkaJS's open
 *   sockets do; disconnect every client to let the process exit.
 */
import type { Clock } from '../common/clock.js'
import type { Broker } from '../engine/broker.js'
import { brokerFor, clusterAddress } from '../registry/broker-registry.js'
import type { Storage } from '../storage/storage.js'
import { createAdmin } from './admin.js'
import { createConsumer } from './consumer.js'
import { KafkaJSNonRetriableError } from './errors.js'
import { createLogger } from './logger.js'
import { createProducer } from './producer.js'
import type {
  Admin,
  AdminConfig,
  Consumer,
  ConsumerConfig,
  KafkaConfig,
  Logger,
  Producer,
  ProducerConfig,
  RetryOptions,
} from './types.js'

/** kafkalite's additions to KafkaJS's config, all optional. */
export interface KafkaliteOptions {
  /** Storage for the cluster, used when this Kafka creates it (default: memory). */
  readonly storage?: Storage
  /** Clock for the cluster, used when this Kafka creates it. */
  readonly clock?: Clock
  /** Partitions of auto-created topics (Kafka's num.partitions, default 1). */
  readonly numPartitions?: number
  /** Use this broker instead of the registry's (the testing kit passes one). */
  readonly broker?: Broker
}

/** KafkaJS's config, kafkalite's options, or the Confluent KafkaJS-compatible shape. */
export type KafkaliteConfig =
  | (KafkaConfig & KafkaliteOptions)
  | ({ kafkaJS: KafkaConfig & KafkaliteOptions } & KafkaliteOptions)

/** What every client of one Kafka instance shares. */
export interface ClientContext {
  readonly broker: () => Broker
  /** Resolves the broker, awaiting a `brokers` function that returns a promise. */
  readonly ready: () => Promise<Broker>
  readonly clientId: string
  readonly rootLogger: Logger
  readonly retry: RetryOptions | undefined
  /** Committed offsets as this Kafka's clients know them (transactions update it at sendOffsets). */
  readonly offsetsCache: Map<string, Map<string, string>>
  /**
   * Holds the process open while a client is connected, as a socket would; returns the release
   * (idempotent). A broker that closes drops every hold on it: releases from before are ignored.
   */
  readonly keepAlive: { acquire(): () => void }
  /** The first configured broker address once the list is known (admin.describeCluster reports it). */
  readonly seedBroker: () => string | undefined
}

/**
 * The KafkaJS client factory, in process.
 * @example
 * const kafka = new Kafka({ clientId: 'app', brokers: ['localhost:9092'] })
 * const producer = kafka.producer()
 */
export class Kafka {
  readonly #context: ClientContext

  constructor(config: KafkaliteConfig) {
    const options = unwrapConfig(config)
    const brokerList = options.brokers
    let broker: Broker | undefined = options.broker
    let seedBroker: string | undefined = Array.isArray(brokerList) ? brokerList[0] : undefined
    const register = (list: unknown): Broker => {
      if (!Array.isArray(list)) {
        throw new KafkaJSNonRetriableError('Failed to connect: brokers should not be null')
      }
      if (list.length === 0) throw new KafkaJSNonRetriableError('Failed to connect: brokers array is empty')
      seedBroker = typeof list[0] === 'string' ? list[0] : undefined
      broker = brokerFor(clusterAddress(list), {
        ...(options.storage === undefined ? {} : { storage: options.storage }),
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.numPartitions === undefined ? {} : { numPartitions: options.numPartitions }),
      })
      return broker
    }
    const resolve = (): Broker => {
      if (broker !== undefined && !broker.closed) return broker
      const list = typeof brokerList === 'function' ? brokerList() : brokerList
      if (list instanceof Promise) {
        throw new KafkaJSNonRetriableError(
          'The client is not connected: its brokers function has not resolved yet',
        )
      }
      return register(list)
    }
    const ready = async (): Promise<Broker> => {
      if (broker !== undefined && !broker.closed) return broker
      return register(await (typeof brokerList === 'function' ? brokerList() : brokerList))
    }
    let connected = 0
    let timer: ReturnType<typeof setInterval> | undefined
    let stopOnClose: (() => void) | null = null
    /** Bumped when the broker closes: holds taken before then are void. */
    let generation = 0
    const stopKeepAlive = (): void => {
      if (timer !== undefined) globalThis.clearInterval(timer)
      timer = undefined
      stopOnClose?.()
      stopOnClose = null
    }
    this.#context = {
      broker: resolve,
      ready,
      clientId: options.clientId ?? 'kafkajs',
      rootLogger: createLogger({
        ...(options.logLevel === undefined ? {} : { level: options.logLevel }),
        ...(options.logCreator === undefined ? {} : { logCreator: options.logCreator }),
      }),
      retry: options.retry,
      offsetsCache: new Map(),
      keepAlive: {
        acquire() {
          connected++
          if (timer === undefined) {
            timer = globalThis.setInterval(keepAliveTick, 2 ** 30)
            // A closed broker holds no connection open: the process may exit, as it may when a
            // real broker goes away under connected clients.
            stopOnClose =
              broker?.events.on('closed', () => {
                connected = 0
                generation++
                stopKeepAlive()
              }) ?? null
          }
          const held = generation
          let released = false
          return () => {
            if (released || held !== generation) return
            released = true
            connected = Math.max(0, connected - 1)
            if (connected === 0) stopKeepAlive()
          }
        },
      },
      seedBroker: () => seedBroker,
    }
    if (Array.isArray(brokerList) && brokerList.length > 0) resolve()
  }

  /** A producer; see KafkaJS's `kafka.producer()`. */
  producer(config: ProducerConfig = {}): Producer {
    return createProducer(this.#context, config)
  }

  /**
   * A consumer; see KafkaJS's `kafka.consumer()`.
   * @throws KafkaJSNonRetriableError for a missing groupId or heartbeatInterval ≥ sessionTimeout
   */
  consumer(config: ConsumerConfig): Consumer {
    return createConsumer(this.#context, config)
  }

  /** An admin client; see KafkaJS's `kafka.admin()`. */
  admin(config: AdminConfig = {}): Admin {
    return createAdmin(this.#context, config)
  }

  /** The root logger. */
  logger(): Logger {
    return this.#context.rootLogger
  }
}

/**
 * What the keep-alive interval runs: nothing. Declared here, not as a closure in the constructor,
 * so that the timer does not retain the client's scope (and through it the broker and its log).
 */
function keepAliveTick(): void {}

function unwrapConfig(config: KafkaliteConfig): KafkaConfig & KafkaliteOptions {
  if (config === null || typeof config !== 'object') {
    throw new KafkaJSNonRetriableError('Kafka config must be an object')
  }
  if ('kafkaJS' in config && config.kafkaJS !== undefined) {
    const { kafkaJS, ...rest } = config
    return { ...kafkaJS, ...rest } as KafkaConfig & KafkaliteOptions
  }
  return config as KafkaConfig & KafkaliteOptions
}
