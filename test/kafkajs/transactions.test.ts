/**
 * Transactions through the KafkaJS API: the Transaction object and its misuse errors, isolation
 * (read_committed by default, readUncommitted on request, control records never delivered),
 * offsets sent in a transaction, fencing by a second producer with the same transactional id,
 * and the transaction timeout.
 */
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type Consumer,
  type EachBatchPayload,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  type KafkaMessage,
  type Producer,
  type Transaction,
} from '../../src/kafkajs/index.js'
import {
  createTestCluster,
  makeMessages,
  startCollecting,
  type TestCluster,
  uniqueName,
  valuesOf,
  waitFor,
} from './helpers.js'

let cluster: TestCluster
let topic: string
let groupId: string
let plain: Producer

beforeEach(async () => {
  cluster = createTestCluster()
  topic = uniqueName('topic')
  groupId = uniqueName('group')
  plain = cluster.producer()
  await plain.connect()
})

afterEach(() => cluster.cleanup())

async function transactionalProducer(config: Partial<Parameters<TestCluster['producer']>[0]> = {}) {
  const producer = cluster.producer({
    transactionalId: uniqueName('tx'),
    idempotent: true,
    maxInFlightRequests: 1,
    ...config,
  })
  await producer.connect()
  return producer
}

const committedReader = (options: { readUncommitted?: boolean } = {}) =>
  startCollecting(cluster, {
    topics: [topic],
    fromBeginning: true,
    config: { readUncommitted: options.readUncommitted ?? false },
  })

