/**
 * KafkaJS's admin client over the in-process broker: topics, partitions, metadata, topic and group
 * offsets, groups, configs, ACLs and reassignments, with KafkaJS's argument checks (same messages,
 * same order), result shapes and error classes. The cluster is one broker, node 0, which is
 * controller, group coordinator and the leader and only replica of every partition.
 *
 * Behavior:
 * - `listTopics()` and `fetchTopicMetadata()` include internal topics (`__consumer_offsets`) once
 *   they exist, as a broker's metadata does.
 * - `createTopics` answers as a single broker: `replicationFactor` other than -1/1 and replica
 *   assignments naming a broker other than 0 fail (INVALID_REPLICATION_FACTOR,
 *   INVALID_REPLICA_ASSIGNMENT). Leaders exist at once, so `waitForLeaders` and `timeout` change
 *   nothing. With `validateOnly` it resolves `true` for valid topics; KafkaJS then waits for leaders
 *   of topics that were never created and rejects with UNKNOWN_TOPIC_OR_PARTITION
 *   (tulios/kafkajs#1222).
 * - `setOffsets`/`resetOffsets` commit from outside the group (KafkaJS joins the group with a
 *   temporary consumer). The visible result is the same: the group must be Empty or Dead, offsets
 *   are stored as given (-1/-2 included), and partitions the topic does not have are ignored, as
 *   KafkaJS's seek ignores them. Invalid offsets reject before anything is committed.
 * - `deleteTopicRecords` reports only the partitions the topic really lacks. KafkaJS 2.2.4 looks
 *   partitions up in its cached metadata before loading the topic, so its first call for a topic
 *   the admin has not fetched reports every partition as leaderless (KafkaJSBrokerNotFound).
 * - `describeGroups` reports `protocolType: 'consumer'` for a group that exists only through such
 *   commits, as KafkaJS's temporary consumer would have left it.
 * - `describeConfigs` resolves `{ resources }` without `throttleTime`, as KafkaJS's runtime does
 *   (its d.ts declares it); entries and synonyms follow Kafka 3.9's answers. Broker configs
 *   are kafkalite's fixed settings: they describe as read-only, and `alterConfigs` on a BROKER or
 *   BROKER_LOGGER resource rejects with INVALID_REQUEST. BROKER_LOGGER describes no loggers.
 * - ACLs: there is no authorizer, so after KafkaJS's own argument checks `createAcls`,
 *   `describeAcls` and `deleteAcls` reject with KafkaJSProtocolError SECURITY_DISABLED, as an
 *   unsecured cluster does.
 * - Reassignments: none is ever in progress (`listPartitionReassignments` resolves
 *   `{ topics: [] }`); reassigning to `[0]` completes at once, any other replica list fails with
 *   INVALID_REPLICA_ASSIGNMENT.
 * - `describeCluster()` reports broker 0 at the host and port of the first configured broker
 *   address (localhost:9092 when there is none), and the engine's cluster id.
 * - Where KafkaJS fails with a TypeError on a non-array argument (`fetchTopicMetadata({ topics })`,
 *   `describeGroups`, `setOffsets` partitions), kafkalite rejects with KafkaJSNonRetriableError.
 * - `admin.network.*` events are never emitted: there is no network.
 * - This file is longer than the house limit: one function per KafkaJS method, kept together so
 *   each can be read against KafkaJS's `src/admin/index.js`.
 */
import { DEFAULTS } from '../common/limits.js'
import type { Broker } from '../engine/broker.js'
import type { CommittedOffset } from '../engine/groups/offset-commits.js'
import type { Topic } from '../engine/topic.js'
import { DEFAULT_TOPIC_CONFIG, describeTopicConfig } from '../engine/topic-config.js'
import { validateTopicName } from '../engine/topic-name.js'
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes,
  ConfigSource,
  ResourcePatternTypes,
} from './constants.js'
import { describeGroups } from './consumer.js'
import { parseOffset } from './convert.js'
import {
  createProtocolError,
  type DeleteGroupsErrorGroup,
  type DeleteTopicRecordsErrorPartition,
  KafkaJSAggregateError,
  KafkaJSAlterPartitionReassignmentsError,
  KafkaJSBrokerNotFound,
  KafkaJSCreateTopicError,
  KafkaJSDeleteGroupsError,
  KafkaJSDeleteTopicRecordsError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  toKafkaJSError,
} from './errors.js'
import { type AdminEventPayloads, adminEvents, InstrumentationEmitter } from './instrumentation.js'
import type { ClientContext } from './kafka.js'
import { createRetry } from './retry.js'
import type {
  Admin,
  AdminConfig,
  ConfigEntries,
  ConfigSynonyms,
  DeleteGroupsResult,
  DescribeConfigResponse,
  FetchOffsetsPartition,
  GroupDescription,
  GroupDescriptions,
  ITopicMetadata,
  Logger,
  PartitionMetadata,
  RetryOptions,
} from './types.js'

/** What every admin operation needs. */
interface Scope {
  readonly context: ClientContext
  readonly logger: Logger
  /** KafkaJS's `{ ...kafkaConfig.retry, ...adminConfig.retry }`. */
  readonly retry: RetryOptions
}

/** An argument as a JavaScript caller may pass it: every field unchecked. */
type Loose<T> = { readonly [K in keyof T]?: unknown } | null | undefined

type TopicOffsets = { topic: string; partitions: FetchOffsetsPartition[] }

/**
 * Builds a KafkaJS-shaped admin client; nothing is checked until a method is called.
 * @example
 * const admin = kafka.admin()
 * await admin.connect()
 * await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })
 */
