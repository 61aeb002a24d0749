/**
 * The KafkaJS consumer as a user drives it: subscribe, run with eachMessage / eachBatch and every
 * payload helper, concurrency, pause/resume, seek, stop/disconnect and describeGroup.
 */
import { Buffer } from 'node:buffer'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AssignerProtocol,
  type Batch,
  type Consumer,
  type EachBatchPayload,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  type Producer,
} from '../../src/kafkajs/index.js'
import {
  type ConsumedMessage,
  createTestCluster,
  makeMessages,
  startCollecting,
  type TestCluster,
  uniqueName,
  valuesOf,
  waitFor,
  waitForConsumerToJoinGroup,
  waitForEvent,
} from './helpers.js'

let cluster: TestCluster
let topic: string
let producer: Producer

beforeEach(async () => {
  cluster = createTestCluster()
  topic = uniqueName('topic')
  producer = cluster.producer()
  await producer.connect()
})

afterEach(() => cluster.cleanup())

function newConsumer(config: Partial<Parameters<TestCluster['consumer']>[0]> = {}): Consumer {
  return cluster.consumer({ groupId: uniqueName('group'), ...config })
}

describe('subscribe', () => {
  it('rejects invalid arguments with KafkaJS messages', async () => {
    const consumer = newConsumer()
    const cases: [unknown, string][] = [
      [{}, 'Missing required argument "topics"'],
      [{ topic: null }, 'Missing required argument "topics"'],
      [{ topics: 'one' }, 'Argument "topics" must be an array'],
      [{ topics: [1] }, 'Invalid topic 1 (number), the topic name has to be a String or a RegExp'],
      [{ topic: 1 }, 'Invalid topic 1 (number), the topic name has to be a String or a RegExp'],
    ]
    for (const [argument, message] of cases) {
      const error = await consumer.subscribe(argument as never).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
      expect(error).toMatchObject({ message })
    }
  })

  it('subscribes by names and RegExps, expanding a RegExp once against existing topics', async () => {
    const scope = uniqueName('scope')
    const plain = uniqueName('plain')
    const matching = [`${scope}-se`, `${scope}-br`]
    const notMatching = `${scope}-us`
    for (const name of [...matching, notMatching]) await cluster.createTopic(name)
    const { received } = await startCollecting(cluster, {
      topics: [plain, new RegExp(`^${scope}-(se|br)$`)],
      fromBeginning: true,
    })
    const createdLater = `${scope}-br2`
    await producer.sendBatch({
      topicMessages: [
        { topic: plain, messages: [{ value: 'plain' }] },
        { topic: matching[0] as string, messages: [{ value: 'se' }] },
        { topic: matching[1] as string, messages: [{ value: 'br' }] },
        { topic: notMatching, messages: [{ value: 'us' }] },
        { topic: createdLater, messages: [{ value: 'later' }] },
      ],
    })
    await waitFor(() => received.length >= 3)
    await producer.send({ topic: plain, messages: [{ value: 'marker' }] })
    await waitFor(() => received.length >= 4)
    expect(valuesOf(received).sort()).toEqual(['br', 'marker', 'plain', 'se'])
  })

  it('accepts the deprecated { topic } shape', async () => {
    await producer.send({ topic, messages: [{ value: 'old-style' }] })
    const consumer = newConsumer()
    await consumer.subscribe({ topic, fromBeginning: true })
    const received: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) })
    await waitFor(() => received.length === 1)
    expect(received).toEqual(['old-style'])
  })

  it('cannot subscribe while running; after stop() it can subscribe and run again', async () => {
    const other = uniqueName('other')
    const { consumer, received } = await startCollecting(cluster, { topics: [topic], fromBeginning: true })
    await expect(consumer.subscribe({ topics: [other] })).rejects.toMatchObject({
      name: 'KafkaJSNonRetriableError',
      message: 'Cannot subscribe to topic while consumer is running',
    })
    await consumer.stop()
    await consumer.subscribe({ topics: [other], fromBeginning: true })
    await producer.send({ topic: other, messages: [{ value: 'other' }] })
    await consumer.run({
      eachMessage: async ({ topic: from, partition, message }) =>
        void received.push({ topic: from, partition, message }),
    })
    await waitFor(() => received.length === 1)
    expect(received[0]?.topic).toBe(other)
  })

  it('creates a missing topic by default, and rejects it with allowAutoTopicCreation false', async () => {
    await newConsumer().subscribe({ topics: [topic] })
    const admin = cluster.admin()
    await admin.connect()
    expect(await admin.listTopics()).toContain(topic)
    const missing = uniqueName('missing')
    const error = await newConsumer({ allowAutoTopicCreation: false })
      .subscribe({ topics: [missing] })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KafkaJSProtocolError)
    expect(error).toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
      message: 'This server does not host this topic-partition',
    })
    expect(await admin.listTopics()).not.toContain(missing)
  })
})

