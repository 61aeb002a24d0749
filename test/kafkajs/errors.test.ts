/**
 * Every error class against the installed kafkajs 2.2.4: same name, runtime parent, retriable
 * default, message and own enumerable fields (in the same order) for the same constructor
 * arguments; the protocol error table against kafkajs's; and toKafkaJSError's mapping.
 */
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { InvariantError } from '../../src/common/assert.js'
import type { ErrorCode } from '../../src/common/errors.js'
import { ErrorCode as ErrorCodes, KafkaliteError, limitExceeded } from '../../src/common/errors.js'
import * as ours from '../../src/kafkajs/errors.js'

const require = createRequire(import.meta.url)
// kafkajs's index exports every runtime error class; its d.ts omits several, hence the cast.
const kafkajs = require('kafkajs') as typeof ours
const kafkajsProtocol = require('kafkajs/src/protocol/error.js') as {
  errorCodes: ours.ProtocolErrorDescription[]
  createErrorFromCode(code: number): ours.KafkaJSProtocolError
}

type Library = typeof ours
const describeOf = (type: string): ours.ProtocolErrorDescription =>
  kafkajsProtocol.errorCodes.find((entry) => entry.type === type) as ours.ProtocolErrorDescription

const inner = new Error('inner failure')
const cases: ReadonlyArray<readonly [string, (library: Library) => Error]> = [
  ['KafkaJSError from a string', (l) => new l.KafkaJSError('boom')],
  ['KafkaJSError with options', (l) => new l.KafkaJSError(inner, { retriable: false, cause: inner })],
  ['KafkaJSNonRetriableError', (l) => new l.KafkaJSNonRetriableError('stop', { cause: inner })],
  ['KafkaJSProtocolError', (l) => new l.KafkaJSProtocolError(describeOf('UNKNOWN_TOPIC_OR_PARTITION'))],
  [
    'KafkaJSProtocolError with helpUrl',
    (l) => new l.KafkaJSProtocolError(describeOf('REBALANCE_IN_PROGRESS')),
  ],
  [
    'KafkaJSProtocolError overriding retriable',
    (l) => new l.KafkaJSProtocolError(describeOf('UNKNOWN'), { retriable: true }),
  ],
  ['KafkaJSProtocolError from a string', (l) => new l.KafkaJSProtocolError('plain')],
  [
    'KafkaJSOffsetOutOfRange',
    (l) => new l.KafkaJSOffsetOutOfRange(describeOf('OFFSET_OUT_OF_RANGE'), { topic: 't', partition: 2 }),
  ],
  [
    'KafkaJSMemberIdRequired',
    (l) => new l.KafkaJSMemberIdRequired(describeOf('MEMBER_ID_REQUIRED'), { memberId: 'm-1' }),
  ],
  [
    'KafkaJSNumberOfRetriesExceeded',
    (l) => new l.KafkaJSNumberOfRetriesExceeded(inner, { retryCount: 3, retryTime: 120 }),
  ],
  [
    'KafkaJSConnectionError',
    (l) => new l.KafkaJSConnectionError('refused', { broker: 'b:9092', code: 'ECONNREFUSED' }),
  ],
  [
    'KafkaJSConnectionClosedError',
    (l) => new l.KafkaJSConnectionClosedError('closed', { host: 'h', port: 9092 }),
  ],
  [
    'KafkaJSRequestTimeoutError',
    (l) =>
      new l.KafkaJSRequestTimeoutError('slow', {
        broker: 'b:1',
        correlationId: 7,
        createdAt: 1,
        sentAt: 2,
        pendingDuration: 3,
      }),
  ],
  ['KafkaJSMetadataNotLoaded', (l) => new l.KafkaJSMetadataNotLoaded('no metadata')],
  ['KafkaJSTopicMetadataNotLoaded', (l) => new l.KafkaJSTopicMetadataNotLoaded('no topic', { topic: 't' })],
  [
    'KafkaJSStaleTopicMetadataAssignment',
    (l) => new l.KafkaJSStaleTopicMetadataAssignment('stale', { topic: 't', unknownPartitions: [3, 4] }),
  ],
  [
    'KafkaJSDeleteGroupsError',
    (l) => new l.KafkaJSDeleteGroupsError('Error in DeleteGroups', [{ groupId: 'g', errorCode: 68 }]),
  ],
  [
    'KafkaJSServerDoesNotSupportApiKey',
    (l) => new l.KafkaJSServerDoesNotSupportApiKey('old', { apiKey: 1, apiName: 'Fetch' }),
  ],
  ['KafkaJSBrokerNotFound', (l) => new l.KafkaJSBrokerNotFound('no broker')],
  [
    'KafkaJSBrokerNotFound with options',
    (l) => new l.KafkaJSBrokerNotFound('no broker', { retriable: false }),
  ],
  ['KafkaJSPartialMessageError', (l) => new l.KafkaJSPartialMessageError('partial')],
  ['KafkaJSSASLAuthenticationError', (l) => new l.KafkaJSSASLAuthenticationError('sasl')],
  ['KafkaJSGroupCoordinatorNotFound', (l) => new l.KafkaJSGroupCoordinatorNotFound('coordinator')],
  ['KafkaJSNotImplemented', (l) => new l.KafkaJSNotImplemented('Snappy compression not implemented')],
  ['KafkaJSTimeout', (l) => new l.KafkaJSTimeout('timeout')],
  ['KafkaJSLockTimeout', (l) => new l.KafkaJSLockTimeout('lock')],
  ['KafkaJSUnsupportedMagicByteInMessageSet', (l) => new l.KafkaJSUnsupportedMagicByteInMessageSet('magic')],
  [
    'KafkaJSDeleteTopicRecordsError (retriable)',
    (l) =>
      new l.KafkaJSDeleteTopicRecordsError({
        partitions: [
          { partition: 0, offset: '1', error: { retriable: true } },
          { partition: 1, offset: '2', error: null },
        ],
      }),
  ],
  [
    'KafkaJSDeleteTopicRecordsError (non-retriable)',
    (l) =>
      new l.KafkaJSDeleteTopicRecordsError({
        partitions: [
          { partition: 0, offset: '1', error: { retriable: true } },
          { partition: 1, offset: '9', error: { retriable: false } },
        ],
      }),
  ],
  ['KafkaJSInvalidVarIntError', (l) => new l.KafkaJSInvalidVarIntError('varint')],
  ['KafkaJSInvalidLongError', (l) => new l.KafkaJSInvalidLongError('long')],
  [
    'KafkaJSCreateTopicError',
    (l) => new l.KafkaJSCreateTopicError(describeOf('TOPIC_ALREADY_EXISTS'), 'orders'),
  ],
  [
    'KafkaJSAlterPartitionReassignmentsError',
    (l) =>
      new l.KafkaJSAlterPartitionReassignmentsError(describeOf('INVALID_REPLICA_ASSIGNMENT'), 'orders', 3),
  ],
  ['KafkaJSAggregateError', (l) => new l.KafkaJSAggregateError('several', ['a', inner])],
  ['KafkaJSFetcherRebalanceError', (l) => new l.KafkaJSFetcherRebalanceError('rebalance')],
  ['KafkaJSNoBrokerAvailableError', (l) => new l.KafkaJSNoBrokerAvailableError()],
]