describe('the Transaction object', () => {
  it('sends, commits, and becomes inactive; committed records reach read_committed consumers', async () => {
    const producer = await transactionalProducer()
    const transaction = await producer.transaction()
    expect(transaction.isActive()).toBe(true)
    expect(Object.keys(transaction).sort()).toEqual(
      ['abort', 'commit', 'isActive', 'send', 'sendBatch', 'sendOffsets'].sort(),
    )
    const metadata = await transaction.send({ topic, messages: [{ key: 'k', value: 'one' }] })
    expect(metadata).toEqual([
      {
        topicName: topic,
        partition: 0,
        errorCode: 0,
        baseOffset: '0',
        logAppendTime: '-1',
        logStartOffset: '0',
      },
    ])
    await transaction.sendBatch({ topicMessages: [{ topic, messages: [{ value: 'two' }] }] })
    await transaction.commit()
    expect(transaction.isActive()).toBe(false)
    const { received } = await committedReader()
    await waitFor(() => received.length === 2)
    expect(valuesOf(received)).toEqual(['one', 'two'])
  })

  it('an aborted transaction is never delivered to read_committed consumers; readUncommitted sees it', async () => {
    const producer = await transactionalProducer()
    const committed = await committedReader()
    const uncommitted = await committedReader({ readUncommitted: true })
    const aborted = await producer.transaction()
    await aborted.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] })
    await aborted.abort()
    expect(aborted.isActive()).toBe(false)
    const kept = await producer.transaction()
    await kept.send({ topic, messages: [{ value: 'kept' }] })
    await kept.commit()
    await waitFor(() => committed.received.length === 1 && uncommitted.received.length === 3)
    expect(valuesOf(committed.received)).toEqual(['kept'])
    expect(valuesOf(uncommitted.received)).toEqual(['aborted-1', 'aborted-2', 'kept'])
  })

  it('commit and abort markers occupy offsets that consumers never see', async () => {
    const producer = await transactionalProducer()
    const first = await producer.transaction()
    await first.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] })
    await first.commit()
    const [after] = await plain.send({ topic, messages: [{ value: 'c' }] })
    expect(after?.baseOffset).toBe('3')
    const second = await producer.transaction()
    await second.send({ topic, messages: [{ value: 'd' }] })
    await second.abort()
    const [last] = await plain.send({ topic, messages: [{ value: 'e' }] })
    expect(last?.baseOffset).toBe('6')
    for (const readUncommitted of [false, true]) {
      const { received, consumer } = await committedReader({ readUncommitted })
      const expected = readUncommitted ? ['0', '1', '3', '4', '6'] : ['0', '1', '3', '6']
      await waitFor(() => received.length === expected.length)
      expect(received.map(({ message }) => message.offset)).toEqual(expected)
      expect(
        received.every(
          ({ message }) => (message as KafkaMessage & { isControlRecord: boolean }).isControlRecord === false,
        ),
      ).toBe(true)
      await consumer.disconnect()
    }
  })

  it('read_committed consumers stop at the first open transaction, even for later plain records', async () => {
    const producer = await transactionalProducer()
    const committed = await committedReader()
    const uncommitted = await committedReader({ readUncommitted: true })
    const open = await producer.transaction()
    await open.send({ topic, messages: [{ value: 'in-transaction' }] })
    await plain.send({ topic, messages: [{ value: 'plain-after' }] })
    await waitFor(() => uncommitted.received.length === 2)
    expect(valuesOf(uncommitted.received)).toEqual(['in-transaction', 'plain-after'])
    // a marker on another topic proves the committed reader had every chance to fetch
    await plain.send({ topic: uniqueName('elsewhere'), messages: [{ value: 'x' }] })
    expect(committed.received).toEqual([])
    await open.commit()
    await waitFor(() => committed.received.length === 2)
    expect(valuesOf(committed.received)).toEqual(['in-transaction', 'plain-after'])
  })

  it('"latest" is the last stable offset for read_committed: a consumer started during an open transaction gets it once committed', async () => {
    const producer = await transactionalProducer()
    await plain.send({ topic, messages: [{ value: 'before' }] })
    const open = await producer.transaction()
    await open.send({ topic, messages: [{ value: 'in-transaction' }] })
    const committed = await startCollecting(cluster, { topics: [topic], fromBeginning: false })
    const uncommitted = await startCollecting(cluster, {
      topics: [topic],
      fromBeginning: false,
      config: { readUncommitted: true },
    })
    // seek(-1) means the same "latest"
    const seeking = cluster.consumer({ groupId: uniqueName('seeking') })
    await seeking.subscribe({ topics: [topic], fromBeginning: true })
    const seeked: string[] = []
    let fetched = false
    seeking.on(seeking.events.FETCH, () => {
      fetched = true
    })
    void seeking.run({ eachMessage: async ({ message }) => void seeked.push(String(message.value)) })
    seeking.seek({ topic, partition: 0, offset: '-1' })
    await waitFor(() => fetched)
    await open.commit()
    await plain.send({ topic, messages: [{ value: 'after-commit' }] })
    await waitFor(
      () => committed.received.length === 2 && uncommitted.received.length === 1 && seeked.length === 2,
    )
    expect(valuesOf(committed.received)).toEqual(['in-transaction', 'after-commit'])
    expect(seeked).toEqual(['in-transaction', 'after-commit'])
    expect(valuesOf(uncommitted.received)).toEqual(['after-commit'])
  })

  it('an empty transaction commits and aborts without writing anything', async () => {
    const producer = await transactionalProducer()
    await plain.send({ topic, messages: [{ value: 'x' }] })
    await (await producer.transaction()).commit()
    await (await producer.transaction()).abort()
    expect(await cluster.highWatermarks(topic)).toEqual(new Map([[0, '1']]))
  })

  it('a transactional producer may also send outside a transaction, between transactions', async () => {
    const producer = await transactionalProducer()
    await producer.send({ topic, messages: [{ value: 'before' }] })
    const transaction = await producer.transaction()
    await transaction.send({ topic, messages: [{ value: 'inside' }] })
    await transaction.commit()
    await producer.send({ topic, messages: [{ value: 'after' }] })
    const { received } = await committedReader()
    await waitFor(() => received.length === 3)
    expect(valuesOf(received)).toEqual(['before', 'inside', 'after'])
  })
})