describe('run', () => {
  // With a broker, a consumer gets records in a fetch response, after the producer's own produce
  // response: code (sensejs's tests, for one) relies on send() settling before the handler runs.
  it.each(['eachMessage', 'eachBatch'] as const)(
    'a message sent to a waiting %s consumer reaches the handler after send() resolves',
    async (mode) => {
      const events: string[] = []
      const consumer = cluster.consumer({ groupId: uniqueName('order') })
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve))
      await consumer.run(
        mode === 'eachMessage'
          ? { eachMessage: async ({ message }) => void events.push(`handled ${message.value}`) }
          : {
              eachBatch: async ({ batch }) => {
                for (const message of batch.messages) events.push(`handled ${message.value}`)
              },
            },
      )
      await joined
      for (const value of ['a', 'b', 'c']) {
        await producer.send({ topic, messages: [{ value }] })
        events.push(`sent ${value}`)
        await waitFor(() => events.length % 2 === 0)
      }
      expect(events).toEqual(['sent a', 'handled a', 'sent b', 'handled b', 'sent c', 'handled c'])
    },
  )

  it('hands eachMessage { topic, partition, message, heartbeat, pause } in offset order per partition', async () => {
    await cluster.createTopic(topic, 3)
    const messages = Array.from({ length: 30 }, (_, index) => ({ partition: index % 3, value: `v${index}` }))
    await producer.send({ topic, messages })
    const payloadKeys: string[][] = []
    const { received } = await startCollecting(cluster, {
      topics: [topic],
      fromBeginning: true,
      onMessage: async (payload) => {
        payloadKeys.push(Object.keys(payload).sort())
        await payload.heartbeat()
      },
    })
    await waitFor(() => received.length === 30)
    expect(payloadKeys[0]).toEqual(['heartbeat', 'message', 'partition', 'pause', 'topic'])
    for (const partition of [0, 1, 2]) {
      const offsets = received
        .filter((each) => each.partition === partition)
        .map(({ message }) => message.offset)
      expect(offsets).toEqual(Array.from({ length: 10 }, (_, index) => String(index)))
    }
  })

  it('never skips a message produced right after `await consumer.run()` (fromBeginning false)', async () => {
    for (let round = 0; round < 20; round++) {
      const roundTopic = uniqueName(`round-${round}`)
      await producer.send({ topic: roundTopic, messages: [{ value: 'before' }] })
      const { consumer, received } = await startCollecting(cluster, { topics: [roundTopic] })
      await producer.send({ topic: roundTopic, messages: [{ value: 'after' }] })
      await waitFor(() => received.length >= 1, { what: `round ${round}` })
      expect(valuesOf(received)).toEqual(['after'])
      await consumer.disconnect()
    }
  })

  it('resolves run() after the group join, and emits GROUP_JOIN to a listener attached right after an un-awaited run()', async () => {
    const consumer = newConsumer()
    await consumer.subscribe({ topics: [topic] })
    const order: string[] = []
    const running = consumer.run({ eachMessage: async () => {} }).then(() => order.push('run resolved'))
    const joined = waitForConsumerToJoinGroup(consumer).then((event) => {
      order.push('group join')
      return event
    })
    const event = await joined
    await running
    expect(order).toEqual(['group join', 'run resolved'])
    expect(event.payload.memberAssignment).toEqual({ [topic]: [0] })
  })

  it('emits GROUP_JOIN at least one macrotask after run(), so a listener attached after an await still gets it', async () => {
    const consumer = newConsumer()
    await consumer.subscribe({ topics: [topic] })
    void consumer.run({ eachMessage: async () => {} })
    await Promise.resolve()
    await Promise.resolve()
    await expect(waitForConsumerToJoinGroup(consumer, 1_000)).resolves.toMatchObject({
      type: 'consumer.group_join',
    })
  })

  it('warns and returns when run() is called again, even before the first run() resolves', async () => {
    const consumer = newConsumer()
    await consumer.subscribe({ topics: [topic] })
    const first = consumer.run({ eachMessage: async () => {} })
    const second = consumer.run({ eachMessage: async () => {} })
    await Promise.all([first, second])
    const description = await consumer.describeGroup()
    expect(description.members).toHaveLength(1)
  })
})