/** What a user can observe about an error without its stack. */
function observable(error: Error) {
  const parent = Object.getPrototypeOf(Object.getPrototypeOf(error)) as { constructor: { name: string } }
  const fields = Object.fromEntries(
    Object.keys(error).map((key) => [key, (error as unknown as Record<string, unknown>)[key]]),
  )
  const causeDescriptor = Object.getOwnPropertyDescriptor(error, 'cause')
  return {
    constructor: error.constructor.name,
    parent: parent.constructor.name,
    message: error.message,
    keys: Object.keys(error),
    fields,
    cause: (error as { cause?: unknown }).cause,
    causeIsOwnAndHidden: causeDescriptor === undefined ? 'absent' : !causeDescriptor.enumerable,
    string: String(error),
  }
}

describe('KafkaJS error classes', () => {
  it('exports exactly the error classes kafkajs exports', () => {
    const names = (library: object) =>
      Object.keys(library)
        .filter(
          (name) => /^KafkaJS/.test(name) && typeof (library as Record<string, unknown>)[name] === 'function',
        )
        .sort()
    expect(names(ours)).toEqual(names(require('kafkajs')))
  })

  it.each(cases)('%s matches kafkajs in name, parent, message and fields', (_case, build) => {
    const mine = observable(build(ours))
    const theirs = observable(build(kafkajs))
    expect(mine).toEqual(theirs)
  })

  it('keeps the instanceof chains of kafkajs', () => {
    expect(new ours.KafkaJSLockTimeout('x')).toBeInstanceOf(ours.KafkaJSTimeout)
    expect(new ours.KafkaJSTimeout('x')).toBeInstanceOf(ours.KafkaJSNonRetriableError)
    expect(new ours.KafkaJSOffsetOutOfRange('x')).toBeInstanceOf(ours.KafkaJSProtocolError)
    expect(new ours.KafkaJSNumberOfRetriesExceeded(inner)).toBeInstanceOf(ours.KafkaJSNonRetriableError)
    expect(new ours.KafkaJSConnectionClosedError('x')).toBeInstanceOf(ours.KafkaJSConnectionError)
    expect(new ours.KafkaJSAggregateError('x', [])).not.toBeInstanceOf(ours.KafkaJSError)
    expect(new ours.KafkaJSError('x')).toBeInstanceOf(Error)
  })

  it('builds the retries-exceeded stack from the cause as kafkajs does', () => {
    const mine = new ours.KafkaJSNumberOfRetriesExceeded(inner, { retryCount: 1, retryTime: 2 })
    const theirs = new kafkajs.KafkaJSNumberOfRetriesExceeded(inner, { retryCount: 1, retryTime: 2 })
    expect(mine.stack).toBe(theirs.stack)
    expect(mine.stack?.startsWith('KafkaJSNonRetriableError\n  Caused by: Error: inner failure')).toBe(true)
    expect(mine.cause).toBe(inner)
  })

  it('words invariant violations like kafkajs but links to no issue tracker', () => {
    const mine = new ours.KafkaJSInvariantViolation('offsets went backwards')
    const theirs = new kafkajs.KafkaJSInvariantViolation('offsets went backwards')
    expect(mine.message).toBe(theirs.message)
    expect([mine.name, mine.retriable]).toEqual([theirs.name, theirs.retriable])
    expect(theirs.helpUrl).toMatch(/github\.com\/tulios\/kafkajs/)
    expect(mine.helpUrl).toBeUndefined()
  })

  it('uses the printed form of an Error with an empty message', () => {
    expect(new ours.KafkaJSError(new Error('')).message).toBe(
      String(new kafkajs.KafkaJSError(new Error('')).message),
    )
  })

  it('detects rebalancing errors by type', () => {
    for (const type of ['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION']) {
      expect(ours.isRebalancing(ours.createProtocolError(type))).toBe(true)
    }
    expect(ours.isRebalancing(ours.createProtocolError('UNKNOWN_MEMBER_ID'))).toBe(false)
    expect(ours.isRebalancing(new Error('x'))).toBe(false)
    expect(ours.isKafkaJSError(new ours.KafkaJSTimeout('x'))).toBe(true)
    expect(ours.isKafkaJSError(new Error('x'))).toBe(false)
  })
})

