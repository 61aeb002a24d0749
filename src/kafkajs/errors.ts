/**
 * KafkaJS 2.2.4's error classes, reimplemented: same `name`, runtime parent class, `retriable`
 * default and extra fields, so code that branches on `e.name`, `instanceof`, `e.retriable` or
 * `e.type` behaves as it does with KafkaJS. Also the table of Kafka protocol errors KafkaJS knows,
 * and {@link toKafkaJSError}, the one place where a {@link KafkaliteError} becomes a KafkaJS error.
 *
 * Behavior:
 * - Seven classes KafkaJS's d.ts declares as extending KafkaJSError extend KafkaJSNonRetriableError,
 *   as at KafkaJS runtime (PartialMessage, SASLAuthentication, GroupCoordinatorNotFound,
 *   NotImplemented, Timeout, LockTimeout, UnsupportedMagicByteInMessageSet).
 * - `KafkaJSInvariantViolation` has no `helpUrl`: KafkaJS points it at its own issue tracker, which
 *   is the wrong place for kafkalite bugs (KafkaJS itself omits it when it has no tracker URL).
 * - An Error with an empty message becomes `String(error)` as the message; KafkaJS stores the
 *   Error object itself in `message`, which prints the same.
 * - Kafka error names newer than KafkaJS's table map onto the names KafkaJS's protocol versions
 *   would receive from a broker: NOT_COORDINATOR → NOT_COORDINATOR_FOR_GROUP,
 *   COORDINATOR_NOT_AVAILABLE → GROUP_COORDINATOR_NOT_AVAILABLE, UNKNOWN_SERVER_ERROR → UNKNOWN,
 *   PRODUCER_FENCED → INVALID_PRODUCER_EPOCH.
 */
import type { ErrorCode } from '../common/errors.js'
import { isRetriableCode, KAFKA_ERROR_NUMBERS, KafkaliteError } from '../common/errors.js'

/**
 * What KafkaJS's error constructors accept first: a message, an Error, or any object with a
 * `message` (such as a {@link ProtocolErrorDescription}), whose `helpUrl` is kept.
 */
export type KafkaJSErrorInput = string | { readonly message: string; readonly helpUrl?: string | undefined }

/** Options of the {@link KafkaJSError} constructor. */
export interface KafkaJSErrorOptions {
  /** Whether retrying may succeed; default `true`. */
  readonly retriable?: boolean | undefined
  /** The error that caused this one. */
  readonly cause?: Error | undefined
}

function messageOf(error: KafkaJSErrorInput): string {
  if (typeof error === 'string') return error
  return error.message === '' ? String(error) : String(error.message)
}

function helpUrlOf(error: KafkaJSErrorInput): string | undefined {
  return typeof error === 'string' ? undefined : error.helpUrl
}

/** The base of every KafkaJS error: `retriable` (default true), `helpUrl` and `cause`. */
export class KafkaJSError extends Error {
  declare readonly retriable: boolean
  // Optional as in KafkaJS's d.ts (so the classes stay interchangeable); at runtime both are own
  // properties, possibly undefined, as in KafkaJS.
  declare readonly helpUrl?: string
  declare readonly cause?: Error

  constructor(error: KafkaJSErrorInput, options: KafkaJSErrorOptions = {}) {
    // Passing `cause` to Error installs it as a non-enumerable property, as KafkaJS's does.
    super(messageOf(error), { cause: options.cause })
    if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(this, new.target)
    // Assignment order matches KafkaJS, so Object.keys() and printed errors look the same;
    // Object.assign sets, so the existing `cause` stays non-enumerable.
    Object.assign(this, {
      name: 'KafkaJSError',
      retriable: options.retriable ?? true,
      helpUrl: helpUrlOf(error),
      cause: options.cause,
    })
  }
}

/** An error that retrying cannot fix (`retriable: false`). */
export class KafkaJSNonRetriableError extends KafkaJSError {
  constructor(error: KafkaJSErrorInput, options: { readonly cause?: Error | undefined } = {}) {
    super(error, { retriable: false, cause: options.cause })
    this.name = 'KafkaJSNonRetriableError'
  }
}