export function createAdmin(context: ClientContext, config: AdminConfig): Admin {
  const logger = context.rootLogger.namespace('Admin')
  const scope: Scope = { context, logger, retry: { ...context.retry, ...config?.retry } }
  const instrumentation = new InstrumentationEmitter<AdminEventPayloads>({ kind: 'admin', logger })
  let connected = false
  let releaseKeepAlive: (() => void) | null = null
  return {
    async connect() {
      await context.ready()
      if (!connected) releaseKeepAlive = context.keepAlive.acquire()
      connected = true
      instrumentation.emitLazy('admin.connect', () => undefined)
    },
    async disconnect() {
      releaseKeepAlive?.()
      releaseKeepAlive = null
      connected = false
      instrumentation.emitLazy('admin.disconnect', () => undefined)
    },
    listTopics: async () => (await context.ready()).listTopics({ includeInternal: true }),
    createTopics: (options) => createTopics(scope, options),
    deleteTopics: (options) => deleteTopics(scope, options),
    // KafkaJS declares Promise<boolean>; its runtime resolves undefined.
    createPartitions: (options) => createPartitions(scope, options) as unknown as Promise<boolean>,
    fetchTopicMetadata: (options) => fetchTopicMetadata(scope, options),
    fetchOffsets: (options) => fetchOffsets(scope, options),
    fetchTopicOffsets: (topic) => fetchTopicOffsets(scope, topic),
    fetchTopicOffsetsByTimestamp: (topic, timestamp) => fetchTopicOffsetsByTimestamp(scope, topic, timestamp),
    describeCluster: () => describeCluster(scope),
    setOffsets: (options) => setOffsets(scope, options),
    resetOffsets: (options) => resetOffsets(scope, options),
    describeConfigs: (options) => describeConfigs(scope, options),
    alterConfigs: (options) => alterConfigs(scope, options),
    listGroups: () => listGroups(scope),
    describeGroups: (groupIds) => describeAdminGroups(scope, groupIds),
    deleteGroups: (groupIds) => deleteGroups(scope, groupIds),
    describeAcls: (options) => describeAcls(options),
    deleteAcls: (options) => deleteAcls(options),
    createAcls: (options) => createAcls(options),
    deleteTopicRecords: (options) => deleteTopicRecords(scope, options),
    alterPartitionReassignments: (request) => alterPartitionReassignments(scope, request),
    listPartitionReassignments: (request) => listPartitionReassignments(request),
    logger: () => logger,
    on: ((eventName: string, listener: (event: unknown) => void) =>
      instrumentation.on(eventName, listener)) as Admin['on'],
    events: adminEvents,
  }
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

function nonRetriable(message: string): KafkaJSNonRetriableError {
  return new KafkaJSNonRetriableError(message)
}

/** Runs an engine call; its KafkaliteError becomes the KafkaJS error a broker would cause. */
function engine<T>(call: () => T): T {
  try {
    return call()
  } catch (error) {
    throw toKafkaJSError(error)
  }
}

/** The topic, or the error a metadata request gets: INVALID_TOPIC_EXCEPTION or UNKNOWN_TOPIC_OR_PARTITION. */
function requireTopic(broker: Broker, name: unknown): Topic {
  const topic = typeof name === 'string' ? broker.findTopic(name) : undefined
  if (topic !== undefined) return topic
  return engine(() => {
    validateTopicName(name)
    return broker.topic(name)
  })
}

function typeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined
}

/** Metadata of a partition led by broker 0, the only replica (KafkaJS's Metadata v5+ shape). */
function partitionMetadata(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
  }))
}

/** A single-broker replica list: exactly broker 0. */
function onlyBrokerZero(replicas: unknown): boolean {
  return Array.isArray(replicas) && replicas.length === 1 && replicas[0] === 0
}

function isMember(values: Readonly<Record<string, number>>, value: unknown): boolean {
  return Object.values(values).includes(value as number)
}

// ── topics and partitions ────────────────────────────────────────────────────────────────────

function validateCreateTopics(topics: unknown): asserts topics is Loose<{ topic: string }>[] {
  if (!topics || !Array.isArray(topics)) throw nonRetriable(`Invalid topics array ${String(topics)}`)
  if (topics.some((entry) => typeof entry?.topic !== 'string')) {
    throw nonRetriable('Invalid topics array, the topic names have to be a valid string')
  }
  if (new Set(topics.map((entry) => entry.topic)).size < topics.length) {
    throw nonRetriable('Invalid topics array, it cannot have multiple entries for the same topic')
  }
  for (const { topic, configEntries } of topics) validateConfigEntries(topic, configEntries)
}

function validateConfigEntries(topic: string, configEntries: unknown): void {
  if (configEntries === null || configEntries === undefined) return
  if (!Array.isArray(configEntries)) {
    throw nonRetriable(`Invalid configEntries for topic "${topic}", must be an array`)
  }
  configEntries.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) {
      throw nonRetriable(`Invalid configEntries for topic "${topic}". Entry ${index} must be an object`)
    }
    for (const property of ['name', 'value'] as const) {
      if (
        !Object.hasOwn(entry, property) ||
        typeof (entry as Record<string, unknown>)[property] !== 'string'
      ) {
        throw nonRetriable(
          `Invalid configEntries for topic "${topic}". Entry ${index} must have a valid "${property}" property`,
        )
      }
    }
  })
}

/**
 * Creates each topic independently, as a broker does. Resolves true if all were created, false if
 * every failure was TOPIC_ALREADY_EXISTS, and otherwise rejects with KafkaJSAggregateError of
 * KafkaJSCreateTopicError sorted by topic name.
 */
async function createTopics(
  scope: Scope,
  options: Loose<{ topics: unknown; validateOnly: boolean }>,
): Promise<boolean> {
  const topics = options?.topics
  validateCreateTopics(topics)
  const broker = await scope.context.ready()
  const failures: KafkaJSCreateTopicError[] = []
  for (const entry of topics) {
    try {
      createTopic(broker, entry as Loose<TopicRequest>, options?.validateOnly === true)
    } catch (error) {
      const mapped = toKafkaJSError(error)
      if (!(mapped instanceof KafkaJSProtocolError)) throw mapped
      failures.push(new KafkaJSCreateTopicError(mapped, entry?.topic as string))
    }
  }
  if (failures.length === 0) return true
  if (failures.every((failure) => failure.type === 'TOPIC_ALREADY_EXISTS')) return false
  failures.sort((a, b) => a.topic.localeCompare(b.topic))
  throw new KafkaJSAggregateError('Topic creation errors', failures)
}

interface TopicRequest {
  topic: string
  numPartitions: number
  replicationFactor: number
  replicaAssignment: { partition: number; replicas: number[] }[]
  configEntries: { name: string; value: string }[]
}

function createTopic(broker: Broker, entry: Loose<TopicRequest>, validateOnly: boolean): void {
  const name = entry?.topic as string
  validateTopicName(name)
  if (broker.hasTopic(name)) throw createProtocolError('TOPIC_ALREADY_EXISTS')
  const partitions = partitionCountOf(broker, entry)
  const config: Record<string, string> = {}
  for (const { name: key, value } of (entry?.configEntries ?? []) as TopicRequest['configEntries']) {
    config[key] = value
  }
  broker.createTopic(name, { partitions, config, validateOnly })
}