describe('offsets of a transactional topic', () => {
  it('eachMessage commits up to the trailing commit marker, eachBatch past it (as KafkaJS 2.2.4 on Kafka 3.9.1)', async () => {
    const producer = await transactionalProducer()
    const transaction = await producer.transaction()
    await transaction.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] })
    await transaction.commit()
    expect(await cluster.highWatermarks(topic)).toEqual(new Map([[0, '3']]))
    const results: Record<string, string | undefined> = {}
    for (const mode of ['eachMessage', 'eachBatch'] as const) {
      const modeGroup = uniqueName(mode)
      const consumer = cluster.consumer({ groupId: modeGroup })
      let batches = 0
      consumer.on(consumer.events.END_BATCH_PROCESS, () => void batches++)
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run(
        mode === 'eachMessage' ? { eachMessage: async () => {} } : { eachBatch: async () => {} },
      )
      await waitFor(() => batches >= 1)
      await plain.send({ topic: uniqueName('barrier'), messages: [{ value: 'x' }] })
      await consumer.disconnect()
      results[mode] = (await cluster.committedOffsets(modeGroup, topic)).get(0)
    }
    // eachMessage resolves messages one by one, and the marker alone is a filtered batch that is
    // resolved but only committed by autoCommitInterval/Threshold; eachBatch auto-resolves
    // batch.lastOffset(), which includes the marker
    expect(results).toEqual({ eachMessage: '2', eachBatch: '3' })
  })
})

describe('misuse', () => {
  it('rejects transaction() without a transactionalId', async () => {
    const error = await plain.transaction().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
    expect(error).toMatchObject({ message: 'Must provide transactional id for transactional producer' })
  })

  it('rejects a second transaction while one is open', async () => {
    const producer = await transactionalProducer()
    const open = await producer.transaction()
    const error = await producer.transaction().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
    expect(error).toMatchObject({
      message:
        'There is already an ongoing transaction for this producer. Please end the transaction before beginning another.',
    })
    await open.abort()
    await expect(producer.transaction()).resolves.toMatchObject({ isActive: expect.any(Function) })
  })

  it('keeps an open transaction across disconnect and reconnect, so its records cannot leak into the next one', async () => {
    const producer = await transactionalProducer()
    const abandoned = await producer.transaction()
    await abandoned.send({ topic, messages: [{ value: 'abandoned' }] })
    await producer.disconnect()
    await expect(abandoned.send({ topic, messages: [{ value: 'late' }] })).rejects.toThrow(
      'The producer is disconnected',
    )
    await producer.connect()
    await expect(producer.transaction()).rejects.toThrow(
      'There is already an ongoing transaction for this producer. Please end the transaction before beginning another.',
    )
    await abandoned.abort()
    const next = await producer.transaction()
    await next.send({ topic, messages: [{ value: 'next' }] })
    await next.commit()
    const { received } = await committedReader()
    await waitFor(() => received.length === 1)
    await plain.send({ topic: uniqueName('barrier'), messages: [{ value: 'x' }] })
    expect(valuesOf(received)).toEqual(['next'])
  })

  it('rejects every method of a transaction once it has ended', async () => {
    const producer = await transactionalProducer()
    for (const end of ['commit', 'abort'] as const) {
      const transaction = await producer.transaction()
      await transaction.send({ topic, messages: [{ value: 'v' }] })
      await transaction[end]()
      const calls = [
        () => transaction.send({ topic, messages: [{ value: 'late' }] }),
        () => transaction.sendBatch({ topicMessages: [{ topic, messages: [{ value: 'late' }] }] }),
        () => transaction.sendOffsets({ consumerGroupId: groupId, topics: [] }),
        () => transaction.commit(),
        () => transaction.abort(),
      ]
      for (const call of calls) {
        const error = await call().catch((caught: unknown) => caught)
        expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
        expect(error).toMatchObject({ message: 'Cannot continue to use transaction once ended' })
      }
    }
  })

  it('rejects acks other than -1 inside a transaction', async () => {
    const producer = await transactionalProducer({ idempotent: false })
    const transaction = await producer.transaction()
    await expect(transaction.send({ topic, acks: 1, messages: [{ value: 'v' }] })).rejects.toThrow(
      "Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees",
    )
    await transaction.abort()
  })
})