/** One row of the Kafka protocol error table. */
export interface ProtocolErrorDescription {
  /** Kafka's error name as KafkaJS spells it, e.g. `'UNKNOWN_TOPIC_OR_PARTITION'`. */
  readonly type: string
  /** Kafka's numeric error code. */
  readonly code: number
  readonly retriable: boolean
  readonly message: string
  readonly helpUrl?: string
}

function fieldOf(error: unknown, key: 'type' | 'code' | 'retriable'): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined
}

/**
 * A Kafka protocol error: `type` is Kafka's error name, `code` its number, and `retriable` comes
 * from the protocol table unless given. Built from a {@link ProtocolErrorDescription}; from a plain
 * string or Error, `type` and `code` are undefined at runtime, as in KafkaJS.
 */
export class KafkaJSProtocolError extends KafkaJSError {
  declare readonly type: string
  declare readonly code: number

  constructor(error: KafkaJSErrorInput, options: { readonly retriable?: boolean | undefined } = {}) {
    const retriable = options.retriable ?? fieldOf(error, 'retriable')
    super(error, { retriable: typeof retriable === 'boolean' ? retriable : undefined })
    // KafkaJS copies these without checking; a description always has both.
    this.type = fieldOf(error, 'type') as string
    this.code = fieldOf(error, 'code') as number
    this.name = 'KafkaJSProtocolError'
  }
}

/** OFFSET_OUT_OF_RANGE for one partition (`retriable: false`). */
export class KafkaJSOffsetOutOfRange extends KafkaJSProtocolError {
  declare readonly topic: string
  declare readonly partition: number

  constructor(
    error: KafkaJSErrorInput,
    metadata: { readonly topic?: string | undefined; readonly partition?: number | undefined } = {},
  ) {
    super(error)
    this.topic = metadata.topic as string
    this.partition = metadata.partition as number
    this.name = 'KafkaJSOffsetOutOfRange'
  }
}

/** MEMBER_ID_REQUIRED, carrying the member id the broker assigned. */
export class KafkaJSMemberIdRequired extends KafkaJSProtocolError {
  declare readonly memberId: string

  constructor(error: KafkaJSErrorInput, metadata: { readonly memberId?: string | undefined } = {}) {
    super(error)
    this.memberId = metadata.memberId as string
    this.name = 'KafkaJSMemberIdRequired'
  }
}

/**
 * Retries ran out. `cause` is the last error; `stack` reads
 * `KafkaJSNonRetriableError\n  Caused by: <cause stack>` (KafkaJS builds it before renaming).
 */
export class KafkaJSNumberOfRetriesExceeded extends KafkaJSNonRetriableError {
  declare readonly retryCount: number
  declare readonly retryTime: number

  constructor(
    error: KafkaJSErrorInput,
    metadata: { readonly retryCount?: number | undefined; readonly retryTime?: number | undefined } = {},
  ) {
    const cause = error instanceof Error ? error : undefined
    super(error, { cause })
    const causeStack = typeof error === 'string' ? undefined : (error as { stack?: unknown }).stack
    this.stack = `${this.name}\n  Caused by: ${causeStack}`
    this.retryCount = metadata.retryCount as number
    this.retryTime = metadata.retryTime as number
    this.name = 'KafkaJSNumberOfRetriesExceeded'
  }
}

/** A connection failed (retriable). */
export class KafkaJSConnectionError extends KafkaJSError {
  declare readonly broker: string
  declare readonly code: string | undefined

  constructor(
    error: KafkaJSErrorInput,
    metadata: { readonly broker?: string | undefined; readonly code?: string | undefined } = {},
  ) {
    super(error)
    this.broker = metadata.broker as string
    this.code = metadata.code
    this.name = 'KafkaJSConnectionError'
  }
}

/** The connection was closed; `broker` is `host:port`. */
export class KafkaJSConnectionClosedError extends KafkaJSConnectionError {
  declare readonly host: string
  declare readonly port: number

  constructor(
    error: KafkaJSErrorInput,
    metadata: { readonly host?: string | undefined; readonly port?: number | undefined } = {},
  ) {
    super(error, { broker: `${metadata.host}:${metadata.port}` })
    this.host = metadata.host as string
    this.port = metadata.port as number
    this.name = 'KafkaJSConnectionClosedError'
  }
}

