/**
 * The KafkaJS face of the shared consumer-group loop (src/client/group-consumer.ts): KafkaJS's
 * messages (string offsets, Buffers, batchContext), its Batch class, its error classes and its
 * handler payloads. The loop itself — membership, fetching, commits, retries — is shared with
 * the typed bus.
 */
import type { Buffer } from 'node:buffer'
import {
  type BatchHelpers,
  type ConsumerFace,
  GroupConsumer,
  type GroupConsumerOptions,
  type MessageHelpers,
} from '../client/group-consumer.js'
import type { Broker } from '../engine/broker.js'
import { AssignerProtocol } from './assigner-protocol.js'
import { Batch } from './batch.js'
import { appendKafkaMessages } from './convert.js'
import { isKafkaJSError, isRebalancing, toKafkaJSError } from './errors.js'
import type {
  EachBatchHandler,
  EachBatchPayload,
  EachMessageHandler,
  KafkaMessage,
  PartitionMetadata,
} from './types.js'

/** KafkaJS's conventions for the shared loop. */
const face: ConsumerFace<KafkaMessage, Batch> = {
  appendMessages: (batch, fromOffset, logAppendTime, _topic, _partition, into) =>
    appendKafkaMessages(batch, fromOffset, logAppendTime, into),
  messageOffset: (message: KafkaMessage) => Number(message.offset),
  makeBatch: (topic, partition, highWatermark, messages, fetchedOffset, nextOffset) =>
    new Batch(topic, partition, highWatermark, messages, fetchedOffset, nextOffset),
  decodeAssignment: (encoded: unknown) =>
    AssignerProtocol.MemberAssignment.decode(encoded as Buffer)?.assignment ?? null,
  mapError: (error: unknown) => toKafkaJSError(error) as Error,
  errorKind: (error: Error) => {
    if (isRebalancing(error)) return 'rebalance'
    return (error as { type?: string }).type === 'UNKNOWN_MEMBER_ID' ? 'unknown-member' : null
  },
  isOwnError: (error: unknown) => isKafkaJSError(error),
  eachMessage: (
    handler: unknown,
    topic: string,
    partition: number,
    message: KafkaMessage,
    helpers: MessageHelpers,
  ) =>
    (handler as EachMessageHandler)({
      topic,
      partition,
      message,
      heartbeat: helpers.heartbeat,
      pause: helpers.pause,
    }),
  eachBatch: (handler: unknown, batch: Batch, helpers: BatchHelpers) =>
    (handler as EachBatchHandler)({
      batch: batch as unknown as EachBatchPayload['batch'],
      resolveOffset: helpers.resolveOffset,
      heartbeat: helpers.heartbeat,
      pause: helpers.pause,
      commitOffsetsIfNecessary:
        helpers.commitOffsetsIfNecessary as EachBatchPayload['commitOffsetsIfNecessary'],
      uncommittedOffsets: helpers.uncommittedOffsets as unknown as EachBatchPayload['uncommittedOffsets'],
      isRunning: helpers.isRunning,
      isStale: helpers.isStale,
    }),
}
export const kafkaJSConsumerFace: ConsumerFace<KafkaMessage, Batch> = Object.freeze(face)

/** The runner's options as the KafkaJS consumer resolves them (the face is filled in here). */
export type RunnerOptions = Omit<GroupConsumerOptions<KafkaMessage, Batch>, 'face'>

/** One run of a KafkaJS consumer. */
export class ConsumerRunner extends GroupConsumer<KafkaMessage, Batch> {
  constructor(options: RunnerOptions) {
    super({ ...options, face: kafkaJSConsumerFace })
  }

  /** The partition metadata a custom assigner sees. */
  static partitionMetadata(broker: Broker, topic: string): PartitionMetadata[] {
    const found = broker.findTopic(topic)
    if (found === undefined) return []
    return found.partitions.map((log) => ({
      partitionErrorCode: 0,
      partitionId: log.partition,
      leader: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
    }))
  }
}