describe('offsets in a transaction', () => {
  /** A consumer with autoCommit off that records each message's uncommittedOffsets() snapshot. */
  async function recordingConsumer() {
    const consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 100 })
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const state = {
      consumed: [] as KafkaMessage[],
      snapshots: [] as ReturnType<EachBatchPayload['uncommittedOffsets']>[],
      current: undefined as (() => ReturnType<EachBatchPayload['uncommittedOffsets']>) | undefined,
    }
    const eachBatch = async ({ batch, uncommittedOffsets, resolveOffset, heartbeat }: EachBatchPayload) => {
      for (const message of batch.messages) {
        state.consumed.push(message)
        resolveOffset(message.offset)
        state.snapshots.push(uncommittedOffsets())
        state.current = uncommittedOffsets
      }
      await heartbeat()
    }
    return { consumer, state, eachBatch }
  }

  it('become the group offsets when the transaction commits, and uncommittedOffsets() shrinks at once', async () => {
    const producer = await transactionalProducer({ idempotent: false })
    const { consumer, state, eachBatch } = await recordingConsumer()
    await consumer.run({ autoCommit: false, eachBatch })
    await plain.send({ topic, messages: makeMessages(100) })
    await waitFor(() => state.consumed.length === 100)
    expect(state.snapshots[97]).toEqual({
      topics: [{ topic, partitions: [{ partition: '0', offset: '98' }] }],
    })
    const first = await producer.transaction()
    await first.sendOffsets({ consumerGroupId: groupId, topics: state.snapshots[97]?.topics ?? [] })
    await first.commit()
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '98']]))

    await consumer.stop()
    state.consumed = []
    state.snapshots = []
    await consumer.run({ autoCommit: false, eachBatch })
    await waitFor(() => state.consumed.length === 2)
    expect(state.consumed.map((message) => String(message.value))).toEqual(['value-98', 'value-99'])
    const last = state.snapshots.at(-1)
    expect(state.current?.()).toEqual({
      topics: [{ topic, partitions: [{ partition: '0', offset: '100' }] }],
    })
    const second = await producer.transaction()
    await second.sendOffsets({ consumerGroupId: groupId, topics: last?.topics ?? [] })
    expect(state.current?.()).toEqual({ topics: [] })
    await second.commit()
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '100']]))
  })

  it('are discarded when the transaction aborts', async () => {
    const producer = await transactionalProducer()
    const { consumer, state, eachBatch } = await recordingConsumer()
    await consumer.run({ autoCommit: false, eachBatch })
    await plain.send({ topic, messages: makeMessages(10) })
    await waitFor(() => state.consumed.length === 10)
    await consumer.stop()
    const aborted = await producer.transaction()
    await aborted.sendOffsets({ consumerGroupId: groupId, topics: state.snapshots[8]?.topics ?? [] })
    await aborted.abort()
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '-1']]))
    state.consumed = []
    await consumer.run({ autoCommit: false, eachBatch })
    await waitFor(() => state.consumed.length === 10)
    expect(state.consumed[0]?.offset).toBe('0')
  })

  it('are validated against existing topics and partitions', async () => {
    const producer = await transactionalProducer()
    const transaction = await producer.transaction()
    await expect(
      transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: uniqueName('missing'), partitions: [{ partition: 0, offset: '1' }] }],
      }),
    ).rejects.toMatchObject({ name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' })
    await transaction.abort()
  })
})

