/**
 * KafkaJS's producer over the in-process broker.
 *
 * Behavior:
 * - A produce request is atomic: if any partition rejects its batch (size, topic, partition),
 *   nothing of the request is appended. Real Kafka may append the partitions that succeeded.
 * - Compression is accepted and recorded nowhere: records are stored uncompressed. A codec that
 *   KafkaJS would need registered (Snappy, LZ4, ZSTD) must still be registered, as in KafkaJS.
 * - Sends resolve when the records are as durable as the broker's storage promises (acks -1 or 1);
 *   acks 0 resolves at once with [].
 */

import { env } from 'node:process'
import { KafkaliteError } from '../common/errors.js'
import { PackedBatchInput, type PackedRecords } from '../common/packed-records.js'
import type { Broker, ProduceRequestPart } from '../engine/broker.js'
import { partitionForKey, RoundRobinCounter } from '../engine/partitioner.js'
import { validateTopicName } from '../engine/topic-name.js'
import { lookupCodec } from './constants.js'
import { createProtocolError, KafkaJSError, KafkaJSNonRetriableError, toKafkaJSError } from './errors.js'
import { InstrumentationEmitter, type ProducerEventPayloads, producerEvents } from './instrumentation.js'
import type { ClientContext } from './kafka.js'
import { packMessages } from './pack.js'
import { Partitioners } from './partitioners.js'
import { createRetry } from './retry.js'
import { createTransaction, type TransactionalState } from './transaction.js'
import type {
  Message,
  PartitionMetadata,
  Producer,
  ProducerBatch,
  ProducerConfig,
  ProducerRecord,
  RecordMetadata,
  TopicMessages,
  Transaction,
} from './types.js'

type ConnectionStatus = 'connected' | 'disconnecting' | 'disconnected'

/** Options of one produce call as the send path sees them. */
export interface SendOptions {
  readonly acks: number
  readonly compression: number | undefined
  readonly topicMessages: readonly TopicMessages[]
  /** Set inside a transaction: the batches are transactional for this producer id. */
  readonly transactional?: TransactionalState
}

