/**
 * Instrumentation events of the KafkaJS consumer and producer: names, event objects and payloads
 * as KafkaJS emits them, the unknown-name error, removal, and listener failures that never reach
 * the client.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type Consumer,
  type InstrumentationEvent,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  type Producer,
} from '../../src/kafkajs/index.js'
import { createTestCluster, makeMessages, type TestCluster, uniqueName, waitFor } from './helpers.js'

let cluster: TestCluster
let topic: string
let groupId: string
let producer: Producer

beforeEach(async () => {
  cluster = createTestCluster()
  topic = uniqueName('topic')
  groupId = uniqueName('group')
  producer = cluster.producer()
  await producer.connect()
})

afterEach(() => cluster.cleanup())

type AnyEvent = InstrumentationEvent<unknown>

/** Records every event of the given names, in emission order. */
function record(client: Consumer | Producer, names: readonly string[]): AnyEvent[] {
  const events: AnyEvent[] = []
  for (const name of names) {
    ;(client.on as (name: string, listener: (event: AnyEvent) => void) => () => void)(name, (event) => {
      events.push(event)
    })
  }
  return events
}

const ofType = (events: readonly AnyEvent[], type: string) => events.filter((event) => event.type === type)

function payloadOf<T>(event: AnyEvent | undefined): T {
  if (event === undefined) throw new Error('no such event')
  return event.payload as T
}

function eventShape(type: string, payload: unknown) {
  return { id: expect.any(Number), timestamp: expect.any(Number), type, payload }
}