describe('fencing', () => {
  it('a second producer with the same transactionalId fences the first and aborts its open transaction', async () => {
    const transactionalId = uniqueName('tx')
    const first = await transactionalProducer({ transactionalId })
    const zombie = await first.transaction()
    await zombie.send({ topic, messages: [{ value: 'zombie' }] })

    const second = await transactionalProducer({ transactionalId })
    const current = await second.transaction()
    await current.send({ topic, messages: [{ value: 'current' }] })
    await current.commit()

    for (const call of [() => zombie.send({ topic, messages: [{ value: 'late' }] }), () => zombie.commit()]) {
      const error = await call().catch((caught: unknown) => caught)
      // Kafka 3.9 answers PRODUCER_FENCED, which it maps to INVALID_PRODUCER_EPOCH for the
      // AddPartitionsToTxn/EndTxn versions KafkaJS speaks (v1); checked against Kafka 3.9.1 +
      // KafkaJS 2.2.4, for send and for commit, and after a transaction timeout
      expect(error).toBeInstanceOf(KafkaJSProtocolError)
      expect(error).toMatchObject({
        name: 'KafkaJSProtocolError',
        type: 'INVALID_PRODUCER_EPOCH',
        code: 47,
        retriable: false,
        message:
          "Producer attempted an operation with an old epoch. Either there is a newer producer with the same transactionalId, or the producer's transaction has been expired by the broker",
      })
    }
    const committed = await committedReader()
    const uncommitted = await committedReader({ readUncommitted: true })
    await waitFor(() => committed.received.length === 1 && uncommitted.received.length === 2)
    expect(valuesOf(committed.received)).toEqual(['current'])
    expect(valuesOf(uncommitted.received)).toEqual(['zombie', 'current'])
  })

  it('a transaction left open longer than transactionTimeout is aborted, and its producer fenced', async () => {
    const producer = await transactionalProducer({ transactionTimeout: 100 })
    const committed = await committedReader()
    const transaction = await producer.transaction()
    await transaction.send({ topic, messages: [{ value: 'too slow' }] })
    await plain.send({ topic, messages: [{ value: 'plain' }] })
    // the committed reader is held back by the open transaction until the coordinator aborts it
    await waitFor(() => committed.received.length === 1, { timeoutMs: 3_000 })
    expect(valuesOf(committed.received)).toEqual(['plain'])
    const error = await transaction.commit().catch((caught: unknown) => caught)
    expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type: 'INVALID_PRODUCER_EPOCH' })
  })
})

/** A small seeded PRNG (mulberry32), so a failing run can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** The processor gave up for good: its process "died" mid-work (not retried, not restarted). */
class ProcessDied extends Error {
  readonly retriable = false
}