describe('protocol error table', () => {
  it('equals the table of kafkajs, row for row', () => {
    expect(ours.PROTOCOL_ERRORS).toStrictEqual(kafkajsProtocol.errorCodes)
  })

  it('describes unknown codes with kafkajs placeholder', () => {
    expect(observable(new ours.KafkaJSProtocolError(ours.protocolErrorByCode(4242)))).toEqual(
      observable(kafkajsProtocol.createErrorFromCode(4242)),
    )
  })

  it('creates protocol errors by type and by code like kafkajs createErrorFromCode', () => {
    for (const { type, code } of kafkajsProtocol.errorCodes) {
      const expected = observable(kafkajsProtocol.createErrorFromCode(code))
      expect(observable(ours.createProtocolError(type))).toEqual(expected)
      expect(observable(ours.createProtocolError(code))).toEqual(expected)
    }
    expect(ours.createProtocolError('UNKNOWN_TOPIC_OR_PARTITION').message).toBe(
      'This server does not host this topic-partition',
    )
  })

  it('rejects a type kafkajs does not know', () => {
    expect(() => ours.createProtocolError('NOT_A_KAFKA_ERROR')).toThrow(TypeError)
    expect(ours.protocolErrorByType('NOT_A_KAFKA_ERROR')).toBeUndefined()
  })
})