/** Kafka's checks, in its order: assignment vs counts, partitions, then replication factor. */
function partitionCountOf(broker: Broker, entry: Loose<TopicRequest>): number {
  const assignment = (entry?.replicaAssignment ?? []) as Loose<TopicRequest['replicaAssignment'][number]>[]
  const numPartitions = entry?.numPartitions ?? -1
  const replicationFactor = entry?.replicationFactor ?? -1
  if (Array.isArray(assignment) && assignment.length > 0) {
    if (numPartitions !== -1 || replicationFactor !== -1) throw createProtocolError('INVALID_REQUEST')
    const partitions = assignment.map((each) => each?.partition as number).sort((a, b) => a - b)
    const consecutive = partitions.every((partition, index) => partition === index)
    if (!consecutive || !assignment.every((each) => onlyBrokerZero(each?.replicas))) {
      throw createProtocolError('INVALID_REPLICA_ASSIGNMENT')
    }
    return assignment.length
  }
  if (numPartitions !== -1 && !(Number.isInteger(numPartitions) && (numPartitions as number) > 0)) {
    throw createProtocolError('INVALID_PARTITIONS')
  }
  if (replicationFactor !== -1 && replicationFactor !== 1)
    throw createProtocolError('INVALID_REPLICATION_FACTOR')
  return numPartitions === -1 ? broker.numPartitions : (numPartitions as number)
}

/**
 * Deletes topics; a missing one is UNKNOWN_TOPIC_OR_PARTITION, which KafkaJS retries until its
 * retries run out (KafkaJSNumberOfRetriesExceeded). The topics that exist are deleted at once.
 */
async function deleteTopics(scope: Scope, options: Loose<{ topics: unknown }>): Promise<void> {
  const topics = options?.topics
  if (!topics || !Array.isArray(topics)) throw nonRetriable(`Invalid topics array ${String(topics)}`)
  if (topics.some((topic) => typeof topic !== 'string')) {
    throw nonRetriable('Invalid topics array, the names must be a valid string')
  }
  const retrier = createRetry(scope.retry)
  await retrier(async (bail, retryCount, retryTime) => {
    const broker = await scope.context.ready()
    let failure: Error | undefined
    for (const topic of topics as string[]) {
      try {
        broker.deleteTopic(topic)
      } catch (error) {
        failure ??= toKafkaJSError(error)
      }
    }
    if (failure === undefined) return
    if (typeOf(failure) !== 'UNKNOWN_TOPIC_OR_PARTITION') {
      bail(failure)
      return
    }
    scope.logger.warn('Could not delete topics', { error: failure.message, retryCount, retryTime })
    throw failure
  })
}

async function createPartitions(
  scope: Scope,
  options: Loose<{ topicPartitions: unknown; validateOnly: boolean }>,
): Promise<void> {
  const topicPartitions = options?.topicPartitions
  if (!topicPartitions || !Array.isArray(topicPartitions)) {
    throw nonRetriable(`Invalid topic partitions array ${String(topicPartitions)}`)
  }
  if (topicPartitions.length === 0) throw nonRetriable('Empty topic partitions array')
  if (topicPartitions.some((entry) => typeof entry?.topic !== 'string')) {
    throw nonRetriable('Invalid topic partitions array, the topic names have to be a valid string')
  }
  if (new Set(topicPartitions.map((entry) => entry.topic)).size < topicPartitions.length) {
    throw nonRetriable('Invalid topic partitions array, it cannot have multiple entries for the same topic')
  }
  const broker = await scope.context.ready()
  let failure: Error | undefined
  for (const entry of topicPartitions) {
    try {
      growTopic(broker, entry, options?.validateOnly === true)
    } catch (error) {
      failure ??= toKafkaJSError(error)
    }
  }
  if (failure !== undefined) throw failure
}

function growTopic(
  broker: Broker,
  entry: { topic: string; count?: unknown; assignments?: unknown },
  validateOnly: boolean,
): void {
  const current = broker.topic(entry.topic).partitions.length
  const count = entry.count as number
  broker.createPartitions(entry.topic, count, { validateOnly: true })
  const assignments = entry.assignments
  if (Array.isArray(assignments) && assignments.length > 0) {
    if (assignments.length !== count - current || !assignments.every(onlyBrokerZero)) {
      throw createProtocolError('INVALID_REPLICA_ASSIGNMENT')
    }
  }
  if (!validateOnly) broker.createPartitions(entry.topic, count)
}

async function fetchTopicMetadata(
  scope: Scope,
  options: Loose<{ topics: unknown }>,
): Promise<{ topics: ITopicMetadata[] }> {
  const topics = options?.topics || []
  // KafkaJS calls topics.forEach on whatever it is given, unchecked: anything else fails as that call does.
  if (!Array.isArray(topics)) throw new TypeError('topics.forEach is not a function')
  for (const topic of topics) {
    if (!topic || typeof topic !== 'string') throw nonRetriable(`Invalid topic ${String(topic)}`)
  }
  const broker = await scope.context.ready()
  const names: string[] =
    topics.length === 0 ? broker.listTopics({ includeInternal: true }) : [...new Set(topics)]
  const found = names.map((name) => requireTopic(broker, name))
  return {
    topics: found.map((topic) => ({
      name: topic.name,
      partitions: partitionMetadata(topic.partitions.length),
    })),
  }
}

// ── topic offsets ────────────────────────────────────────────────────────────────────────────

function validateTopicArgument(topic: unknown): asserts topic is string {
  if (!topic || typeof topic !== 'string') throw nonRetriable(`Invalid topic ${String(topic)}`)
}

/** Reads a topic under KafkaJS's retry rule for offsets: UNKNOWN_TOPIC_OR_PARTITION is retried. */
function readTopic<T>(scope: Scope, topic: string, read: (broker: Broker, found: Topic) => T): Promise<T> {
  const retrier = createRetry(scope.retry)
  return retrier(async (bail) => {
    const broker = await scope.context.ready()
    try {
      return read(broker, requireTopic(broker, topic))
    } catch (error) {
      const mapped = toKafkaJSError(error)
      if (typeOf(mapped) !== 'UNKNOWN_TOPIC_OR_PARTITION') bail(mapped)
      throw mapped
    }
  })
}

