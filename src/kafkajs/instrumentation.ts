/**
 * KafkaJS instrumentation events: the event-name objects of the consumer, producer and admin, and
 * a small typed emitter that builds `{ id, type, timestamp, payload }` events.
 *
 * Behavior:
 * - Event ids count from 0 per emitter; KafkaJS uses one process-wide counter.
 * - A listener's synchronous throw is caught and logged like an async rejection; in KafkaJS it
 *   escapes into the code that emitted the event.
 * - `on()` also takes `{ signal }`; aborting removes the listener.
 * - Connect, disconnect and stop events carry `payload: undefined` as in KafkaJS (its d.ts says null).
 */
import { limitExceeded } from '../common/errors.js'
import { KafkaJSNonRetriableError, toKafkaJSError } from './errors.js'
import type {
  AdminEvents,
  ConsumerCommitOffsetsEvent,
  ConsumerCrashEvent,
  ConsumerEndBatchProcessEvent,
  ConsumerEvents,
  ConsumerFetchEvent,
  ConsumerFetchStartEvent,
  ConsumerGroupJoinEvent,
  ConsumerHeartbeatEvent,
  ConsumerRebalancingEvent,
  ConsumerReceivedUnsubcribedTopicsEvent,
  ConsumerStartBatchProcessEvent,
  InstrumentationEvent,
  Logger,
  ProducerEvents,
  RequestEvent,
  RequestQueueSizeEvent,
  RequestTimeoutEvent,
} from './types.js'

/** `consumer.events`, in KafkaJS's runtime key order (FETCH before FETCH_START). */
export const consumerEvents: Readonly<ConsumerEvents> = Object.freeze({
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH: 'consumer.fetch',
  FETCH_START: 'consumer.fetch_start',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  REBALANCING: 'consumer.rebalancing',
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
  REQUEST: 'consumer.network.request',
  REQUEST_TIMEOUT: 'consumer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'consumer.network.request_queue_size',
})

/** `producer.events`. */
export const producerEvents: Readonly<ProducerEvents> = Object.freeze({
  CONNECT: 'producer.connect',
  DISCONNECT: 'producer.disconnect',
  REQUEST: 'producer.network.request',
  REQUEST_TIMEOUT: 'producer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'producer.network.request_queue_size',
})

/** `admin.events`. */
export const adminEvents: Readonly<AdminEvents> = Object.freeze({
  CONNECT: 'admin.connect',
  DISCONNECT: 'admin.disconnect',
  REQUEST: 'admin.network.request',
  REQUEST_TIMEOUT: 'admin.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'admin.network.request_queue_size',
})

type NetworkPayloads<Prefix extends string> = {
  [K in `${Prefix}.network.request`]: RequestEvent['payload']
} & { [K in `${Prefix}.network.request_timeout`]: RequestTimeoutEvent['payload'] } & {
  [K in `${Prefix}.network.request_queue_size`]: RequestQueueSizeEvent['payload']
}

/** Payload of each consumer event, as emitted. */
export type ConsumerEventPayloads = {
  'consumer.heartbeat': ConsumerHeartbeatEvent['payload']
  'consumer.commit_offsets': ConsumerCommitOffsetsEvent['payload']
  'consumer.group_join': ConsumerGroupJoinEvent['payload']
  'consumer.fetch': ConsumerFetchEvent['payload']
  'consumer.fetch_start': ConsumerFetchStartEvent['payload']
  'consumer.start_batch_process': ConsumerStartBatchProcessEvent['payload']
  'consumer.end_batch_process': ConsumerEndBatchProcessEvent['payload']
  'consumer.connect': undefined
  'consumer.disconnect': undefined
  'consumer.stop': undefined
  'consumer.crash': ConsumerCrashEvent['payload']
  'consumer.rebalancing': ConsumerRebalancingEvent['payload']
  'consumer.received_unsubscribed_topics': ConsumerReceivedUnsubcribedTopicsEvent['payload']
} & NetworkPayloads<'consumer'>

/** Payload of each producer event, as emitted. */
export type ProducerEventPayloads = {
  'producer.connect': undefined
  'producer.disconnect': undefined
} & NetworkPayloads<'producer'>

/** Payload of each admin event, as emitted. */
export type AdminEventPayloads = {
  'admin.connect': undefined
  'admin.disconnect': undefined
} & NetworkPayloads<'admin'>

/**
 * A listener as KafkaJS's `on()` overloads declare them. Any typed listener
 * (`(event: ConsumerGroupJoinEvent) => void`, …) is assignable to this one.
 */
export type AnyInstrumentationListener = (event: InstrumentationEvent<never>) => unknown

/** The event object handed to listeners: `id` is a number at runtime, as in KafkaJS. */
interface EmittedEvent {
  readonly id: number
  readonly type: string
  readonly timestamp: number
  readonly payload: unknown
}

type StoredListener = (event: EmittedEvent) => unknown