/** Fields of {@link KafkaJSRequestTimeoutError}. */
export interface RequestTimeoutMetadata {
  readonly broker?: string | undefined
  readonly correlationId?: number | undefined
  readonly createdAt?: number | undefined
  readonly sentAt?: number | undefined
  readonly pendingDuration?: number | undefined
}

/** A request got no response in time (retriable). */
export class KafkaJSRequestTimeoutError extends KafkaJSError {
  declare readonly broker: string
  declare readonly correlationId: number
  declare readonly createdAt: number
  declare readonly sentAt: number
  declare readonly pendingDuration: number

  constructor(error: KafkaJSErrorInput, metadata: RequestTimeoutMetadata = {}) {
    super(error)
    this.broker = metadata.broker as string
    this.correlationId = metadata.correlationId as number
    this.createdAt = metadata.createdAt as number
    this.sentAt = metadata.sentAt as number
    this.pendingDuration = metadata.pendingDuration as number
    this.name = 'KafkaJSRequestTimeoutError'
  }
}

/** Cluster metadata is not loaded yet (retriable). */
export class KafkaJSMetadataNotLoaded extends KafkaJSError {
  constructor(error: KafkaJSErrorInput = '', options?: KafkaJSErrorOptions) {
    super(error, options)
    this.name = 'KafkaJSMetadataNotLoaded'
  }
}

/** Metadata for `topic` is not loaded yet (retriable). */
export class KafkaJSTopicMetadataNotLoaded extends KafkaJSMetadataNotLoaded {
  declare readonly topic: string

  constructor(error: KafkaJSErrorInput, metadata: { readonly topic?: string | undefined } = {}) {
    super(error)
    this.topic = metadata.topic as string
    this.name = 'KafkaJSTopicMetadataNotLoaded'
  }
}

/** The assignment names partitions the metadata does not know (retriable: re-join). */
export class KafkaJSStaleTopicMetadataAssignment extends KafkaJSError {
  declare readonly topic: string
  declare readonly unknownPartitions: number[]

  constructor(
    error: KafkaJSErrorInput,
    metadata: { readonly topic?: string | undefined; readonly unknownPartitions?: number[] | undefined } = {},
  ) {
    super(error)
    this.topic = metadata.topic as string
    this.unknownPartitions = metadata.unknownPartitions as number[]
    this.name = 'KafkaJSStaleTopicMetadataAssignment'
  }
}

/** One failed group of a deleteGroups call. */
export interface DeleteGroupsErrorGroup {
  readonly groupId: string
  readonly errorCode?: number
  readonly error?: KafkaJSError
}

/** `admin.deleteGroups` failed for `groups` (retriable). */
export class KafkaJSDeleteGroupsError extends KafkaJSError {
  declare readonly groups: readonly DeleteGroupsErrorGroup[]

  constructor(error: KafkaJSErrorInput, groups: readonly DeleteGroupsErrorGroup[] = []) {
    super(error)
    this.groups = groups
    this.name = 'KafkaJSDeleteGroupsError'
  }
}

/** The broker does not support an API the client needs (not retriable). */
export class KafkaJSServerDoesNotSupportApiKey extends KafkaJSNonRetriableError {
  declare readonly apiKey: number
  declare readonly apiName: string

  constructor(
    error: KafkaJSErrorInput,
    metadata: { readonly apiKey?: number | undefined; readonly apiName?: string | undefined } = {},
  ) {
    super(error)
    this.apiKey = metadata.apiKey as number
    this.apiName = metadata.apiName as string
    this.name = 'KafkaJSServerDoesNotSupportApiKey'
  }
}

/** No broker with the requested node id (retriable). */
export class KafkaJSBrokerNotFound extends KafkaJSError {
  constructor(error: KafkaJSErrorInput = '', options?: KafkaJSErrorOptions) {
    super(error, options)
    this.name = 'KafkaJSBrokerNotFound'
  }
}