/**
 * `[{ partition, offset, high, low }]`: offset and high are the latest offset a read_committed
 * reader sees (the last stable offset; the high watermark when no transaction is open), as
 * KafkaJS lists offsets READ_COMMITTED; low is the log start.
 */
async function fetchTopicOffsets(
  scope: Scope,
  topic: unknown,
): Promise<{ partition: number; offset: string; high: string; low: string }[]> {
  validateTopicArgument(topic)
  return readTopic(scope, topic, (_broker, found) =>
    found.partitions.map((log) => {
      const high = String(log.lastStableOffset)
      return { partition: log.partition, offset: high, high, low: String(log.logStartOffset) }
    }),
  )
}

/** The first offset at or after `timestamp` per partition (the high watermark if none or omitted). */
async function fetchTopicOffsetsByTimestamp(
  scope: Scope,
  topic: unknown,
  timestamp: unknown,
): Promise<{ partition: number; offset: string }[]> {
  validateTopicArgument(topic)
  const target = timestamp === undefined || timestamp === null ? -1 : Number(timestamp)
  return readTopic(scope, topic, (broker, found) =>
    found.partitions.map((log) => ({
      partition: log.partition,
      offset: String(broker.listOffset(found.name, log.partition, target, true)),
    })),
  )
}

/**
 * Deletes records before each offset (-1: all). Partitions the topic lacks reject before anything
 * is deleted; an offset below the log start is logged and changes nothing; one past the high
 * watermark fails that partition only (OFFSET_OUT_OF_RANGE, not retried), as on a broker.
 */
async function deleteTopicRecords(
  scope: Scope,
  options: Loose<{ topic: unknown; partitions: unknown }>,
): Promise<void> {
  const topic = options?.topic
  const partitions = options?.partitions
  if (!topic || typeof topic !== 'string') throw nonRetriable(`Invalid topic "${String(topic)}"`)
  if (!partitions || !Array.isArray(partitions) || partitions.length === 0)
    throw nonRetriable('Invalid partitions')
  const watermarks = await fetchTopicOffsets(scope, topic)
  const requests = partitions.map((entry: Loose<{ partition: number; offset: string }>) => ({
    partition: entry?.partition as number,
    offset: entry?.offset as string,
    target: parseOffset(entry?.offset),
  }))
  const missing: DeleteTopicRecordsErrorPartition[] = []
  for (const { partition, offset, target } of requests) {
    const current = watermarks.find((each) => each.partition === partition)
    if (current === undefined) {
      const error = new KafkaJSBrokerNotFound('Could not find the leader for the partition', {
        retriable: false,
      })
      missing.push({ partition, offset, error })
    } else if (target < Number(current.low) && target !== -1) {
      scope.logger.warn(
        'The requested offset is before the earliest offset maintained on the partition - no records will be deleted from this partition',
        { topic, partition, offset },
      )
    }
  }
  if (missing.length > 0) throw new KafkaJSDeleteTopicRecordsError({ partitions: missing })
  let pending = requests
  const retrier = createRetry(scope.retry)
  await retrier(async () => {
    const broker = await scope.context.ready()
    const failures: DeleteTopicRecordsErrorPartition[] = []
    pending = pending.filter(({ partition, offset, target }) => {
      try {
        broker.deleteRecords(topic, partition, target)
        return false
      } catch (error) {
        const mapped: Error & { retriable?: boolean } = toKafkaJSError(error)
        // A broker's response carries a plain protocol error, not KafkaJSOffsetOutOfRange.
        const type = typeOf(mapped)
        failures.push({
          partition,
          offset,
          error: typeof type === 'string' ? createProtocolError(type) : mapped,
        })
        return true
      }
    })
    if (failures.length > 0) throw new KafkaJSDeleteTopicRecordsError({ partitions: failures })
  })
}

// ── group offsets ────────────────────────────────────────────────────────────────────────────

function committedEntry(partition: number, committed: CommittedOffset | undefined): FetchOffsetsPartition {
  return {
    partition,
    offset: committed === undefined ? '-1' : String(committed.offset),
    // KafkaJS turns the empty metadata string a broker returns into null.
    metadata: committed?.metadata || null,
  }
}

/** Every topic the group has commits for, with only its committed partitions (OffsetFetch with no topics). */
function committedTopics(broker: Broker, groupId: string): TopicOffsets[] {
  const byTopic = new Map<string, FetchOffsetsPartition[]>()
  for (const [topic, partition, committed] of broker.groups.fetchOffsets(groupId).entries()) {
    let partitions = byTopic.get(topic)
    if (partitions === undefined) {
      partitions = []
      byTopic.set(topic, partitions)
    }
    partitions.push(committedEntry(partition, committed))
  }
  return [...byTopic.keys()].sort().map((topic) => ({
    topic,
    partitions: (byTopic.get(topic) ?? []).sort((a, b) => a.partition - b.partition),
  }))
}

async function fetchOffsets(
  scope: Scope,
  options: Loose<{ groupId: string; topics: unknown; resolveOffsets: boolean }>,
): Promise<TopicOffsets[]> {
  const groupId = options?.groupId
  if (!groupId) throw nonRetriable(`Invalid groupId ${String(groupId)}`)
  const topics = options?.topics || []
  if (!Array.isArray(topics)) throw nonRetriable('Expected topics array to be set')
  const broker = await scope.context.ready()
  const offsets =
    topics.length === 0
      ? committedTopics(broker, groupId as string)
      : topics.map((name: unknown) => {
          const topic = requireTopic(broker, name)
          return {
            topic: topic.name,
            partitions: topic.partitions.map(({ partition }) =>
              committedEntry(
                partition,
                broker.groups.committedOffset(groupId as string, topic.name, partition),
              ),
            ),
          }
        })
  if (options?.resolveOffsets !== true) return offsets
  return resolveSentinels(scope, groupId as string, offsets)
}

/**
 * KafkaJS's `resolveOffsets`: -2 becomes the log start and -1 (also "nothing committed") the high
 * watermark, and the resolved offsets are committed back through setOffsets (so the group must
 * not be running).
 */
