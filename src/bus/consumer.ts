/**
 * Typed consumers of the bus: the same consumer-group loop as kafkalite/kafkajs
 * (src/client/group-consumer.ts) with typed, validated events and numeric offsets.
 *
 * Behavior: records read back from a durable store are checked against their topic's schema
 * again; a record that no longer matches goes to `onInvalid` (or is logged and skipped), never to
 * the handler and never as a crash.
 */
import type { z } from 'zod'
import {
  type BatchHelpers,
  type ConsumerFace,
  type GroupAssigner,
  GroupConsumer,
  type MessageHelpers,
} from '../client/group-consumer.js'
import { SubscriptionState } from '../client/subscription-state.js'
import { KafkaliteError } from '../common/errors.js'
import type { Broker } from '../engine/broker.js'
import { rangeAssign, roundRobinAssign } from '../engine/groups/assignors.js'
import { Listeners } from '../engine/listeners.js'
import type { TopicDefinition } from './define-topic.js'
import type { EventValidationError } from './errors.js'
import { deliveryCopy } from './immutable.js'
import { BusBatch, type BusMessage, toBusMessage } from './messages.js'
import { parseOrThrow } from './producer.js'

/** The message type of a union of topic definitions: a union discriminated by `topic`. */
export type MessageOf<Definition> =
  Definition extends TopicDefinition<infer Schema, infer Key, infer Name>
    ? BusMessage<z.output<Schema>, Key, Name>
    : never

/** The eachMessage payload. */
export interface BusEachMessagePayload<Message> extends MessageHelpers {
  readonly topic: string
  readonly partition: number
  readonly message: Message
}

/** The eachBatch payload (KafkaJS's helpers; offsets as numbers). */
export interface BusEachBatchPayload<Message> extends Omit<BatchHelpers, 'resolveOffset'> {
  readonly batch: BusBatch<Message>
  resolveOffset(offset: number): void
}

/** A record that failed its schema when read back, routed instead of delivered. */
export interface InvalidRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly error: EventValidationError
  /** The stored value as read. */
  readonly raw: unknown
}

/** Options of `consumer.run()`. */
export interface BusRunOptions<Message> {
  eachMessage?: (payload: BusEachMessagePayload<Message>) => Promise<void>
  eachBatch?: (payload: BusEachBatchPayload<Message>) => Promise<void>
  /** Where records that fail their schema on read go (default: logged and skipped). */
  onInvalid?: (record: InvalidRecord) => Promise<void> | void
  autoCommit?: boolean
  autoCommitIntervalMs?: number | null
  autoCommitThreshold?: number | null
  eachBatchAutoResolve?: boolean
  partitionsConsumedConcurrently?: number
}

/** Options of `bus.consumer()`. */
export interface BusConsumerOptions<Definitions extends readonly TopicDefinition[]> {
  readonly groupId: string
  readonly topics: Definitions
  /** Where a partition with no committed offset starts (default false: only new events). */
  readonly fromBeginning?: boolean
  readonly sessionTimeoutMs?: number
  readonly heartbeatIntervalMs?: number
  readonly rebalanceTimeoutMs?: number
  readonly maxWaitTimeMs?: number
  readonly maxBytesPerPartition?: number
  readonly readUncommitted?: boolean
  /** 'roundRobin' (default, as KafkaJS) or 'range'. */
  readonly assignor?: 'roundRobin' | 'range'
  /** Handler failures are retried this many times, backing off from initialRetryTimeMs, before the consumer crashes. */
  readonly retry?: {
    readonly retries?: number
    readonly initialRetryTimeMs?: number
    readonly maxRetryTimeMs?: number
  }
}

/** Events of a typed consumer: KafkaJS's consumer event names, same payloads. */
export type BusConsumerEvents = Record<string, unknown>

const INVALID = Symbol('invalid record')
type Delivered = BusMessage & { readonly [INVALID]?: InvalidRecord }

/**
 * A typed consumer in a group, the same on both transports. Closable with `await using`.
 * @throws KafkaliteError INVALID_REQUEST from seek/pause/resume/commitOffsets before run()
 */