/** A response was cut short (not retriable). */
export class KafkaJSPartialMessageError extends KafkaJSNonRetriableError {
  constructor(error: KafkaJSErrorInput = '', options?: { readonly cause?: Error | undefined }) {
    super(error, options)
    this.name = 'KafkaJSPartialMessageError'
  }
}

/** SASL authentication failed (not retriable). */
export class KafkaJSSASLAuthenticationError extends KafkaJSNonRetriableError {
  constructor(error: KafkaJSErrorInput = '', options?: { readonly cause?: Error | undefined }) {
    super(error, options)
    this.name = 'KafkaJSSASLAuthenticationError'
  }
}

/** No coordinator could be found for a group (not retriable). */
export class KafkaJSGroupCoordinatorNotFound extends KafkaJSNonRetriableError {
  constructor(error: KafkaJSErrorInput = '', options?: { readonly cause?: Error | undefined }) {
    super(error, options)
    this.name = 'KafkaJSGroupCoordinatorNotFound'
  }
}

/** A feature KafkaJS does not implement, such as a missing compression codec (not retriable). */
export class KafkaJSNotImplemented extends KafkaJSNonRetriableError {
  constructor(error: KafkaJSErrorInput = '', options?: { readonly cause?: Error | undefined }) {
    super(error, options)
    this.name = 'KafkaJSNotImplemented'
  }
}

/** An operation timed out (not retriable). */
export class KafkaJSTimeout extends KafkaJSNonRetriableError {
  constructor(error: KafkaJSErrorInput = '', options?: { readonly cause?: Error | undefined }) {
    super(error, options)
    this.name = 'KafkaJSTimeout'
  }
}

/** Waiting for a lock timed out (not retriable). */
export class KafkaJSLockTimeout extends KafkaJSTimeout {
  constructor(error: KafkaJSErrorInput = '', options?: { readonly cause?: Error | undefined }) {
    super(error, options)
    this.name = 'KafkaJSLockTimeout'
  }
}

/** A message set used a magic byte KafkaJS cannot read (not retriable). */
export class KafkaJSUnsupportedMagicByteInMessageSet extends KafkaJSNonRetriableError {
  constructor(error: KafkaJSErrorInput = '', options?: { readonly cause?: Error | undefined }) {
    super(error, options)
    this.name = 'KafkaJSUnsupportedMagicByteInMessageSet'
  }
}

/** One partition of a failed deleteTopicRecords call. */
export interface DeleteTopicRecordsErrorPartition {
  readonly partition: number
  readonly offset: string
  readonly error?: { readonly retriable?: boolean } | null | undefined
}

/**
 * `admin.deleteTopicRecords` failed; retriable only if every partition error is retriable.
 * The message is always 'Error while deleting records'.
 */
export class KafkaJSDeleteTopicRecordsError extends KafkaJSError {
  declare readonly partitions: readonly DeleteTopicRecordsErrorPartition[]

  constructor(metadata: { readonly partitions: readonly DeleteTopicRecordsErrorPartition[] }) {
    const retriable = metadata.partitions.every(({ error }) => error == null || error.retriable === true)
    super('Error while deleting records', { retriable })
    this.name = 'KafkaJSDeleteTopicRecordsError'
    this.partitions = metadata.partitions
  }
}

/** A broken internal invariant: a bug (not retriable). */
export class KafkaJSInvariantViolation extends KafkaJSNonRetriableError {
  constructor(error: KafkaJSErrorInput) {
    super(`Invariant violated: ${messageOf(error)}. This is likely a bug and should be reported.`)
    this.name = 'KafkaJSInvariantViolation'
  }
}

/** A malformed varint; its `name` is `'KafkaJSNonRetriableError'`, as in KafkaJS. */
export class KafkaJSInvalidVarIntError extends KafkaJSNonRetriableError {
  constructor(error: KafkaJSErrorInput = '', options?: { readonly cause?: Error | undefined }) {
    super(error, options)
    this.name = 'KafkaJSNonRetriableError'
  }
}

/** A malformed int64; its `name` is `'KafkaJSNonRetriableError'`, as in KafkaJS. */
export class KafkaJSInvalidLongError extends KafkaJSNonRetriableError {
  constructor(error: KafkaJSErrorInput = '', options?: { readonly cause?: Error | undefined }) {
    super(error, options)
    this.name = 'KafkaJSNonRetriableError'
  }
}