async function resolveSentinels(
  scope: Scope,
  groupId: string,
  offsets: TopicOffsets[],
): Promise<TopicOffsets[]> {
  const resolved: TopicOffsets[] = []
  for (const { topic, partitions } of offsets) {
    const watermarks = new Map((await fetchTopicOffsets(scope, topic)).map((each) => [each.partition, each]))
    const next = partitions.map(({ partition, offset, metadata }) => {
      const marks = watermarks.get(partition)
      const value = Number(offset) === -2 ? marks?.low : Number(offset) === -1 ? marks?.high : offset
      return { partition, offset: value ?? offset, metadata }
    })
    await setOffsets(scope, { groupId, topic, partitions: next })
    resolved.push({ topic, partitions: next })
  }
  return resolved
}

function requireInactiveGroup(broker: Broker, groupId: string): void {
  const state = describeGroups(broker, [groupId])[0]?.state
  if (state !== 'Empty' && state !== 'Dead') {
    throw nonRetriable(`The consumer group must have no running instances, current state: ${state}`)
  }
}

/** The checks KafkaJS's consumer.seek makes on each entry. */
function toSeekOffset(entry: Loose<{ partition: number; offset: string }>): {
  partition: number
  offset: number
} {
  const partition = entry?.partition
  if (Number.isNaN(Number(partition))) {
    throw nonRetriable(`Invalid partition, expected a number received ${String(partition)}`)
  }
  const offset = parseOffset(entry?.offset)
  if (offset < 0 && offset !== -1 && offset !== -2) throw nonRetriable('Offset must not be a negative number')
  return { partition: Number(partition), offset }
}

/** Commits offsets from outside the group, after KafkaJS's checks, in KafkaJS's order. */
async function setOffsets(
  scope: Scope,
  options: Loose<{ groupId: string; topic: string; partitions: unknown }>,
): Promise<void> {
  const groupId = options?.groupId
  const topic = options?.topic
  const partitions = options?.partitions
  if (!groupId) throw nonRetriable(`Invalid groupId ${String(groupId)}`)
  if (!topic) throw nonRetriable(`Invalid topic ${String(topic)}`)
  if (!partitions || !Array.isArray(partitions) || partitions.length === 0)
    throw nonRetriable('Invalid partitions')
  if (typeof topic !== 'string') {
    throw nonRetriable(
      `Invalid topic ${String(topic)} (${typeof topic}), the topic name has to be a String or a RegExp`,
    )
  }
  const broker = await scope.context.ready()
  const found = requireTopic(broker, topic)
  requireInactiveGroup(broker, groupId as string)
  const offsets = partitions
    .map(toSeekOffset)
    .filter(
      ({ partition }) => Number.isInteger(partition) && partition >= 0 && partition < found.partitions.length,
    )
  if (offsets.length === 0) return
  engine(() =>
    broker.groups.commitOffsets({
      groupId: groupId as string,
      memberId: '',
      generationId: -1,
      offsets: offsets.map(({ partition, offset }) => ({ topic, partition, offset, metadata: null })),
    }),
  )
}

/** setOffsets with every partition at -2 (earliest) or -1 (latest), stored as those sentinels. */
async function resetOffsets(
  scope: Scope,
  options: Loose<{ groupId: string; topic: string; earliest: boolean }>,
): Promise<void> {
  const groupId = options?.groupId
  const topic = options?.topic
  if (!groupId) throw nonRetriable(`Invalid groupId ${String(groupId)}`)
  if (!topic) throw nonRetriable(`Invalid topic ${String(topic)}`)
  const broker = await scope.context.ready()
  const found = requireTopic(broker, topic)
  const offset = options?.earliest === true ? '-2' : '-1'
  const partitions = found.partitions.map(({ partition }) => ({ partition, offset }))
  await setOffsets(scope, { groupId, topic, partitions })
}

// ── cluster and groups ───────────────────────────────────────────────────────────────────────

/** Host and port of a `host:port` broker address; KafkaJS's defaults where a part is missing. */
function hostAndPort(address: string | undefined): { host: string; port: number } {
  const trimmed = (address ?? '').trim()
  const colon = trimmed.lastIndexOf(':')
  const rawHost = colon === -1 ? trimmed : trimmed.slice(0, colon)
  const host = rawHost.replace(/^\[(.*)\]$/, '$1')
  const port = colon === -1 ? Number.NaN : Number(trimmed.slice(colon + 1))
  return {
    host: host === '' ? 'localhost' : host,
    port: Number.isInteger(port) && port > 0 && port < 65_536 ? port : 9092,
  }
}

async function describeCluster(scope: Scope): Promise<{
  brokers: { nodeId: number; host: string; port: number }[]
  controller: number
  clusterId: string
}> {
  const broker = await scope.context.ready()
  const { host, port } = hostAndPort(scope.context.seedBroker())
  return { brokers: [{ nodeId: 0, host, port }], controller: 0, clusterId: broker.clusterId }
}

async function listGroups(scope: Scope): Promise<{ groups: { groupId: string; protocolType: string }[] }> {
  const broker = await scope.context.ready()
  return {
    groups: broker.groups.listGroups().map(({ groupId, protocolType }) => ({ groupId, protocolType })),
  }
}

async function describeAdminGroups(scope: Scope, groupIds: unknown): Promise<GroupDescriptions> {
  if (!Array.isArray(groupIds)) throw nonRetriable(`Invalid groupIds array ${String(groupIds)}`)
  const broker = await scope.context.ready()
  const groups = describeGroups(broker, groupIds).map(
    (group): GroupDescription =>
      group.state !== 'Dead' && group.protocolType === '' ? { ...group, protocolType: 'consumer' } : group,
  )
  return { groups }
}

/**
 * Deletes empty groups. If any fails (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND), the others are still
 * deleted and the call rejects with KafkaJSDeleteGroupsError listing only the failures.
 */
