/**
 * The typed producer over KafkaJS.
 *
 * Behavior: validation, keys and partitions are the in-process producer's (same schemas, same
 * EventValidationError, nothing sent when one event fails, murmur2 of the key's bytes). Unlike
 * in process, a call spanning several partitions is not atomic: Kafka may accept one partition's
 * part and reject another's (the call then rejects with KafkaJS's error). Values are copied by
 * serializing them, so later mutation by the caller changes nothing.
 */
import type { Message, Producer } from 'kafkajs'
import type { z } from 'zod'
import { partitionForKey, RoundRobinCounter } from '../../engine/partitioner.js'
import type { TopicDefinition } from '../define-topic.js'
import {
  type BusProducer,
  type BusProducerOptions,
  type OutgoingEvent,
  parseOrThrow,
  type SendResult,
} from '../producer.js'
import { encodeKey } from './codec.js'
import type { KafkaConnection } from './kafka-connection.js'

const encoder = new TextEncoder()

/** A typed producer sending through one KafkaJS producer, connected on first send. */
export class KafkaBusProducer implements BusProducer {
  readonly #connection: KafkaConnection
  readonly #validate: boolean
  readonly #counters = new Map<string, RoundRobinCounter>()
  #producer: Promise<Producer> | null = null

  constructor(connection: KafkaConnection, options: BusProducerOptions = {}) {
    this.#connection = connection
    this.#validate = options.validate ?? true
  }

  async send<Schema extends z.ZodType, Key, Name extends string>(
    topic: TopicDefinition<Schema, Key, Name>,
    events: OutgoingEvent<z.input<Schema>, Key> | readonly OutgoingEvent<z.input<Schema>, Key>[],
  ): Promise<SendResult[]> {
    const definition = topic as unknown as TopicDefinition
    const list = (Array.isArray(events) ? events : [events]) as readonly OutgoingEvent<unknown, unknown>[]
    // Validate before any I/O: a failing batch neither creates the topic nor sends anything.
    const prepared = this.#validateAll(definition, list)
    const partitionCount = await this.#connection.ensureTopic(definition)
    const byPartition = new Map<number, Message[]>()
    for (const { event, value, key } of prepared) {
      const partition = event.partition ?? this.#partitionFor(definition.name, key, partitionCount)
      let messages = byPartition.get(partition)
      if (messages === undefined) {
        messages = []
        byPartition.set(partition, messages)
      }
      messages.push({
        key: encodeKey(key),
        value: this.#connection.codec.encode(value),
        partition,
        ...(event.timestamp === undefined ? {} : { timestamp: String(event.timestamp) }),
        ...(event.headers === undefined ? {} : { headers: stringHeaders(event.headers) }),
      })
    }
    const producer = await this.#producerConnected()
    const partitions = [...byPartition.keys()].sort((a, b) => a - b)
    const messages: Message[] = []
    for (const partition of partitions) messages.push(...byPartition.get(partition)!)
    const metadata = await producer.send({ topic: definition.name, messages })
    return partitions.map((partition) => {
      const landed = metadata.find((entry) => entry.partition === partition)
      return {
        topic: definition.name,
        partition,
        baseOffset: Number(landed?.baseOffset ?? landed?.offset ?? -1),
        count: byPartition.get(partition)!.length,
      }
    })
  }

  /** KafkaJS acknowledges each send (acks -1) before it resolves: nothing is left to flush. */
  async flush(): Promise<void> {}

  /** Disconnects the KafkaJS producer. */
  async close(): Promise<void> {
    const producer = this.#producer
    this.#producer = null
    if (producer !== null) await producer.then((connected) => connected.disconnect()).catch(() => {})
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.flush()
  }

  #validateAll(
    topic: TopicDefinition,
    events: readonly OutgoingEvent<unknown, unknown>[],
  ): { event: OutgoingEvent<unknown, unknown>; value: unknown; key: unknown }[] {
    const prepared: { event: OutgoingEvent<unknown, unknown>; value: unknown; key: unknown }[] = []
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!
      const value = this.#validate
        ? parseOrThrow(topic, 'value', topic.value, event.value, index)
        : event.value
      const rule = topic.key
      const key =
        typeof rule === 'function'
          ? (rule(value) ?? null)
          : rule !== undefined
            ? parseOrThrow(topic, 'key', rule, event.key, index)
            : (event.key ?? null)
      prepared.push({ event, value, key })
    }
    return prepared
  }

  #producerConnected(): Promise<Producer> {
    this.#producer ??= (async () => {
      const { kafka, kafkajs } = await this.#connection.client()
      // Every message carries its partition, so the partitioner is never consulted; naming one
      // keeps KafkaJS from warning about its default.
      const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner })
      await producer.connect()
      return producer
    })()
    void this.#producer.catch(() => {
      this.#producer = null
    })
    return this.#producer
  }

  #partitionFor(topic: string, key: unknown, partitionCount: number): number {
    if (key === null || key === undefined) {
      let counter = this.#counters.get(topic)
      if (counter === undefined) {
        counter = new RoundRobinCounter(Math.random)
        this.#counters.set(topic, counter)
      }
      return counter.next(partitionCount)
    }
    return partitionForKey(encoder.encode(encodeKey(key) ?? ''), partitionCount)
  }
}

function stringHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const copy: Record<string, string> = {}
  for (const name of Object.keys(headers)) copy[name] = String(headers[name])
  return copy
}
