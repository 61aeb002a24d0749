/**
 * The typed consumer over a KafkaJS consumer.
 *
 * Behavior: every record is decoded and checked against its topic's schema (data from a cluster
 * may have been written by anyone); a record that fails goes to `onInvalid`, or is logged and
 * skipped, as in process. Offsets, timestamps and the eachBatch offsets are numbers; headers are
 * strings. Handler failures are retried by KafkaJS with the same `retry` numbers, and after the
 * last one the consumer crashes and stops (no restart), as in process. The 'range' assignor is
 * in-process only (KafkaJS ships round robin): asking for it over Kafka is INVALID_CONFIG.
 * Events are KafkaJS's, and listeners get the event's payload, as in process.
 */
import type { Consumer, EachBatchPayload, EachMessagePayload, KafkaMessage, Offsets } from 'kafkajs'
import { KafkaliteError } from '../../common/errors.js'
import {
  type BusConsumer,
  type BusConsumerOptions,
  type BusRunOptions,
  checkConsumerOptions,
  type InvalidRecord,
  type MessageOf,
} from '../consumer.js'
import type { TopicDefinition } from '../define-topic.js'
import { EventValidationError } from '../errors.js'
import { BusBatch, type BusMessage } from '../messages.js'
import { parseOrThrow } from '../producer.js'
import { decodeHeaders } from './codec.js'
import type { KafkaConnection } from './kafka-connection.js'

type Listener = (payload: unknown) => void
type Decoded = { readonly message: BusMessage } | { readonly invalid: InvalidRecord }