/** createTopics failed for `topic` with a protocol error. */
export class KafkaJSCreateTopicError extends KafkaJSProtocolError {
  declare readonly topic: string

  constructor(error: KafkaJSErrorInput, topic?: string) {
    super(error)
    this.topic = topic as string
    this.name = 'KafkaJSCreateTopicError'
  }
}

/** alterPartitionReassignments failed for a topic or partition with a protocol error. */
export class KafkaJSAlterPartitionReassignmentsError extends KafkaJSProtocolError {
  declare readonly topic: string | undefined
  declare readonly partition: number | undefined

  constructor(error: KafkaJSErrorInput, topic?: string, partition?: number) {
    super(error)
    this.topic = topic
    this.partition = partition
    this.name = 'KafkaJSAlterPartitionReassignmentsError'
  }
}

/** Several errors at once; extends plain `Error`, as in KafkaJS. */
export class KafkaJSAggregateError extends Error {
  declare readonly errors: readonly (Error | string)[]

  constructor(message: KafkaJSErrorInput, errors: readonly (Error | string)[]) {
    super(String(message))
    this.errors = errors
    this.name = 'KafkaJSAggregateError'
  }
}

/** Internal KafkaJS signal that a fetcher must stop for a rebalance; `name` stays `'Error'`. */
export class KafkaJSFetcherRebalanceError extends Error {}

/** No broker is reachable (retriable); the message is always 'No broker available'. */
export class KafkaJSNoBrokerAvailableError extends KafkaJSError {
  constructor() {
    super('No broker available')
    this.name = 'KafkaJSNoBrokerAvailableError'
  }
}

/** Whether an error means the group is rebalancing and the member must re-join (KafkaJS's rule). */
export function isRebalancing(error: unknown): boolean {
  const type = fieldOf(error, 'type')
  return (
    type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION'
  )
}

/** Whether `error` is one of the KafkaJS error classes. */
export function isKafkaJSError(error: unknown): error is KafkaJSError {
  return error instanceof KafkaJSError
}

