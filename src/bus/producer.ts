import type { z } from 'zod'
import { type Header, RECORD_OVERHEAD_BYTES, type StoredRecord } from '../common/record.js'
import type { Broker, ProduceRequestPart } from '../engine/broker.js'
import { partitionForKey, RoundRobinCounter } from '../engine/partitioner.js'
import type { TopicDefinition } from './define-topic.js'
import { EventValidationError, type ValidationIssue } from './errors.js'
import { detachedCopy, parseOutputIsFresh, sizeOfValue } from './immutable.js'

/** One event to send: its value, and optionally key, headers, partition and timestamp. */
export interface OutgoingEvent<Value, Key> {
  readonly value: Value
  readonly key?: Key
  readonly headers?: Readonly<Record<string, string>>
  readonly partition?: number
  readonly timestamp?: number
}

/** Where one partition's part of a send landed. */
export interface SendResult {
  readonly topic: string
  readonly partition: number
  readonly baseOffset: number
  readonly count: number
}

/** Options of a typed producer. */
export interface BusProducerOptions {
  /** Check values against their schema (default true). Without it values are still copied. */
  readonly validate?: boolean
}

const encoder = new TextEncoder()

/**
 * Typed sending, the same on both transports: validates every event of a call against its topic's
 * schema (nothing is sent when one fails) and partitions by key with Kafka's murmur2.
 */
export interface BusProducer extends AsyncDisposable {
  /**
   * Sends one event or a batch to a typed topic; resolves with where each partition's part landed.
   * @throws EventValidationError naming the topic, event index, path and problem (nothing sent)
   * @throws KafkaliteError MESSAGE_TOO_LARGE, UNKNOWN_TOPIC_OR_PARTITION, … (in process); KafkaJS errors (Kafka transport)
   */
  send<Schema extends z.ZodType, Key, Name extends string>(
    topic: TopicDefinition<Schema, Key, Name>,
    events: OutgoingEvent<z.input<Schema>, Key> | readonly OutgoingEvent<z.input<Schema>, Key>[],
  ): Promise<SendResult[]>
  /** Resolves once everything sent so far is as durable as the transport promises. */
  flush(): Promise<void>
}

/**
 * The in-process producer: copies what it stores (records are immutable) and appends a call's
 * events all or nothing.
 */
export class InProcessBusProducer implements BusProducer {
  readonly #broker: Broker
  readonly #ensureTopic: (definition: TopicDefinition) => void
  readonly #validate: boolean
  readonly #counters = new Map<string, RoundRobinCounter>()
  readonly #freshSchemas = new WeakMap<object, boolean>()

  constructor(
    broker: Broker,
    ensureTopic: (definition: TopicDefinition) => void,
    options: BusProducerOptions = {},
  ) {
    this.#broker = broker
    this.#ensureTopic = ensureTopic
    this.#validate = options.validate ?? true
  }

  /**
   * Sends one event or a batch to a typed topic. The whole call is appended atomically.
   * @throws EventValidationError naming the topic, event index, path and problem (nothing appended)
   * @throws KafkaliteError MESSAGE_TOO_LARGE, UNKNOWN_TOPIC_OR_PARTITION, …
   */
  async send<Schema extends z.ZodType, Key, Name extends string>(
    topic: TopicDefinition<Schema, Key, Name>,
    events: OutgoingEvent<z.input<Schema>, Key> | readonly OutgoingEvent<z.input<Schema>, Key>[],
  ): Promise<SendResult[]> {
    const parts = this.#prepare(
      topic as unknown as TopicDefinition,
      Array.isArray(events) ? events : [events as OutgoingEvent<unknown, unknown>],
    )
    const results = this.#broker.produce(parts)
    await this.#broker.flush()
    return results.map((result, index) => ({
      topic: result.topic,
      partition: result.partition,
      baseOffset: result.baseOffset,
      count: parts[index]!.batch.records.length,
    }))
  }

  /** Resolves once everything sent so far is as durable as the storage promises. */
  flush(): Promise<void> {
    return this.#broker.flush()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.flush()
  }

  #prepare(topic: TopicDefinition, events: readonly OutgoingEvent<unknown, unknown>[]): ProduceRequestPart[] {
    this.#ensureTopic(topic)
    const partitionCount = this.#broker.topic(topic.name).partitions.length
    const nowMs = this.#broker.clock.now()
    const byPartition = new Map<number, StoredRecord[]>()
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!
      const parsed = this.#validate
        ? parseOrThrow(topic, 'value', topic.value, event.value, index)
        : event.value
      // A parse output that shares nothing with the input is stored as is; anything else is copied.
      const value = this.#validate && this.#freshOutput(topic.value) ? parsed : detachedCopy(parsed)
      const key = this.#keyOf(topic, event, value, index)
      const partition = event.partition ?? this.#partitionFor(topic.name, key, partitionCount)
      const headers = toHeaders(event.headers)
      let records = byPartition.get(partition)
      if (records === undefined) {
        records = []
        byPartition.set(partition, records)
      }
      records.push({
        offsetDelta: records.length,
        timestamp: event.timestamp ?? nowMs,
        key,
        value,
        headers,
        sizeBytes: RECORD_OVERHEAD_BYTES + sizeOfValue(value) + (typeof key === 'string' ? key.length : 0),
      })
    }
    return [...byPartition.keys()]
      .sort((a, b) => a - b)
      .map((partition) => ({ topic: topic.name, partition, batch: { records: byPartition.get(partition)! } }))
  }

  #freshOutput(schema: z.ZodType): boolean {
    let fresh = this.#freshSchemas.get(schema)
    if (fresh === undefined) {
      fresh = parseOutputIsFresh(schema)
      this.#freshSchemas.set(schema, fresh)
    }
    return fresh
  }

  #keyOf(
    topic: TopicDefinition,
    event: OutgoingEvent<unknown, unknown>,
    value: unknown,
    index: number,
  ): unknown {
    const rule = topic.key
    if (typeof rule === 'function') return rule(value) ?? null
    if (rule !== undefined) return detachedCopy(parseOrThrow(topic, 'key', rule, event.key, index))
    return event.key === undefined ? null : detachedCopy(event.key)
  }

  #partitionFor(topic: string, key: unknown, partitionCount: number): number {
    if (key === null || key === undefined) {
      let counter = this.#counters.get(topic)
      if (counter === undefined) {
        counter = new RoundRobinCounter(this.#broker.random)
        this.#counters.set(topic, counter)
      }
      return counter.next(partitionCount)
    }
    const bytes =
      key instanceof Uint8Array ? key : encoder.encode(typeof key === 'string' ? key : JSON.stringify(key))
    return partitionForKey(bytes, partitionCount)
  }
}

/** Parses with a zod schema; a failure becomes an EventValidationError with every issue's path. */
export function parseOrThrow(
  topic: TopicDefinition,
  part: 'value' | 'key',
  schema: z.ZodType,
  input: unknown,
  index: number | undefined,
  position: { partition?: number; offset?: number } = {},
): unknown {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
  throw new EventValidationError(topic.name, part, issues, {
    ...(index === undefined ? {} : { index }),
    ...position,
    cause: result.error,
  })
}

function toHeaders(headers: Readonly<Record<string, string>> | undefined): Header[] | null {
  if (headers === undefined) return null
  const list: Header[] = []
  for (const key of Object.keys(headers)) list.push(Object.freeze({ key, value: String(headers[key]) }))
  return list.length === 0 ? null : list
}
