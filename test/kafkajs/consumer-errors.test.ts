/**
 * Handler failures as KafkaJS handles them: offsets before the failing message are committed,
 * the same message comes back after the retry backoff, and once retries run out the consumer
 * crashes (consumer.crash) and restarts unless the error is not retriable or restartOnFailure
 * says no. A throwing handler never takes down the process or other consumers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type ConsumerCrashEvent,
  type EachMessagePayload,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  type Producer,
} from '../../src/kafkajs/index.js'
import {
  createTestCluster,
  makeMessages,
  startCollecting,
  type TestCluster,
  uniqueName,
  valuesOf,
  waitFor,
  waitForEvent,
} from './helpers.js'

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

const fastRetry = { initialRetryTime: 10, retries: 2 }

/** A consumer whose eachMessage records (offset, time) and then runs `behaviour`. */
async function runFailing(
  behaviour: (payload: EachMessagePayload, attempt: number) => Promise<void> | void,
  options: { retry?: Parameters<TestCluster['consumer']>[0]['retry']; autoCommit?: boolean } = {},
) {
  const consumer = cluster.consumer({ groupId, retry: options.retry ?? fastRetry })
  const crashes: ConsumerCrashEvent['payload'][] = []
  consumer.on(consumer.events.CRASH, (event) => void crashes.push(event.payload))
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const deliveries: { offset: string; value: string; atMs: number }[] = []
  await consumer.run({
    ...(options.autoCommit === undefined ? {} : { autoCommit: options.autoCommit }),
    eachMessage: async (payload) => {
      deliveries.push({
        offset: payload.message.offset,
        value: String(payload.message.value),
        atMs: Date.now(),
      })
      await behaviour(payload, deliveries.length)
    },
  })
  return { consumer, crashes, deliveries }
}