async function deleteGroups(scope: Scope, groupIds: unknown): Promise<DeleteGroupsResult[]> {
  if (!groupIds || !Array.isArray(groupIds)) throw nonRetriable(`Invalid groupIds array ${String(groupIds)}`)
  const invalid = groupIds.some((groupId) => typeof groupId !== 'string')
  // KafkaJS prints the boolean it computed, so the message always ends in "true".
  if (invalid) throw nonRetriable(`Invalid groupId name: ${JSON.stringify(invalid)}`)
  if (groupIds.length === 0) return []
  const broker = await scope.context.ready()
  const results: DeleteGroupsResult[] = []
  const failures: DeleteGroupsErrorGroup[] = []
  for (const groupId of groupIds as string[]) {
    try {
      broker.groups.deleteGroup(groupId)
      results.push({ groupId, errorCode: 0 })
    } catch (error) {
      const mapped = toKafkaJSError(error)
      if (!(mapped instanceof KafkaJSProtocolError)) throw mapped
      failures.push({ groupId, errorCode: mapped.code, error: mapped })
    }
  }
  if (failures.length > 0) throw new KafkaJSDeleteGroupsError('Error in DeleteGroups', failures)
  return results
}

// ── configs ──────────────────────────────────────────────────────────────────────────────────

/** Default value of each topic key kafkalite resolves, in Kafka's spelling. */
const TOPIC_DEFAULTS: ReadonlyMap<string, string> = new Map(
  describeTopicConfig({}, DEFAULT_TOPIC_CONFIG).map(({ name, value }) => [name, value]),
)

/**
 * The broker-level default behind each topic key, which Kafka lists as the key's DEFAULT_CONFIG
 * synonym. retention.ms and segment.ms have none: Kafka derives them from log.retention.hours and
 * log.roll.hours, which the broker resource reports instead.
 */
const BROKER_DEFAULTS_OF_TOPIC_KEYS = brokerDefaultsOfTopicKeys()

function brokerDefaultsOfTopicKeys(): ReadonlyMap<string, { readonly name: string; readonly value: string }> {
  const brokerKeys: readonly (readonly [topicKey: string, brokerKey: string])[] = [
    ['cleanup.policy', 'log.cleanup.policy'],
    ['delete.retention.ms', 'log.cleaner.delete.retention.ms'],
    ['max.message.bytes', 'message.max.bytes'],
    ['message.timestamp.type', 'log.message.timestamp.type'],
    ['min.compaction.lag.ms', 'log.cleaner.min.compaction.lag.ms'],
    ['retention.bytes', 'log.retention.bytes'],
    ['segment.bytes', 'log.segment.bytes'],
  ]
  const defaults = new Map<string, { readonly name: string; readonly value: string }>()
  for (const [topicKey, name] of brokerKeys)
    defaults.set(topicKey, { name, value: TOPIC_DEFAULTS.get(topicKey) ?? '' })
  defaults.set('min.insync.replicas', { name: 'min.insync.replicas', value: '1' })
  return defaults
}

const MS_PER_HOUR = 3_600_000

interface DescribedValue {
  readonly name: string
  readonly value: string
  readonly source: ConfigSource
  readonly synonyms: readonly ConfigSynonyms[]
}

/** The broker's settings kafkalite can report truthfully; every one is fixed. */
function brokerConfig(broker: Broker): DescribedValue[] {
  const fixed = (name: string, value: string, source: ConfigSource): DescribedValue => ({
    name,
    value,
    source,
    synonyms: [{ configName: name, configValue: value, configSource: source }],
  })
  const { DEFAULT_CONFIG, STATIC_BROKER_CONFIG } = ConfigSource
  const values = [
    fixed('auto.create.topics.enable', 'true', DEFAULT_CONFIG),
    fixed('broker.id', '0', STATIC_BROKER_CONFIG),
    fixed('default.replication.factor', '1', DEFAULT_CONFIG),
    fixed('delete.topic.enable', 'true', DEFAULT_CONFIG),
    fixed('group.initial.rebalance.delay.ms', String(DEFAULTS.initialRebalanceDelayMs), STATIC_BROKER_CONFIG),
    fixed(
      'num.partitions',
      String(broker.numPartitions),
      broker.numPartitions === DEFAULTS.numPartitions ? DEFAULT_CONFIG : STATIC_BROKER_CONFIG,
    ),
    fixed('offsets.topic.num.partitions', '1', STATIC_BROKER_CONFIG),
    fixed('offsets.topic.replication.factor', '1', STATIC_BROKER_CONFIG),
    fixed('transaction.max.timeout.ms', String(DEFAULTS.transactionMaxTimeoutMs), DEFAULT_CONFIG),
    fixed('transaction.state.log.replication.factor', '1', STATIC_BROKER_CONFIG),
  ]
  for (const { name, value } of BROKER_DEFAULTS_OF_TOPIC_KEYS.values())
    values.push(fixed(name, value, DEFAULT_CONFIG))
  values.push(
    fixed('log.retention.hours', String(DEFAULT_TOPIC_CONFIG.retentionMs / MS_PER_HOUR), DEFAULT_CONFIG),
  )
  values.push(fixed('log.roll.hours', String(DEFAULT_TOPIC_CONFIG.segmentMs / MS_PER_HOUR), DEFAULT_CONFIG))
  return values.sort((a, b) => (a.name < b.name ? -1 : 1))
}

/** A topic's effective config: explicitly set keys are TOPIC_CONFIG, the rest DEFAULT_CONFIG. */
function topicConfig(topic: Topic): DescribedValue[] {
  return describeTopicConfig(topic.entries, topic.config).map(({ name, value, isDefault }) => {
    const synonyms: ConfigSynonyms[] = []
    if (!isDefault)
      synonyms.push({ configName: name, configValue: value, configSource: ConfigSource.TOPIC_CONFIG })
    const brokerDefault = BROKER_DEFAULTS_OF_TOPIC_KEYS.get(name)
    if (brokerDefault !== undefined) {
      synonyms.push({
        configName: brokerDefault.name,
        configValue: brokerDefault.value,
        configSource: ConfigSource.DEFAULT_CONFIG,
      })
    }
    const source = isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.TOPIC_CONFIG
    return { name, value, source, synonyms }
  })
}

type ResourceQuery = { type: number; name: string; configNames?: unknown; configEntries?: unknown }

/** KafkaJS's resource checks shared by describeConfigs and alterConfigs, in its order. */
function validateResources(resources: unknown): asserts resources is ResourceQuery[] {
  if (!resources || !Array.isArray(resources))
    throw nonRetriable(`Invalid resources array ${String(resources)}`)
  if (resources.length === 0) throw nonRetriable('Resources array cannot be empty')
  const invalidType = resources.find((resource) => !isMember(ConfigResourceTypes, resource?.type))
  if (invalidType !== undefined) {
    throw nonRetriable(`Invalid resource type ${String(invalidType?.type)}: ${JSON.stringify(invalidType)}`)
  }
  const invalidName = resources.find((resource) => !resource?.name || typeof resource.name !== 'string')
  if (invalidName !== undefined) {
    throw nonRetriable(`Invalid resource name ${String(invalidName?.name)}: ${JSON.stringify(invalidName)}`)
  }
}

