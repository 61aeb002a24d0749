/**
 * Offsets as a KafkaJS user sees them: the committed offset is the next offset to read,
 * fromBeginning applies only where nothing valid is committed, autoCommit with its interval and
 * threshold, and consumer.commitOffsets.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type ConsumerCommitOffsetsEvent,
  KafkaJSNonRetriableError,
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

/** Consumes `count` messages with a fresh member of `groupId`, then disconnects it. */
async function consumeAndLeave(count: number, fromBeginning = true): Promise<string[]> {
  const { consumer, received } = await startCollecting(cluster, { topics: [topic], groupId, fromBeginning })
  await waitFor(() => received.length >= count)
  await consumer.disconnect()
  return received.map(({ message }) => message.offset)
}

function commitEvents(consumer: { on: (name: never, listener: never) => unknown }): string[][] {
  const commits: string[][] = []
  ;(consumer.on as (name: string, listener: (event: ConsumerCommitOffsetsEvent) => void) => unknown)(
    'consumer.commit_offsets',
    (event) => {
      commits.push(event.payload.topics.flatMap(({ partitions }) => partitions.map(({ offset }) => offset)))
    },
  )
  return commits
}

describe('committed offsets', () => {
  it('commit the next offset to read (last processed + 1)', async () => {
    await producer.send({ topic, messages: makeMessages(5) })
    expect(await consumeAndLeave(5)).toEqual(['0', '1', '2', '3', '4'])
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '5']]))
  })

  it('fromBeginning applies only where nothing is committed', async () => {
    await producer.send({ topic, messages: makeMessages(3, 'old') })
    // a new group with fromBeginning false starts at the end
    const latest = await startCollecting(cluster, {
      topics: [topic],
      groupId: uniqueName('late'),
      fromBeginning: false,
    })
    await producer.send({ topic, messages: [{ value: 'new' }] })
    await waitFor(() => latest.received.length === 1)
    expect(valuesOf(latest.received)).toEqual(['new'])
    // a new group with fromBeginning true starts at the log start
    expect(await consumeAndLeave(4)).toEqual(['0', '1', '2', '3'])
    // once committed, fromBeginning is ignored
    await producer.send({ topic, messages: [{ value: 'after-commit' }] })
    const resumed = await startCollecting(cluster, { topics: [topic], groupId, fromBeginning: true })
    await waitFor(() => resumed.received.length === 1)
    expect(valuesOf(resumed.received)).toEqual(['after-commit'])
  })

  it('fromBeginning starts at the log start offset, not at 0, after records were deleted', async () => {
    await producer.send({ topic, messages: makeMessages(10) })
    const admin = cluster.admin()
    await admin.connect()
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '7' }] })
    expect(await consumeAndLeave(3)).toEqual(['7', '8', '9'])
  })

  it('a committed offset below the log start resets per fromBeginning', async () => {
    await producer.send({ topic, messages: makeMessages(4) })
    expect(await consumeAndLeave(4)).toEqual(['0', '1', '2', '3'])
    const admin = cluster.admin()
    await admin.connect()
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] })
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] })
    expect(await consumeAndLeave(1)).toEqual(['3'])
  })

  it('a reset sentinel (-2) is resolved with the subscription fromBeginning, as KafkaJS does', async () => {
    await producer.send({ topic, messages: makeMessages(3) })
    expect(await consumeAndLeave(3)).toEqual(['0', '1', '2'])
    const admin = cluster.admin()
    await admin.connect()
    await admin.resetOffsets({ groupId, topic, earliest: true })
    // fromBeginning false: starts at the end even though the sentinel says earliest
    const { received } = await startCollecting(cluster, { topics: [topic], groupId, fromBeginning: false })
    await producer.send({ topic, messages: [{ value: 'fresh' }] })
    await waitFor(() => received.length === 1)
    expect(valuesOf(received)).toEqual(['fresh'])
  })

  it('the last subscribe of a topic decides its fromBeginning', async () => {
    await producer.send({ topic, messages: makeMessages(2) })
    const consumer = cluster.consumer({ groupId })
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.subscribe({ topics: [topic], fromBeginning: false })
    const received: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) })
    await producer.send({ topic, messages: [{ value: 'only-this' }] })
    await waitFor(() => received.length === 1)
    expect(received).toEqual(['only-this'])
  })

  it('a partition nothing was read from is not committed', async () => {
    await cluster.createTopic(topic, 2)
    const { consumer, received } = await startCollecting(cluster, { topics: [topic], groupId })
    await producer.send({ topic, messages: [{ partition: 1, value: 'one' }] })
    await waitFor(() => received.length === 1)
    await consumer.disconnect()
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(
      new Map([
        [0, '-1'],
        [1, '1'],
      ]),
    )
  })
})

