/**
 * The consumer-group run loop both faces share: group membership (JoinGroup/SyncGroup through the
 * engine's coordinator), fetching, eachMessage / eachBatch delivery, offsets, heartbeats and
 * pauses, with KafkaJS's commit and retry rules (reference §2.4–2.12). A face supplies a
 * {@link ConsumerFace}: how records become its messages and batches, how errors look to its users,
 * and the payloads its handlers get. One implementation of groups, two faces.
 *
 * Behavior (differences from KafkaJS, each compatible):
 * - Positions are resolved when partitions are assigned, so a message produced right after
 *   `await consumer.run()` is never skipped with `fromBeginning: false` (KafkaJS issue #829).
 * - A parked fetch wakes at once on produce, and a rebalance wakes it too, so rebalances take
 *   milliseconds instead of a heartbeat interval.
 * - Seeking to -1 / -2 means latest / earliest.
 */

import { KafkaliteError } from '../common/errors.js'
import { nextTurn } from '../common/next-turn.js'
import { batchNextOffset, type RecordBatch } from '../common/record.js'
import { TopicPartitionMap } from '../common/topic-partition-map.js'
import type { Broker } from '../engine/broker.js'
import type { WaitTarget } from '../engine/fetch-waiters.js'
import { IsolationLevel, type PartitionLog } from '../engine/partition-log.js'
import type { SubscriptionState } from './subscription-state.js'

/**
 * How a commit's COMMIT_OFFSETS event shows its offsets, as KafkaJS's callers build them:
 * 'auto' (resolved offsets: partitions and offsets as strings), 'given' (consumer.commitOffsets:
 * partitions as given, offsets as strings, metadata), 'raw' (eachBatch's
 * commitOffsetsIfNecessary(offsets): the caller's topics exactly as passed).
 */
export type CommitEventShape = 'auto' | 'given' | 'raw'

/** A batch as the loop reads it; faces add their own fields and formats. */
export interface BatchView<Message> {
  readonly topic: string
  readonly partition: number
  readonly messages: Message[]
  isEmpty(): boolean
  isEmptyDueToFiltering(): boolean
  firstOffset(): string | number | null
  lastOffset(): string | number
  offsetLag(): string | number
  offsetLagLow(): string | number
  readonly highWatermark: string | number
}

/** A partition assignment strategy, in KafkaJS's assigner shape; metadata and assignments are opaque. */
export interface GroupAssigner {
  readonly name: string
  protocol(subscription: { topics: string[] }): { name: string; metadata: unknown }
  assign(group: {
    members: { memberId: string; memberMetadata: never }[]
    topics: string[]
  }): Promise<{ memberId: string; memberAssignment: unknown }[]>
}

/** How errors of the loop's kind are recognised after the face maps them. */
export type LoopErrorKind = 'rebalance' | 'unknown-member' | null

/** Helpers every eachMessage payload carries. */
export interface MessageHelpers {
  heartbeat(): Promise<void>
  pause(): () => void
}

/** Helpers every eachBatch payload carries. */
export interface BatchHelpers {
  resolveOffset(offset: string | number): void
  heartbeat(): Promise<void>
  pause(): () => void
  commitOffsetsIfNecessary(offsets?: CommitRequest): Promise<void>
  uncommittedOffsets(): UncommittedOffsets
  isRunning(): boolean
  isStale(): boolean
}

/** Resolved-but-uncommitted offsets, partitions as strings (KafkaJS's shape). */
export interface UncommittedOffsets {
  topics: { topic: string; partitions: { partition: string; offset: string }[] }[]
}

/** Offsets to commit: the next offset to read per partition. */
export interface CommitRequest {
  topics: {
    topic: string
    partitions: { partition: number | string; offset: number | string; metadata?: string | null }[]
  }[]
}

/**
 * Bytes an eachMessage consumer reads per partition per fetch (KafkaJS's maxBytesPerPartition is
 * a bound, not a size the broker must fill). An eachMessage handler never sees the batch, and a
 * whole megabyte of messages alive across thousands of handler awaits is copied by every
 * young-generation collection on the way: 128 KiB took the benchmark from 1.5 s to 0.96 s per
 * million messages. Smaller made it slower again (a commit per batch).
 */
const EACH_MESSAGE_FETCH_BYTES = 128 * 1024

/** What a fetch read from one partition, before the face turns it into messages. */
interface FetchedPartition {
  readonly topic: string
  readonly partition: number
  readonly highWatermark: number
  readonly records: readonly RecordBatch[]
  readonly fetchedOffset: number
  readonly nextOffset: number
  readonly logAppendTime: boolean
}