// Every protocol error KafkaJS 2.2.4 knows (its src/protocol/error.js), one per line as
// "<code> <type> <retriable|final> <message>". A text table keeps 89 long messages readable;
// test/kafkajs/errors.test.ts compares the parsed result with the installed kafkajs package.
const protocolErrorTable = `
-1 UNKNOWN final The server experienced an unexpected error when processing the request
1 OFFSET_OUT_OF_RANGE final The requested offset is not within the range of offsets maintained by the server
2 CORRUPT_MESSAGE retriable This message has failed its CRC checksum, exceeds the valid size, or is otherwise corrupt
3 UNKNOWN_TOPIC_OR_PARTITION retriable This server does not host this topic-partition
4 INVALID_FETCH_SIZE final The requested fetch size is invalid
5 LEADER_NOT_AVAILABLE retriable There is no leader for this topic-partition as we are in the middle of a leadership election
6 NOT_LEADER_FOR_PARTITION retriable This server is not the leader for that topic-partition
7 REQUEST_TIMED_OUT retriable The request timed out
8 BROKER_NOT_AVAILABLE final The broker is not available
9 REPLICA_NOT_AVAILABLE retriable The replica is not available for the requested topic-partition
10 MESSAGE_TOO_LARGE final The request included a message larger than the max message size the server will accept
11 STALE_CONTROLLER_EPOCH final The controller moved to another broker
12 OFFSET_METADATA_TOO_LARGE final The metadata field of the offset request was too large
13 NETWORK_EXCEPTION retriable The server disconnected before a response was received
14 GROUP_LOAD_IN_PROGRESS retriable The coordinator is loading and hence can't process requests for this group
15 GROUP_COORDINATOR_NOT_AVAILABLE retriable The group coordinator is not available
16 NOT_COORDINATOR_FOR_GROUP retriable This is not the correct coordinator for this group
17 INVALID_TOPIC_EXCEPTION final The request attempted to perform an operation on an invalid topic
18 RECORD_LIST_TOO_LARGE final The request included message batch larger than the configured segment size on the server
19 NOT_ENOUGH_REPLICAS retriable Messages are rejected since there are fewer in-sync replicas than required
20 NOT_ENOUGH_REPLICAS_AFTER_APPEND retriable Messages are written to the log, but to fewer in-sync replicas than required
21 INVALID_REQUIRED_ACKS final Produce request specified an invalid value for required acks
22 ILLEGAL_GENERATION final Specified group generation id is not valid
23 INCONSISTENT_GROUP_PROTOCOL final The group member's supported protocols are incompatible with those of existing members
24 INVALID_GROUP_ID final The configured groupId is invalid
25 UNKNOWN_MEMBER_ID final The coordinator is not aware of this member
26 INVALID_SESSION_TIMEOUT final The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms)
27 REBALANCE_IN_PROGRESS final The group is rebalancing, so a rejoin is needed
28 INVALID_COMMIT_OFFSET_SIZE final The committing offset data size is not valid
29 TOPIC_AUTHORIZATION_FAILED final Not authorized to access topics: [Topic authorization failed]
30 GROUP_AUTHORIZATION_FAILED final Not authorized to access group: Group authorization failed
31 CLUSTER_AUTHORIZATION_FAILED final Cluster authorization failed
32 INVALID_TIMESTAMP final The timestamp of the message is out of acceptable range
33 UNSUPPORTED_SASL_MECHANISM final The broker does not support the requested SASL mechanism
34 ILLEGAL_SASL_STATE final Request is not valid given the current SASL state
35 UNSUPPORTED_VERSION final The version of API is not supported
36 TOPIC_ALREADY_EXISTS final Topic with this name already exists
37 INVALID_PARTITIONS final Number of partitions is invalid
38 INVALID_REPLICATION_FACTOR final Replication-factor is invalid
39 INVALID_REPLICA_ASSIGNMENT final Replica assignment is invalid
40 INVALID_CONFIG final Configuration is invalid
41 NOT_CONTROLLER retriable This is not the correct controller for this cluster
42 INVALID_REQUEST final This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details
43 UNSUPPORTED_FOR_MESSAGE_FORMAT final The message format version on the broker does not support the request
44 POLICY_VIOLATION final Request parameters do not satisfy the configured policy
45 OUT_OF_ORDER_SEQUENCE_NUMBER final The broker received an out of order sequence number
46 DUPLICATE_SEQUENCE_NUMBER final The broker received a duplicate sequence number
47 INVALID_PRODUCER_EPOCH final Producer attempted an operation with an old epoch. Either there is a newer producer with the same transactionalId, or the producer's transaction has been expired by the broker
48 INVALID_TXN_STATE final The producer attempted a transactional operation in an invalid state
49 INVALID_PRODUCER_ID_MAPPING final The producer attempted to use a producer id which is not currently assigned to its transactional id
50 INVALID_TRANSACTION_TIMEOUT final The transaction timeout is larger than the maximum value allowed by the broker (as configured by max.transaction.timeout.ms)
51 CONCURRENT_TRANSACTIONS retriable The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing
52 TRANSACTION_COORDINATOR_FENCED final Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer
53 TRANSACTIONAL_ID_AUTHORIZATION_FAILED final Transactional Id authorization failed
54 SECURITY_DISABLED final Security features are disabled
55 OPERATION_NOT_ATTEMPTED final The broker did not attempt to execute this operation. This may happen for batched RPCs where some operations in the batch failed, causing the broker to respond without trying the rest
56 KAFKA_STORAGE_ERROR retriable Disk error when trying to access log file on the disk
57 LOG_DIR_NOT_FOUND final The user-specified log directory is not found in the broker config
58 SASL_AUTHENTICATION_FAILED final SASL Authentication failed
59 UNKNOWN_PRODUCER_ID final This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question. This could happen if, for instance, the producer's records were deleted because their retention time had elapsed. Once the last records of the producerId are removed, the producer's metadata is removed from the broker, and future appends by the producer will return this exception
60 REASSIGNMENT_IN_PROGRESS final A partition reassignment is in progress
61 DELEGATION_TOKEN_AUTH_DISABLED final Delegation Token feature is not enabled
62 DELEGATION_TOKEN_NOT_FOUND final Delegation Token is not found on server
63 DELEGATION_TOKEN_OWNER_MISMATCH final Specified Principal is not valid Owner/Renewer
64 DELEGATION_TOKEN_REQUEST_NOT_ALLOWED final Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels
65 DELEGATION_TOKEN_AUTHORIZATION_FAILED final Delegation Token authorization failed
66 DELEGATION_TOKEN_EXPIRED final Delegation Token is expired
67 INVALID_PRINCIPAL_TYPE final Supplied principalType is not supported
68 NON_EMPTY_GROUP final The group is not empty
69 GROUP_ID_NOT_FOUND final The group id was not found
70 FETCH_SESSION_ID_NOT_FOUND retriable The fetch session ID was not found
71 INVALID_FETCH_SESSION_EPOCH retriable The fetch session epoch is invalid
72 LISTENER_NOT_FOUND retriable There is no listener on the leader broker that matches the listener on which metadata request was processed
73 TOPIC_DELETION_DISABLED final Topic deletion is disabled
74 FENCED_LEADER_EPOCH retriable The leader epoch in the request is older than the epoch on the broker
75 UNKNOWN_LEADER_EPOCH retriable The leader epoch in the request is newer than the epoch on the broker
76 UNSUPPORTED_COMPRESSION_TYPE final The requesting client does not support the compression type of given partition
77 STALE_BROKER_EPOCH final Broker epoch has changed
78 OFFSET_NOT_AVAILABLE retriable The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing
79 MEMBER_ID_REQUIRED final The group member needs to have a valid member id before actually entering a consumer group
80 PREFERRED_LEADER_NOT_AVAILABLE retriable The preferred leader was not available
81 GROUP_MAX_SIZE_REACHED final The consumer group has reached its max size. It already has the configured maximum number of members
82 FENCED_INSTANCE_ID final The broker rejected this static consumer since another consumer with the same group instance id has registered with a different member id
83 ELIGIBLE_LEADERS_NOT_AVAILABLE retriable Eligible topic partition leaders are not available
84 ELECTION_NOT_NEEDED retriable Leader election not needed for topic partition
85 NO_REASSIGNMENT_IN_PROGRESS final No partition reassignment is in progress
86 GROUP_SUBSCRIBED_TO_TOPIC final Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it
87 INVALID_RECORD final This record has failed the validation on broker and hence be rejected
88 UNSTABLE_OFFSET_COMMIT retriable There are unstable offsets that need to be cleared
`