export interface BusConsumer<Definitions extends readonly TopicDefinition[]> extends AsyncDisposable {
  /** Listens to one of the loop's events ('consumer.group_join', 'consumer.crash', …); returns the remover. */
  on(name: string, listener: (payload: unknown) => void): () => void
  /**
   * Joins the group and starts delivering in the background; resolves once joined.
   * @throws KafkaliteError INVALID_REQUEST when already running or without a handler
   */
  run(options: BusRunOptions<MessageOf<Definitions[number]>>): Promise<void>
  /** Seeks a partition of a subscribed topic to an offset (-2 earliest, -1 latest). */
  seek(topic: TopicDefinition, partition: number, offset: number): void
  pause(topic: TopicDefinition, partitions?: number[]): void
  resume(topic: TopicDefinition, partitions?: number[]): void
  paused(): { topic: string; partitions: number[] }[]
  /** Commits offsets (the next offset to read) for this member. */
  commitOffsets(
    offsets: readonly { topic: TopicDefinition; partition: number; offset: number }[],
  ): Promise<void>
  /** Stops delivering, waits for the running handler, commits what was processed and leaves the group. */
  stop(): Promise<void>
}

/** Checks what both transports require of consumer options. */
export function checkConsumerOptions(options: BusConsumerOptions<readonly TopicDefinition[]>): void {
  if (typeof options.groupId !== 'string' || options.groupId === '') {
    throw new KafkaliteError('INVALID_GROUP_ID', 'a consumer needs a non-empty groupId', {
      value: options.groupId,
    })
  }
  if (!Array.isArray(options.topics) || options.topics.length === 0) {
    throw new KafkaliteError('INVALID_REQUEST', 'a consumer needs at least one topic definition in `topics`')
  }
}

