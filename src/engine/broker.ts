import { type Clock, systemClock, type TimerHandle } from '../common/clock.js'
import { KafkaliteError, limitExceeded } from '../common/errors.js'
import { DEFAULTS, LIMITS } from '../common/limits.js'
import { type BatchInput, batchNextOffset, type StoredRecord } from '../common/record.js'
import { memoryStorage } from '../storage/memory/memory-storage.js'
import type { Storage, StoredTopic } from '../storage/storage.js'
import { ConsumerRegistry, type RegisteredConsumer, type SettledCheck } from './clients.js'
import { Faults } from './faults.js'
import { FetchWaiters, type WaitOutcome, type WaitTarget } from './fetch-waiters.js'
import { GroupCoordinator } from './groups/group-coordinator.js'
import { randomId } from './ids.js'
import { Listeners } from './listeners.js'
import { type AppendResult, IsolationLevel, PartitionLog } from './partition-log.js'
import { PendingAnswers } from './pending-answers.js'
import type { Topic, TopicDescription } from './topic.js'
import { normalizeTopicConfigEntries, resolveTopicConfig, type TopicConfigEntries } from './topic-config.js'
import { INTERNAL_TOPICS, validateTopicName } from './topic-name.js'
import { TransactionCoordinator } from './transactions/transaction-coordinator.js'

/** Options of a Broker; every one has a default. */
export interface BrokerOptions {
  /** Where time comes from (default: systemClock, which fake timers drive). */
  readonly clock?: Clock
  /** Where data lives (default: memory). */
  readonly storage?: Storage
  /** Randomness for ids and round-robin starts (default Math.random). */
  readonly random?: () => number
  /** Partitions of an auto-created topic (Kafka's num.partitions, default 1). */
  readonly numPartitions?: number
  /** How often retention and compaction run, in ms (Kafka's log.retention.check.interval.ms, default 300000). */
  readonly retentionCheckIntervalMs?: number
  /** Receives the engine's log lines (recovery, retention). */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void
}

/** Notifications faces subscribe to. */
export interface BrokerEvents extends Record<string, unknown> {
  topicCreated: { topic: string }
  topicDeleted: { topic: string }
  partitionsCreated: { topic: string; partitionCount: number }
  closed: undefined
}

/** One topic-partition's produce result, in request order. */
export interface ProduceResult extends AppendResult {
  readonly topic: string
  readonly partition: number
}

/** One partition's part of a produce request. */
export interface ProduceRequestPart {
  readonly topic: string
  readonly partition: number
  readonly batch: BatchInput
}

/**
 * The in-process Kafka cluster of one node: topics, partition logs, consumer groups and
 * transactions over one Storage. Every face calls this object; many can live in one process.
 * The data path (append, read) is synchronous.
 */
export class Broker {
  readonly clock: Clock
  readonly storage: Storage
  readonly random: () => number
  readonly numPartitions: number
  readonly events = new Listeners<BrokerEvents>()
  readonly waiters: FetchWaiters
  readonly groups: GroupCoordinator
  readonly transactions: TransactionCoordinator
  /** Running consumers of every face, for `settled()` and inspection. */
  readonly consumers: ConsumerRegistry
  /** Fault injection for tests. */
  readonly faults = new Faults()
  /** Produce answers their callers have not seen yet (see PendingAnswers). */
  readonly answers = new PendingAnswers()
  readonly clusterId: string
  readonly #topics = new Map<string, Topic>()
  readonly #retentionCheckIntervalMs: number
  readonly #log: NonNullable<BrokerOptions['log']>
  #retentionTimer: TimerHandle | undefined
  #closed = false
  #topicIdCounter = 0