describe('consumer events', () => {
  it('emits CONNECT on connect() and again inside run(), with no payload', async () => {
    const consumer = cluster.consumer({ groupId })
    const events = record(consumer, [consumer.events.CONNECT])
    await consumer.connect()
    expect(events).toEqual([eventShape('consumer.connect', undefined)])
    await consumer.subscribe({ topics: [topic] })
    await consumer.run({ eachMessage: async () => {} })
    expect(events).toHaveLength(2)
  })

  it('emits GROUP_JOIN, FETCH_START, FETCH, START/END_BATCH_PROCESS, COMMIT_OFFSETS and HEARTBEAT with KafkaJS payloads', async () => {
    const consumer = cluster.consumer({ groupId, heartbeatInterval: 0 })
    const e = consumer.events
    const events = record(consumer, [
      e.GROUP_JOIN,
      e.FETCH_START,
      e.FETCH,
      e.START_BATCH_PROCESS,
      e.END_BATCH_PROCESS,
      e.COMMIT_OFFSETS,
      e.HEARTBEAT,
    ])
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({ eachMessage: async () => {} })
    await producer.send({ topic, messages: makeMessages(1) })
    await waitFor(
      () =>
        ofType(events, 'consumer.commit_offsets').length > 0 &&
        ofType(events, 'consumer.heartbeat').length > 0,
    )

    const [join] = ofType(events, 'consumer.group_join')
    expect(join).toEqual(
      eventShape('consumer.group_join', {
        groupId,
        memberId: expect.any(String),
        leaderId: expect.any(String),
        isLeader: true,
        memberAssignment: { [topic]: [0] },
        groupProtocol: 'RoundRobinAssigner',
        duration: expect.any(Number),
      }),
    )
    const memberId = payloadOf<{ memberId: string }>(join).memberId
    expect(payloadOf<{ leaderId: string }>(join).leaderId).toBe(memberId)
    expect(ofType(events, 'consumer.fetch_start')[0]).toEqual(
      eventShape('consumer.fetch_start', { nodeId: '0' }),
    )
    expect(ofType(events, 'consumer.fetch')[0]).toEqual(
      eventShape('consumer.fetch', { numberOfBatches: 0, duration: expect.any(Number), nodeId: '0' }),
    )
    const batchPayload = {
      topic,
      partition: 0,
      highWatermark: '1',
      offsetLag: '0',
      offsetLagLow: '0',
      batchSize: 1,
      firstOffset: '0',
      lastOffset: '0',
    }
    expect(ofType(events, 'consumer.start_batch_process')).toEqual([
      eventShape('consumer.start_batch_process', batchPayload),
    ])
    expect(ofType(events, 'consumer.end_batch_process')).toEqual([
      eventShape('consumer.end_batch_process', { ...batchPayload, duration: expect.any(Number) }),
    ])
    expect(ofType(events, 'consumer.commit_offsets')).toEqual([
      eventShape('consumer.commit_offsets', {
        groupId,
        memberId,
        groupGenerationId: expect.any(Number),
        // auto-commit partitions are strings in KafkaJS (they come from Object.keys)
        topics: [{ topic, partitions: [{ partition: '0', offset: '1' }] }],
      }),
    ])
    expect(ofType(events, 'consumer.heartbeat')[0]).toEqual(
      eventShape('consumer.heartbeat', { groupId, memberId, groupGenerationId: expect.any(Number) }),
    )
    // within one client, event order follows the run: join, fetch, batch, commit
    const types = events.map(({ type }) => type)
    expect(types.indexOf('consumer.group_join')).toBeLessThan(types.indexOf('consumer.fetch_start'))
    expect(types.indexOf('consumer.start_batch_process')).toBeLessThan(
      types.indexOf('consumer.end_batch_process'),
    )
    expect(types.indexOf('consumer.end_batch_process')).toBeLessThan(types.indexOf('consumer.commit_offsets'))
    const ids = events.map(({ id }) => id)
    expect([...ids].sort((a, b) => Number(a) - Number(b))).toEqual(ids)
  })

  it('emits START/END_BATCH_PROCESS with batchSize 0 for a fetch of only aborted and control records', async () => {
    const consumer = cluster.consumer({ groupId })
    const events = record(consumer, [consumer.events.START_BATCH_PROCESS, consumer.events.END_BATCH_PROCESS])
    let delivered = 0
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({ eachMessage: async () => void delivered++ })
    const transactional = cluster.producer({
      transactionalId: uniqueName('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    })
    await transactional.connect()
    const transaction = await transactional.transaction()
    await transaction.send({ topic, messages: [{ key: 'test', value: 'test' }] })
    await transaction.abort()
    await waitFor(() => events.length === 2)
    const payload = {
      topic,
      partition: 0,
      highWatermark: '2',
      offsetLag: '0',
      offsetLagLow: '1',
      batchSize: 0,
      firstOffset: '0',
      lastOffset: '1',
    }
    expect(events).toEqual([
      eventShape('consumer.start_batch_process', payload),
      eventShape('consumer.end_batch_process', { ...payload, duration: expect.any(Number) }),
    ])
    expect(delivered).toBe(0)
  })

  it('emits REBALANCING on a member that has to rejoin', async () => {
    const first = cluster.consumer({ groupId })
    const events = record(first, [first.events.REBALANCING, first.events.GROUP_JOIN])
    await first.subscribe({ topics: [topic] })
    await first.run({ eachMessage: async () => {} })
    const second = cluster.consumer({ groupId })
    await second.subscribe({ topics: [topic] })
    await second.run({ eachMessage: async () => {} })
    await waitFor(() => ofType(events, 'consumer.group_join').length === 2)
    const memberId = payloadOf<{ memberId: string }>(events[0]).memberId
    expect(ofType(events, 'consumer.rebalancing')).toEqual([
      eventShape('consumer.rebalancing', { groupId, memberId }),
    ])
  })

  it('emits STOP and DISCONNECT with no payload', async () => {
    const consumer = cluster.consumer({ groupId })
    const events = record(consumer, [consumer.events.STOP, consumer.events.DISCONNECT])
    await consumer.subscribe({ topics: [topic] })
    await consumer.run({ eachMessage: async () => {} })
    await consumer.disconnect()
    expect(events).toEqual([
      eventShape('consumer.stop', undefined),
      eventShape('consumer.disconnect', undefined),
    ])
  })

  it('emits CRASH with { error, groupId, restart }', async () => {
    const consumer = cluster.consumer({ groupId, retry: { retries: 0, restartOnFailure: async () => false } })
    const events = record(consumer, [consumer.events.CRASH])
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const error = new Error('💣')
    await consumer.run({
      eachMessage: async () => {
        throw error
      },
    })
    await producer.send({ topic, messages: makeMessages(1) })
    await waitFor(() => events.length === 1)
    expect(events[0]).toEqual(
      eventShape('consumer.crash', {
        error: expect.any(KafkaJSNumberOfRetriesExceeded),
        groupId,
        restart: false,
      }),
    )
    expect(payloadOf<{ error: KafkaJSNumberOfRetriesExceeded }>(events[0]).error).toMatchObject({
      message: '💣',
      cause: error,
    })
  })

  it('accepts the network event names (never emitted in process)', () => {
    const consumer = cluster.consumer({ groupId })
    for (const name of [
      consumer.events.REQUEST,
      consumer.events.REQUEST_TIMEOUT,
      consumer.events.REQUEST_QUEUE_SIZE,
    ]) {
      expect(typeof consumer.on(name, () => {})).toBe('function')
    }
    expect(consumer.events).toEqual({
      HEARTBEAT: 'consumer.heartbeat',
      COMMIT_OFFSETS: 'consumer.commit_offsets',
      GROUP_JOIN: 'consumer.group_join',
      FETCH: 'consumer.fetch',
      FETCH_START: 'consumer.fetch_start',
      START_BATCH_PROCESS: 'consumer.start_batch_process',
      END_BATCH_PROCESS: 'consumer.end_batch_process',
      CONNECT: 'consumer.connect',
      DISCONNECT: 'consumer.disconnect',
      STOP: 'consumer.stop',
      CRASH: 'consumer.crash',
      REBALANCING: 'consumer.rebalancing',
      RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
      REQUEST: 'consumer.network.request',
      REQUEST_TIMEOUT: 'consumer.network.request_timeout',
      REQUEST_QUEUE_SIZE: 'consumer.network.request_queue_size',
    })
  })

  it('rejects an unknown event name with the list of valid ones', () => {
    const consumer = cluster.consumer({ groupId })
    const error = (() => {
      try {
        consumer.on('NON_EXISTENT_EVENT' as never, () => {})
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
    expect((error as Error).message).toBe(
      `Event name should be one of ${Object.keys(consumer.events)
        .map((key) => `consumer.events.${key}`)
        .join(', ')}`,
    )
  })

  it('on() returns a function that removes the listener', async () => {
    const consumer = cluster.consumer({ groupId })
    let calls = 0
    const remove = consumer.on(consumer.events.CONNECT, () => void calls++)
    await consumer.connect()
    remove()
    remove()
    await consumer.connect()
    expect(calls).toBe(1)
  })

  it('a listener that throws or rejects never disturbs consumption', async () => {
    const consumer = cluster.consumer({ groupId })
    for (const name of Object.values(consumer.events)) {
      consumer.on(name, () => {
        throw new Error('sync listener failure')
      })
      consumer.on(name, async () => {
        throw new Error('async listener failure')
      })
    }
    const received: string[] = []
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) })
    await producer.send({ topic, messages: makeMessages(3) })
    await waitFor(() => received.length === 3)
    await consumer.disconnect()
    expect(received).toEqual(['value-0', 'value-1', 'value-2'])
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '3']]))
  })
})