/** KafkaJS finds the broker of BROKER resources before sending anything; only node 0 exists. */
function checkBrokerResources(resources: readonly ResourceQuery[]): void {
  for (const { type, name } of resources) {
    if ((type === ConfigResourceTypes.BROKER || type === ConfigResourceTypes.BROKER_LOGGER) && name !== '0') {
      throw new KafkaJSBrokerNotFound(`Broker ${name} not found in the cached metadata`)
    }
  }
}

function describedValues(broker: Broker, resource: ResourceQuery): DescribedValue[] {
  if (resource.type === ConfigResourceTypes.TOPIC) return topicConfig(requireTopic(broker, resource.name))
  if (resource.type === ConfigResourceTypes.BROKER) return brokerConfig(broker)
  if (resource.type === ConfigResourceTypes.BROKER_LOGGER) return []
  throw createProtocolError('INVALID_REQUEST')
}

function toConfigEntry(value: DescribedValue, readOnly: boolean, includeSynonyms: boolean): ConfigEntries {
  return {
    configName: value.name,
    configValue: value.value,
    readOnly,
    isDefault: value.source === ConfigSource.DEFAULT_CONFIG,
    configSource: value.source,
    isSensitive: false,
    configSynonyms: includeSynonyms ? [...value.synonyms] : [],
  }
}

async function describeConfigs(
  scope: Scope,
  options: Loose<{ resources: unknown; includeSynonyms: boolean }>,
): Promise<DescribeConfigResponse> {
  const resources = options?.resources
  validateResources(resources)
  const invalidConfigs = resources.find(
    (resource) =>
      !Array.isArray(resource.configNames) &&
      resource.configNames !== null &&
      resource.configNames !== undefined,
  )
  if (invalidConfigs !== undefined) {
    throw nonRetriable(
      `Invalid resource configNames ${String(invalidConfigs.configNames)}: ${JSON.stringify(invalidConfigs)}`,
    )
  }
  checkBrokerResources(resources)
  const broker = await scope.context.ready()
  const includeSynonyms = options?.includeSynonyms === true
  const described = resources.map((resource) => {
    const wanted =
      Array.isArray(resource.configNames) && resource.configNames.length > 0 ? resource.configNames : null
    const values = describedValues(broker, resource).filter(
      (value) => wanted === null || wanted.includes(value.name),
    )
    const readOnly = resource.type !== ConfigResourceTypes.TOPIC
    return {
      errorCode: 0,
      errorMessage: '',
      resourceType: resource.type,
      resourceName: resource.name,
      configEntries: values.map((value) => toConfigEntry(value, readOnly, includeSynonyms)),
    }
  })
  // KafkaJS's admin returns only `resources`, without the throttleTime its d.ts declares.
  return { resources: described } as unknown as DescribeConfigResponse
}

/**
 * Non-incremental AlterConfigs: a topic's given entries replace every explicitly set key. Each
 * resource is applied independently; the first failure rejects the call after the others applied.
 */
async function alterConfigs(
  scope: Scope,
  options: Loose<{ resources: unknown; validateOnly: boolean }>,
): Promise<{
  resources: { errorCode: number; errorMessage: null; resourceType: number; resourceName: string }[]
}> {
  const resources = options?.resources
  validateResources(resources)
  const invalidConfigs = resources.find((resource) => !Array.isArray(resource.configEntries))
  if (invalidConfigs !== undefined) {
    throw nonRetriable(
      `Invalid resource configEntries ${String(invalidConfigs.configEntries)}: ${JSON.stringify(invalidConfigs)}`,
    )
  }
  const invalidValue = resources.find((resource) =>
    (resource.configEntries as Loose<{ name: string; value: string }>[]).some(
      (entry) => typeof entry?.name !== 'string' || typeof entry?.value !== 'string',
    ),
  )
  if (invalidValue !== undefined)
    throw nonRetriable(`Invalid resource config value: ${JSON.stringify(invalidValue)}`)
  checkBrokerResources(resources)
  const broker = await scope.context.ready()
  const validateOnly = options?.validateOnly === true
  let failure: Error | undefined
  for (const resource of resources) {
    try {
      if (resource.type !== ConfigResourceTypes.TOPIC) throw createProtocolError('INVALID_REQUEST')
      const entries: Record<string, string> = {}
      for (const { name, value } of resource.configEntries as { name: string; value: string }[])
        entries[name] = value
      requireTopic(broker, resource.name)
      broker.alterTopicConfig(resource.name, entries, { validateOnly })
    } catch (error) {
      failure ??= toKafkaJSError(error)
    }
  }
  if (failure !== undefined) throw failure
  return {
    resources: resources.map(({ type, name }) => ({
      errorCode: 0,
      errorMessage: null,
      resourceType: type,
      resourceName: name,
    })),
  }
}

// ── ACLs ─────────────────────────────────────────────────────────────────────────────────────

/** The enum fields of an ACL entry or filter, in the order KafkaJS checks them. */
const ACL_ENUM_FIELDS = [
  ['operation', AclOperationTypes, 'operation type'],
  ['resourcePatternType', ResourcePatternTypes, 'resource pattern type'],
  ['permissionType', AclPermissionTypes, 'permission type'],
  ['resourceType', AclResourceTypes, 'resource type'],
] as const

const ACL_STRING_FIELDS = [
  ['principal', 'principals'],
  ['host', 'hosts'],
  ['resourceName', 'resourceNames'],
] as const

/** createAcls (`noun` 'ACL', strings required) and deleteAcls ('ACL Filter', strings optional). */
function validateAclList(list: unknown, noun: 'ACL' | 'ACL Filter', optional: boolean): void {
  if (!list || !Array.isArray(list)) throw nonRetriable(`Invalid ${noun} array ${String(list)}`)
  if (list.length === 0) throw nonRetriable(`Empty ${noun} array`)
  for (const [field, plural] of ACL_STRING_FIELDS) {
    const invalid = list.some((entry) => {
      const value: unknown = entry?.[field]
      return typeof value !== 'string' && !(optional && value === undefined)
    })
    if (invalid) throw nonRetriable(`Invalid ${noun} array, the ${plural} have to be a valid string`)
  }
  for (const [field, values, label] of ACL_ENUM_FIELDS) {
    const invalid = list.find((entry) => !isMember(values, entry?.[field]))
    if (invalid !== undefined) {
      throw nonRetriable(`Invalid ${label} ${String(invalid?.[field])}: ${JSON.stringify(invalid)}`)
    }
  }
}