describe('eachBatch', () => {
  async function runEachBatch(
    handler: (payload: EachBatchPayload) => Promise<void>,
    options: {
      config?: Partial<Parameters<TestCluster['consumer']>[0]>
      eachBatchAutoResolve?: boolean
      autoCommit?: boolean
    } = {},
  ) {
    const groupId = uniqueName('group')
    const consumer = cluster.consumer({ groupId, ...options.config })
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      eachBatch: handler,
      ...(options.eachBatchAutoResolve === undefined
        ? {}
        : { eachBatchAutoResolve: options.eachBatchAutoResolve }),
      ...(options.autoCommit === undefined ? {} : { autoCommit: options.autoCommit }),
    })
    return { consumer, groupId }
  }

  it('hands a Batch with highWatermark and offset arithmetic', async () => {
    await producer.send({ topic, messages: makeMessages(10) })
    const batches: { batch: Batch; values: Record<string, unknown> }[] = []
    await runEachBatch(async ({ batch }) => {
      batches.push({
        batch,
        values: {
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: batch.highWatermark,
          size: batch.messages.length,
          isEmpty: batch.isEmpty(),
          firstOffset: batch.firstOffset(),
          lastOffset: batch.lastOffset(),
          offsetLag: batch.offsetLag(),
          offsetLagLow: batch.offsetLagLow(),
        },
      })
    })
    await waitFor(() => batches.length === 1)
    expect(batches[0]?.values).toEqual({
      topic,
      partition: 0,
      highWatermark: '10',
      size: 10,
      isEmpty: false,
      firstOffset: '0',
      lastOffset: '9',
      offsetLag: '0',
      offsetLagLow: '9',
    })
  })

  it('reports lag when a batch holds only part of what is available (maxBytesPerPartition)', async () => {
    for (let index = 0; index < 5; index++) await producer.send({ topic, messages: [{ value: `v${index}` }] })
    const seen: string[][] = []
    await runEachBatch(
      async ({ batch }) => {
        seen.push([
          batch.firstOffset() ?? 'null',
          batch.lastOffset(),
          batch.offsetLag(),
          batch.offsetLagLow(),
          batch.highWatermark,
        ])
      },
      { config: { maxBytesPerPartition: 1 } },
    )
    await waitFor(() => seen.length === 5)
    expect(seen[0]).toEqual(['0', '0', '4', '4', '5'])
    expect(seen[4]).toEqual(['4', '4', '0', '0', '5'])
  })

  it('resolveOffset with eachBatchAutoResolve false commits only what was resolved, and redelivers the rest', async () => {
    await producer.send({ topic, messages: makeMessages(10) })
    let calls = 0
    const { consumer, groupId } = await runEachBatch(
      async ({ batch, resolveOffset, pause }) => {
        calls++
        for (const message of batch.messages.slice(0, 3)) resolveOffset(message.offset)
        pause()
      },
      { eachBatchAutoResolve: false },
    )
    await waitFor(() => calls >= 1)
    await consumer.stop()
    expect(calls).toBe(1)
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '3']]))
    const { received } = await startCollecting(cluster, { topics: [topic], groupId })
    await waitFor(() => received.length === 7)
    expect(received[0]?.message.offset).toBe('3')
  })

  it('eachBatchAutoResolve (default) commits the whole batch after the handler returns', async () => {
    await producer.send({ topic, messages: makeMessages(10) })
    let calls = 0
    const { consumer, groupId } = await runEachBatch(async () => {
      calls++
    })
    await waitFor(() => calls >= 1)
    await consumer.stop()
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '10']]))
  })

  it('uncommittedOffsets lists resolved-but-uncommitted offsets with string partitions', async () => {
    await cluster.createTopic(topic, 2)
    await producer.send({ topic, messages: makeMessages(5).map((message) => ({ ...message, partition: 1 })) })
    let snapshot: unknown
    let before: unknown
    await runEachBatch(
      async ({ batch, resolveOffset, uncommittedOffsets, pause }) => {
        pause()
        before = uncommittedOffsets()
        resolveOffset(batch.messages[3]?.offset as string)
        snapshot = uncommittedOffsets()
      },
      { eachBatchAutoResolve: false },
    )
    await waitFor(() => snapshot !== undefined)
    expect(before).toEqual({ topics: [] })
    expect(snapshot).toEqual({ topics: [{ topic, partitions: [{ partition: '1', offset: '4' }] }] })
  })

  it('commitOffsetsIfNecessary() waits for the interval or threshold; given offsets are committed at once, even without autoCommit', async () => {
    await producer.send({ topic, messages: makeMessages(10) })
    const committedInside: Map<number, string>[] = []
    let done = false
    const { groupId } = await runEachBatch(
      async ({ batch, resolveOffset, commitOffsetsIfNecessary, pause }) => {
        pause()
        resolveOffset(batch.messages[4]?.offset as string)
        await commitOffsetsIfNecessary()
        committedInside.push(await cluster.committedOffsets(groupId, topic))
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }] })
        committedInside.push(await cluster.committedOffsets(groupId, topic))
        done = true
      },
      { autoCommit: false, eachBatchAutoResolve: false },
    )
    await waitFor(() => done)
    expect(committedInside).toEqual([new Map([[0, '-1']]), new Map([[0, '7']])])
  })

  it('heartbeat() resolves; isRunning() turns false once stop() begins; pause() returns a resume function', async () => {
    await producer.send({ topic, messages: [{ value: 'a' }] })
    const states: boolean[] = []
    let release: (() => void) | undefined
    let resume: (() => void) | undefined
    const { consumer } = await runEachBatch(async ({ heartbeat, isRunning, pause }) => {
      await heartbeat()
      states.push(isRunning())
      resume = pause()
      await new Promise<void>((resolve) => {
        release = resolve
      })
      states.push(isRunning())
    })
    await waitFor(() => release !== undefined)
    expect(consumer.paused()).toEqual([{ topic, partitions: [0] }])
    resume?.()
    expect(consumer.paused()).toEqual([])
    const stopping = consumer.stop()
    release?.()
    await stopping
    expect(states).toEqual([true, false])
  })

  it('isStale() is true once a seek is pending for the batch partition', async () => {
    await producer.send({ topic, messages: makeMessages(3) })
    const stale: boolean[] = []
    const firstOffsets: string[] = []
    const consumer = newConsumer()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      eachBatch: async ({ batch, isStale }) => {
        firstOffsets.push(batch.firstOffset() ?? 'null')
        stale.push(isStale())
        if (stale.length === 1) consumer.seek({ topic, partition: batch.partition, offset: '1' })
        stale.push(isStale())
      },
    })
    await waitFor(() => stale.length >= 4)
    expect(stale.slice(0, 3)).toEqual([false, true, false])
    expect(firstOffsets.slice(0, 2)).toEqual(['0', '1'])
  })

  it('keeps refetching a batch nothing was resolved from without starving timers (regression)', async () => {
    await producer.send({ topic, messages: makeMessages(3) })
    let calls = 0
    await runEachBatch(
      async () => {
        calls++
      },
      { eachBatchAutoResolve: false, autoCommit: false },
    )
    // waitFor polls with setTimeout: it only progresses if the loop yields to the event loop
    await waitFor(() => calls > 50, { timeoutMs: 2_000 })
    const timerFired = await new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5))
    expect(timerFired).toBe(true)
  })

  it('delivers only data batches: nothing is handed to eachBatch for an empty fetch', async () => {
    const calls: number[] = []
    await runEachBatch(async ({ batch }) => void calls.push(batch.messages.length))
    await producer.send({ topic, messages: [{ value: 'x' }] })
    await waitFor(() => calls.length === 1)
    expect(calls).toEqual([1])
  })
})