/** What a face supplies to the shared loop. */
export interface ConsumerFace<Message, Batch extends BatchView<Message>> {
  /** Appends the messages of one stored batch at offsets ≥ fromOffset to `into` (one call per batch: per-batch work once). */
  appendMessages(
    batch: RecordBatch,
    fromOffset: number,
    logAppendTime: boolean,
    topic: string,
    partition: number,
    into: Message[],
  ): void
  messageOffset(message: Message): number
  makeBatch(
    topic: string,
    partition: number,
    highWatermark: number,
    messages: Message[],
    fetchedOffset: number,
    nextOffset: number,
  ): Batch
  /** The assignment a SyncGroup returned, as topic → partitions (null: none). */
  decodeAssignment(encoded: unknown): Record<string, number[]> | null
  /** Turns an engine error into what the face's users see. */
  mapError(error: unknown): Error
  /** Recognises a mapped error the loop recovers from by rejoining. */
  errorKind(error: Error): LoopErrorKind
  /** Whether an error is already the face's own kind (not logged as a handler failure). */
  isOwnError(error: unknown): boolean
  eachMessage(
    handler: unknown,
    topic: string,
    partition: number,
    message: Message,
    helpers: MessageHelpers,
  ): Promise<void>
  eachBatch(handler: unknown, batch: Batch, helpers: BatchHelpers): Promise<void>
}

/** Where the loop logs. */
export interface LoopLogger {
  debug(message: string, extra?: object): void
  info(message: string, extra?: object): void
  warn(message: string, extra?: object): void
  error(message: string, extra?: object): void
}

/** Where the loop reports instrumentation events (KafkaJS's names; payloads built lazily). */
export interface LoopEvents {
  emitLazy(name: string, payload: () => unknown): void
}

/** What the loop needs from its consumer; resolved once per run. */
export interface GroupConsumerOptions<Message, Batch extends BatchView<Message>> {
  readonly broker: Broker
  readonly face: ConsumerFace<Message, Batch>
  readonly groupId: string
  readonly clientId: string
  readonly logger: LoopLogger
  readonly instrumentation: LoopEvents
  readonly subscriptionState: SubscriptionState
  /** topic → fromBeginning */
  readonly topics: ReadonlyMap<string, boolean>
  readonly assigners: readonly GroupAssigner[]
  readonly sessionTimeout: number
  readonly rebalanceTimeout: number
  readonly heartbeatInterval: number
  readonly maxBytesPerPartition: number
  readonly maxBytes: number
  readonly maxWaitTimeInMs: number
  readonly readUncommitted: boolean
  readonly run: {
    readonly autoCommit: boolean
    readonly eachBatchAutoResolve: boolean
    readonly partitionsConsumedConcurrently: number
    readonly autoCommitInterval: number | null
    readonly autoCommitThreshold: number | null
    readonly eachBatch?: unknown
    readonly eachMessage?: unknown
  }
  /** Committed offsets known to this client's siblings (KafkaJS transactions' sendOffsets update it). */
  readonly offsetsCache: Map<string, Map<string, string>>
}

const JOIN_ATTEMPTS_MAX = 1_000
/** The loop yields a macrotask after this many consecutive fetches that found data. */
const FETCHES_PER_YIELD = 16

/** One run of a consumer: joins, fetches, delivers and commits until stopped. */
export class GroupConsumer<Message, Batch extends BatchView<Message>> {
  readonly #options: GroupConsumerOptions<Message, Batch>
  readonly #face: ConsumerFace<Message, Batch>
  readonly #broker: Broker
  running = false
  memberId = ''
  generationId = -1
  #leaderId = ''
  /** Next offset to fetch per assigned partition (KafkaJS's resolved offsets). */
  #resolved = new TopicPartitionMap<number>()
  /** Committed offsets as this member knows them. */
  #committed = new TopicPartitionMap<number>()
  readonly #seeks = new TopicPartitionMap<number>()
  #rejoinNeeded = false
  #wakeController: AbortController | null = null
  #lastHeartbeatMs = 0
  #lastCommitMs = 0
  #heartbeatInFlight: Promise<void> | null = null
  #consumingDone: Promise<void> = Promise.resolve()
  #finishConsuming: (() => void) | null = null
  #fetchCursor = 0
  /** Consecutive fetches that found data since the loop last yielded to the event loop. */
  #fetchesWithoutYield = 0
  /** Handlers or joins in progress; 0 means idle (for `broker.settled()`). */
  #busy = 0
  #unregister: (() => void) | null = null

  constructor(options: GroupConsumerOptions<Message, Batch>) {
    this.#options = options
    this.#face = options.face
    this.#broker = options.broker
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────

  /** Joins the group, then starts the fetch loop in the background. */
  async start(): Promise<void> {
    await this.#joinAndSync()
    this.running = true
    const options = this.#options
    this.#unregister = this.#broker.consumers.register({
      groupId: options.groupId,
      memberId: () => this.memberId,
      readCommitted: !options.readUncommitted,
      autoCommit: options.run.autoCommit,
      topics: () => [...options.topics.keys()],
      progress: () =>
        [...this.#resolved.entries()].map(([topic, partition, position]) => ({ topic, partition, position })),
      isIdle: () => this.#busy === 0 && !this.#rejoinNeeded,
    })
  }