async function createAcls(options: Loose<{ acl: unknown }>): Promise<never> {
  validateAclList(options?.acl, 'ACL', false)
  throw createProtocolError('SECURITY_DISABLED')
}

async function deleteAcls(options: Loose<{ filters: unknown }>): Promise<never> {
  validateAclList(options?.filters, 'ACL Filter', true)
  throw createProtocolError('SECURITY_DISABLED')
}

async function describeAcls(
  filter: Loose<{
    principal: string
    host: string
    resourceName: string
    operation: number
    resourcePatternType: number
    permissionType: number
    resourceType: number
  }>,
): Promise<never> {
  for (const field of ['principal', 'host', 'resourceName'] as const) {
    const value = filter?.[field]
    if (typeof value !== 'string' && value !== undefined) {
      throw nonRetriable(`Invalid ${field}, the ${field} have to be a valid string`)
    }
  }
  if (!isMember(AclOperationTypes, filter?.operation)) {
    throw nonRetriable(`Invalid operation type ${String(filter?.operation)}`)
  }
  if (!isMember(ResourcePatternTypes, filter?.resourcePatternType)) {
    throw nonRetriable(`Invalid resource pattern filter type ${String(filter?.resourcePatternType)}`)
  }
  if (!isMember(AclPermissionTypes, filter?.permissionType)) {
    throw nonRetriable(`Invalid permission type ${String(filter?.permissionType)}`)
  }
  if (!isMember(AclResourceTypes, filter?.resourceType)) {
    throw nonRetriable(`Invalid resource type ${String(filter?.resourceType)}`)
  }
  throw createProtocolError('SECURITY_DISABLED')
}

// ── reassignments ────────────────────────────────────────────────────────────────────────────

/** KafkaJS's topic-list checks shared by both reassignment calls. */
function validateReassignmentTopics(topics: unknown[]): void {
  if (topics.some((entry) => typeof (entry as Loose<{ topic: string }>)?.topic !== 'string')) {
    throw nonRetriable('Invalid topics array, the topic names have to be a valid string')
  }
  if (new Set(topics.map((entry) => (entry as { topic: string }).topic)).size < topics.length) {
    throw nonRetriable('Invalid topics array, it cannot have multiple entries for the same topic')
  }
}

function validatePartitionAssignment(topic: string, partitionAssignment: unknown): void {
  if (!partitionAssignment || !Array.isArray(partitionAssignment)) {
    throw nonRetriable(`Invalid partitions array: ${String(partitionAssignment)} for topic: ${topic}`)
  }
  for (const entry of partitionAssignment as Loose<{ partition: number; replicas: unknown }>[]) {
    const partition = entry?.partition
    if (typeof partition !== 'number' || partition < 0) {
      throw nonRetriable(`Invalid partitions index: ${String(partition)} for topic: ${topic}`)
    }
    const replicas = entry?.replicas
    if (!replicas || !Array.isArray(replicas)) {
      throw nonRetriable(
        `Invalid replica assignment: ${String(replicas)} for topic: ${topic} on partition: ${partition}`,
      )
    }
    if (replicas.some((replica) => typeof replica !== 'number' || replica < 0)) {
      throw nonRetriable(
        `Invalid replica assignment: ${String(replicas)} for topic: ${topic} on partition: ${partition}. Replicas must be a non negative number`,
      )
    }
  }
}

/**
 * A single broker can only "reassign" a partition to broker 0, which completes at once. A missing
 * topic or partition fails with UNKNOWN_TOPIC_OR_PARTITION, any other replica list with
 * INVALID_REPLICA_ASSIGNMENT, collected in a KafkaJSAggregateError as KafkaJS reports them.
 */
async function alterPartitionReassignments(scope: Scope, request: Loose<{ topics: unknown }>): Promise<void> {
  const topics = request?.topics
  if (!topics || !Array.isArray(topics)) throw nonRetriable(`Invalid topics array ${String(topics)}`)
  validateReassignmentTopics(topics)
  for (const { topic, partitionAssignment } of topics) validatePartitionAssignment(topic, partitionAssignment)
  const broker = await scope.context.ready()
  const failures: KafkaJSAlterPartitionReassignmentsError[] = []
  for (const { topic, partitionAssignment } of topics as {
    topic: string
    partitionAssignment: unknown[]
  }[]) {
    for (const { partition, replicas } of partitionAssignment as {
      partition: number
      replicas: number[]
    }[]) {
      const found = broker.findTopic(topic)
      const type =
        found?.partitions[partition] === undefined
          ? 'UNKNOWN_TOPIC_OR_PARTITION'
          : onlyBrokerZero(replicas)
            ? null
            : 'INVALID_REPLICA_ASSIGNMENT'
      if (type !== null) {
        failures.push(
          new KafkaJSAlterPartitionReassignmentsError(createProtocolError(type), topic, partition),
        )
      }
    }
  }
  if (failures.length > 0)
    throw new KafkaJSAggregateError('Errors altering partition reassignments', failures)
}

async function listPartitionReassignments(request: Loose<{ topics: unknown }>): Promise<{ topics: never[] }> {
  const topics = request?.topics
  if (topics) {
    if (!Array.isArray(topics)) throw nonRetriable(`Invalid topics array ${String(topics)}`)
    validateReassignmentTopics(topics)
    for (const { topic, partitions } of topics as { topic: string; partitions: unknown }[]) {
      if (!partitions || !Array.isArray(partitions)) {
        throw nonRetriable(`Invalid partition array: ${String(partitions)} for topic: ${topic}`)
      }
      if (partitions.some((partition) => typeof partition !== 'number' || partition < 0)) {
        throw nonRetriable(
          `Invalid partition array: ${String(partitions)} for topic: ${topic}. The partition indices have to be a valid number greater than 0.`,
        )
      }
    }
  }
  return { topics: [] }
}