describe('partitionsConsumedConcurrently', () => {
  it('processes different partitions concurrently, one batch per partition at a time, in order', async () => {
    await cluster.createTopic(topic, 3)
    await producer.send({
      topic,
      messages: Array.from({ length: 9 }, (_, index) => ({ partition: index % 3, value: `v${index}` })),
    })
    let inFlight = 0
    let maxInFlight = 0
    const inFlightPartitions = new Set<number>()
    let partitionOverlap = false
    const received: ConsumedMessage[] = []
    const consumer = newConsumer()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ topic: from, partition, message }) => {
        if (inFlightPartitions.has(partition)) partitionOverlap = true
        inFlightPartitions.add(partition)
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        // the first message of each partition waits until every partition is in flight
        if (message.offset === '0')
          await waitFor(() => maxInFlight >= 3, { timeoutMs: 1_000 }).catch(() => {})
        received.push({ topic: from, partition, message })
        inFlight--
        inFlightPartitions.delete(partition)
      },
    })
    await waitFor(() => received.length === 9)
    expect(maxInFlight).toBe(3)
    expect(partitionOverlap).toBe(false)
    for (const partition of [0, 1, 2]) {
      expect(
        received.filter((each) => each.partition === partition).map(({ message }) => message.offset),
      ).toEqual(['0', '1', '2'])
    }
  })

  it('runs one partition at a time by default', async () => {
    await cluster.createTopic(topic, 3)
    await producer.send({
      topic,
      messages: Array.from({ length: 6 }, (_, index) => ({ partition: index % 3, value: `v${index}` })),
    })
    let inFlight = 0
    let maxInFlight = 0
    const { received } = await startCollecting(cluster, {
      topics: [topic],
      fromBeginning: true,
      onMessage: async () => {
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        await new Promise((resolve) => setImmediate(resolve))
        inFlight--
      },
    })
    await waitFor(() => received.length === 6)
    expect(maxInFlight).toBe(1)
  })
})