/** The in-process consumer: the same group loop as kafkalite/kafkajs. */
export class InProcessBusConsumer<Definitions extends readonly TopicDefinition[]>
  implements BusConsumer<Definitions>
{
  readonly #broker: Broker
  readonly #options: BusConsumerOptions<Definitions>
  readonly #ensureTopic: (definition: TopicDefinition) => void
  readonly #log: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void
  readonly events = new Listeners<BusConsumerEvents>()
  #runner: GroupConsumer<Delivered, BusBatch<Delivered>> | null = null
  #subscriptionState: SubscriptionState | null = null
  #stopping: Promise<void> | null = null

  constructor(
    broker: Broker,
    options: BusConsumerOptions<Definitions>,
    ensureTopic: (definition: TopicDefinition) => void,
    log: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void,
  ) {
    checkConsumerOptions(options)
    this.#broker = broker
    this.#options = options
    this.#ensureTopic = ensureTopic
    this.#log = log
  }

  /** Listens to one of the loop's events ('consumer.group_join', 'consumer.crash', …); returns the remover. */
  on(name: string, listener: (payload: unknown) => void): () => void {
    return this.events.on(name, listener)
  }

  /**
   * Joins the group and starts delivering in the background; resolves once joined.
   * @throws KafkaliteError INVALID_REQUEST when already running or without a handler
   */
  async run(options: BusRunOptions<MessageOf<Definitions[number]>>): Promise<void> {
    if (this.#runner !== null)
      throw new KafkaliteError(
        'INVALID_REQUEST',
        `consumer of group ${this.#options.groupId} is already running`,
      )
    if (options.eachMessage === undefined && options.eachBatch === undefined) {
      throw new KafkaliteError('INVALID_REQUEST', 'run() needs eachMessage or eachBatch')
    }
    for (const definition of this.#options.topics) this.#ensureTopic(definition)
    await this.#start(options as BusRunOptions<Delivered>)
  }

  async #start(options: BusRunOptions<Delivered>): Promise<void> {
    const consumerOptions = this.#options
    const definitions = new Map(consumerOptions.topics.map((definition) => [definition.name, definition]))
    const validateOnRead = this.#broker.storage.kind !== 'memory'
    this.#subscriptionState = new SubscriptionState()
    const runner = new GroupConsumer<Delivered, BusBatch<Delivered>>({
      broker: this.#broker,
      face: busFace(definitions, validateOnRead, options.onInvalid, this.#log),
      groupId: consumerOptions.groupId,
      clientId: 'kafkalite-bus',
      logger: {
        debug: () => {},
        info: () => {},
        warn: (message, extra) => this.#log('warn', message, extra as Record<string, unknown>),
        error: (message, extra) => this.#log('error', message, extra as Record<string, unknown>),
      },
      instrumentation: {
        emitLazy: (name, payload) => {
          if (this.events.has(name)) this.events.emit(name, payload())
        },
      },
      subscriptionState: this.#subscriptionState,
      topics: new Map(
        consumerOptions.topics.map((definition) => [definition.name, consumerOptions.fromBeginning ?? false]),
      ),
      assigners: [
        consumerOptions.assignor === 'range' ? rangeAssigner(this.#broker) : roundRobinAssigner(this.#broker),
      ],
      sessionTimeout: consumerOptions.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: consumerOptions.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: consumerOptions.heartbeatIntervalMs ?? 3_000,
      maxBytesPerPartition: consumerOptions.maxBytesPerPartition ?? 1_048_576,
      maxBytes: 10_485_760,
      maxWaitTimeInMs: consumerOptions.maxWaitTimeMs ?? 5_000,
      readUncommitted: consumerOptions.readUncommitted ?? false,
      run: {
        autoCommit: options.autoCommit ?? true,
        autoCommitInterval: options.autoCommitIntervalMs ?? null,
        autoCommitThreshold: options.autoCommitThreshold ?? null,
        eachBatchAutoResolve: options.eachBatchAutoResolve ?? true,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        ...(options.eachMessage === undefined ? {} : { eachMessage: options.eachMessage }),
        ...(options.eachBatch === undefined ? {} : { eachBatch: options.eachBatch }),
      },
      offsetsCache: new Map(),
    })
    this.#runner = runner
    await runner.start()
    this.#schedule(runner, options, 0)
  }

  /** The loop with the same retry and crash rules as the KafkaJS face, in the bus's units. */
  #schedule(
    runner: GroupConsumer<Delivered, BusBatch<Delivered>>,
    options: BusRunOptions<Delivered>,
    attempt: number,
  ): void {
    if (!runner.running || this.#runner !== runner) {
      runner.consumingStopped()
      return
    }
    runner.consumingStarted()
    const retry = this.#options.retry ?? {}
    const run = async (): Promise<void> => {
      try {
        await runner.consume()
        runner.consumingStopped()
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error))
        if (runner.recoverable(failure)) {
          await runner.rejoin(failure)
          this.#schedule(runner, options, attempt)
          return
        }
        const retries = retry.retries ?? 5
        if (
          attempt < retries &&
          (failure as { retriable?: boolean }).retriable !== false &&
          !isProgrammerError(failure)
        ) {
          const delayMs = Math.min(
            (retry.initialRetryTimeMs ?? 300) * 2 ** attempt,
            retry.maxRetryTimeMs ?? 30_000,
          )
          runner.consumingStopped()
          this.#broker.clock.setTimeout(() => this.#schedule(runner, options, attempt + 1), delayMs)
          return
        }
        runner.running = false
        runner.consumingStopped()
        this.#log('error', `consumer of group ${this.#options.groupId} crashed: ${failure.message}`, {
          error: failure,
        })
        if (this.events.has('consumer.crash'))
          this.events.emit('consumer.crash', {
            error: failure,
            groupId: this.#options.groupId,
            restart: false,
          })
        await this.stop()
      }
    }
    void run()
  }

  /** Seeks a partition of a subscribed topic to an offset (-2 earliest, -1 latest). */
  seek(topic: TopicDefinition, partition: number, offset: number): void {
    this.#requireRunner().seek(topic.name, partition, offset)
  }

  pause(topic: TopicDefinition, partitions?: number[]): void {
    this.#requireState().pause([{ topic: topic.name, partitions }])
  }

  resume(topic: TopicDefinition, partitions?: number[]): void {
    this.#requireState().resume([{ topic: topic.name, partitions }])
    this.#runner?.wakeUp()
  }

  paused(): { topic: string; partitions: number[] }[] {
    return this.#subscriptionState?.paused() ?? []
  }

  /** Commits offsets (the next offset to read) for this member. */
  async commitOffsets(
    offsets: readonly { topic: TopicDefinition; partition: number; offset: number }[],
  ): Promise<void> {
    await this.#requireRunner().commitOffsets(
      {
        topics: offsets.map(({ topic, partition, offset }) => ({
          topic: topic.name,
          partitions: [{ partition, offset }],
        })),
      },
      'given',
    )
  }

  /** Stops delivering, waits for the running handler, commits what was processed and leaves the group. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const runner = this.#runner
      this.#runner = null
      this.#subscriptionState = null
      await runner?.stop()
    })().finally(() => {
      this.#stopping = null
    })
    return this.#stopping
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  #requireRunner(): GroupConsumer<Delivered, BusBatch<Delivered>> {
    if (this.#runner === null)
      throw new KafkaliteError('INVALID_REQUEST', 'the consumer is not running: call run() first')
    return this.#runner
  }

  #requireState(): SubscriptionState {
    if (this.#subscriptionState === null)
      throw new KafkaliteError('INVALID_REQUEST', 'the consumer is not running: call run() first')
    return this.#subscriptionState
  }
}

function isProgrammerError(error: Error): boolean {
  return (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError
  )
}

function busFace(
  definitions: ReadonlyMap<string, TopicDefinition>,
  validateOnRead: boolean,
  onInvalid: BusRunOptions<Delivered>['onInvalid'],
  log: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void,
): ConsumerFace<Delivered, BusBatch<Delivered>> {
  const route = async (invalid: InvalidRecord): Promise<void> => {
    if (onInvalid !== undefined) await onInvalid(invalid)
    else
      log('error', `skipped a record that fails its schema: ${invalid.error.message}`, {
        offset: invalid.offset,
      })
  }
  return {
    appendMessages(batch, fromOffset, _logAppendTime, topic, partition, into) {
      const definition = definitions.get(topic)
      const check = validateOnRead && definition !== undefined
      for (const record of batch.records) {
        const offset = batch.baseOffset + record.offsetDelta
        if (offset < fromOffset) continue
        if (!check) {
          into.push(
            toBusMessage(topic, partition, record, offset, batch, deliveryCopy(record.value)) as Delivered,
          )
          continue
        }
        try {
          const value = parseOrThrow(definition, 'value', definition.value, record.value, undefined, {
            partition,
            offset,
          })
          into.push(toBusMessage(topic, partition, record, offset, batch, value) as Delivered)
        } catch (error) {
          const invalid: InvalidRecord = {
            topic,
            partition,
            offset,
            error: error as EventValidationError,
            raw: record.value,
          }
          into.push({
            ...toBusMessage(topic, partition, record, offset, batch, undefined),
            [INVALID]: invalid,
          } as Delivered)
        }
      }
    },
    messageOffset: (message) => message.offset,
    makeBatch: (topic, partition, highWatermark, messages, fetchedOffset, nextOffset) =>
      new BusBatch(topic, partition, highWatermark, messages, fetchedOffset, nextOffset),
    decodeAssignment: (encoded) => (encoded as Record<string, number[]> | null) ?? null,
    mapError: (error) => (error instanceof Error ? error : new Error(String(error))),
    errorKind: (error) => {
      const code = (error as { code?: string }).code
      if (code === 'REBALANCE_IN_PROGRESS' || code === 'ILLEGAL_GENERATION' || code === 'NOT_COORDINATOR')
        return 'rebalance'
      return code === 'UNKNOWN_MEMBER_ID' ? 'unknown-member' : null
    },
    isOwnError: (error) => error instanceof KafkaliteError,
    async eachMessage(handler, topic, partition, message, helpers) {
      const invalid = message[INVALID]
      if (invalid !== undefined) return route(invalid)
      await (handler as NonNullable<BusRunOptions<Delivered>['eachMessage']>)({
        topic,
        partition,
        message,
        ...helpers,
      })
    },
    async eachBatch(handler, batch, helpers) {
      const valid: Delivered[] = []
      for (const message of batch.messages) {
        const invalid = message[INVALID]
        if (invalid === undefined) valid.push(message)
        else await route(invalid)
      }
      if (valid.length === 0) return
      const delivered =
        valid.length === batch.messages.length
          ? batch
          : new BusBatch(
              batch.topic,
              batch.partition,
              batch.highWatermark,
              valid,
              batch.fetchedOffset,
              batch.lastOffset() + 1,
            )
      await (handler as NonNullable<BusRunOptions<Delivered>['eachBatch']>)({ batch: delivered, ...helpers })
    },
  }
}

interface AssignorMetadata {
  readonly topics: readonly string[]
}

function assigner(broker: Broker, name: string, assign: typeof roundRobinAssign): GroupAssigner {
  return {
    name,
    protocol: ({ topics }) => ({ name, metadata: Object.freeze({ topics: [...topics] }) }),
    async assign({ members }) {
      const subscriptions = members.map((member) => ({
        memberId: member.memberId,
        topics: (member.memberMetadata as unknown as AssignorMetadata).topics,
      }))
      const counts = new Map<string, number>()
      for (const subscription of subscriptions) {
        for (const topic of subscription.topics)
          counts.set(topic, broker.findTopic(topic)?.partitions.length ?? 0)
      }
      const assignment = assign(subscriptions, counts)
      return [...assignment].map(([memberId, topics]) => ({
        memberId,
        memberAssignment: Object.fromEntries(topics),
      }))
    },
  }
}

function roundRobinAssigner(broker: Broker): GroupAssigner {
  return assigner(broker, 'RoundRobinAssigner', roundRobinAssign)
}

function rangeAssigner(broker: Broker): GroupAssigner {
  return assigner(broker, 'RangeAssigner', rangeAssign)
}