describe('a failing eachMessage', () => {
  it('commits the offsets before the failing message (autoCommit)', async () => {
    await producer.send({ topic, messages: makeMessages(3) })
    const { deliveries } = await runFailing(({ message }) => {
      if (message.offset === '2') throw new Error('some error')
    })
    await waitFor(() => deliveries.length >= 3)
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '2']]))
  })

  it('commits nothing with autoCommit false', async () => {
    await producer.send({ topic, messages: makeMessages(3) })
    const { deliveries } = await runFailing(
      ({ message }) => {
        if (message.offset === '2') throw new Error('some error')
      },
      { autoCommit: false },
    )
    await waitFor(() => deliveries.length >= 3)
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '-1']]))
  })

  it('redelivers the same message after the retry backoff', async () => {
    await producer.send({ topic, messages: makeMessages(2) })
    const { deliveries } = await runFailing(
      (_payload, attempt) => {
        if (attempt === 1) throw new Error('fail once')
      },
      { retry: { initialRetryTime: 30, factor: 0, retries: 5 } },
    )
    await waitFor(() => deliveries.length === 3)
    expect(deliveries.map(({ offset }) => offset)).toEqual(['0', '0', '1'])
    expect(deliveries.map(({ value }) => value)).toEqual(['value-0', 'value-0', 'value-1'])
    expect((deliveries[1]?.atMs ?? 0) - (deliveries[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(25)
  })

  it('crashes with KafkaJSNumberOfRetriesExceeded once retries run out, then restarts and redelivers', async () => {
    await producer.send({ topic, messages: makeMessages(2) })
    const original = new Error('still failing')
    let fail = true
    const { consumer, crashes, deliveries } = await runFailing(({ message }) => {
      if (fail && message.offset === '0') throw original
    })
    const crashed = await waitForEvent<ConsumerCrashEvent>(consumer as never, consumer.events.CRASH)
    expect(crashed.payload).toEqual({
      error: expect.any(KafkaJSNumberOfRetriesExceeded),
      groupId,
      restart: true,
    })
    expect(crashed.payload.error).toMatchObject({
      name: 'KafkaJSNumberOfRetriesExceeded',
      message: 'still failing',
      retryCount: 2,
    })
    expect((crashed.payload.error as KafkaJSNumberOfRetriesExceeded).cause).toBe(original)
    // 1 attempt + 2 retries before the crash
    expect(deliveries.map(({ offset }) => offset)).toEqual(['0', '0', '0'])
    fail = false
    const rejoined = waitForEvent(consumer as never, consumer.events.GROUP_JOIN)
    await rejoined
    await waitFor(() => deliveries.length >= 5)
    expect(deliveries.slice(3).map(({ offset }) => offset)).toEqual(['0', '1'])
    expect(crashes).toHaveLength(1)
  })

  it('spends one retry budget per fetch loop, not per message (KafkaJS #1415)', async () => {
    await producer.send({ topic, messages: makeMessages(3) })
    const failedOnce = new Set<string>()
    const { consumer, deliveries } = await runFailing(({ message }) => {
      if (!failedOnce.has(message.offset)) {
        failedOnce.add(message.offset)
        throw new Error(`first try of ${message.offset}`)
      }
    })
    const crashed = await waitForEvent<ConsumerCrashEvent>(consumer as never, consumer.events.CRASH)
    expect(crashed.payload.error).toMatchObject({
      name: 'KafkaJSNumberOfRetriesExceeded',
      message: 'first try of 2',
    })
    expect(deliveries.map(({ offset }) => offset)).toEqual(['0', '0', '1', '1', '2'])
  })

  it('does not restart when restartOnFailure resolves false; the consumer stops and disconnects', async () => {
    await producer.send({ topic, messages: makeMessages(1) })
    const asked: Error[] = []
    const consumer = cluster.consumer({
      groupId,
      retry: {
        ...fastRetry,
        restartOnFailure: async (error) => {
          asked.push(error)
          return false
        },
      },
    })
    const seen: string[] = []
    for (const name of [consumer.events.STOP, consumer.events.DISCONNECT, consumer.events.CRASH]) {
      consumer.on(name, (event) => void seen.push(event.type))
    }
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    let calls = 0
    await consumer.run({
      eachMessage: async () => {
        calls++
        throw new Error('poison')
      },
    })
    const crashed = await waitForEvent<ConsumerCrashEvent>(consumer as never, consumer.events.CRASH)
    expect(crashed.payload.restart).toBe(false)
    expect(asked).toEqual([crashed.payload.error])
    expect(seen).toEqual(['consumer.stop', 'consumer.disconnect', 'consumer.crash'])
    await producer.send({ topic, messages: [{ value: 'ignored' }] })
    const timerFired = await new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 50))
    expect(timerFired).toBe(true)
    expect(calls).toBe(3)
    expect((await consumer.describeGroup()).members).toEqual([])
  })

  it('restarts when restartOnFailure rejects', async () => {
    await producer.send({ topic, messages: makeMessages(1) })
    let fail = true
    const consumer = cluster.consumer({
      groupId,
      retry: { ...fastRetry, restartOnFailure: async () => Promise.reject(new Error('callback broke')) },
    })
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const values: string[] = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(String(message.value))
        if (fail) throw new Error('poison')
      },
    })
    const crashed = await waitForEvent<ConsumerCrashEvent>(consumer as never, consumer.events.CRASH)
    expect(crashed.payload.restart).toBe(true)
    fail = false
    await waitFor(() => values.length === 4)
  })

  it('a TypeError is not retried and does not restart', async () => {
    await producer.send({ topic, messages: [{ key: null, value: 'v' }] })
    const { crashes, deliveries } = await runFailing(({ message }) => {
      // the classic bug: a null key (KafkaJS #1036)
      ;(message.key as unknown as { toString(): string }).toString()
    })
    const crashed = { payload: (await waitFor(() => crashes[0])) as ConsumerCrashEvent['payload'] }
    expect(crashed.payload.restart).toBe(false)
    expect(crashed.payload.error).toBeInstanceOf(KafkaJSNonRetriableError)
    expect(crashed.payload.error.name).toBe('KafkaJSNonRetriableError')
    expect((crashed.payload.error as KafkaJSNonRetriableError).cause).toBeInstanceOf(TypeError)
    expect(deliveries).toHaveLength(1)
  })

  it('an error marked retriable: false (such as KafkaJSNonRetriableError) does not restart', async () => {
    await producer.send({ topic, messages: makeMessages(1) })
    const { crashes, deliveries } = await runFailing(() => {
      throw new KafkaJSNonRetriableError('give up')
    })
    const crashed = { payload: (await waitFor(() => crashes[0])) as ConsumerCrashEvent['payload'] }
    expect(crashed.payload).toMatchObject({ restart: false, error: { message: 'give up' } })
    expect(deliveries).toHaveLength(1)
  })

  it('a retriable KafkaJSError is retried and restarts', async () => {
    await producer.send({ topic, messages: makeMessages(1) })
    const { consumer } = await runFailing(() => {
      throw new KafkaJSError('transient')
    })
    const crashed = await waitForEvent<ConsumerCrashEvent>(consumer as never, consumer.events.CRASH)
    expect(crashed.payload).toMatchObject({
      restart: true,
      error: { name: 'KafkaJSNumberOfRetriesExceeded' },
    })
    await consumer.disconnect()
  })

  it('never takes down other consumers, groups or the process', async () => {
    const healthyTopic = uniqueName('healthy')
    await producer.send({ topic, messages: makeMessages(1) })
    const failing = await runFailing(() => {
      throw new TypeError('boom')
    })
    const healthy = await startCollecting(cluster, { topics: [healthyTopic] })
    await waitFor(() => failing.crashes.length === 1)
    await producer.send({ topic: healthyTopic, messages: [{ value: 'fine' }] })
    await waitFor(() => healthy.received.length === 1)
    expect(valuesOf(healthy.received)).toEqual(['fine'])
  })
})

describe('a failing eachBatch', () => {
  it('commits what was resolved, then redelivers from the first unresolved message', async () => {
    await producer.send({ topic, messages: makeMessages(5) })
    const consumer = cluster.consumer({ groupId, retry: fastRetry })
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const firstOffsets: string[] = []
    const committedAtRetry: Map<number, string>[] = []
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset }) => {
        firstOffsets.push(batch.firstOffset() ?? 'null')
        if (firstOffsets.length === 1) {
          resolveOffset('0')
          resolveOffset('1')
          throw new Error('batch failed at 2')
        }
        committedAtRetry.push(await cluster.committedOffsets(groupId, topic))
      },
    })
    await waitFor(() => firstOffsets.length === 2)
    expect(firstOffsets).toEqual(['0', '2'])
    expect(committedAtRetry[0]).toEqual(new Map([[0, '2']]))
  })
})