describe('pause, resume and paused', () => {
  it('paused() is [] and pause/resume throw before run()', () => {
    const consumer = newConsumer()
    expect(consumer.paused()).toEqual([])
    for (const call of [() => consumer.pause([{ topic }]), () => consumer.resume([{ topic }])]) {
      expect(call).toThrow(KafkaJSNonRetriableError)
      expect(call).toThrow('Consumer group was not initialized, consumer#run must be called first')
    }
  })

  it('validates its arguments with KafkaJS messages', async () => {
    const { consumer } = await startCollecting(cluster, { topics: [topic] })
    // KafkaJS interpolates the entry when its topic is falsy
    expect(() => consumer.pause([{ topic: null as unknown as string, partitions: [0] }])).toThrow(
      'Invalid topic [object Object]',
    )
    expect(() => consumer.resume([null as never])).toThrow('Invalid topic null')
    expect(() => consumer.pause([{ topic: '' }])).toThrow('Invalid topic [object Object]')
    expect(() => consumer.resume([{ topic: '' }])).toThrow('Invalid topic [object Object]')
    expect(() => consumer.pause([{ topic, partitions: 'x' as unknown as number[] }])).toThrow(
      'Array of valid partitions required to pause specific partitions instead of x',
    )
    expect(() => consumer.resume([{ topic, partitions: ['a' as unknown as number] }])).toThrow(
      'Array of valid partitions required to resume specific partitions instead of a',
    )
  })

  it('pausing a topic stops its delivery; paused() lists its assigned partitions; resume delivers what was held', async () => {
    const other = uniqueName('other')
    await cluster.createTopic(topic, 2)
    const { consumer, received } = await startCollecting(cluster, { topics: [topic, other] })
    consumer.pause([{ topic }])
    expect(consumer.paused()).toEqual([{ topic, partitions: [0, 1] }])
    await producer.send({
      topic,
      messages: [
        { partition: 0, value: 'held-0' },
        { partition: 1, value: 'held-1' },
      ],
    })
    await producer.send({ topic: other, messages: [{ value: 'flowing' }] })
    await waitFor(() => received.length >= 1)
    await producer.send({ topic: other, messages: [{ value: 'flowing-2' }] })
    await waitFor(() => received.length >= 2)
    expect(valuesOf(received)).toEqual(['flowing', 'flowing-2'])
    consumer.resume([{ topic, partitions: [1] }])
    expect(consumer.paused()).toEqual([{ topic, partitions: [0] }])
    await waitFor(() => received.length >= 3)
    expect(valuesOf(received)[2]).toBe('held-1')
    consumer.resume(consumer.paused())
    await waitFor(() => received.length >= 4)
    expect(valuesOf(received)[3]).toBe('held-0')
    expect(consumer.paused()).toEqual([])
  })

  it('consumer.pause() inside eachMessage lets the current message finish, then stops that partition only', async () => {
    await cluster.createTopic(topic, 2)
    await producer.send({
      topic,
      messages: [0, 0, 0, 1, 1].map((partition, index) => ({ partition, value: `v${index}` })),
    })
    const consumer = newConsumer()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const received: string[] = []
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received.push(`${partition}:${message.offset}`)
        if (partition === 0 && message.offset === '0') consumer.pause([{ topic, partitions: [0] }])
      },
    })
    await waitFor(() => received.length >= 3)
    await producer.send({ topic, messages: [{ partition: 1, value: 'tick' }] })
    await waitFor(() => received.length >= 4)
    expect([...received].sort()).toEqual(['0:0', '1:0', '1:1', '1:2'])
    expect(consumer.paused()).toEqual([{ topic, partitions: [0] }])
    consumer.resume([{ topic }])
    await waitFor(() => received.length >= 6)
    expect(received.slice(4)).toEqual(['0:1', '0:2'])
  })

  it('payload.pause() then throwing redelivers the message only after the returned resume()', async () => {
    await producer.send({ topic, messages: [{ value: 'first' }, { value: 'poison' }, { value: 'third' }] })
    const resumes: (() => void)[] = []
    let pauseOnPoison = true
    const { consumer, received } = await startCollecting(cluster, {
      topics: [topic],
      fromBeginning: true,
      config: { retry: { retries: 5, initialRetryTime: 5 } },
      onMessage: ({ message, pause }) => {
        if (String(message.value) === 'poison' && pauseOnPoison) {
          resumes.push(pause())
          throw new Error('not now')
        }
      },
    })
    await waitFor(() => resumes.length === 1)
    expect(consumer.paused()).toEqual([{ topic, partitions: [0] }])
    await producer.send({ topic: uniqueName('elsewhere'), messages: [{ value: 'tick' }] })
    expect(valuesOf(received)).toEqual(['first', 'poison'])
    pauseOnPoison = false
    resumes[0]?.()
    await waitFor(() => received.length === 4)
    expect(valuesOf(received)).toEqual(['first', 'poison', 'poison', 'third'])
  })

  it('pause state survives a rebalance within the same run', async () => {
    await cluster.createTopic(topic, 2)
    const groupId = uniqueName('group')
    const { consumer, received } = await startCollecting(cluster, { topics: [topic], groupId })
    consumer.pause([{ topic }])
    const rejoined = waitForEvent(consumer as never, consumer.events.GROUP_JOIN)
    const second = await startCollecting(cluster, { topics: [topic], groupId })
    await rejoined
    await producer.send({
      topic,
      messages: [
        { partition: 0, value: 'p0' },
        { partition: 1, value: 'p1' },
      ],
    })
    await waitFor(() => second.received.length === 1)
    expect(received).toEqual([])
    expect(consumer.paused()).toHaveLength(1)
  })
})

