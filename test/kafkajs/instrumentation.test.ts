import { createRequire } from 'node:module'
import { describe, expect, it, vi } from 'vitest'
import { KafkaJSNonRetriableError } from '../../src/kafkajs/errors.js'
import {
  adminEvents,
  type ConsumerEventPayloads,
  consumerEvents,
  InstrumentationEmitter,
  listenersPerEventMax,
  producerEvents,
} from '../../src/kafkajs/instrumentation.js'
import type { InstrumentationEvent, Logger } from '../../src/kafkajs/types.js'

const require = createRequire(import.meta.url)
type KafkaJSClient = { on(name: string, listener: () => void): () => void; events: object }
const { Kafka } = require('kafkajs') as {
  Kafka: new (
    config: object,
  ) => {
    consumer(config: object): KafkaJSClient
    producer(): KafkaJSClient
    admin(): KafkaJSClient
  }
}
const kafkajs = new Kafka({ brokers: ['localhost:9092'], logLevel: 0 })

function recordingLogger(): Logger & { errors: Array<[string, object | undefined]> } {
  const errors: Array<[string, object | undefined]> = []
  const ignore = () => undefined
  const logger = {
    errors,
    info: ignore,
    warn: ignore,
    debug: ignore,
    error: (message: string, extra?: object) => errors.push([message, extra]),
    namespace: () => logger,
    setLogLevel: ignore,
  }
  return logger
}

const groupJoin = {
  groupId: 'g',
  memberId: 'm',
  leaderId: 'm',
  isLeader: true,
  memberAssignment: { orders: [0] },
  groupProtocol: 'RoundRobinAssigner',
  duration: 3,
}

function consumerEmitter(now = () => 1_000) {
  const logger = recordingLogger()
  return {
    logger,
    emitter: new InstrumentationEmitter<ConsumerEventPayloads>({ kind: 'consumer', logger, now }),
  }
}

describe('event names', () => {
  it.each([
    ['consumer', consumerEvents, 'kafkajs/src/consumer/instrumentationEvents.js'],
    ['producer', producerEvents, 'kafkajs/src/producer/instrumentationEvents.js'],
    ['admin', adminEvents, 'kafkajs/src/admin/instrumentationEvents.js'],
  ] as const)('%s events equal kafkajs in keys, order and strings', (_kind, events, path) => {
    const theirs = (require(path) as { events: object }).events
    expect(Object.entries(events)).toEqual(Object.entries(theirs))
  })
})

describe('InstrumentationEmitter.on', () => {
  it.each([
    ['consumer', () => kafkajs.consumer({ groupId: 'g' })],
    ['producer', () => kafkajs.producer()],
    ['admin', () => kafkajs.admin()],
  ] as const)('rejects unknown %s event names with the message of kafkajs', (kind, client) => {
    const theirs = (() => {
      try {
        client().on('consumer.nope', () => undefined)
      } catch (error) {
        return error as Error
      }
      return undefined
    })()
    const emitter = new InstrumentationEmitter<object>({ kind, logger: recordingLogger() })
    expect(() => emitter.on('consumer.nope', () => undefined)).toThrow(KafkaJSNonRetriableError)
    expect(() => emitter.on('consumer.nope', () => undefined)).toThrow(theirs?.message as string)
    expect(theirs?.message).toMatch(new RegExp(`^Event name should be one of ${kind}\\.events\\.`))
  })

  it('returns a remover that detaches the listener once', () => {
    const { emitter } = consumerEmitter()
    const seen: string[] = []
    const remove = emitter.on(consumerEvents.GROUP_JOIN, () => seen.push('first'))
    emitter.on(consumerEvents.GROUP_JOIN, () => seen.push('second'))
    emitter.emit('consumer.group_join', groupJoin)
    remove()
    remove()
    emitter.emit('consumer.group_join', groupJoin)
    expect(seen).toEqual(['first', 'second', 'second'])
  })

  it('removes the listener when its signal aborts', () => {
    const { emitter } = consumerEmitter()
    const controller = new AbortController()
    const listener = vi.fn()
    emitter.on(consumerEvents.STOP, listener, { signal: controller.signal })
    controller.abort()
    emitter.emit('consumer.stop', undefined)
    expect(listener).not.toHaveBeenCalled()
    expect(emitter.hasListeners('consumer.stop')).toBe(false)
  })

  it(`refuses more than ${listenersPerEventMax} listeners for one event`, () => {
    const { emitter } = consumerEmitter()
    for (let i = 0; i < listenersPerEventMax; i++) emitter.on(consumerEvents.FETCH, () => undefined)
    expect(() => emitter.on(consumerEvents.FETCH, () => undefined)).toThrow(/listenersPerEventMax/)
  })
})