/** Builds a KafkaJS-shaped producer. */
export function createProducer(context: ClientContext, config: ProducerConfig): Producer {
  const logger = context.rootLogger.namespace('Producer')
  const idempotent = config.idempotent === true
  const retry = {
    ...context.retry,
    ...(config.retry ?? { retries: idempotent ? Number.MAX_SAFE_INTEGER : 5 }),
  }
  if (idempotent && (retry.retries ?? 5) < 1) {
    throw new KafkaJSNonRetriableError(
      'Idempotent producer must allow retries to protect against transient errors',
    )
  }
  if (idempotent && (retry.retries ?? 5) < Number.MAX_SAFE_INTEGER) {
    logger.warn('Limiting retries for the idempotent producer may invalidate EoS guarantees')
  }
  if (config.createPartitioner === undefined || config.createPartitioner === null)
    warnDefaultPartitioner(context)
  const defaultPartitioning =
    config.createPartitioner === undefined ||
    config.createPartitioner === null ||
    config.createPartitioner === Partitioners.DefaultPartitioner
  const partition = (config.createPartitioner ?? Partitioners.DefaultPartitioner)()
  const roundRobin = new Map<string, RoundRobinCounter>()
  /** KafkaJS's DefaultPartitioner, on already-encoded key bytes. */
  const defaultPartition = (
    topic: string,
    message: Message,
    key: Uint8Array | null,
    keyStart: number,
    keyEnd: number,
    count: number,
  ): number => {
    if (message.partition !== null && message.partition !== undefined)
      return partitionIdOf(message.partition, topic, count)
    if (key !== null) return partitionForKey(key, count, keyStart, keyEnd)
    let counter = roundRobin.get(topic)
    if (counter === undefined) {
      counter = new RoundRobinCounter(Math.random)
      roundRobin.set(topic, counter)
    }
    return counter.next(count)
  }
  const retrier = createRetry(retry)
  const instrumentation = new InstrumentationEmitter<ProducerEventPayloads>({ kind: 'producer', logger })
  const allowAutoTopicCreation = config.allowAutoTopicCreation ?? true
  const metadataCache = new Map<string, PartitionMetadata[]>()
  let status: ConnectionStatus = 'disconnected'
  let releaseKeepAlive: (() => void) | null = null
  let idempotentState: { producerId: number; producerEpoch: number; sequences: Map<string, number> } | null =
    null

  const partitionMetadata = (topic: string, count: number): PartitionMetadata[] => {
    let metadata = metadataCache.get(topic)
    if (metadata === undefined || metadata.length !== count) {
      metadata = Array.from({ length: count }, (_, partitionId) => ({
        partitionErrorCode: 0,
        partitionId,
        leader: 0,
        replicas: [0],
        isr: [0],
        offlineReplicas: [],
      }))
      metadataCache.set(topic, metadata)
    }
    return metadata
  }

  const buildParts = (broker: Broker, options: SendOptions): ProduceRequestPart[] => {
    const parts: ProduceRequestPart[] = []
    const nowMs = broker.clock.now()
    const producerState = options.transactional ?? idempotentState
    for (const { topic, messages } of options.topicMessages) {
      if (messages.length === 0) continue
      const found = broker.findTopic(topic)
      if (found === undefined) validateTopicName(topic)
      const count = (found ?? (allowAutoTopicCreation ? broker.ensureTopic(topic) : broker.topic(topic)))
        .partitions.length
      const metadata = partitionMetadata(topic, count)
      const byPartition = packMessages(
        messages as Message[],
        defaultPartitioning
          ? (message, key, keyStart, keyEnd) => defaultPartition(topic, message, key, keyStart, keyEnd, count)
          : (message) =>
              partitionIdOf(partition({ topic, partitionMetadata: metadata, message }), topic, count),
        nowMs,
      )
      const partitions = [...byPartition.keys()].sort((a, b) => a - b)
      for (const target of partitions) {
        const packed = byPartition.get(target) as PackedRecords
        if (producerState === null) {
          parts.push({ topic, partition: target, batch: new PackedBatchInput(packed) })
          continue
        }
        const sequenceKey = `${topic}\u0000${target}`
        parts.push({
          topic,
          partition: target,
          batch: new PackedBatchInput(packed, {
            producerId: producerState.producerId,
            producerEpoch: producerState.producerEpoch,
            baseSequence: producerState.sequences.get(sequenceKey) ?? 0,
            isTransactional: options.transactional !== undefined,
          }),
        })
      }
    }
    return parts
  }

  const produceOnce = async (
    options: SendOptions,
    onAppended: (broker: Broker) => void,
  ): Promise<RecordMetadata[]> => {
    const broker = context.broker()
    const parts = buildParts(broker, options)
    if (parts.length === 0) return []
    options.transactional?.addPartitions(parts)
    const results = broker.produce(parts)
    onAppended(broker)
    const producerState = options.transactional ?? idempotentState
    if (producerState !== null) {
      for (const part of parts) {
        const key = `${part.topic}\u0000${part.partition}`
        const count = (part.batch as PackedBatchInput).packed.count
        producerState.sequences.set(key, (producerState.sequences.get(key) ?? 0) + count)
      }
    }
    if (options.acks === 0) return []
    await broker.flush()
    return results.map((result) => ({
      topicName: result.topic,
      partition: result.partition,
      errorCode: 0,
      baseOffset: String(result.baseOffset),
      logAppendTime: String(result.logAppendTime),
      logStartOffset: String(result.logStartOffset),
    }))
  }

  /**
   * Sends, and tells the broker when the caller has seen the answer: the reaction registered here
   * runs before the caller's `await` resumes, and marks the answer seen one microtask later, so a
   * consumer woken by these records runs its handler after the caller resumed (see PendingAnswers).
   */
  const send = (options: SendOptions): Promise<RecordMetadata[]> => {
    const seen: (() => void)[] = []
    const result = sendNow(options, (broker) => {
      broker.answers.add(new Promise<void>((resolve) => seen.push(resolve)))
    })
    const settle = (): void => {
      for (const resolve of seen) queueMicrotask(resolve)
    }
    result.then(settle, settle)
    return result
  }

  const sendNow = async (
    options: SendOptions,
    onAppended: (broker: Broker) => void,
  ): Promise<RecordMetadata[]> => {
    if (options.topicMessages.some(({ topic }) => !topic)) throw new KafkaJSNonRetriableError('Invalid topic')
    if ((idempotent || options.transactional !== undefined) && options.acks !== -1) {
      throw new KafkaJSNonRetriableError(
        "Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees",
      )
    }
    for (const { topic, messages } of options.topicMessages) {
      if (!messages)
        throw new KafkaJSNonRetriableError(
          `Invalid messages array [${String(messages)}] for topic "${topic}"`,
        )
      const withoutValue = messages.find((message) => message.value === undefined)
      if (withoutValue !== undefined) {
        throw new KafkaJSNonRetriableError(
          `Invalid message without value for topic "${topic}": ${JSON.stringify(withoutValue)}`,
        )
      }
    }
    if (status === 'disconnecting') {
      throw new KafkaJSNonRetriableError(
        "The producer is disconnecting; therefore, it can't safely accept messages anymore",
      )
    }
    if (status === 'disconnected') throw new KafkaJSError('The producer is disconnected')
    if (options.acks !== -1 && options.acks !== 0 && options.acks !== 1) {
      throw toKafkaJSError(invalidAcks(options.acks))
    }
    if (options.compression !== undefined && options.compression !== 0) lookupCodec(options.compression)
    const merged = mergeTopicMessages(options.topicMessages)
    return retrier(async (bail) => {
      try {
        return await produceOnce({ ...options, topicMessages: merged }, onAppended)
      } catch (error) {
        const mapped = toKafkaJSError(error) as Error & { retriable?: boolean; type?: string }
        // KafkaJS meets an invalid topic while loading metadata, outside its produce try/catch,
        // so its retrier wraps it in KafkaJSNonRetriableError. Inside that try/catch it rethrows
        // retriable errors for the retrier and bails every other error as is: a TypeError from
        // encoding a value, a custom partitioner's own error.
        if (mapped.type === 'INVALID_TOPIC_EXCEPTION' || mapped.retriable === true) throw mapped
        bail(mapped)
        return []
      }
    })
  }

  const transactional =
    config.transactionalId === undefined || config.transactionalId === null
      ? null
      : createTransaction({
          context,
          logger,
          transactionalId: config.transactionalId,
          transactionTimeoutMs: config.transactionTimeout ?? 60_000,
          send,
        })

  const producer: Producer = {
    async connect() {
      const broker = await context.ready()
      if (status !== 'connected') releaseKeepAlive = context.keepAlive.acquire()
      status = 'connected'
      instrumentation.emitLazy('producer.connect', () => undefined)
      if (idempotent && idempotentState === null) {
        const { producerId, producerEpoch } = broker.transactions.initProducerId({})
        idempotentState = { producerId, producerEpoch, sequences: new Map() }
      }
    },
    async disconnect() {
      const wasConnected = status === 'connected'
      status = 'disconnecting'
      // KafkaJS disconnects its cluster asynchronously, and sends made meanwhile are refused as
      // "disconnecting". An open transaction stays open, as in KafkaJS: after reconnecting it
      // must still be committed or aborted before another begins.
      await Promise.resolve()
      status = 'disconnected'
      if (wasConnected) {
        releaseKeepAlive?.()
        releaseKeepAlive = null
      }
      instrumentation.emitLazy('producer.disconnect', () => undefined)
    },
    isIdempotent: () => idempotent,
    events: producerEvents,
    on: ((eventName: string, listener: (event: unknown) => void) =>
      instrumentation.on(eventName, listener)) as Producer['on'],
    send: (record: ProducerRecord) =>
      send({
        acks: record.acks ?? -1,
        compression: record.compression,
        topicMessages: [{ topic: record.topic, messages: record.messages }],
      }),
    sendBatch: (batch: ProducerBatch) =>
      send({
        acks: batch.acks ?? -1,
        compression: batch.compression,
        topicMessages: batch.topicMessages ?? [],
      }),
    async transaction(): Promise<Transaction> {
      if (transactional === null) {
        throw new KafkaJSNonRetriableError('Must provide transactional id for transactional producer')
      }
      return transactional.begin()
    },
    logger: () => logger,
  }
  return producer
}