describe('seek', () => {
  it('validates its arguments and throws before run()', () => {
    const consumer = newConsumer()
    const cases: [unknown, string][] = [
      [{ topic: null }, 'Invalid topic null'],
      [{ topic, partition: 'ABC' }, 'Invalid partition, expected a number received ABC'],
      [{ topic, partition: 0, offset: 'ABC' }, 'Invalid offset, expected a long received ABC'],
      [{ topic, partition: 0, offset: '-32' }, 'Offset must not be a negative number'],
      [
        { topic, partition: 0, offset: '1' },
        'Consumer group was not initialized, consumer#run must be called first',
      ],
    ]
    for (const [argument, message] of cases) {
      expect(() => consumer.seek(argument as never)).toThrow(KafkaJSNonRetriableError)
      expect(() => consumer.seek(argument as never)).toThrow(message)
    }
  })

  it('works right after an un-awaited run() (KafkaJS idiom), applied when the partition is assigned', async () => {
    await producer.send({ topic, messages: makeMessages(5) })
    const consumer = newConsumer()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const received: string[] = []
    void consumer.run({ eachMessage: async ({ message }) => void received.push(message.offset) })
    consumer.seek({ topic, partition: 0, offset: '3' })
    consumer.pause([{ topic: uniqueName('not-assigned') }])
    await waitForConsumerToJoinGroup(consumer)
    await waitFor(() => received.length === 2)
    expect(received).toEqual(['3', '4'])
  })

  it('after run, moves the position of an assigned partition; -2 means earliest and -1 latest', async () => {
    await producer.send({ topic, messages: makeMessages(5) })
    const { consumer, received } = await startCollecting(cluster, { topics: [topic], fromBeginning: true })
    await waitFor(() => received.length === 5)
    consumer.seek({ topic, partition: 0, offset: '2' })
    await waitFor(() => received.length === 8)
    consumer.seek({ topic, partition: 0, offset: -2 as unknown as string })
    await waitFor(() => received.length === 13)
    consumer.seek({ topic, partition: 0, offset: '-1' })
    await producer.send({ topic: uniqueName('noise'), messages: [{ value: 'x' }] })
    await producer.send({ topic, messages: [{ value: 'after-latest' }] })
    await waitFor(() => received.length === 14)
    expect(received.map(({ message }) => message.offset)).toEqual([
      ...['0', '1', '2', '3', '4'],
      ...['2', '3', '4'],
      ...['0', '1', '2', '3', '4'],
      '5',
    ])
  })

  it('a seek of a partition not assigned to this member stays pending without busy-looping (regression)', async () => {
    const { consumer, received } = await startCollecting(cluster, { topics: [topic] })
    consumer.seek({ topic: uniqueName('unassigned'), partition: 0, offset: '0' })
    consumer.seek({ topic, partition: 7, offset: '0' })
    const timerFired = await new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 20))
    expect(timerFired).toBe(true)
    await producer.send({ topic, messages: [{ value: 'still flowing' }] })
    await waitFor(() => received.length === 1)
    expect(valuesOf(received)).toEqual(['still flowing'])
  })

  it('a seek past the high watermark resets per fromBeginning (out of range)', async () => {
    await producer.send({ topic, messages: [{ value: 'only' }] })
    const consumer = newConsumer()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const received: string[] = []
    void consumer.run({ eachMessage: async ({ message }) => void received.push(message.offset) })
    consumer.seek({ topic, partition: 0, offset: '100' })
    await waitFor(() => received.length === 1)
    expect(received).toEqual(['0'])
  })

  it('commits the seek offset with autoCommit, and only moves the position without it', async () => {
    await producer.send({ topic, messages: makeMessages(5) })
    for (const autoCommit of [true, false]) {
      const groupId = uniqueName('group')
      const consumer = cluster.consumer({ groupId })
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      const received: string[] = []
      void consumer.run({
        autoCommit,
        eachMessage: async ({ message }) => void received.push(message.offset),
      })
      consumer.seek({ topic, partition: 0, offset: '3' })
      await waitFor(() => received.length === 2)
      expect(received).toEqual(['3', '4'])
      if (!autoCommit) expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '-1']]))
      await consumer.disconnect()
      expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, autoCommit ? '5' : '-1']]))
    }
  })
})