// Only two rows carry a help link in KafkaJS.
const protocolErrorHelpUrls: Readonly<Record<string, string>> = {
  REBALANCE_IN_PROGRESS:
    'https://kafka.js.org/docs/faq#what-does-it-mean-to-get-rebalance-in-progress-errors',
  SASL_AUTHENTICATION_FAILED: 'https://kafka.js.org/docs/configuration#sasl',
}

function parseRow(row: string): ProtocolErrorDescription {
  const [code = '', type = '', retriability = '', ...words] = row.split(' ')
  const retriable = retriability === 'retriable'
  const message = words.join(' ')
  const helpUrl = protocolErrorHelpUrls[type]
  return Object.freeze(
    helpUrl === undefined
      ? { type, code: Number(code), retriable, message }
      : { type, code: Number(code), retriable, message, helpUrl },
  )
}

/** The Kafka protocol errors KafkaJS knows, in code order (-1, then 1 to 88). */
export const PROTOCOL_ERRORS: readonly ProtocolErrorDescription[] = Object.freeze(
  protocolErrorTable.trim().split('\n').map(parseRow),
)

const protocolErrorsByType: ReadonlyMap<string, ProtocolErrorDescription> = new Map(
  PROTOCOL_ERRORS.map((description) => [description.type, description]),
)
const protocolErrorsByCode: ReadonlyMap<number, ProtocolErrorDescription> = new Map(
  PROTOCOL_ERRORS.map((description) => [description.code, description]),
)

/** The protocol error named `type` (KafkaJS's spelling), or undefined if KafkaJS does not know it. */
export function protocolErrorByType(type: string): ProtocolErrorDescription | undefined {
  return protocolErrorsByType.get(type)
}

