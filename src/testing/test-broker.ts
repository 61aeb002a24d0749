import type { ErrorCode } from '../common/errors.js'
import type { Header } from '../common/record.js'
import { Broker, type BrokerOptions } from '../engine/broker.js'
import type { FaultEvent } from '../engine/faults.js'
import { IsolationLevel } from '../engine/partition-log.js'
import { registerBroker, resetBrokerRegistry } from '../registry/broker-registry.js'
import { type WaitForOptions, waitFor } from './wait-for.js'

/** One record of a topic as `records()` returns it, with its metadata. */
export interface TopicRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  /** As stored: Buffers for records produced through kafkalite/kafkajs, objects for the typed bus. */
  readonly key: unknown
  readonly value: unknown
  readonly headers: readonly Header[]
  readonly producerId: number
  readonly isTransactional: boolean
}

/** A group's view of one partition. */
export interface GroupPartitionState {
  readonly topic: string
  readonly partition: number
  /** The committed offset (next to read), or null when none. */
  readonly committedOffset: number | null
  /** Where the member that owns the partition will read next, or null when unassigned. */
  readonly position: number | null
  readonly memberId: string | null
  readonly logEndOffset: number
  /** logEndOffset − committed offset (or − log start when nothing is committed). */
  readonly lag: number
}

/** A test broker: an isolated in-process cluster with waits, inspection and faults. */
export interface TestBroker extends AsyncDisposable {
  readonly broker: Broker
  /** Pass to `new Kafka({ brokers })` (kafkalite/kafkajs) to reach this broker. */
  readonly brokers: string[]
  /** Resolves when every running consumer has processed and committed everything; see Broker.settled. */
  settled(options?: { timeoutMs?: number }): Promise<void>
  /** Waits for a condition, re-checking whenever the broker changes. */
  waitFor<T>(
    predicate: () => T | Promise<T>,
    options?: Omit<WaitForOptions, 'onChange' | 'clock'>,
  ): Promise<NonNullable<T>>
  /** Everything a topic holds (data records only), partition by partition, in offset order. */
  records(topic: string, options?: { readCommitted?: boolean }): TopicRecord[]
  /** Committed offset, position and lag of a group for every partition of the topics it knows. */
  groupOffsets(groupId: string): GroupPartitionState[]
  /** Members of a group and what each is assigned (from the running consumers). */
  groupMembers(groupId: string): { memberId: string; assignment: { topic: string; partition: number }[] }[]
  readonly faults: TestFaults
  close(): Promise<void>
}

/** Fault injection; each fault is reported to `onFault` listeners when armed and when it fires. */
export interface TestFaults {
  failNextProduce(topic: string, code: ErrorCode, options?: { count?: number; message?: string }): void
  crashNextHandler(options?: {
    groupId?: string
    topic?: string
    afterMessages?: number
    error?: Error
  }): void
  forceRebalance(groupId: string): void
  /** Moves the group back to `fromOffset` on a partition and rebalances: records are delivered again. */
  redeliver(groupId: string, topic: string, partition: number, fromOffset: number): void
  /** Holds back a partition's records from consumers for `delayMs` of broker time. */
  delayPartition(topic: string, partition: number, delayMs: number): void
  onFault(listener: (event: FaultEvent) => void): () => void
}

/**
 * An isolated broker for one test, reachable from `kafkalite/kafkajs` through `brokers` and
 * usable directly by the typed bus. Close it (or `await using`) when the test ends.
 * @example
 * await using test = createTestBroker()
 * const kafka = new Kafka({ brokers: test.brokers })
 */
export function createTestBroker(options: BrokerOptions & { address?: string } = {}): TestBroker {
  const broker = new Broker(options)
  const address = options.address ?? `kafkalite-test-${broker.clusterId}:9092`
  registerBroker(address, broker)
  const test: TestBroker = {
    broker,
    brokers: [address],
    settled: (settleOptions = {}) => broker.settled(settleOptions),
    waitFor: (predicate, waitOptions = {}) =>
      waitFor(predicate, {
        ...waitOptions,
        clock: broker.clock,
        onChange: (listener) => broker.consumers.onChange(listener),
      }),
    records: (topic, readOptions = {}) => readTopic(broker, topic, readOptions.readCommitted ?? false),
    groupOffsets: (groupId) => groupOffsets(broker, groupId),
    groupMembers: (groupId) =>
      broker.consumers
        .consumers()
        .filter((consumer) => consumer.groupId === groupId)
        .map((consumer) => ({
          memberId: consumer.memberId(),
          assignment: consumer.progress().map(({ topic, partition }) => ({ topic, partition })),
        })),
    faults: {
      failNextProduce: (topic, code, faultOptions) =>
        broker.faults.failNextProduce(topic, code, faultOptions),
      crashNextHandler: (faultOptions) => broker.faults.crashNextHandler(faultOptions),
      forceRebalance: (groupId) => broker.groups.forceRebalance(groupId),
      redeliver: (groupId, topic, partition, fromOffset) =>
        broker.redeliver(groupId, topic, partition, fromOffset),
      delayPartition: (topic, partition, delayMs) =>
        broker.faults.delayPartition(topic, partition, broker.clock.now() + delayMs),
      onFault: (listener) => broker.faults.events.on('fault', listener),
    },
    close: () => resetBrokerRegistry(address).then(() => broker.close()),
    [Symbol.asyncDispose]: () => test.close(),
  }
  return test
}

function readTopic(broker: Broker, topicName: string, readCommitted: boolean): TopicRecord[] {
  const records: TopicRecord[] = []
  const isolation = readCommitted ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted
  for (const log of broker.topic(topicName).partitions) {
    log.forEachRecord((record, offset, batch) => {
      records.push({
        topic: topicName,
        partition: log.partition,
        offset,
        timestamp: record.timestamp,
        key: record.key,
        value: record.value,
        headers: record.headers ?? [],
        producerId: batch.producerId,
        isTransactional: batch.isTransactional,
      })
    }, isolation)
  }
  return records
}

function groupOffsets(broker: Broker, groupId: string): GroupPartitionState[] {
  const committed = broker.groups.fetchOffsets(groupId)
  const positions = new Map<string, { position: number; memberId: string }>()
  const topics = new Set<string>(committed.topics())
  for (const consumer of broker.consumers.consumers()) {
    if (consumer.groupId !== groupId) continue
    for (const topic of consumer.topics()) topics.add(topic)
    for (const progress of consumer.progress()) {
      positions.set(`${progress.topic}\u0000${progress.partition}`, {
        position: progress.position,
        memberId: consumer.memberId(),
      })
    }
  }
  const states: GroupPartitionState[] = []
  for (const topicName of [...topics].sort()) {
    const topic = broker.findTopic(topicName)
    if (topic === undefined) continue
    for (const log of topic.partitions) {
      const commit = committed.get(topicName, log.partition)
      const owner = positions.get(`${topicName}\u0000${log.partition}`)
      const committedOffset = commit === undefined ? null : commit.offset
      const base = committedOffset !== null && committedOffset >= 0 ? committedOffset : log.logStartOffset
      states.push({
        topic: topicName,
        partition: log.partition,
        committedOffset,
        position: owner?.position ?? null,
        memberId: owner?.memberId ?? null,
        logEndOffset: log.highWatermark,
        lag: Math.max(0, log.highWatermark - base),
      })
    }
  }
  return states
}