describe('stop and disconnect', () => {
  it('concurrent stop() calls share one promise and emit STOP once', async () => {
    const { consumer } = await startCollecting(cluster, { topics: [topic] })
    let stops = 0
    consumer.on(consumer.events.STOP, () => void stops++)
    const first = consumer.stop()
    const second = consumer.stop()
    expect(second).toBe(first)
    await Promise.all([first, second, consumer.disconnect()])
    expect(stops).toBe(1)
  })

  it('waits for the in-flight handler and commits the offsets processed before stopping', async () => {
    await producer.send({ topic, messages: makeMessages(100) })
    let stopping: Promise<void> | undefined
    let handled = 0
    const groupId = uniqueName('group')
    let consumer: Consumer | undefined
    const started = await startCollecting(cluster, {
      topics: [topic],
      groupId,
      fromBeginning: true,
      onMessage: async () => {
        handled++
        if (handled === 40) stopping = consumer?.disconnect()
        await new Promise((resolve) => setImmediate(resolve))
      },
    })
    consumer = started.consumer
    await waitFor(() => stopping !== undefined)
    await stopping
    const processed = started.received.length
    expect(processed).toBe(40)
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, String(processed)]]))
  })

  it('emits DISCONNECT on disconnect and no STOP when it never ran', async () => {
    const consumer = newConsumer()
    const seen: string[] = []
    consumer.on(consumer.events.STOP, () => void seen.push('stop'))
    consumer.on(consumer.events.DISCONNECT, () => void seen.push('disconnect'))
    await consumer.connect()
    await consumer.disconnect()
    expect(seen).toEqual(['disconnect'])
  })

  it('leaving the group lets a restarted consumer resume from the committed offsets', async () => {
    const groupId = uniqueName('group')
    await producer.send({ topic, messages: makeMessages(3, 'first') })
    const first = await startCollecting(cluster, { topics: [topic], groupId, fromBeginning: true })
    await waitFor(() => first.received.length === 3)
    await first.consumer.disconnect()
    await producer.send({ topic, messages: makeMessages(2, 'second') })
    const second = await startCollecting(cluster, { topics: [topic], groupId, fromBeginning: true })
    await waitFor(() => second.received.length === 2)
    expect(valuesOf(second.received)).toEqual(['second-0', 'second-1'])
  })
})