describe('toKafkaJSError', () => {
  it('maps OFFSET_OUT_OF_RANGE to KafkaJSOffsetOutOfRange with topic and partition', () => {
    const error = ours.toKafkaJSError(
      new KafkaliteError('OFFSET_OUT_OF_RANGE', 'offset 3 is below logStartOffset 7', {
        topic: 'orders',
        partition: 1,
      }),
    )
    expect(error).toBeInstanceOf(ours.KafkaJSOffsetOutOfRange)
    expect(observable(error)).toEqual(
      observable(
        new kafkajs.KafkaJSOffsetOutOfRange(describeOf('OFFSET_OUT_OF_RANGE'), {
          topic: 'orders',
          partition: 1,
        }),
      ),
    )
  })

  it('maps Kafka error names to KafkaJSProtocolError with kafkajs message, code and retriable', () => {
    const error = ours.toKafkaJSError(
      new KafkaliteError('UNKNOWN_TOPIC_OR_PARTITION', 'no topic x', { topic: 'x' }),
    )
    expect(observable(error)).toEqual(observable(kafkajsProtocol.createErrorFromCode(3)))
    // kafkalite calls REBALANCE_IN_PROGRESS retriable; KafkaJS does not, and its consumer relies on that.
    const rebalance = ours.toKafkaJSError(new KafkaliteError('REBALANCE_IN_PROGRESS', 'rebalancing'))
    expect(observable(rebalance)).toEqual(observable(kafkajsProtocol.createErrorFromCode(27)))
  })

  it.each([
    ['NOT_COORDINATOR', 16],
    ['COORDINATOR_NOT_AVAILABLE', 15],
    ['UNKNOWN_SERVER_ERROR', -1],
    ['PRODUCER_FENCED', 47],
  ] as const)('maps %s to the error kafkajs receives from a broker (code %i)', (code, kafkajsCode) => {
    const error = ours.toKafkaJSError(new KafkaliteError(code, 'x'))
    expect(observable(error)).toEqual(observable(kafkajsProtocol.createErrorFromCode(kafkajsCode)))
  })

  it('honours a retriable flag the KafkaliteError set explicitly', () => {
    const error = ours.toKafkaJSError(
      new KafkaliteError('UNKNOWN_TOPIC_OR_PARTITION', 'x', { retriable: false }),
    )
    expect(error).toBeInstanceOf(ours.KafkaJSProtocolError)
    expect((error as ours.KafkaJSProtocolError).retriable).toBe(false)
    const range = ours.toKafkaJSError(new KafkaliteError('OFFSET_OUT_OF_RANGE', 'x', { retriable: true }))
    expect((range as ours.KafkaJSOffsetOutOfRange).retriable).toBe(true)
  })

  it('maps kafkalite-only codes to KafkaJSNonRetriableError or KafkaJSError keeping message and cause', () => {
    const limit = limitExceeded('fetchWaitersMax', 10)
    const mapped = ours.toKafkaJSError(limit)
    expect(mapped).toBeInstanceOf(ours.KafkaJSNonRetriableError)
    expect(mapped.message).toBe(limit.message)
    expect((mapped as ours.KafkaJSError).cause).toBe(limit)
    const retriable = ours.toKafkaJSError(
      new KafkaliteError('ABORTED', 'stopped waiting', { retriable: true }),
    )
    expect(retriable.constructor).toBe(ours.KafkaJSError)
    expect((retriable as ours.KafkaJSError).retriable).toBe(true)
  })

  it('maps every kafkalite code to a KafkaJS error', () => {
    for (const code of Object.values(ErrorCodes) as ErrorCode[]) {
      const error = ours.toKafkaJSError(new KafkaliteError(code, `failure ${code}`))
      expect(error, code).toBeInstanceOf(ours.KafkaJSError)
      if (error instanceof ours.KafkaJSProtocolError) {
        expect(ours.protocolErrorByType(error.type), code).toBeDefined()
      }
    }
  })

  it('passes other errors through and wraps thrown non-errors', () => {
    const plain = new TypeError('user bug')
    expect(ours.toKafkaJSError(plain)).toBe(plain)
    const invariant = new InvariantError('broken')
    expect(ours.toKafkaJSError(invariant)).toBe(invariant)
    const fromString = ours.toKafkaJSError('oops')
    expect(fromString).toBeInstanceOf(ours.KafkaJSError)
    expect(fromString.message).toBe('oops')
  })
})