function mergeTopicMessages(topicMessages: readonly TopicMessages[]): TopicMessages[] {
  const merged: TopicMessages[] = []
  const byTopic = new Map<string, Message[]>()
  for (const { topic, messages } of topicMessages) {
    const existing = byTopic.get(topic)
    if (existing === undefined) {
      const copy = [...messages]
      byTopic.set(topic, copy)
      merged.push({ topic, messages: copy })
    } else {
      for (const message of messages) existing.push(message)
    }
  }
  return merged
}

/**
 * The partition a message's `partition` or a partitioner's answer names. KafkaJS groups messages
 * under it as an object key and reads it back with `parseInt(key, 10)`, so `'1'` is partition 1
 * (RecordMetadata says 1, a number). A partition the topic does not have is refused at once: KafkaJS
 * drops such messages without an error (its send resolves without them), which loses data; in
 * process the topic's partitions are known exactly, so there is nothing to retry either.
 * @throws KafkaJSNonRetriableError naming the partition and the topic's partition count, caused by
 *   Kafka's UNKNOWN_TOPIC_OR_PARTITION
 */
function partitionIdOf(raw: unknown, topic: string, count: number): number {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < count) return raw
  const id = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (id >= 0 && id < count) return id
  throw new KafkaJSNonRetriableError(
    `Invalid partition ${typeof raw === 'string' ? JSON.stringify(raw) : String(raw)} for topic "${topic}": it has ${count} partition${count === 1 ? '' : 's'} (0 to ${count - 1})`,
    { cause: createProtocolError('UNKNOWN_TOPIC_OR_PARTITION') },
  )
}

function invalidAcks(acks: number): KafkaliteError {
  return new KafkaliteError('INVALID_REQUIRED_ACKS', `acks must be -1, 0 or 1, got ${acks}`, { value: acks })
}

/** As KafkaJS: the default-partitioner warning is given once per process (a module-level once). */
let defaultPartitionerWarned = false

/** KafkaJS's warning, unless KAFKAJS_NO_PARTITIONER_WARNING is set (to anything), as in KafkaJS. */
function warnDefaultPartitioner(context: ClientContext): void {
  if (defaultPartitionerWarned) return
  defaultPartitionerWarned = true
  if (env.KAFKAJS_NO_PARTITIONER_WARNING !== undefined) return
  context.rootLogger.warn(
    'KafkaJS v2.0.0 switched default partitioner. To retain the same partitioning behavior as in previous versions, create the producer with the option "createPartitioner: Partitioners.LegacyPartitioner". See the migration guide at https://kafka.js.org/docs/migration-guide-v2.0.0#producer-new-default-partitioner for details. Silence this warning by setting the environment variable "KAFKAJS_NO_PARTITIONER_WARNING=1"',
  )
}
