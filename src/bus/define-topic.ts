import type { z } from 'zod'
import { KafkaliteError } from '../common/errors.js'
import type { TopicConfigEntries } from '../engine/topic-config.js'
import { validateTopicName } from '../engine/topic-name.js'

/** How a topic's records get their key: none, a schema the sender supplies, or a function of the value. */
export type KeyDefinition<Value> = z.ZodType | ((value: Value) => string | null | undefined)

/** A typed topic: name, value schema, key rule, partitions and Kafka config, defined once. */
export interface TopicDefinition<
  ValueSchema extends z.ZodType = z.ZodType,
  Key = unknown,
  Name extends string = string,
> {
  readonly name: Name
  readonly value: ValueSchema
  readonly key: KeyDefinition<z.output<ValueSchema>> | undefined
  readonly partitions: number
  readonly config: TopicConfigEntries
  /** Phantom field carrying the key type; never set. */
  readonly keyType?: Key
}

/** The event type of a topic definition. */
export type EventOf<Definition> =
  Definition extends TopicDefinition<infer Schema, unknown, string> ? z.output<Schema> : never
/** The input type `send` accepts for a topic (before schema defaults and transforms). */
export type EventInputOf<Definition> =
  Definition extends TopicDefinition<infer Schema, unknown, string> ? z.input<Schema> : never
/** The key type of a topic definition. */
export type KeyOf<Definition> = Definition extends TopicDefinition<z.ZodType, infer Key, string> ? Key : never

/**
 * Defines a typed topic.
 * @throws KafkaliteError INVALID_TOPIC_EXCEPTION for an illegal name, INVALID_PARTITIONS for a bad count
 * @example
 * const orders = defineTopic({
 *   name: 'orders',
 *   value: z.object({ orderId: z.string(), amount: z.number() }),
 *   key: (order) => order.orderId,
 *   partitions: 3,
 * })
 */
/** The common fields of a topic definition as `defineTopic` takes them. */
interface TopicFields<Name extends string, ValueSchema extends z.ZodType> {
  name: Name
  value: ValueSchema
  partitions?: number
  config?: TopicConfigEntries
}

export function defineTopic<
  const Name extends string,
  ValueSchema extends z.ZodType,
  Key extends string | null | undefined,
>(
  definition: TopicFields<Name, ValueSchema> & { key: (value: z.output<ValueSchema>) => Key },
): TopicDefinition<ValueSchema, Exclude<Key, undefined> | null, Name>
export function defineTopic<
  const Name extends string,
  ValueSchema extends z.ZodType,
  KeySchema extends z.ZodType,
>(
  definition: TopicFields<Name, ValueSchema> & { key: KeySchema },
): TopicDefinition<ValueSchema, z.output<KeySchema>, Name>
export function defineTopic<const Name extends string, ValueSchema extends z.ZodType>(
  definition: TopicFields<Name, ValueSchema> & { key?: undefined },
): TopicDefinition<ValueSchema, string | null, Name>
export function defineTopic(
  definition: TopicFields<string, z.ZodType> & { key?: KeyDefinition<unknown> | undefined },
): TopicDefinition {
  validateTopicName(definition.name)
  const partitions = definition.partitions ?? 1
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new KafkaliteError(
      'INVALID_PARTITIONS',
      `topic ${definition.name} needs a positive integer partition count, got ${partitions}`,
      {
        topic: definition.name,
        value: partitions,
      },
    )
  }
  return Object.freeze({
    name: definition.name,
    value: definition.value,
    key: definition.key as KeyDefinition<unknown> | undefined,
    partitions,
    config: Object.freeze({ ...(definition.config ?? {}) }),
  })
}
