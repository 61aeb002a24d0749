import { describe } from 'vitest'
import type { Kit } from './harness.js'
import { differential } from './harness.js'
import { committedOffsets, connectedProducer, createTopics } from './helpers.js'

type Consumer = ReturnType<Kit['consumer']>
type EachBatchPayload = Parameters<NonNullable<NonNullable<Parameters<Consumer['run']>[0]>['eachBatch']>>[0]

/** The batch as plain data: everything but the message contents. */
function batchRecord(payload: EachBatchPayload) {
  const { batch } = payload
  return {
    topic: batch.topic,
    partition: batch.partition,
    highWatermark: batch.highWatermark,
    offsets: batch.messages.map((message) => message.offset),
    isEmpty: batch.isEmpty(),
    firstOffset: batch.firstOffset(),
    lastOffset: batch.lastOffset(),
    offsetLag: batch.offsetLag(),
    offsetLagLow: batch.offsetLagLow(),
    isRunning: payload.isRunning(),
    isStale: payload.isStale(),
  }
}

async function topicWithMessages(kit: Kit, name: string, count: number) {
  const topic = kit.topic(name)
  await createTopics(kit, [{ topic }])
  const producer = await connectedProducer(kit)
  // One send: one record batch, so both brokers hand the consumer all of it in the first fetch.
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ value: `m${i}` })) })
  return { topic, producer }
}

describe('eachBatch', () => {
  differential(
    'batch offsets, lag, resolveOffset and uncommittedOffsets without auto-resolve',
    async (kit) => {
      const { topic } = await topicWithMessages(kit, 'batch', 10)
      const groupId = kit.groupId('batch')
      const consumer = kit.consumer({ groupId })
      const batches: unknown[] = []
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          const record: Record<string, unknown> = batchRecord(payload)
          if (batches.length === 0) {
            record.uncommittedBefore = payload.uncommittedOffsets()
            payload.resolveOffset('4')
            record.uncommittedAfterResolve = payload.uncommittedOffsets()
            record.commitIfNecessary = await payload.commitOffsetsIfNecessary()
            record.heartbeat = await payload.heartbeat()
          } else {
            payload.resolveOffset(payload.batch.lastOffset())
          }
          batches.push(record)
        },
      })
      await kit.waitFor(() => batches.length >= 2, 'two batches')
      await kit.waitFor(
        async () => (await committedOffsets(kit, groupId, [topic]))[`${topic}/0`] === '10',
        'commit 10',
      )
      return { batches }
    },
  )

  differential(
    'a batch handler that resolves nothing gets the batch again without starving the event loop',
    async (kit) => {
      const { topic } = await topicWithMessages(kit, 'batch-unresolved', 3)
      const consumer = kit.consumer({ groupId: kit.groupId('batch-unresolved') })
      let calls = 0
      let timerFired = false
      let timersStarved = false
      let done = false
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }) => {
          calls++
          if (calls === 1) setTimeout(() => (timerFired = true), 0)
          // Redelivery is expected; a 0 ms timer must still get its turn. The cap keeps a
          // starving implementation from hanging the whole test process.
          if (calls >= 5_000 && !timerFired) timersStarved = true
          if (timerFired || timersStarved) {
            resolveOffset(batch.lastOffset())
            done = true
          }
        },
      })
      await kit.waitFor(() => done, 'the handler to see its timer (or give up)')
      return { redelivered: calls > 1, timersStarved }
    },
    // F2 in FINDINGS.md: fixed in a08350f (the loop yields every 16 data fetches).
  )

  differential(
    'commitOffsetsIfNecessary with explicit offsets commits even with autoCommit off',
    async (kit) => {
      const { topic } = await topicWithMessages(kit, 'batch-commit', 5)
      const groupId = kit.groupId('batch-commit')
      const consumer = kit.consumer({ groupId })
      let done = false
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ commitOffsetsIfNecessary }) => {
          if (done) return
          await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition: 0, offset: '3' }] }] })
          done = true
        },
      })
      await kit.waitFor(() => done, 'the batch handler')
      return committedOffsets(kit, groupId, [topic])
    },
  )

  differential('a throwing eachBatch commits what it resolved and gets the rest again', async (kit) => {
    const { topic } = await topicWithMessages(kit, 'batch-throw', 5)
    const groupId = kit.groupId('batch-throw')
    const consumer = kit.consumer({
      groupId,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 500 },
    })
    const batches: unknown[] = []
    const committedAtRetry: unknown[] = []
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      eachBatch: async (payload) => {
        batches.push(payload.batch.messages.map((message) => message.offset))
        if (batches.length === 1) {
          payload.resolveOffset('1')
          throw new Error('first batch fails after resolving offset 1')
        }
        if (batches.length === 2) committedAtRetry.push(await committedOffsets(kit, groupId, [topic]))
      },
    })
    await kit.waitFor(() => batches.length >= 2, 'the retried batch')
    await kit.waitFor(
      async () => (await committedOffsets(kit, groupId, [topic]))[`${topic}/0`] === '5',
      'commit 5',
    )
    return { batches, committedAtRetry }
  })

  differential(
    'eachBatchAutoResolve (default) commits the whole batch when the handler returns',
    async (kit) => {
      const { topic } = await topicWithMessages(kit, 'batch-auto', 4)
      const groupId = kit.groupId('batch-auto')
      const consumer = kit.consumer({ groupId })
      const seen: string[] = []
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) seen.push(message.offset)
        },
      })
      await kit.waitFor(() => seen.length >= 4, '4 messages')
      await kit.waitFor(
        async () => (await committedOffsets(kit, groupId, [topic]))[`${topic}/0`] === '4',
        'commit 4',
      )
      return { seen, committed: await committedOffsets(kit, groupId, [topic]) }
    },
  )
})