  constructor(options: BrokerOptions = {}) {
    this.clock = options.clock ?? systemClock
    this.storage = options.storage ?? memoryStorage()
    this.random = options.random ?? Math.random
    this.numPartitions = options.numPartitions ?? DEFAULTS.numPartitions
    if (!Number.isInteger(this.numPartitions) || this.numPartitions < 1) {
      throw new KafkaliteError(
        'INVALID_PARTITIONS',
        `numPartitions must be a positive integer, got ${this.numPartitions}`,
        {
          value: this.numPartitions,
        },
      )
    }
    this.#retentionCheckIntervalMs = options.retentionCheckIntervalMs ?? DEFAULTS.retentionCheckIntervalMs
    this.#log = options.log ?? (() => {})
    this.clusterId = randomId(this.random, 22)
    this.waiters = new FetchWaiters(this.clock)
    this.consumers = new ConsumerRegistry(this.clock, (consumers) => this.#settledCheck(consumers))
    for (const stored of this.storage.open().topics) this.#openTopic(stored)
    this.groups = new GroupCoordinator(this)
    this.transactions = new TransactionCoordinator(this)
    this.#scheduleRetention()
  }

  get closed(): boolean {
    return this.#closed
  }

  // ── topics ──────────────────────────────────────────────────────────────────────────────

  /**
   * Creates a topic.
   * @throws KafkaliteError INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_CONFIG
   */
  createTopic(
    name: string,
    options: { partitions?: number; config?: TopicConfigEntries; validateOnly?: boolean } = {},
  ): TopicDescription {
    this.#checkOpen()
    validateTopicName(name)
    if (this.#topics.has(name)) {
      throw new KafkaliteError('TOPIC_ALREADY_EXISTS', `topic "${name}" already exists`, { topic: name })
    }
    const partitionCount = options.partitions ?? this.numPartitions
    validatePartitionCount(partitionCount, name)
    if (this.#topics.size >= LIMITS.topicsMax) throw limitExceeded('topicsMax', LIMITS.topicsMax)
    const entries = normalizeTopicConfigEntries(options.config ?? {})
    resolveTopicConfig(entries)
    if (options.validateOnly === true) return this.#describeStored(name, partitionCount, entries)
    const topic = this.#openTopic({
      name,
      partitionCount,
      config: entries,
      topicId: `${randomId(this.random, 16)}${(this.#topicIdCounter++).toString(36)}`,
      createdMs: this.clock.now(),
    })
    this.#saveMetadata()
    this.events.emit('topicCreated', { topic: name })
    return this.describeTopic(topic.name)
  }

  /** Creates the topic with the broker's defaults unless it exists; returns it. */
  ensureTopic(name: string): Topic {
    return this.#topics.get(name) ?? this.#topics.get(this.createTopic(name).name)!
  }

  /**
   * Deletes a topic and its data; committed offsets for it are removed from every group.
   * @throws KafkaliteError UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION
   */
  deleteTopic(name: string): void {
    this.#checkOpen()
    const topic = this.topic(name)
    if (topic.internal) {
      throw new KafkaliteError('INVALID_TOPIC_EXCEPTION', `internal topic "${name}" cannot be deleted`, {
        topic: name,
      })
    }
    this.#topics.delete(name)
    this.storage.deleteTopicData(name, topic.partitions.length)
    this.#saveMetadata()
    for (const log of topic.partitions) {
      const waiters = log.waiters
      log.waiters = null
      if (waiters !== null) for (const wake of waiters) wake()
    }
    this.groups.forgetTopic(name)
    this.events.emit('topicDeleted', { topic: name })
  }

  /** Names of all topics, sorted; internal topics only when asked. */
  listTopics(options: { includeInternal?: boolean } = {}): string[] {
    const names: string[] = []
    for (const topic of this.#topics.values()) {
      if (!topic.internal || options.includeInternal === true) names.push(topic.name)
    }
    return names.sort()
  }

  hasTopic(name: string): boolean {
    return this.#topics.has(name)
  }