  /** Stops fetching, waits for the in-flight handler, commits (autoCommit) and leaves the group. */
  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    this.#wake()
    await this.#consumingDone
    this.#unregister?.()
    this.#unregister = null
    if (this.memberId !== '') this.#broker.groups.leaveGroup(this.#options.groupId, this.memberId)
  }

  /** Marks the start of the background loop; `stop()` waits for the matching `consumingStopped()`. */
  consumingStarted(): void {
    if (this.#finishConsuming !== null) return
    this.#consumingDone = new Promise((resolve) => {
      this.#finishConsuming = resolve
    })
  }

  consumingStopped(): void {
    if (!this.running) {
      this.#unregister?.()
      this.#unregister = null
    }
    const finish = this.#finishConsuming
    this.#finishConsuming = null
    finish?.()
  }

  /** Rejoin at the next opportunity (new partitions of a subscribed topic). */
  requestRejoin(): void {
    this.#rejoinNeeded = true
    this.#wake()
  }

  /** Wakes a parked fetch (resume). */
  wakeUp(): void {
    this.#wake()
  }

  /** Errors the loop recovers from by rejoining instead of retrying. */
  recoverable(error: Error): boolean {
    return this.#face.errorKind(error) !== null
  }

  /** Rejoins after a rebalance error (or as a new member after UNKNOWN_MEMBER_ID). */
  async rejoin(error: Error): Promise<void> {
    const options = this.#options
    if (this.#face.errorKind(error) === 'unknown-member') {
      options.logger.error('The coordinator is not aware of this member, re-joining the group', {
        groupId: options.groupId,
        memberId: this.memberId,
        error: error.message,
      })
      this.memberId = ''
    } else {
      options.logger.warn('The group is rebalancing, re-joining', {
        groupId: options.groupId,
        memberId: this.memberId,
        error: error.message,
      })
      options.instrumentation.emitLazy('consumer.rebalancing', () => ({
        groupId: options.groupId,
        memberId: this.memberId,
      }))
    }
    await this.#joinAndSync()
  }

  #wake(): void {
    const controller = this.#wakeController
    this.#wakeController = null
    controller?.abort()
  }

  // ── group membership ────────────────────────────────────────────────────────────────────

  /** JoinGroup + SyncGroup (retrying through concurrent rebalances), then assignment and GROUP_JOIN. */
  async #joinAndSync(): Promise<void> {
    this.#busy++
    try {
      await this.#joinWithRetries()
    } finally {
      this.#busy--
      this.#broker.consumers.notify()
    }
  }

  async #joinWithRetries(): Promise<void> {
    const options = this.#options
    const startedMs = this.#broker.clock.now()
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#joinOnce(startedMs)
        return
      } catch (error) {
        const mapped = this.#face.mapError(error)
        const kind = this.#face.errorKind(mapped)
        const retriable = kind !== null || (error as { code?: string }).code === 'ILLEGAL_GENERATION'
        if (!retriable || attempt >= JOIN_ATTEMPTS_MAX) throw mapped
        if (kind === 'unknown-member') this.memberId = ''
        options.logger.debug('Rejoining after a concurrent rebalance', {
          groupId: options.groupId,
          error: mapped.message,
        })
      }
    }
  }

  async #joinOnce(startedMs: number): Promise<void> {
    const options = this.#options
    const topics = [...options.topics.keys()]
    const protocols = options.assigners.map((assigner) => {
      const protocol = assigner.protocol({ topics })
      return { name: protocol.name, metadata: protocol.metadata }
    })
    this.#rejoinNeeded = false
    const join = await this.#broker.groups.joinGroup({
      groupId: options.groupId,
      memberId: this.memberId,
      clientId: options.clientId,
      sessionTimeoutMs: options.sessionTimeout,
      rebalanceTimeoutMs: options.rebalanceTimeout,
      protocolType: 'consumer',
      protocols,
      onRebalance: () => {
        this.#rejoinNeeded = true
        this.#wake()
      },
    })
    this.memberId = join.memberId
    this.generationId = join.generationId
    this.#leaderId = join.leaderId
    let assignments: Map<string, unknown> | undefined
    if (join.leaderId === join.memberId) {
      const assigner = options.assigners.find((candidate) => candidate.name === join.protocolName)
      if (assigner === undefined) {
        throw this.#face.mapError(
          new KafkaliteError(
            'INCONSISTENT_GROUP_PROTOCOL',
            `Unsupported partition assigner "${join.protocolName}", the assigner wasn't found in the assigners list`,
            { retriable: false },
          ),
        )
      }
      const assigned = await assigner.assign({
        members: join.members.map((member) => ({
          memberId: member.memberId,
          memberMetadata: member.metadata as never,
        })),
        topics,
      })
      assignments = new Map(assigned.map((each) => [each.memberId, each.memberAssignment]))
    }
    const encoded = await this.#broker.groups.syncGroup({
      groupId: options.groupId,
      memberId: this.memberId,
      generationId: this.generationId,
      ...(assignments === undefined ? {} : { assignments }),
    })
    this.#applyAssignment(encoded, join.protocolName, startedMs)
  }

  #applyAssignment(encoded: unknown, protocolName: string, startedMs: number): void {
    const options = this.#options
    const received =
      (encoded === null || encoded === undefined ? null : this.#face.decodeAssignment(encoded)) ?? {}
    const assignment = new Map<string, number[]>()
    const unsubscribed: string[] = []
    for (const [topic, partitions] of Object.entries(received)) {
      if (options.topics.has(topic)) assignment.set(topic, [...partitions])
      else unsubscribed.push(topic)
    }
    if (unsubscribed.length > 0) {
      options.logger.warn('Consumer group received unsubscribed topics', {
        groupId: options.groupId,
        topicsNotSubscribed: unsubscribed,
      })
      options.instrumentation.emitLazy('consumer.received_unsubscribed_topics', () => ({
        groupId: options.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        assignedTopics: Object.keys(received),
        topicsSubscribed: [...options.topics.keys()],
        topicsNotSubscribed: unsubscribed,
      }))
    }
    options.subscriptionState.assign(assignment)
    this.#resolved = new TopicPartitionMap()
    this.#committed = new TopicPartitionMap()
    for (const [topic, partitions] of assignment) {
      for (const partition of partitions) this.#initializePosition(topic, partition)
    }
    this.#lastHeartbeatMs = this.#broker.clock.now()
    this.#lastCommitMs = this.#broker.clock.now()
    const memberAssignment: Record<string, number[]> = {}
    for (const [topic, partitions] of assignment) memberAssignment[topic] = [...partitions]
    options.instrumentation.emitLazy('consumer.group_join', () => ({
      groupId: options.groupId,
      memberId: this.memberId,
      leaderId: this.#leaderId,
      isLeader: this.memberId === this.#leaderId,
      memberAssignment,
      groupProtocol: protocolName,
      duration: this.#broker.clock.now() - startedMs,
    }))
  }

  /** Committed offset if valid, else the subscription's fromBeginning rule (resolved now, not at first fetch). */
  #initializePosition(topic: string, partition: number): void {
    const log = this.#broker.findTopic(topic)?.partitions[partition]
    if (log === undefined) return
    const committed = this.#broker.groups.committedOffset(this.#options.groupId, topic, partition)
    const valid = committed !== undefined && committed.offset >= 0
    const position = valid ? committed.offset : this.#defaultOffset(topic, log)
    // As KafkaJS's resolveOffsets: the default position counts as committed locally (not on the
    // broker), so a partition nothing was consumed from is neither listed by uncommittedOffsets()
    // nor auto-committed.
    this.#committed.set(topic, partition, position)
    this.#resolved.set(topic, partition, position)
  }

  #defaultOffset(topic: string, log: PartitionLog): number {
    return this.#options.topics.get(topic) === true ? log.logStartOffset : this.#latestOffset(log)
  }

  /**
   * "Latest" as ListOffsets(-1) answers at this consumer's isolation: the last stable offset for
   * read_committed (KafkaJS's default), so a transaction open when the consumer starts is
   * delivered once it commits; the high watermark for read_uncommitted.
   */
  #latestOffset(log: PartitionLog): number {
    return this.#options.readUncommitted ? log.highWatermark : log.lastStableOffset
  }

  // ── heartbeats and commits ──────────────────────────────────────────────────────────────

  /** KafkaJS's throttled heartbeat; concurrent callers share one. Rejects when a rebalance is due. */
  heartbeat(): Promise<void> {
    if (this.#rejoinNeeded) return this.#rebalanceError()
    if (this.#broker.clock.now() - this.#lastHeartbeatMs < this.#options.heartbeatInterval)
      return Promise.resolve()
    this.#heartbeatInFlight ??= this.#sendHeartbeat().finally(() => {
      this.#heartbeatInFlight = null
    })
    return this.#heartbeatInFlight
  }

  async #sendHeartbeat(): Promise<void> {
    const options = this.#options
    try {
      this.#broker.groups.heartbeat(options.groupId, this.memberId, this.generationId)
      this.#lastHeartbeatMs = this.#broker.clock.now()
      options.instrumentation.emitLazy('consumer.heartbeat', () => ({
        groupId: options.groupId,
        memberId: this.memberId,
        groupGenerationId: this.generationId,
      }))
    } catch (error) {
      const mapped = this.#face.mapError(error)
      if (this.#face.errorKind(mapped) === 'rebalance') {
        this.#rejoinNeeded = true
        await this.autoCommitOffsets()
      }
      throw mapped
    }
  }

  async #rebalanceError(): Promise<never> {
    await this.autoCommitOffsets()
    throw this.#face.mapError(
      new KafkaliteError('REBALANCE_IN_PROGRESS', `group ${this.#options.groupId} is rebalancing`),
    )
  }

  resolveOffset(topic: string, partition: number, offset: number): void {
    this.#resolved.set(topic, partition, offset + 1)
  }

  /** Partitions whose resolved offset differs from the committed one; partitions as strings (KafkaJS). */
  uncommittedOffsets(): { topics: { topic: string; partitions: { partition: string; offset: string }[] }[] } {
    const byTopic = new Map<string, { partition: string; offset: string }[]>()
    const cache = this.#options.offsetsCache.get(this.#options.groupId)
    for (const [topic, partition, offset] of this.#resolved.entries()) {
      const committed = cache?.get(`${topic}\u0000${partition}`) ?? this.#committed.get(topic, partition)
      if (committed !== undefined && Number(committed) === offset) continue
      let partitions = byTopic.get(topic)
      if (partitions === undefined) {
        partitions = []
        byTopic.set(topic, partitions)
      }
      partitions.push({ partition: String(partition), offset: String(offset) })
    }
    return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) }
  }

  #countUncommitted(): number {
    let count = 0
    for (const [topic, partition, offset] of this.#resolved.entries()) {
      count += offset - (this.#committed.get(topic, partition) ?? offset)
    }
    return count
  }

  autoCommitOffsets(): Promise<void> {
    return this.#options.run.autoCommit ? this.commitOffsets() : Promise.resolve()
  }

  autoCommitOffsetsIfNecessary(): Promise<void> {
    return this.#options.run.autoCommit ? this.commitOffsetsIfNecessary() : Promise.resolve()
  }

  commitOffsetsIfNecessary(): Promise<void> {
    const run = this.#options.run
    const intervalReached =
      run.autoCommitInterval !== null &&
      this.#broker.clock.now() >= this.#lastCommitMs + run.autoCommitInterval
    const thresholdReached =
      run.autoCommitThreshold !== null && this.#countUncommitted() >= run.autoCommitThreshold
    return intervalReached || thresholdReached ? this.commitOffsets() : Promise.resolve()
  }

  /** Commits the given offsets, or every uncommitted resolved offset; emits COMMIT_OFFSETS. */
  async commitOffsets(
    explicit?: {
      topics: {
        topic: string
        partitions: { partition: number | string; offset: number | string; metadata?: string | null }[]
      }[]
    },
    eventShape: CommitEventShape = 'auto',
  ): Promise<void> {
    const topics = explicit?.topics ?? this.uncommittedOffsets().topics
    const offsets = topics.flatMap(({ topic, partitions }) =>
      partitions.map((entry) => ({
        topic,
        partition: Number(entry.partition),
        offset: Number(entry.offset),
        metadata: (entry as { metadata?: string | null }).metadata ?? null,
      })),
    )
    if (offsets.length === 0) {
      this.#lastCommitMs = this.#broker.clock.now()
      return
    }
    const options = this.#options
    try {
      this.#broker.groups.commitOffsets({
        groupId: options.groupId,
        memberId: this.memberId,
        generationId: this.generationId,
        offsets,
      })
    } catch (error) {
      throw this.#face.mapError(error)
    }
    const cache = options.offsetsCache.get(options.groupId)
    for (const offset of offsets) {
      this.#committed.set(offset.topic, offset.partition, offset.offset)
      cache?.delete(`${offset.topic}\u0000${offset.partition}`)
    }
    this.#lastCommitMs = this.#broker.clock.now()
    await this.#broker.flush()
    options.instrumentation.emitLazy('consumer.commit_offsets', () => ({
      groupId: options.groupId,
      memberId: this.memberId,
      groupGenerationId: this.generationId,
      topics: (eventShape === 'raw'
        ? topics
        : topics.map(({ topic, partitions }) => ({
            topic,
            partitions: partitions.map((entry) =>
              eventShape === 'auto'
                ? // KafkaJS emits auto-commit partitions as strings (they come from Object.keys).
                  { partition: String(entry.partition), offset: String(entry.offset) }
                : {
                    partition: entry.partition,
                    offset: String(entry.offset),
                    metadata: (entry as { metadata?: string | null }).metadata ?? null,
                  },
            ),
          }))) as never,
    }))
  }

  // ── seeks ───────────────────────────────────────────────────────────────────────────────

  seek(topic: string, partition: number, offset: number): void {
    this.#seeks.set(topic, partition, offset)
    this.#wake()
  }

  hasSeekOffset(topic: string, partition: number): boolean {
    return this.#seeks.has(topic, partition)
  }

  /** Applies a pending seek for an assigned partition (committing it with autoCommit). */
  async #applySeek(topic: string, partition: number, log: PartitionLog): Promise<void> {
    const requested = this.#seeks.get(topic, partition)
    if (requested === undefined) return
    this.#seeks.delete(topic, partition)
    const offset =
      requested === -2 ? log.logStartOffset : requested === -1 ? this.#latestOffset(log) : requested
    this.#resolved.set(topic, partition, offset)
    if (this.#options.run.autoCommit) {
      try {
        this.#broker.groups.commitOffsets({
          groupId: this.#options.groupId,
          memberId: this.memberId,
          generationId: this.generationId,
          offsets: [{ topic, partition, offset }],
        })
        this.#committed.set(topic, partition, offset)
      } catch (error) {
        throw this.#face.mapError(error)
      }
    }
  }

  // ── the loop ────────────────────────────────────────────────────────────────────────────

  /** Fetches and delivers until stopped or a rebalance is due; throws what the handlers throw. */
  async consume(): Promise<void> {
    const options = this.#options
    while (this.running) {
      if (this.#rejoinNeeded) {
        await this.autoCommitOffsets()
        options.logger.warn('The group is rebalancing, re-joining', {
          groupId: options.groupId,
          memberId: this.memberId,
        })
        options.instrumentation.emitLazy('consumer.rebalancing', () => ({
          groupId: options.groupId,
          memberId: this.memberId,
        }))
        await this.#joinAndSync()
        continue
      }
      const fetchStartedMs = this.#broker.clock.now()
      // KafkaJS's fetchers are keyed by Object.keys(brokers): nodeId is a string at runtime.
      options.instrumentation.emitLazy('consumer.fetch_start', () => ({ nodeId: '0' }))
      const fetched = await this.#fetch()
      const { targets, waitMs } = fetched
      // As KafkaJS drops the partitions of a fetch response that were sought or paused while the
      // fetch was in flight (here: while it awaited), so none of their records are delivered.
      const batches = fetched.batches.filter(
        ({ topic, partition }) =>
          !this.#seeks.has(topic, partition) && !options.subscriptionState.isPaused(topic, partition),
      )
      options.instrumentation.emitLazy('consumer.fetch', () => ({
        numberOfBatches: 0,
        duration: this.#broker.clock.now() - fetchStartedMs,
        nodeId: '0',
      }))
      if (batches.length === 0) {
        this.#fetchesWithoutYield = 0
        await this.heartbeat()
        if (!this.running || this.#rejoinNeeded || this.#hasAssignedSeek() || fetched.batches.length > 0)
          continue
        if (waitMs <= 0) {
          // maxWaitTimeInMs 0: poll again, but after a turn of the event loop. Waiting would
          // resolve at once, and a loop of microtasks starves timers and I/O for the whole process.
          await nextTurn()
          continue
        }
        const controller = new AbortController()
        this.#wakeController = controller
        await this.#broker.waitForData(targets, waitMs, controller.signal)
        if (this.#wakeController === controller) this.#wakeController = null
        // An append wakes the wait synchronously. With a broker the records arrive in a fetch
        // response, after the producer's own response: let the producers' callers resume first.
        // (A seek, pause or rebalance wakes through the controller and is applied at once.)
        const answers = controller.signal.aborted ? null : this.#broker.answers.allSeen()
        if (answers !== null) await answers
        continue
      }
      await this.#processBatches(batches)
      // Fetching and handling settle in microtasks only; a loop that always finds data (a backlog,
      // or a batch handler that resolves nothing) would starve timers and I/O for the whole
      // process, which KafkaJS's network round-trips never do.
      if (++this.#fetchesWithoutYield >= FETCHES_PER_YIELD) {
        this.#fetchesWithoutYield = 0
        await nextTurn()
      }
    }
  }

  /** A seek waits for the partition's next fetch; seeks of partitions not assigned here wait for an assignment. */
  #hasAssignedSeek(): boolean {
    if (this.#seeks.size === 0) return false
    for (const [topic, partition] of this.#seeks.entries()) {
      if (this.#options.subscriptionState.assigned().get(topic)?.includes(partition) === true) return true
    }
    return false
  }

  async #fetch(): Promise<{ batches: FetchedPartition[]; targets: WaitTarget[]; waitMs: number }> {
    const options = this.#options
    let waitMs = options.maxWaitTimeInMs
    const readCommitted = !options.readUncommitted
    const isolation = readCommitted ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted
    const entries: [string, number][] = []
    for (const [topic, partitions] of options.subscriptionState.assigned()) {
      for (const partition of partitions)
        if (!options.subscriptionState.isPaused(topic, partition)) entries.push([topic, partition])
    }
    const batches: FetchedPartition[] = []
    const targets: WaitTarget[] = []
    let bytesLeft = options.maxBytes
    const start = entries.length === 0 ? 0 : this.#fetchCursor++ % entries.length
    for (let step = 0; step < entries.length; step++) {
      const [topic, partition] = entries[(start + step) % entries.length] as [string, number]
      const log = this.#broker.findTopic(topic)?.partitions[partition]
      if (log === undefined) continue
      const delayedUntil = this.#broker.faults.delayedUntil(topic, partition)
      if (delayedUntil > this.#broker.clock.now()) {
        waitMs = Math.min(waitMs, delayedUntil - this.#broker.clock.now())
        continue
      }
      await this.#applySeek(topic, partition, log)
      let offset = this.#resolved.get(topic, partition)
      if (offset === undefined) {
        this.#initializePosition(topic, partition)
        offset = this.#resolved.get(topic, partition) ?? log.highWatermark
      }
      if (offset < log.logStartOffset || offset > log.highWatermark) {
        offset = this.#defaultOffset(topic, log)
        options.logger.info('Offset out of range, resetting', { topic, partition, offset })
        this.#resolved.set(topic, partition, offset)
      }
      targets.push({ log, offset, readCommitted })
      if (bytesLeft <= 0) continue
      const read = log.read(offset, {
        maxBytes: Math.min(
          options.maxBytesPerPartition,
          bytesLeft,
          options.run.eachMessage ? EACH_MESSAGE_FETCH_BYTES : Number.POSITIVE_INFINITY,
        ),
        isolation,
      })
      if (read.nextOffset <= offset) continue
      for (const batch of read.batches) bytesLeft -= batch.sizeBytes
      batches.push({
        topic,
        partition,
        highWatermark: read.highWatermark,
        records: read.batches,
        fetchedOffset: offset,
        nextOffset: read.nextOffset,
        logAppendTime: log.config.timestampType === 'LogAppendTime',
      })
    }
    return { batches, targets, waitMs }
  }

  #toMessages(
    batches: readonly RecordBatch[],
    fromOffset: number,
    logAppendTime: boolean,
    topic: string,
    partition: number,
  ): Message[] {
    const face = this.#face
    const messages: Message[] = []
    for (const batch of batches) {
      if (batchNextOffset(batch) <= fromOffset) continue
      face.appendMessages(batch, fromOffset, logAppendTime, topic, partition, messages)
    }
    return messages
  }

  /**
   * The face's Batch of a fetched partition, built when its turn comes rather than at fetch time:
   * a fetch may return megabytes, and messages built only to wait for their handler would
   * outlive young-generation collections (the records are immutable, so when makes no difference).
   */
  #toBatch(fetched: FetchedPartition): Batch {
    const messages = this.#toMessages(
      fetched.records,
      fetched.fetchedOffset,
      fetched.logAppendTime,
      fetched.topic,
      fetched.partition,
    )
    return this.#face.makeBatch(
      fetched.topic,
      fetched.partition,
      fetched.highWatermark,
      messages,
      fetched.fetchedOffset,
      fetched.nextOffset,
    )
  }

  async #processBatches(batches: FetchedPartition[]): Promise<void> {
    const concurrency = Math.max(1, this.#options.run.partitionsConsumedConcurrently)
    if (concurrency === 1 || batches.length === 1) {
      for (const batch of batches) {
        if (!this.running || this.#rejoinNeeded) return
        await this.#handleBatch(batch)
      }
      return
    }
    let next = 0
    const errors: unknown[] = []
    const worker = async (): Promise<void> => {
      while (next < batches.length && this.running && !this.#rejoinNeeded && errors.length === 0) {
        const batch = batches[next++]!
        try {
          await this.#handleBatch(batch)
        } catch (error) {
          errors.push(error)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker))
    if (errors.length > 0) throw errors[0]
  }

  async #handleBatch(fetched: FetchedPartition): Promise<void> {
    this.#busy++
    try {
      // The batch is not held across the end-of-batch commit and heartbeat: its messages are
      // garbage as soon as its handler is done, before the awaits below let other work run.
      if (await this.#handleBatchNow(this.#toBatch(fetched))) {
        await this.autoCommitOffsets()
        await this.heartbeat()
      }
    } finally {
      this.#busy--
      this.#broker.consumers.notify()
    }
  }

  /** Handles a batch; returns whether the end-of-batch commit and heartbeat are still to do. */
  async #handleBatchNow(batch: Batch): Promise<boolean> {
    const options = this.#options
    const startedMs = this.#broker.clock.now()
    const payload = () => ({
      topic: batch.topic,
      partition: batch.partition,
      highWatermark: batch.highWatermark,
      offsetLag: batch.offsetLag(),
      offsetLagLow: batch.offsetLagLow(),
      batchSize: batch.messages.length,
      firstOffset: batch.firstOffset() as string,
      lastOffset: batch.lastOffset(),
    })
    if (batch.isEmptyDueToFiltering()) {
      options.instrumentation.emitLazy('consumer.start_batch_process', payload)
      this.resolveOffset(batch.topic, batch.partition, Number(batch.lastOffset()))
      await this.autoCommitOffsetsIfNecessary()
      options.instrumentation.emitLazy('consumer.end_batch_process', () => ({
        ...payload(),
        duration: this.#broker.clock.now() - startedMs,
      }))
      await this.heartbeat()
      return false
    }
    if (batch.isEmpty()) return false
    options.instrumentation.emitLazy('consumer.start_batch_process', payload)
    if (options.run.eachMessage) await this.#processEachMessage(batch)
    else if (options.run.eachBatch) await this.#processEachBatch(batch)
    options.instrumentation.emitLazy('consumer.end_batch_process', () => ({
      ...payload(),
      duration: this.#broker.clock.now() - startedMs,
    }))
    return true
  }

  #pauseFor(topic: string, partition: number): () => () => void {
    return () => {
      this.#options.subscriptionState.pause([{ topic, partitions: [partition] }])
      return () => {
        this.#options.subscriptionState.resume([{ topic, partitions: [partition] }])
        this.#wake()
      }
    }
  }

  async #processEachMessage(batch: Batch): Promise<void> {
    const { topic, partition } = batch
    const eachMessage = this.#options.run.eachMessage!
    const pause = this.#pauseFor(topic, partition)
    const helpers: MessageHelpers = { heartbeat: () => this.heartbeat(), pause }
    const subscriptionState = this.#options.subscriptionState
    for (const message of batch.messages) {
      if (!this.running || this.#rejoinNeeded || this.#seeks.has(topic, partition)) break
      try {
        const crash = this.#broker.faults.takeHandlerCrash(this.#options.groupId, topic, partition)
        if (crash !== null) throw crash
        await this.#face.eachMessage(eachMessage, topic, partition, message, helpers)
      } catch (error) {
        this.#logHandlerError('eachMessage', error, {
          topic,
          partition,
          offset: this.#face.messageOffset(message),
        })
        await this.autoCommitOffsets()
        throw error
      }
      this.resolveOffset(topic, partition, this.#face.messageOffset(message))
      if (this.#broker.clock.now() - this.#lastHeartbeatMs >= this.#options.heartbeatInterval)
        await this.heartbeat()
      if (this.#options.run.autoCommitInterval !== null || this.#options.run.autoCommitThreshold !== null) {
        await this.autoCommitOffsetsIfNecessary()
      }
      if (subscriptionState.isPaused(topic, partition)) break
    }
  }

  async #processEachBatch(batch: Batch): Promise<void> {
    const { topic, partition } = batch
    const lastDelivered = batch.messages[batch.messages.length - 1]
    try {
      const crash = this.#broker.faults.takeHandlerCrash(this.#options.groupId, topic, partition)
      if (crash !== null) throw crash
      await this.#face.eachBatch(this.#options.run.eachBatch, batch, {
        resolveOffset: (offset: string | number) => {
          const resolved =
            lastDelivered !== undefined && Number(offset) === this.#face.messageOffset(lastDelivered)
              ? batch.lastOffset()
              : offset
          this.resolveOffset(topic, partition, Number(resolved))
        },
        heartbeat: () => this.heartbeat(),
        pause: this.#pauseFor(topic, partition),
        commitOffsetsIfNecessary: async (offsets?: CommitRequest) =>
          offsets ? this.commitOffsets(offsets, 'raw') : this.commitOffsetsIfNecessary(),
        uncommittedOffsets: () => this.uncommittedOffsets(),
        isRunning: () => this.running,
        isStale: () => this.#seeks.has(topic, partition),
      })
    } catch (error) {
      this.#logHandlerError('eachBatch', error, { topic, partition, offset: batch.firstOffset() })
      await this.autoCommitOffsets()
      throw error
    }
    if (this.#options.run.eachBatchAutoResolve)
      this.resolveOffset(topic, partition, Number(batch.lastOffset()))
  }

  #logHandlerError(handler: string, error: unknown, extra: Record<string, unknown>): void {
    if (this.#face.isOwnError(error)) return
    this.#options.logger.error(`Error when calling ${handler}`, {
      ...extra,
      stack: (error as Error | undefined)?.stack,
      error,
    })
  }
}