/**
 * The protocol error with numeric `code`. An unknown code yields KafkaJS's placeholder:
 * `{ type: 'KAFKAJS_UNKNOWN_ERROR_CODE', code: -99, retriable: false, message: 'Unknown error code <n>' }`.
 */
export function protocolErrorByCode(code: number): ProtocolErrorDescription {
  return (
    protocolErrorsByCode.get(code) ?? {
      type: 'KAFKAJS_UNKNOWN_ERROR_CODE',
      code: -99,
      retriable: false,
      message: `Unknown error code ${code}`,
    }
  )
}

/**
 * A {@link KafkaJSProtocolError} for a Kafka error name or number, with KafkaJS's message and
 * `retriable` flag.
 * @throws Error when `type` is a name KafkaJS does not know (a programmer error).
 * @example createProtocolError('UNKNOWN_TOPIC_OR_PARTITION').message // 'This server does not host this topic-partition'
 */
export function createProtocolError(type: string | number): KafkaJSProtocolError {
  if (typeof type === 'number') return new KafkaJSProtocolError(protocolErrorByCode(type))
  const description = protocolErrorsByType.get(type)
  if (description === undefined) throw new TypeError(`Unknown Kafka protocol error type ${type}`)
  return new KafkaJSProtocolError(description)
}

// kafkalite names that differ from KafkaJS's (Kafka renamed them after KafkaJS's table was written,
// or a broker answers KafkaJS's old protocol versions with the older error).
const kafkaJSTypeAliases: Partial<Readonly<Record<ErrorCode, string>>> = {
  UNKNOWN_SERVER_ERROR: 'UNKNOWN',
  COORDINATOR_NOT_AVAILABLE: 'GROUP_COORDINATOR_NOT_AVAILABLE',
  NOT_COORDINATOR: 'NOT_COORDINATOR_FOR_GROUP',
  PRODUCER_FENCED: 'INVALID_PRODUCER_EPOCH',
}

function protocolErrorFor(code: ErrorCode): ProtocolErrorDescription | undefined {
  const byName = protocolErrorsByType.get(kafkaJSTypeAliases[code] ?? code)
  if (byName !== undefined) return byName
  const number = KAFKA_ERROR_NUMBERS[code]
  return number > 0 ? protocolErrorsByCode.get(number) : undefined
}

/**
 * Maps a {@link KafkaliteError} onto the KafkaJS class a KafkaJS user would get from a real broker:
 * OFFSET_OUT_OF_RANGE → KafkaJSOffsetOutOfRange (with topic and partition), any other Kafka error
 * name → KafkaJSProtocolError with KafkaJS's type, code and message, and kafkalite-only codes
 * (LIMIT_EXCEEDED, BROKER_CLOSED, ABORTED, STORAGE_ERROR, EVENT_VALIDATION_FAILED) → KafkaJSError
 * or KafkaJSNonRetriableError by `retriable`, keeping kafkalite's message and the original as
 * `cause`. `retriable` follows KafkaJS's table unless the KafkaliteError overrode its code's default.
 * Other errors pass through unchanged; a thrown non-Error becomes a KafkaJSError.
 * @example throw toKafkaJSError(error) // inside a face method's catch
 */
export function toKafkaJSError(error: unknown): Error {
  if (!(error instanceof KafkaliteError)) {
    return error instanceof Error ? error : new KafkaJSError(String(error))
  }
  const description = protocolErrorFor(error.code)
  if (description === undefined) {
    return error.retriable
      ? new KafkaJSError(error.message, { retriable: true, cause: error })
      : new KafkaJSNonRetriableError(error.message, { cause: error })
  }
  const overridden = error.retriable !== isRetriableCode(error.code)
  const retriable = overridden ? error.retriable : description.retriable
  if (description.type === 'OFFSET_OUT_OF_RANGE') {
    const withRetriable = retriable === description.retriable ? description : { ...description, retriable }
    return new KafkaJSOffsetOutOfRange(withRetriable, { topic: error.topic, partition: error.partition })
  }
  return new KafkaJSProtocolError(description, { retriable })
}