describe('describeGroup', () => {
  it('describes a running group as KafkaJS does, with decodable member metadata and assignment', async () => {
    await cluster.createTopic(topic, 2)
    const groupId = uniqueName('group')
    const { consumer } = await startCollecting(cluster, { topics: [topic], groupId })
    const description = await consumer.describeGroup()
    expect(description).toEqual({
      groupId,
      errorCode: 0,
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'RoundRobinAssigner',
      members: [
        {
          memberId: expect.stringMatching(/^test-[0-9a-f-]{36}$/),
          clientId: 'test',
          clientHost: expect.any(String),
          memberMetadata: expect.any(Buffer),
          memberAssignment: expect.any(Buffer),
        },
      ],
    })
    const member = description.members[0]
    expect(AssignerProtocol.MemberAssignment.decode(member?.memberAssignment as Buffer)).toEqual({
      version: 0,
      assignment: { [topic]: [0, 1] },
      userData: Buffer.alloc(0),
    })
    expect(AssignerProtocol.MemberMetadata.decode(member?.memberMetadata as Buffer)).toMatchObject({
      version: 0,
      topics: [topic],
    })
  })

  it('reports Empty with no members after everyone left', async () => {
    const groupId = uniqueName('group')
    const { consumer } = await startCollecting(cluster, { topics: [topic], groupId })
    await consumer.stop()
    expect(await consumer.describeGroup()).toMatchObject({ groupId, state: 'Empty', members: [] })
  })
})

describe('the consumer object', () => {
  it('has exactly KafkaJS keys', () => {
    expect(Object.keys(newConsumer()).sort()).toEqual(
      [
        'connect',
        'disconnect',
        'subscribe',
        'stop',
        'run',
        'commitOffsets',
        'seek',
        'describeGroup',
        'pause',
        'paused',
        'resume',
        'on',
        'events',
        'logger',
      ].sort(),
    )
  })

  it('throws from kafka.consumer() for a missing groupId or heartbeatInterval ≥ sessionTimeout', () => {
    expect(() => cluster.kafka.consumer({} as never)).toThrow('Consumer groupId must be a non-empty string.')
    expect(() =>
      cluster.kafka.consumer({ groupId: 'g', sessionTimeout: 1000, heartbeatInterval: 1000 }),
    ).toThrow(
      'Consumer heartbeatInterval (1000) must be lower than sessionTimeout (1000). It is recommended to set heartbeatInterval to approximately a third of the sessionTimeout.',
    )
  })
})