describe('producer events', () => {
  it('emits CONNECT and DISCONNECT with no payload', async () => {
    const other = cluster.producer()
    const events = record(other, [other.events.CONNECT, other.events.DISCONNECT])
    await other.connect()
    await other.disconnect()
    expect(events).toEqual([
      eventShape('producer.connect', undefined),
      eventShape('producer.disconnect', undefined),
    ])
  })

  it('rejects an unknown event name with the producer event list', () => {
    expect(() => producer.on('NON_EXISTENT_EVENT' as never, () => {})).toThrow(
      'Event name should be one of producer.events.CONNECT, producer.events.DISCONNECT, producer.events.REQUEST, producer.events.REQUEST_TIMEOUT, producer.events.REQUEST_QUEUE_SIZE',
    )
    expect(producer.events).toEqual({
      CONNECT: 'producer.connect',
      DISCONNECT: 'producer.disconnect',
      REQUEST: 'producer.network.request',
      REQUEST_TIMEOUT: 'producer.network.request_timeout',
      REQUEST_QUEUE_SIZE: 'producer.network.request_queue_size',
    })
  })

  it('a throwing producer listener does not fail connect()', async () => {
    const other = cluster.producer()
    other.on(other.events.CONNECT, () => {
      throw new Error('listener failure')
    })
    await expect(other.connect()).resolves.toBeUndefined()
    await expect(other.send({ topic, messages: [{ value: 'v' }] })).resolves.toHaveLength(1)
  })
})