/** Options of {@link InstrumentationEmitter}. */
export interface InstrumentationEmitterOptions {
  /** Client kind, used in the unknown-event error message (`consumer.events.HEARTBEAT`, …). */
  readonly kind: 'consumer' | 'producer' | 'admin'
  /** Where listener failures are logged (`Failed to execute listener: …`). */
  readonly logger: Logger
  /** Event timestamps in ms since the epoch; default `Date.now`, looked up at call time. */
  readonly now?: () => number
}

const eventNamesByKind = Object.freeze({
  consumer: consumerEvents,
  producer: producerEvents,
  admin: adminEvents,
})

/** Most listeners one event name may have. */
export const listenersPerEventMax = 10_000

/**
 * A per-client instrumentation emitter. Emission is synchronous; events are built only when the
 * name has listeners, and a listener's failure is logged and never reaches the emitter.
 * @example
 * const emitter = new InstrumentationEmitter<ConsumerEventPayloads>({ kind: 'consumer', logger })
 * const off = emitter.on('consumer.group_join', (event) => console.log(event.payload))
 * emitter.emitLazy('consumer.group_join', () => ({ groupId, memberId, … }))
 */
export class InstrumentationEmitter<Payloads extends object> {
  /** Listener arrays are replaced, never mutated, so a removal during emit is safe. */
  readonly #listeners = new Map<string, readonly StoredListener[]>()
  readonly #validNames: ReadonlySet<string>
  readonly #unknownNameMessage: string
  readonly #logger: Logger
  readonly #now: () => number
  #nextId = 0

  constructor(options: InstrumentationEmitterOptions) {
    const events: Readonly<Record<string, string>> = eventNamesByKind[options.kind]
    this.#validNames = new Set(Object.values(events))
    const keys = Object.keys(events).map((key) => `${options.kind}.events.${key}`)
    this.#unknownNameMessage = `Event name should be one of ${keys.join(', ')}`
    this.#logger = options.logger
    this.#now = options.now ?? (() => Date.now())
  }

  /**
   * Adds a listener and returns the function that removes it.
   * @throws KafkaJSNonRetriableError('Event name should be one of consumer.events.HEARTBEAT, …')
   *   for a name that is not one of this client's events.
   */
  on(
    name: string,
    listener: AnyInstrumentationListener,
    options: { readonly signal?: AbortSignal } = {},
  ): () => void {
    if (!this.#validNames.has(name)) throw new KafkaJSNonRetriableError(this.#unknownNameMessage)
    // KafkaJS's d.ts types listeners with `id: string`; they receive the numeric-id event object.
    const stored = listener as unknown as StoredListener
    const current = this.#listeners.get(name) ?? []
    if (current.length >= listenersPerEventMax) {
      throw toKafkaJSError(limitExceeded('listenersPerEventMax', listenersPerEventMax, name))
    }
    this.#listeners.set(name, [...current, stored])
    const remove = (): void => {
      const listeners = this.#listeners.get(name) ?? []
      const index = listeners.indexOf(stored)
      if (index === -1) return
      const rest = listeners.filter((_, i) => i !== index)
      if (rest.length === 0) this.#listeners.delete(name)
      else this.#listeners.set(name, rest)
    }
    options.signal?.addEventListener('abort', remove, { once: true })
    return remove
  }

  /** Whether `name` has at least one listener (so its payload is worth building). */
  hasListeners(name: keyof Payloads & string): boolean {
    return this.#listeners.has(name)
  }

  /** Emits `name` with `payload` if anyone listens. */
  emit<Name extends keyof Payloads & string>(name: Name, payload: Payloads[Name]): void {
    const listeners = this.#listeners.get(name)
    if (listeners !== undefined) this.#deliver(name, listeners, payload)
  }

  /** Emits `name` with the payload `createPayload()` builds, calling it only if anyone listens. */
  emitLazy<Name extends keyof Payloads & string>(name: Name, createPayload: () => Payloads[Name]): void {
    const listeners = this.#listeners.get(name)
    if (listeners !== undefined) this.#deliver(name, listeners, createPayload())
  }

  #deliver(name: string, listeners: readonly StoredListener[], payload: unknown): void {
    const id = this.#nextId
    this.#nextId = id >= Number.MAX_SAFE_INTEGER ? 0 : id + 1
    const event: EmittedEvent = { id, type: name, timestamp: this.#now(), payload }
    for (const listener of listeners) {
      try {
        const result = listener(event)
        if (isThenable(result)) result.then(undefined, (error: unknown) => this.#logFailure(name, error))
      } catch (error) {
        this.#logFailure(name, error)
      }
    }
  }

  #logFailure(eventName: string, error: unknown): void {
    const { message, stack } = (typeof error === 'object' && error !== null ? error : {}) as {
      message?: unknown
      stack?: unknown
    }
    this.#logger.error(`Failed to execute listener: ${message}`, { eventName, stack })
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
