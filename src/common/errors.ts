/**
 * Every operating error kafkalite raises is a {@link KafkaliteError} with a `code` from this list.
 * Codes reuse Kafka's protocol error names where Kafka has one, so a code seen here means what the
 * same name means on a real broker.
 */
export const ErrorCode = {
  UNKNOWN_SERVER_ERROR: 'UNKNOWN_SERVER_ERROR',
  OFFSET_OUT_OF_RANGE: 'OFFSET_OUT_OF_RANGE',
  CORRUPT_MESSAGE: 'CORRUPT_MESSAGE',
  UNKNOWN_TOPIC_OR_PARTITION: 'UNKNOWN_TOPIC_OR_PARTITION',
  INVALID_FETCH_SIZE: 'INVALID_FETCH_SIZE',
  LEADER_NOT_AVAILABLE: 'LEADER_NOT_AVAILABLE',
  REQUEST_TIMED_OUT: 'REQUEST_TIMED_OUT',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  COORDINATOR_NOT_AVAILABLE: 'COORDINATOR_NOT_AVAILABLE',
  NOT_COORDINATOR: 'NOT_COORDINATOR',
  INVALID_TOPIC_EXCEPTION: 'INVALID_TOPIC_EXCEPTION',
  RECORD_LIST_TOO_LARGE: 'RECORD_LIST_TOO_LARGE',
  ILLEGAL_GENERATION: 'ILLEGAL_GENERATION',
  INCONSISTENT_GROUP_PROTOCOL: 'INCONSISTENT_GROUP_PROTOCOL',
  INVALID_GROUP_ID: 'INVALID_GROUP_ID',
  UNKNOWN_MEMBER_ID: 'UNKNOWN_MEMBER_ID',
  INVALID_SESSION_TIMEOUT: 'INVALID_SESSION_TIMEOUT',
  REBALANCE_IN_PROGRESS: 'REBALANCE_IN_PROGRESS',
  INVALID_COMMIT_OFFSET_SIZE: 'INVALID_COMMIT_OFFSET_SIZE',
  TOPIC_AUTHORIZATION_FAILED: 'TOPIC_AUTHORIZATION_FAILED',
  INVALID_TIMESTAMP: 'INVALID_TIMESTAMP',
  TOPIC_ALREADY_EXISTS: 'TOPIC_ALREADY_EXISTS',
  INVALID_PARTITIONS: 'INVALID_PARTITIONS',
  INVALID_REPLICATION_FACTOR: 'INVALID_REPLICATION_FACTOR',
  INVALID_REQUEST: 'INVALID_REQUEST',
  INVALID_CONFIG: 'INVALID_CONFIG',
  INVALID_REQUIRED_ACKS: 'INVALID_REQUIRED_ACKS',
  OUT_OF_ORDER_SEQUENCE_NUMBER: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
  DUPLICATE_SEQUENCE_NUMBER: 'DUPLICATE_SEQUENCE_NUMBER',
  INVALID_PRODUCER_EPOCH: 'INVALID_PRODUCER_EPOCH',
  INVALID_TXN_STATE: 'INVALID_TXN_STATE',
  INVALID_PRODUCER_ID_MAPPING: 'INVALID_PRODUCER_ID_MAPPING',
  INVALID_TRANSACTION_TIMEOUT: 'INVALID_TRANSACTION_TIMEOUT',
  CONCURRENT_TRANSACTIONS: 'CONCURRENT_TRANSACTIONS',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  NON_EMPTY_GROUP: 'NON_EMPTY_GROUP',
  GROUP_ID_NOT_FOUND: 'GROUP_ID_NOT_FOUND',
  UNKNOWN_PRODUCER_ID: 'UNKNOWN_PRODUCER_ID',
  INVALID_RECORD: 'INVALID_RECORD',
  PRODUCER_FENCED: 'PRODUCER_FENCED',
  UNSTABLE_OFFSET_COMMIT: 'UNSTABLE_OFFSET_COMMIT',
  /** kafkalite only: a named bound in LIMITS was exceeded. */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** kafkalite only: the broker or client was closed. */
  BROKER_CLOSED: 'BROKER_CLOSED',
  /** kafkalite only: a wait was cancelled through its AbortSignal. */
  ABORTED: 'ABORTED',
  /** kafkalite only: storage failed (I/O error, lock held, corrupt file). */
  STORAGE_ERROR: 'STORAGE_ERROR',
  /** kafkalite only: a typed-bus value failed its schema. */
  EVENT_VALIDATION_FAILED: 'EVENT_VALIDATION_FAILED',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** Kafka's numeric protocol code for each error name (kafkalite-only codes map to -1). */
export const KAFKA_ERROR_NUMBERS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  UNKNOWN_SERVER_ERROR: -1,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  INVALID_FETCH_SIZE: 4,
  LEADER_NOT_AVAILABLE: 5,
  REQUEST_TIMED_OUT: 7,
  MESSAGE_TOO_LARGE: 10,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  INVALID_TOPIC_EXCEPTION: 17,
  RECORD_LIST_TOO_LARGE: 18,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  INVALID_COMMIT_OFFSET_SIZE: 28,
  TOPIC_AUTHORIZATION_FAILED: 29,
  INVALID_TIMESTAMP: 32,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REQUEST: 42,
  INVALID_CONFIG: 40,
  INVALID_REQUIRED_ACKS: 21,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  INVALID_PRODUCER_ID_MAPPING: 49,
  INVALID_TRANSACTION_TIMEOUT: 50,
  CONCURRENT_TRANSACTIONS: 51,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  UNKNOWN_PRODUCER_ID: 59,
  INVALID_RECORD: 87,
  PRODUCER_FENCED: 90,
  UNSTABLE_OFFSET_COMMIT: 88,
  LIMIT_EXCEEDED: -1,
  BROKER_CLOSED: -1,
  ABORTED: -1,
  STORAGE_ERROR: -1,
  EVENT_VALIDATION_FAILED: -1,
})

const RETRIABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'UNKNOWN_SERVER_ERROR',
  'CORRUPT_MESSAGE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'REQUEST_TIMED_OUT',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'REBALANCE_IN_PROGRESS',
  'CONCURRENT_TRANSACTIONS',
  'UNSTABLE_OFFSET_COMMIT',
])

/** Whether Kafka marks this error as retriable. */
export function isRetriableCode(code: ErrorCode): boolean {
  return RETRIABLE.has(code)
}

/** Context fields an error may carry; all optional, all about what went wrong. */
export interface ErrorContext {
  readonly topic?: string
  readonly partition?: number
  readonly offset?: number
  readonly groupId?: string
  readonly memberId?: string
  /** The offending value, when the error is about a value. */
  readonly value?: unknown
  /** The name of the bound or config key involved. */
  readonly limitName?: string
  readonly limit?: number
  readonly retriable?: boolean
  readonly cause?: unknown
}

/**
 * The one error type kafkalite throws for expected failures. `code` is Kafka's error name,
 * `retriable` says whether trying again may succeed.
 */
export class KafkaliteError extends Error {
  readonly code: ErrorCode
  readonly retriable: boolean
  readonly topic: string | undefined
  readonly partition: number | undefined
  readonly offset: number | undefined
  readonly groupId: string | undefined
  readonly memberId: string | undefined
  readonly value: unknown
  readonly limitName: string | undefined
  readonly limit: number | undefined

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause })
    this.name = 'KafkaliteError'
    this.code = code
    this.retriable = context.retriable ?? isRetriableCode(code)
    this.topic = context.topic
    this.partition = context.partition
    this.offset = context.offset
    this.groupId = context.groupId
    this.memberId = context.memberId
    this.value = context.value
    this.limitName = context.limitName
    this.limit = context.limit
  }
}

/** A LIMIT_EXCEEDED error naming the bound and its value. */
export function limitExceeded(limitName: string, limit: number, what = ''): KafkaliteError {
  const detail = what === '' ? '' : `: ${what}`
  return new KafkaliteError('LIMIT_EXCEEDED', `limit ${limitName} (${limit}) exceeded${detail}`, {
    limitName,
    limit,
  })
}

/** Narrowing helper: is this a KafkaliteError, optionally with a given code? */
export function isKafkaliteError(error: unknown, code?: ErrorCode): error is KafkaliteError {
  return error instanceof KafkaliteError && (code === undefined || error.code === code)
}