describe('autoCommit', () => {
  it('commits at the end of every batch by default', async () => {
    await producer.send({ topic, messages: makeMessages(3) })
    const consumer = cluster.consumer({ groupId })
    const commits = commitEvents(consumer as never)
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const received: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.offset) })
    await waitFor(() => commits.length === 1)
    await producer.send({ topic, messages: makeMessages(2) })
    await waitFor(() => commits.length === 2)
    expect(commits).toEqual([['3'], ['5']])
  })

  it('autoCommit false commits nothing, even on stop, and a restart redelivers', async () => {
    await producer.send({ topic, messages: makeMessages(3) })
    const first = await startCollecting(cluster, {
      topics: [topic],
      groupId,
      fromBeginning: true,
      run: { autoCommit: false },
    })
    await waitFor(() => first.received.length === 3)
    await first.consumer.disconnect()
    expect(await cluster.committedOffsets(groupId, topic)).toEqual(new Map([[0, '-1']]))
    const second = await startCollecting(cluster, { topics: [topic], groupId, fromBeginning: true })
    await waitFor(() => second.received.length === 3)
    expect(second.received.map(({ message }) => message.offset)).toEqual(['0', '1', '2'])
  })

  it('autoCommitThreshold adds commits inside a batch every N resolved offsets', async () => {
    await producer.send({ topic, messages: makeMessages(10) })
    const consumer = cluster.consumer({ groupId })
    const commits = commitEvents(consumer as never)
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({ autoCommitThreshold: 3, eachMessage: async () => {} })
    await waitFor(() => commits.flat().includes('10'))
    expect(commits).toEqual([['3'], ['6'], ['9'], ['10']])
  })

  it('autoCommitInterval adds commits inside a batch once the interval has passed', async () => {
    await producer.send({ topic, messages: makeMessages(4) })
    const eager = cluster.consumer({ groupId })
    const eagerCommits = commitEvents(eager as never)
    await eager.subscribe({ topics: [topic], fromBeginning: true })
    await eager.run({ autoCommitInterval: 0, eachMessage: async () => {} })
    await waitFor(() => eagerCommits.flat().includes('4'))
    expect(eagerCommits).toEqual([['1'], ['2'], ['3'], ['4']])

    const lazy = cluster.consumer({ groupId: uniqueName('lazy') })
    const lazyCommits = commitEvents(lazy as never)
    await lazy.subscribe({ topics: [topic], fromBeginning: true })
    await lazy.run({ autoCommitInterval: 60_000, eachMessage: async () => {} })
    await waitFor(() => lazyCommits.length === 1)
    expect(lazyCommits).toEqual([['4']])
  })
})

describe('consumer.commitOffsets', () => {
  it('validates its arguments with KafkaJS messages, before checking that run() was called', async () => {
    const consumer = cluster.consumer({ groupId })
    const cases: [unknown[], string][] = [
      [[{ topic: null }], 'Invalid topic null'],
      [[{ topic, partition: 'ABC' }], 'Invalid partition, expected a number received ABC'],
      [[{ topic, partition: 0, offset: 'ABC' }], 'Invalid offset, expected a long received ABC'],
      [[{ topic, partition: 0, offset: '-1' }], 'Offset must not be a negative number'],
      [
        [{ topic, partition: 0, offset: '1', metadata: 5 }],
        'Invalid offset metadata, expected string or null, received 5',
      ],
      [
        [{ topic, partition: 0, offset: '1' }],
        'Consumer group was not initialized, consumer#run must be called first',
      ],
    ]
    for (const [argument, message] of cases) {
      const error = await consumer.commitOffsets(argument as never).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(KafkaJSNonRetriableError)
      expect(error).toMatchObject({ message })
    }
  })

  it('commits the given offset as is (not +1), with metadata, and emits COMMIT_OFFSETS', async () => {
    await producer.send({ topic, messages: makeMessages(3) })
    const consumer = cluster.consumer({ groupId })
    const events: ConsumerCommitOffsetsEvent['payload'][] = []
    consumer.on(consumer.events.COMMIT_OFFSETS, (event) => void events.push(event.payload))
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const offsets: string[] = []
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        offsets.push(message.offset)
        if (offsets.length === 1) {
          await consumer.commitOffsets([{ topic, partition: 0, offset: '1', metadata: 'checkpoint' }])
        }
      },
    })
    await waitFor(() => offsets.length === 3)
    expect(offsets).toEqual(['0', '1', '2'])
    const admin = cluster.admin()
    await admin.connect()
    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([
      { topic, partitions: [{ partition: 0, offset: '1', metadata: 'checkpoint' }] },
    ])
    expect(events).toEqual([
      expect.objectContaining({
        groupId,
        memberId: expect.any(String),
        groupGenerationId: expect.any(Number),
        topics: [{ topic, partitions: [expect.objectContaining({ partition: 0, offset: '1' })] }],
      }),
    ])
  })

  it('a restarted member resumes from a manually committed offset', async () => {
    await producer.send({ topic, messages: makeMessages(5) })
    const first = cluster.consumer({ groupId })
    await first.subscribe({ topics: [topic], fromBeginning: true })
    let seen = 0
    await first.run({ autoCommit: false, eachMessage: async () => void seen++ })
    await waitFor(() => seen === 5)
    await first.commitOffsets([{ topic, partition: 0, offset: '2' }])
    await first.disconnect()
    expect(await consumeAndLeave(3)).toEqual(['2', '3', '4'])
  })

  it('rejects after stop, as the consumer group is gone', async () => {
    const { consumer } = await startCollecting(cluster, { topics: [topic], groupId })
    await consumer.stop()
    await expect(consumer.commitOffsets([{ topic, partition: 0, offset: '0' }])).rejects.toThrow(
      'Consumer group was not initialized, consumer#run must be called first',
    )
  })
})