describe('exactly-once consume-transform-produce', () => {
  it('100 inputs through a processor that fails at random points and restarts: every output exactly once, offsets committed with it', async () => {
    const input = topic
    const output = uniqueName('output')
    const partitions = 3
    await cluster.createTopic(input, partitions)
    await cluster.createTopic(output, partitions)
    for (let index = 0; index < 100; index++) {
      await plain.send({ topic: input, messages: [{ key: `key-${index % 11}`, value: String(index) }] })
    }
    const random = seededRandom(20_240_601)
    const transactionalId = uniqueName('processor')
    const stats = { aborted: 0, died: 0, committed: 0, restarts: 0 }
    const failAt = (point: string): void => {
      const roll = random()
      if (roll < 0.04) throw new ProcessDied(`died ${point}`)
      if (roll < 0.12) throw new Error(`transient failure ${point}`)
    }

    const startProcessor = async () => {
      // a restarted process: a new Kafka, a new producer with the same transactional id, the same group
      const kafka = cluster.newKafka()
      const producer = cluster.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 }, kafka)
      await producer.connect()
      const consumer = cluster.consumer(
        {
          groupId,
          maxBytesPerPartition: 1,
          maxWaitTimeInMs: 20,
          retry: { initialRetryTime: 2, retries: 10_000 },
        },
        kafka,
      )
      const state = { died: false }
      consumer.on(consumer.events.CRASH, () => {
        state.died = true
      })
      await consumer.subscribe({ topics: [input], fromBeginning: true })
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          const transaction = await producer.transaction()
          try {
            for (const message of batch.messages) {
              failAt('before send')
              await transaction.send({
                topic: output,
                messages: [
                  {
                    key: message.key,
                    value: `out-${String(message.value)}`,
                    headers: { source: `${batch.partition}:${message.offset}` },
                  },
                ],
              })
            }
            failAt('before sendOffsets')
            const next = String(Number(batch.lastOffset()) + 1)
            await transaction.sendOffsets({
              consumerGroupId: groupId,
              topics: [{ topic: input, partitions: [{ partition: batch.partition, offset: next }] }],
            })
            failAt('before commit')
            await transaction.commit()
            stats.committed++
          } catch (error) {
            if (error instanceof ProcessDied) {
              // the process is gone: its transaction stays open until a successor fences it
              stats.died++
              throw error
            }
            await transaction.abort()
            stats.aborted++
            throw error
          }
          resolveOffset(batch.lastOffset())
          await heartbeat()
        },
      })
      return state
    }

    const finished = async (): Promise<boolean> => {
      const committed = await cluster.committedOffsets(groupId, input)
      const highWatermarks = await cluster.highWatermarks(input)
      return [...highWatermarks].every(([partition, high]) => committed.get(partition) === high)
    }
    for (;;) {
      const processor = await startProcessor()
      const outcome = await waitFor(
        async () => (processor.died ? 'died' : (await finished()) ? 'done' : false),
        {
          timeoutMs: 15_000,
          what: 'the processor to finish or die',
        },
      )
      if (outcome === 'done') break
      stats.restarts++
    }

    // the failures really happened, both kinds
    expect(stats.aborted).toBeGreaterThan(0)
    expect(stats.died).toBeGreaterThan(0)
    expect(stats.restarts).toBe(stats.died)

    // read_committed: each transformed input exactly once, in input order per partition
    const reader = await startCollecting(cluster, { topics: [output], fromBeginning: true })
    await waitFor(() => reader.received.length >= 100)
    await plain.send({ topic: uniqueName('barrier'), messages: [{ value: 'x' }] })
    expect(reader.received).toHaveLength(100)
    expect(valuesOf(reader.received).sort()).toEqual(
      Array.from({ length: 100 }, (_, index) => `out-${index}`).sort(),
    )
    for (let partition = 0; partition < partitions; partition++) {
      const sources = reader.received
        .filter((each) => each.partition === partition)
        .map(({ message }) => String(message.headers?.source))
      const count = Number((await cluster.highWatermarks(input)).get(partition))
      expect(sources).toEqual(Array.from({ length: count }, (_, offset) => `${partition}:${offset}`))
    }
    // the aborted and abandoned attempts exist in the log, invisible to read_committed
    const everything = await startCollecting(cluster, {
      topics: [output],
      fromBeginning: true,
      config: { readUncommitted: true },
    })
    await waitFor(() => everything.received.length >= 100)
    await plain.send({ topic: uniqueName('barrier'), messages: [{ value: 'x' }] })
    expect(everything.received.length).toBeGreaterThan(100)
  }, 60_000)
})

/** One step of the property test's schedule. */
type Command =
  | { readonly kind: 'send'; readonly producer: number; readonly partition: number; readonly count: number }
  | { readonly kind: 'commit' | 'abort'; readonly producer: number }
  | { readonly kind: 'plain'; readonly partition: number }
  | { readonly kind: 'join' }
  | { readonly kind: 'leave'; readonly member: number }
  | { readonly kind: 'tick' }

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      producer: fc.integer({ min: 0, max: 2 }),
      partition: fc.integer({ min: 0, max: 1 }),
      count: fc.integer({ min: 1, max: 3 }),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('commit' as const, 'abort' as const),
      producer: fc.integer({ min: 0, max: 2 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('plain' as const), partition: fc.integer({ min: 0, max: 1 }) }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('join' as const) }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('leave' as const), member: fc.integer({ min: 0, max: 2 }) }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('tick' as const) }), weight: 1 },
)

/**
 * Runs one schedule on a fresh cluster and returns what the group's members were handed per
 * partition, next to what a read_committed reader must see (every committed record in offset
 * order, nothing aborted).
 */