describe('InstrumentationEmitter.emit', () => {
  it('hands every listener the same { id, type, timestamp, payload } object', () => {
    const { emitter } = consumerEmitter(() => 1_700_000_000_000)
    const events: unknown[] = []
    emitter.on(consumerEvents.GROUP_JOIN, (event) => events.push(event))
    emitter.on(consumerEvents.GROUP_JOIN, (event) => events.push(event))
    emitter.emit('consumer.group_join', groupJoin)
    expect(events[0]).toBe(events[1])
    expect(events[0]).toEqual({
      id: 0,
      type: 'consumer.group_join',
      timestamp: 1_700_000_000_000,
      payload: groupJoin,
    })
  })

  it('numbers events per emitter, starting at 0', () => {
    const first = consumerEmitter().emitter
    const second = consumerEmitter().emitter
    const ids: Array<[string, unknown]> = []
    first.on(consumerEvents.HEARTBEAT, (event: InstrumentationEvent<unknown>) =>
      ids.push(['first', event.id]),
    )
    second.on(consumerEvents.HEARTBEAT, (event: InstrumentationEvent<unknown>) =>
      ids.push(['second', event.id]),
    )
    const heartbeat = { groupId: 'g', memberId: 'm', groupGenerationId: 1 }
    first.emit('consumer.heartbeat', heartbeat)
    first.emit('consumer.heartbeat', heartbeat)
    second.emit('consumer.heartbeat', heartbeat)
    expect(ids).toEqual([
      ['first', 0],
      ['first', 1],
      ['second', 0],
    ])
  })

  it('builds a lazy payload only when someone listens', () => {
    const { emitter } = consumerEmitter()
    const build = vi.fn(() => ({ nodeId: 0 }))
    emitter.emitLazy('consumer.fetch_start', build)
    expect(build).not.toHaveBeenCalled()
    expect(emitter.hasListeners('consumer.fetch_start')).toBe(false)
    const listener = vi.fn()
    emitter.on(consumerEvents.FETCH_START, listener)
    emitter.emitLazy('consumer.fetch_start', build)
    expect(build).toHaveBeenCalledTimes(1)
    expect(listener).toHaveBeenCalledWith(expect.objectContaining({ payload: { nodeId: 0 } }))
  })

  it('emits synchronously and keeps delivering when a listener removes itself', () => {
    const { emitter } = consumerEmitter()
    const seen: string[] = []
    const removeFirst = emitter.on(consumerEvents.CONNECT, () => {
      seen.push('first')
      removeFirst()
    })
    emitter.on(consumerEvents.CONNECT, () => seen.push('second'))
    emitter.emit('consumer.connect', undefined)
    expect(seen).toEqual(['first', 'second'])
  })

  it('logs a synchronous throw and still calls the next listener', () => {
    const { emitter, logger } = consumerEmitter()
    const failure = new Error('listener bug')
    const next = vi.fn()
    emitter.on(consumerEvents.CRASH, () => {
      throw failure
    })
    emitter.on(consumerEvents.CRASH, next)
    expect(() =>
      emitter.emit('consumer.crash', { error: failure, groupId: 'g', restart: true }),
    ).not.toThrow()
    expect(next).toHaveBeenCalledTimes(1)
    expect(logger.errors).toEqual([
      ['Failed to execute listener: listener bug', { eventName: 'consumer.crash', stack: failure.stack }],
    ])
  })

  it('logs an async rejection the way kafkajs does', async () => {
    const { emitter, logger } = consumerEmitter()
    const failure = new Error('async listener bug')
    emitter.on(consumerEvents.DISCONNECT, async () => {
      throw failure
    })
    emitter.emit('consumer.disconnect', undefined)
    await vi.waitFor(() => expect(logger.errors).toHaveLength(1))
    expect(logger.errors[0]).toEqual([
      'Failed to execute listener: async listener bug',
      { eventName: 'consumer.disconnect', stack: failure.stack },
    ])
  })
})