  /**
   * The topic, or UNKNOWN_TOPIC_OR_PARTITION.
   * @throws KafkaliteError UNKNOWN_TOPIC_OR_PARTITION
   */
  topic(name: string): Topic {
    const topic = this.#topics.get(name)
    if (topic === undefined) {
      throw new KafkaliteError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, {
        topic: name,
      })
    }
    return topic
  }

  /** Topic or undefined, without throwing: the fast path for faces. */
  findTopic(name: string): Topic | undefined {
    return this.#topics.get(name)
  }

  /**
   * One partition's log.
   * @throws KafkaliteError UNKNOWN_TOPIC_OR_PARTITION
   */
  log(topicName: string, partition: number): PartitionLog {
    const log = this.#topics.get(topicName)?.partitions[partition]
    if (log === undefined) {
      throw new KafkaliteError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        this.#topics.has(topicName)
          ? `topic "${topicName}" has no partition ${partition}`
          : `topic "${topicName}" does not exist`,
        { topic: topicName, partition },
      )
    }
    return log
  }

  describeTopic(name: string): TopicDescription {
    const topic = this.topic(name)
    return {
      name: topic.name,
      topicId: topic.topicId,
      internal: topic.internal,
      config: topic.config,
      entries: topic.entries,
      partitions: topic.partitions.map((log) => ({
        partition: log.partition,
        logStartOffset: log.logStartOffset,
        highWatermark: log.highWatermark,
        lastStableOffset: log.lastStableOffset,
        sizeBytes: log.sizeBytes,
      })),
    }
  }

  /**
   * Grows a topic to `count` partitions (never shrinks).
   * @throws KafkaliteError UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS
   */
  createPartitions(name: string, count: number, options: { validateOnly?: boolean } = {}): void {
    this.#checkOpen()
    const topic = this.topic(name)
    const current = topic.partitions.length
    if (!Number.isInteger(count) || count <= current) {
      throw new KafkaliteError(
        'INVALID_PARTITIONS',
        `topic "${name}" has ${current} partitions; the new count ${count} must be larger`,
        { topic: name, value: count },
      )
    }
    validatePartitionCount(count, name)
    if (options.validateOnly === true) return
    for (let partition = current; partition < count; partition++) {
      topic.partitions.push(
        new PartitionLog(name, partition, this.storage.openPartition(name, partition), topic.config),
      )
    }
    this.#saveMetadata()
    this.events.emit('partitionsCreated', { topic: name, partitionCount: count })
  }

  /**
   * Sets config keys of a topic. With `incremental`, keys not named keep their values; otherwise
   * the given entries replace every explicitly set key (Kafka's AlterConfigs). A null value
   * deletes a key (back to its default).
   * @throws KafkaliteError UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG
   */
  alterTopicConfig(
    name: string,
    entries: Readonly<Record<string, string | number | null>>,
    options: { incremental?: boolean; validateOnly?: boolean } = {},
  ): void {
    this.#checkOpen()
    const topic = this.topic(name)
    const merged: Record<string, string | number> = options.incremental === true ? { ...topic.entries } : {}
    for (const [key, value] of Object.entries(entries)) {
      if (value === null) delete merged[key]
      else merged[key] = value
    }
    const normalized = normalizeTopicConfigEntries(merged)
    const config = resolveTopicConfig(normalized)
    if (options.validateOnly === true) return
    topic.entries = normalized
    topic.config = config
    for (const log of topic.partitions) log.config = config
    this.#saveMetadata()
  }

  // ── data path ───────────────────────────────────────────────────────────────────────────

  /**
   * Appends one batch to one partition.
   * @throws KafkaliteError UNKNOWN_TOPIC_OR_PARTITION, MESSAGE_TOO_LARGE, INVALID_RECORD, LIMIT_EXCEEDED
   */
  append(topic: string, partition: number, batch: BatchInput): AppendResult {
    return this.produce([{ topic, partition, batch }])[0]!
  }

  /**
   * Appends to several partitions atomically: every part is validated first, and if any fails
   * nothing is appended.
   * @throws KafkaliteError as append()
   */
  produce(parts: readonly ProduceRequestPart[]): ProduceResult[] {
    this.#checkOpen()
    const logs: PartitionLog[] = new Array(parts.length)
    const sizes: number[] = new Array(parts.length)
    const duplicates: (number | null)[] = new Array(parts.length)
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index] as ProduceRequestPart
      const log = this.log(part.topic, part.partition)
      this.faults.checkProduce(part.topic)
      logs[index] = log
      sizes[index] = log.validate(part.batch)
      duplicates[index] = log.checkSequence(part.batch)
    }
    const nowMs = this.clock.now()
    const results: ProduceResult[] = new Array(parts.length)
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index] as ProduceRequestPart
      const log = logs[index] as PartitionLog
      const duplicateOf = duplicates[index]
      if (duplicateOf !== null && duplicateOf !== undefined) {
        const batch = log.read(duplicateOf, { maxBytes: 1, isolation: 0 }).batches[0]
        results[index] = {
          baseOffset: duplicateOf,
          logAppendTime: -1,
          logStartOffset: log.logStartOffset,
          batch: batch!,
          topic: part.topic,
          partition: part.partition,
        }
        continue
      }
      const result = log.append(part.batch, nowMs, sizes[index])
      if (
        result.batch.isTransactional &&
        log.openTransactions.get(result.batch.producerId) === result.baseOffset
      ) {
        this.transactions.noteTransactionStarted(log, result.batch.producerId)
      }
      // A literal, not a spread: `{ ...result, topic }` costs about a microsecond per batch on Node 20.
      results[index] = {
        baseOffset: result.baseOffset,
        logAppendTime: result.logAppendTime,
        logStartOffset: result.logStartOffset,
        batch: result.batch,
        topic: part.topic,
        partition: part.partition,
      }
    }
    this.consumers.notify()
    return results
  }

  /** Parks until any target has data past its offset, the timeout passes, or the signal aborts. */
  waitForData(targets: readonly WaitTarget[], timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome> {
    if (this.#closed) return Promise.resolve('aborted')
    return this.waiters.wait(targets, timeoutMs, signal)
  }

  /**
   * Offset for a ListOffsets query: -2 earliest (log start), -1 latest (high watermark, or the
   * last stable offset for read_committed), else the first offset with timestamp ≥ the given one
   * (latest when there is none, and never past latest).
   */
  listOffset(topic: string, partition: number, timestamp: number, readCommitted = false): number {
    const log = this.log(topic, partition)
    if (timestamp === -2) return log.logStartOffset
    const latest = readCommitted ? log.lastStableOffset : log.highWatermark
    if (timestamp === -1) return latest
    // READ_COMMITTED never answers past the last stable offset, as Kafka's ListOffsets does.
    return Math.min(log.offsetForTimestamp(timestamp) ?? latest, latest)
  }

  /**
   * Deletes records before `beforeOffset` (-1: all) in one partition; returns the new log start.
   * @throws KafkaliteError UNKNOWN_TOPIC_OR_PARTITION, OFFSET_OUT_OF_RANGE
   */
  deleteRecords(topic: string, partition: number, beforeOffset: number): number {
    this.#checkOpen()
    return this.log(topic, partition).deleteRecords(beforeOffset)
  }

  /**
   * Resolves once every running consumer (of any face) has processed everything up to the end of
   * what it subscribes to, committed it when auto-committing, and no handler is running.
   * @throws KafkaliteError REQUEST_TIMED_OUT naming what is still pending
   */
  settled(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.consumers.settled(options.timeoutMs ?? 5_000)
  }

  /**
   * Test fault: moves a group's committed offset for one partition back to `offset` and makes the
   * group rebalance, so its members re-read (at-least-once duplicates).
   */
  redeliver(groupId: string, topic: string, partition: number, offset: number): void {
    this.log(topic, partition).checkOffset(offset)
    this.groups.storeOffsets(groupId, [{ topic, partition, offset }])
    this.faults.report({
      kind: 'redeliver',
      phase: 'fired',
      groupId,
      topic,
      partition,
      detail: `from offset ${offset}`,
    })
    this.groups.forceRebalance(groupId)
  }

  #settledCheck(consumers: ReadonlySet<RegisteredConsumer>): SettledCheck {
    const groups = new Map<string, RegisteredConsumer[]>()
    for (const consumer of consumers) {
      if (!consumer.isIdle())
        return { settled: false, reason: `a handler of group ${consumer.groupId} is running` }
      const members = groups.get(consumer.groupId) ?? []
      members.push(consumer)
      groups.set(consumer.groupId, members)
    }
    for (const [groupId, members] of groups) {
      const description = this.groups.describeGroup(groupId)
      if (description.state !== 'Stable')
        return { settled: false, reason: `group ${groupId} is ${description.state}` }
      const owned = new Map<string, number>()
      for (const member of members) {
        for (const progress of member.progress()) {
          owned.set(`${progress.topic}\u0000${progress.partition}`, 1)
          const log = this.findTopic(progress.topic)?.partitions[progress.partition]
          if (log === undefined) continue
          const end = member.readCommitted ? log.lastStableOffset : log.highWatermark
          if (progress.position < end) {
            return {
              settled: false,
              reason: `group ${groupId} is at ${progress.position} of ${end} on ${progress.topic}-${progress.partition}`,
            }
          }
          const committed =
            this.groups.committedOffset(groupId, progress.topic, progress.partition)?.offset ?? -1
          // KafkaJS commits no offset for batches of control records or aborted data alone (only
          // the next delivered batch carries it), so only records a handler would see count here.
          if (
            member.autoCommit &&
            committed < end &&
            hasDeliverable(log, committed, end, member.readCommitted)
          ) {
            return {
              settled: false,
              reason: `group ${groupId} committed ${committed} of ${end} on ${progress.topic}-${progress.partition}`,
            }
          }
        }
      }
      for (const member of members) {
        for (const topic of member.topics()) {
          const count = this.findTopic(topic)?.partitions.length ?? 0
          for (let partition = 0; partition < count; partition++) {
            if (!owned.has(`${topic}\u0000${partition}`))
              return { settled: false, reason: `${topic}-${partition} is not assigned in group ${groupId}` }
          }
        }
      }
    }
    return { settled: true }
  }

  /** Appends records to partition 0 of an internal compacted topic, creating it on first use. */
  appendInternal(topicName: string, records: StoredRecord[]): void {
    if (records.length === 0) return
    let topic = this.findTopic(topicName)
    if (topic === undefined) {
      this.createTopic(topicName, { partitions: 1, config: { 'cleanup.policy': 'compact' } })
      topic = this.topic(topicName)
    }
    topic.partitions[0]!.append({ records }, this.clock.now())
  }

  /** Runs retention and compaction on every partition now. */
  enforceRetention(): void {
    if (this.#closed) return
    const nowMs = this.clock.now()
    for (const topic of this.#topics.values()) {
      for (const log of topic.partitions) log.enforceRetention(nowMs)
    }
  }

  /** Resolves when every append so far is as durable as the storage promises. */
  flush(): Promise<void> {
    return this.storage.flush()
  }

  /** Stops timers, wakes parked readers, leaves every group and closes the storage. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#retentionTimer !== undefined) this.clock.clearTimeout(this.#retentionTimer)
    this.groups.close()
    this.transactions.close()
    for (const topic of this.#topics.values()) {
      for (const log of topic.partitions) {
        const waiters = log.waiters
        log.waiters = null
        if (waiters !== null) for (const wake of waiters) wake()
      }
    }
    this.waiters.close()
    this.events.emit('closed', undefined)
    await this.storage.close()
  }

  /** Logs an engine message through the configured sink. */
  logLine(level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>): void {
    this.#log(level, message, extra)
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  #openTopic(stored: StoredTopic): Topic {
    const config = resolveTopicConfig(stored.config)
    const partitions: PartitionLog[] = []
    for (let partition = 0; partition < stored.partitionCount; partition++) {
      partitions.push(
        new PartitionLog(stored.name, partition, this.storage.openPartition(stored.name, partition), config),
      )
    }
    const topic: Topic = {
      name: stored.name,
      topicId: stored.topicId,
      createdMs: stored.createdMs,
      internal: INTERNAL_TOPICS.has(stored.name),
      entries: stored.config,
      config,
      partitions,
    }
    this.#topics.set(stored.name, topic)
    return topic
  }

  #describeStored(
    name: string,
    partitionCount: number,
    entries: Readonly<Record<string, string>>,
  ): TopicDescription {
    const config = resolveTopicConfig(entries)
    return {
      name,
      topicId: '',
      internal: INTERNAL_TOPICS.has(name),
      config,
      entries,
      partitions: Array.from({ length: partitionCount }, (_, partition) => ({
        partition,
        logStartOffset: 0,
        highWatermark: 0,
        lastStableOffset: 0,
        sizeBytes: 0,
      })),
    }
  }

  #saveMetadata(): void {
    const topics: StoredTopic[] = []
    for (const topic of this.#topics.values()) {
      topics.push({
        name: topic.name,
        partitionCount: topic.partitions.length,
        config: topic.entries,
        topicId: topic.topicId,
        createdMs: topic.createdMs,
      })
    }
    this.storage.replaceTopicMetadata(topics)
  }

  #scheduleRetention(): void {
    if (this.#closed || this.storage.readOnly) return
    this.#retentionTimer = this.clock.setTimeout(() => {
      try {
        this.enforceRetention()
      } catch (error) {
        this.#log('error', 'retention check failed', { error })
      }
      this.#scheduleRetention()
    }, this.#retentionCheckIntervalMs)
  }

  #checkOpen(): void {
    if (this.#closed) throw new KafkaliteError('BROKER_CLOSED', 'the broker is closed')
  }
}