async function runSchedule(
  commands: readonly Command[],
): Promise<{ delivered: string[][]; expected: string[][] }> {
  const env = createTestCluster()
  const scheduleTopic = uniqueName('schedule')
  const scheduleGroup = uniqueName('group')
  try {
    await env.createTopic(scheduleTopic, 2)
    const plainProducer = env.producer()
    await plainProducer.connect()
    const producers: Producer[] = []
    for (let index = 0; index < 3; index++) {
      const producer = env.producer({
        transactionalId: uniqueName(`p${index}`),
        idempotent: true,
        maxInFlightRequests: 1,
      })
      await producer.connect()
      producers.push(producer)
    }
    const open: ({ transaction: Transaction; values: [number, string][] } | null)[] = [null, null, null]
    // every record in offset order per partition, with whether it ends up visible
    const log: { value: string; visible: boolean | null }[][] = [[], []]
    const pending = new Map<string, { value: string; visible: boolean | null }>()
    const delivered: string[][] = [[], []]
    const members: Consumer[] = []
    let sequence = 0

    const join = async () => {
      const consumer = env.consumer({ groupId: scheduleGroup, maxWaitTimeInMs: 20 })
      await consumer.subscribe({ topics: [scheduleTopic], fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          delivered[partition]?.push(String(message.value))
          await new Promise((resolve) => setImmediate(resolve))
        },
      })
      members.push(consumer)
    }
    const end = async (producerIndex: number, commit: boolean) => {
      const current = open[producerIndex]
      if (!current) return
      open[producerIndex] = null
      await (commit ? current.transaction.commit() : current.transaction.abort())
      for (const [, value] of current.values) {
        const entry = pending.get(value)
        if (entry) entry.visible = commit
      }
    }

    for (const command of commands) {
      switch (command.kind) {
        case 'send': {
          let current = open[command.producer]
          if (!current) {
            current = {
              transaction: await (producers[command.producer] as Producer).transaction(),
              values: [],
            }
            open[command.producer] = current
          }
          const values = Array.from({ length: command.count }, () => `p${command.producer}-${sequence++}`)
          await current.transaction.send({
            topic: scheduleTopic,
            messages: values.map((value) => ({ partition: command.partition, value })),
          })
          for (const value of values) {
            const entry = { value, visible: null }
            log[command.partition]?.push(entry)
            pending.set(value, entry)
            current.values.push([command.partition, value])
          }
          break
        }
        case 'commit':
        case 'abort':
          await end(command.producer, command.kind === 'commit')
          break
        case 'plain': {
          const value = `plain-${sequence++}`
          await plainProducer.send({
            topic: scheduleTopic,
            messages: [{ partition: command.partition, value }],
          })
          log[command.partition]?.push({ value, visible: true })
          break
        }
        case 'join':
          if (members.length < 3) await join()
          break
        case 'leave': {
          const [member] = members.splice(command.member % Math.max(1, members.length), 1)
          await member?.disconnect()
          break
        }
        case 'tick':
          await new Promise((resolve) => setImmediate(resolve))
          break
      }
    }
    // settle: resolve every open transaction (alternately commit and abort), keep one member
    for (let index = 0; index < open.length; index++) await end(index, index % 2 === 0)
    if (members.length === 0) await join()
    const expected = log.map((entries) =>
      entries.filter((entry) => entry.visible === true).map(({ value }) => value),
    )
    const total = expected.reduce((sum, values) => sum + values.length, 0)
    await waitFor(() => delivered.reduce((sum, values) => sum + values.length, 0) >= total, {
      timeoutMs: 5_000,
      what: `${total} committed records delivered`,
    })
    // one more round trip, so that any extra delivery would show up
    await plainProducer.send({ topic: uniqueName('barrier'), messages: [{ value: 'x' }] })
    await new Promise((resolve) => setTimeout(resolve, 5))
    return { delivered, expected }
  } finally {
    await env.cleanup()
  }
}

describe('property: transactional producers and a rebalancing read_committed group', () => {
  it('deliver each committed record exactly once, in order per partition, and no aborted record', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArbitrary, { minLength: 1, maxLength: 30 }), async (commands) => {
        const { delivered, expected } = await runSchedule(commands)
        expect(delivered).toEqual(expected)
      }),
      { numRuns: 40 },
    )
  }, 120_000)
})