/** A typed consumer in a Kafka consumer group. */
export class KafkaBusConsumer<Definitions extends readonly TopicDefinition[]>
  implements BusConsumer<Definitions>
{
  readonly #connection: KafkaConnection
  readonly #options: BusConsumerOptions<Definitions>
  readonly #definitions: ReadonlyMap<string, TopicDefinition>
  readonly #listeners = new Map<string, Set<Listener>>()
  #consumer: Consumer | null = null
  #starting = false
  #stopping: Promise<void> | null = null

  /** @throws KafkaliteError INVALID_GROUP_ID, INVALID_REQUEST (no topics), INVALID_CONFIG ('range') */
  constructor(connection: KafkaConnection, options: BusConsumerOptions<Definitions>) {
    checkConsumerOptions(options)
    if (options.assignor === 'range') {
      throw new KafkaliteError(
        'INVALID_CONFIG',
        "assignor 'range' is in-process only; over Kafka use 'roundRobin'",
      )
    }
    this.#connection = connection
    this.#options = options
    this.#definitions = new Map(options.topics.map((definition) => [definition.name, definition]))
  }

  on(name: string, listener: (payload: unknown) => void): () => void {
    let set = this.#listeners.get(name)
    if (set === undefined) {
      set = new Set()
      this.#listeners.set(name, set)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }

  async run(options: BusRunOptions<MessageOf<Definitions[number]>>): Promise<void> {
    if (this.#consumer !== null || this.#starting)
      throw new KafkaliteError(
        'INVALID_REQUEST',
        `consumer of group ${this.#options.groupId} is already running`,
      )
    if (options.eachMessage === undefined && options.eachBatch === undefined) {
      throw new KafkaliteError('INVALID_REQUEST', 'run() needs eachMessage or eachBatch')
    }
    this.#starting = true
    try {
      const consumer = await this.#connect()
      this.#consumer = consumer
      try {
        await this.#start(consumer, options as BusRunOptions<BusMessage>)
      } catch (error) {
        this.#consumer = null
        await consumer.disconnect().catch(() => {})
        throw error
      }
    } finally {
      this.#starting = false
    }
  }

  async #connect(): Promise<Consumer> {
    const { kafka, kafkajs } = await this.#connection.client()
    for (const definition of this.#options.topics) await this.#connection.ensureTopic(definition)
    const options = this.#options
    const retry = options.retry ?? {}
    const consumer = kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [kafkajs.PartitionAssigners.roundRobin],
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 5_000,
      readUncommitted: options.readUncommitted ?? false,
      retry: {
        retries: retry.retries ?? 5,
        initialRetryTime: retry.initialRetryTimeMs ?? 300,
        maxRetryTime: retry.maxRetryTimeMs ?? 30_000,
        restartOnFailure: async () => false,
      },
    })
    for (const name of Object.values(consumer.events)) {
      consumer.on(name as typeof consumer.events.GROUP_JOIN, (event: { payload: unknown }) => {
        const set = this.#listeners.get(name)
        if (set !== undefined) for (const listener of set) listener(event.payload)
      })
    }
    consumer.on(consumer.events.CRASH, (event) => {
      this.#connection.log(
        'error',
        `consumer of group ${options.groupId} crashed: ${event.payload.error.message}`,
        {
          error: event.payload.error,
        },
      )
    })
    await consumer.connect()
    await consumer.subscribe({
      topics: options.topics.map((definition) => definition.name),
      fromBeginning: options.fromBeginning ?? false,
    })
    return consumer
  }

  async #start(consumer: Consumer, options: BusRunOptions<BusMessage>): Promise<void> {
    const route = async (invalid: InvalidRecord): Promise<void> => {
      if (options.onInvalid !== undefined) await options.onInvalid(invalid)
      else
        this.#connection.log('error', `skipped a record that fails its schema: ${invalid.error.message}`, {
          offset: invalid.offset,
        })
    }
    const eachMessage = options.eachMessage
    const eachBatch = options.eachBatch
    await consumer.run({
      autoCommit: options.autoCommit ?? true,
      autoCommitInterval: options.autoCommitIntervalMs ?? null,
      autoCommitThreshold: options.autoCommitThreshold ?? null,
      eachBatchAutoResolve: options.eachBatchAutoResolve ?? true,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      ...(eachMessage === undefined
        ? {}
        : {
            eachMessage: async (payload: EachMessagePayload) => {
              const decoded = this.#decode(payload.topic, payload.partition, payload.message)
              if ('invalid' in decoded) return route(decoded.invalid)
              await eachMessage({
                topic: payload.topic,
                partition: payload.partition,
                message: decoded.message,
                heartbeat: payload.heartbeat,
                pause: payload.pause,
              })
            },
          }),
      ...(eachBatch === undefined
        ? {}
        : { eachBatch: (payload: EachBatchPayload) => this.#eachBatch(payload, eachBatch, route) }),
    })
  }

  async #eachBatch(
    payload: EachBatchPayload,
    handler: NonNullable<BusRunOptions<BusMessage>['eachBatch']>,
    route: (invalid: InvalidRecord) => Promise<void>,
  ): Promise<void> {
    const { batch } = payload
    const valid: BusMessage[] = []
    for (const message of batch.messages) {
      const decoded = this.#decode(batch.topic, batch.partition, message)
      if ('invalid' in decoded) await route(decoded.invalid)
      else valid.push(decoded.message)
    }
    if (valid.length === 0) return
    const first = batch.firstOffset()
    const nextOffset = Number(batch.lastOffset()) + 1
    await handler({
      batch: new BusBatch(
        batch.topic,
        batch.partition,
        Number(batch.highWatermark),
        valid,
        first === null ? nextOffset : Number(first),
        nextOffset,
      ),
      resolveOffset: (offset: number) => payload.resolveOffset(String(offset)),
      heartbeat: payload.heartbeat,
      pause: payload.pause,
      commitOffsetsIfNecessary: (offsets) => payload.commitOffsetsIfNecessary(offsets as Offsets | undefined),
      uncommittedOffsets: () => ({
        topics: payload.uncommittedOffsets().topics.map(({ topic, partitions }) => ({
          topic,
          partitions: partitions.map(({ partition, offset }) => ({ partition: String(partition), offset })),
        })),
      }),
      isRunning: payload.isRunning,
      isStale: payload.isStale,
    })
  }

  /** Decodes and validates one record; never throws (a failure becomes an InvalidRecord). */
  #decode(topic: string, partition: number, message: KafkaMessage): Decoded {
    const offset = Number(message.offset)
    const definition = this.#definitions.get(topic)
    let raw: unknown
    try {
      raw = this.#connection.codec.decode(message.value)
    } catch (error) {
      const issues = [{ path: '', message: `not ${this.#connection.codec.serializer}: ${String(error)}` }]
      const invalid = new EventValidationError(topic, 'value', issues, { partition, offset, cause: error })
      return { invalid: { topic, partition, offset, error: invalid, raw: message.value } }
    }
    try {
      const value =
        definition === undefined
          ? raw
          : parseOrThrow(definition, 'value', definition.value, raw, undefined, { partition, offset })
      const key = decodeKey(definition, message.key, partition, offset)
      const context = (message as { batchContext?: { inTransaction?: boolean } }).batchContext
      return {
        message: {
          topic,
          partition,
          offset,
          timestamp: Number(message.timestamp),
          key,
          value,
          headers: decodeHeaders(message.headers),
          inTransaction: context?.inTransaction ?? false,
        },
      }
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error
      return { invalid: { topic, partition, offset, error, raw } }
    }
  }

  seek(topic: TopicDefinition, partition: number, offset: number): void {
    this.#require().seek({ topic: topic.name, partition, offset: String(offset) })
  }

  pause(topic: TopicDefinition, partitions?: number[]): void {
    this.#require().pause([{ topic: topic.name, ...(partitions === undefined ? {} : { partitions }) }])
  }

  resume(topic: TopicDefinition, partitions?: number[]): void {
    this.#require().resume([{ topic: topic.name, ...(partitions === undefined ? {} : { partitions }) }])
  }

  paused(): { topic: string; partitions: number[] }[] {
    return (this.#consumer?.paused() ?? []).map(({ topic, partitions }) => ({
      topic,
      partitions: [...partitions],
    }))
  }

  async commitOffsets(
    offsets: readonly { topic: TopicDefinition; partition: number; offset: number }[],
  ): Promise<void> {
    await this.#require().commitOffsets(
      offsets.map(({ topic, partition, offset }) => ({
        topic: topic.name,
        partition,
        offset: String(offset),
      })),
    )
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const consumer = this.#consumer
      this.#consumer = null
      // disconnect() stops the loop, waits for the running handler, commits and leaves the group.
      await consumer?.disconnect()
    })().finally(() => {
      this.#stopping = null
    })
    return this.#stopping
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  #require(): Consumer {
    if (this.#consumer === null)
      throw new KafkaliteError('INVALID_REQUEST', 'the consumer is not running: call run() first')
    return this.#consumer
  }
}

/** A key as the topic's definition types it: a string, or JSON when a key schema wants something else. */
function decodeKey(
  definition: TopicDefinition | undefined,
  bytes: Buffer | null,
  partition: number,
  offset: number,
): unknown {
  if (bytes === null) return null
  const text = bytes.toString('utf8')
  const rule = definition?.key
  if (definition === undefined || rule === undefined || typeof rule === 'function') return text
  let candidate: unknown = text
  if (!rule.safeParse(text).success) {
    try {
      candidate = JSON.parse(text)
    } catch {
      candidate = text
    }
  }
  return parseOrThrow(definition, 'key', rule, candidate, undefined, { partition, offset })
}