function validatePartitionCount(count: number, topic: string): void {
  if (!Number.isInteger(count) || count < 1 || count > LIMITS.partitionsPerTopicMax) {
    throw new KafkaliteError(
      'INVALID_PARTITIONS',
      `number of partitions must be an integer from 1 to ${LIMITS.partitionsPerTopicMax}, got ${count}`,
      { topic, value: count, limitName: 'partitionsPerTopicMax', limit: LIMITS.partitionsPerTopicMax },
    )
  }
}

/** Whether `[from, end)` of `log` holds a record a consumer at that isolation would be handed. */
function hasDeliverable(log: PartitionLog, from: number, end: number, readCommitted: boolean): boolean {
  let offset = Math.max(from, log.logStartOffset)
  const isolation = readCommitted ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted
  while (offset < end) {
    let read: ReturnType<PartitionLog['read']>
    try {
      read = log.read(offset, { maxBytes: 1 << 16, isolation })
    } catch {
      // A log that cannot be read (a corrupt segment on disk) is not settled; the check runs in a
      // microtask, where a throw would surface as an uncaught exception.
      return true
    }
    for (const batch of read.batches) {
      if (batch.baseOffset >= end) return false
      if (batchNextOffset(batch) > offset) return true
    }
    if (read.nextOffset <= offset) return false
    offset = read.nextOffset
  }
  return false
}
