/**
 * The public type surface against kafkajs's own d.ts: every exported name exists, and a
 * representative set of types is mutually assignable with kafkajs's (checked by `tsc`, which runs
 * over test/; `expectTypeOf` is inert at runtime).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type * as K from 'kafkajs'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { AssignerProtocol } from '../../src/kafkajs/assigner-protocol.js'
import type { PartitionAssigners } from '../../src/kafkajs/assigners.js'
import type * as C from '../../src/kafkajs/constants.js'
import kafkajsDefault, { Kafka } from '../../src/kafkajs/index.js'
import type { Partitioners } from '../../src/kafkajs/partitioners.js'
import type * as L from '../../src/kafkajs/types.js'

const require = createRequire(import.meta.url)

/** True when each type is assignable to the other: a value typed with one fits the other's API. */
type Mutual<Ours, Theirs> = [Ours] extends [Theirs] ? ([Theirs] extends [Ours] ? true : false) : false

describe('type surface', () => {
  it('declares every name kafkajs types/index.d.ts exports', () => {
    const declarations = readFileSync(require.resolve('kafkajs/types/index.d.ts'), 'utf8')
    // A .d.ts module exports its top-level declarations with or without `export` (apps import
    // kafkajs's `Sender`, `ValueOf`, `RecordBatchEntry` …), so every one counts.
    const exported = [
      ...declarations.matchAll(/^(?:export )?(?:declare )?(?:type|interface|class|enum|const|var) (\w+)/gm),
    ].map((match) => match[1] as string)
    const ownFiles = ['types', 'constants', 'errors', 'partitioners', 'assigners', 'assigner-protocol']
    const ours = ownFiles
      .map((file) => readFileSync(new URL(`../../src/kafkajs/${file}.ts`, import.meta.url), 'utf8'))
      .join('\n')
    const isDeclared = (name: string) =>
      new RegExp(
        `^export (?:declare )?(?:type|interface|class|const|function|namespace) ${name}\\b`,
        'm',
      ).test(ours)
    // `Kafka` is the runtime class of src/kafkajs/kafka.ts.
    const missing = exported.filter((name) => name !== 'Kafka' && !isDeclared(name))
    expect(exported.length).toBeGreaterThan(150)
    expect(missing).toEqual([])
  })

  it('types the default export like the named exports, and the helper types apps import', () => {
    expectTypeOf(kafkajsDefault.Kafka).toEqualTypeOf<typeof Kafka>()
    expectTypeOf<Mutual<L.Sender, K.Sender>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ValueOf<{ a: 1 }>, K.ValueOf<{ a: 1 }>>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.RecordBatchEntry, K.RecordBatchEntry>>().toEqualTypeOf<true>()
    expect(kafkajsDefault.Kafka).toBe(Kafka)
  })

  it('has producer types interchangeable with kafkajs', () => {
    expectTypeOf<Mutual<L.Message, K.Message>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.IHeaders, K.IHeaders>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.RecordMetadata, K.RecordMetadata>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ProducerRecord, K.ProducerRecord>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ProducerBatch, K.ProducerBatch>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ProducerConfig, K.ProducerConfig>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.PartitionerArgs, K.PartitionerArgs>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ICustomPartitioner, K.ICustomPartitioner>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Transaction, K.Transaction>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Producer, K.Producer>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Offsets, K.Offsets>>().toEqualTypeOf<true>()
  })

  it('has consumer types interchangeable with kafkajs', () => {
    expectTypeOf<Mutual<L.ConsumerConfig, K.ConsumerConfig>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ConsumerRunConfig, K.ConsumerRunConfig>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ConsumerSubscribeTopics, K.ConsumerSubscribeTopics>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.EachMessagePayload, K.EachMessagePayload>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.EachBatchPayload, K.EachBatchPayload>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Batch, K.Batch>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.KafkaMessage, K.KafkaMessage>>().toEqualTypeOf<true>()
    expectTypeOf<
      Mutual<L.TopicPartitionOffsetAndMetadata, K.TopicPartitionOffsetAndMetadata>
    >().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.GroupDescription, K.GroupDescription>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ConsumerGroupJoinEvent, K.ConsumerGroupJoinEvent>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ConsumerCrashEvent, K.ConsumerCrashEvent>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ConsumerEvents, K.ConsumerEvents>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Consumer, K.Consumer>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Assigner, K.Assigner>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.PartitionAssigner, K.PartitionAssigner>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Cluster, K.Cluster>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.MemberMetadata, K.MemberMetadata>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.MemberAssignment, K.MemberAssignment>>().toEqualTypeOf<true>()
  })

  it('has admin and config types interchangeable with kafkajs', () => {
    expectTypeOf<Mutual<L.KafkaConfig, K.KafkaConfig>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.SASLOptions, K.SASLOptions>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Mechanism, K.Mechanism>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.RetryOptions, K.RetryOptions>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ITopicConfig, K.ITopicConfig>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.ITopicMetadata, K.ITopicMetadata>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.PartitionMetadata, K.PartitionMetadata>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.DescribeConfigResponse, K.DescribeConfigResponse>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.IResourceConfig, K.IResourceConfig>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.AclEntry, K.AclEntry>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.AclFilter, K.AclFilter>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Admin, K.Admin>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Logger, K.Logger>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.LogEntry, K.LogEntry>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.logCreator, K.logCreator>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<L.Broker, K.Broker>>().toEqualTypeOf<true>()
  })

  it('has runtime objects and enums typed compatibly with kafkajs', () => {
    expectTypeOf<Mutual<C.logLevel, K.logLevel>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<C.CompressionTypes, K.CompressionTypes>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<C.ConfigResourceTypes, K.ConfigResourceTypes>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<C.ConfigSource, K.ConfigSource>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<C.AclOperationTypes, K.AclOperationTypes>>().toEqualTypeOf<true>()
    expectTypeOf<Mutual<C.ResourcePatternTypes, K.ResourcePatternTypes>>().toEqualTypeOf<true>()
    expectTypeOf<typeof Partitioners>().toExtend<typeof K.Partitioners>()
    expectTypeOf<typeof PartitionAssigners>().toExtend<typeof K.PartitionAssigners>()
    expectTypeOf<typeof AssignerProtocol>().toExtend<typeof K.AssignerProtocol>()
    expectTypeOf<typeof K.logLevel.INFO>().toExtend<C.logLevel.INFO>()
  })

  it('does not accept values kafkajs rejects', () => {
    // @ts-expect-error a message needs a value, as in kafkajs
    expectTypeOf<{ key: string }>().toExtend<L.Message>()
    // @ts-expect-error offsets are strings, as in kafkajs
    expectTypeOf<{ partition: number; offset: number }>().toExtend<L.PartitionOffset>()
  })
})
