import { describe } from 'vitest'
import type { Kit } from './harness.js'
import { differential } from './harness.js'
import { committedOffsets, connectedProducer, createTopics, sortedMetadata } from './helpers.js'

type Consumer = ReturnType<Kit['consumer']>

async function transactionalProducer(kit: Kit, name: string) {
  const producer = kit.producer({
    transactionalId: kit.transactionalId(name),
    idempotent: true,
    maxInFlightRequests: 1,
  })
  await producer.connect()
  return producer
}

/** Runs a consumer collecting `offset:value`. */
async function collect(consumer: Consumer, topic: string): Promise<string[]> {
  const delivered: string[] = []
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ message }) => {
      delivered.push(`${message.offset}:${message.value?.toString()}`)
    },
  })
  return delivered
}

async function topicOffsets(kit: Kit, topic: string) {
  const admin = kit.admin()
  await admin.connect()
  const offsets = await admin.fetchTopicOffsets(topic)
  await admin.disconnect()
  return offsets
}

/**
 * Waits until admin.fetchTopicOffsets reports `high` on partition 0. KafkaJS lists offsets
 * READ_COMMITTED, so this also waits for the transaction markers on the real broker.
 */
async function highWatermarkReaches(kit: Kit, topic: string, high: string): Promise<void> {
  await kit.waitFor(async () => (await topicOffsets(kit, topic))[0]?.high === high, `high watermark ${high}`)
}

describe('transactions', () => {
  differential(
    'committed and aborted transactions: visibility, control-record offset gaps, next offset',
    async (kit) => {
      const topic = kit.topic('txn')
      await createTopics(kit, [{ topic }])
      const producer = await transactionalProducer(kit, 'txn')
      const committed = await producer.transaction()
      const committedSend = await committed.send({
        topic,
        messages: [{ value: 'c0' }, { value: 'c1' }, { value: 'c2' }],
      })
      const activeBeforeCommit = committed.isActive()
      await committed.commit()
      const activeAfterCommit = committed.isActive()
      // Kafka writes the markers after EndTxn returns: wait for them so the offsets are deterministic.
      await highWatermarkReaches(kit, topic, '4')
      const aborted = await producer.transaction()
      const abortedSend = await aborted.send({ topic, messages: [{ value: 'a0' }, { value: 'a1' }] })
      await aborted.abort()
      await highWatermarkReaches(kit, topic, '7')
      const plain = await connectedProducer(kit)
      // Three committed records (0-2), a commit marker (3), two aborted (4, 5), an abort marker (6).
      const next = await plain.send({ topic, messages: [{ value: 'plain' }] })
      const readCommitted = await collect(kit.consumer({ groupId: kit.groupId('rc') }), topic)
      const readUncommitted = await collect(
        kit.consumer({ groupId: kit.groupId('ru'), readUncommitted: true }),
        topic,
      )
      await kit.waitFor(() => readCommitted.length >= 4 && readUncommitted.length >= 6, 'both consumers')
      const sendAfterCommit = await kit.attempt(() =>
        committed.send({ topic, messages: [{ value: 'late' }] }),
      )
      return {
        committedSend: sortedMetadata(committedSend),
        abortedSend: sortedMetadata(abortedSend),
        next: sortedMetadata(next),
        activeBeforeCommit,
        activeAfterCommit,
        readCommitted,
        readUncommitted,
        offsets: await topicOffsets(kit, topic),
        sendAfterCommit,
      }
    },
  )

  differential(
    'an open transaction hides its records and everything after them from read_committed',
    async (kit) => {
      const topic = kit.topic('txn-open')
      await createTopics(kit, [{ topic }])
      const producer = await transactionalProducer(kit, 'txn-open')
      const plain = await connectedProducer(kit)
      await plain.send({ topic, messages: [{ value: 'before' }] })
      const transaction = await producer.transaction()
      await transaction.send({ topic, messages: [{ value: 'in-txn' }] })
      await plain.send({ topic, messages: [{ value: 'after-txn-start' }] })
      const rcConsumer = kit.consumer({ groupId: kit.groupId('rc-open') })
      const readCommitted = await collect(rcConsumer, topic)
      const readUncommitted = await collect(
        kit.consumer({ groupId: kit.groupId('ru-open'), readUncommitted: true }),
        topic,
      )
      await kit.waitFor(
        () => readUncommitted.length >= 3 && readCommitted.length >= 1,
        'the visible messages',
      )
      await kit.nextEvent(rcConsumer, 'FETCH', 3)
      const whileOpen = [...readCommitted]
      await transaction.commit()
      await kit.waitFor(() => readCommitted.length >= 3, 'the committed transaction')
      return {
        whileOpen,
        readUncommitted,
        afterCommit: readCommitted,
        offsetsAfter: await topicOffsets(kit, topic),
      }
    },
  )

  differential(
    'admin offsets during an open transaction are the last stable offset (KafkaJS lists READ_COMMITTED)',
    async (kit) => {
      const topic = kit.topic('txn-lso')
      await createTopics(kit, [{ topic }])
      const producer = await transactionalProducer(kit, 'txn-lso')
      const plain = await connectedProducer(kit)
      await plain.send({ topic, messages: [{ value: 'before' }] })
      const transaction = await producer.transaction()
      await transaction.send({ topic, messages: [{ value: 'in-txn' }] })
      await plain.send({ topic, messages: [{ value: 'after-txn-start' }] })
      const admin = kit.admin()
      await admin.connect()
      const whileOpen = {
        fetchTopicOffsets: await admin.fetchTopicOffsets(topic),
        byTimestampLatest: await admin.fetchTopicOffsetsByTimestamp(topic),
        byTimestampFuture: await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() + 3_600_000),
      }
      await transaction.commit()
      // Kafka writes the commit markers after EndTxn answers, so the LSO moves a moment later;
      // wait for it (4 = three records and the marker) on both sides, then record.
      await highWatermarkReaches(kit, topic, '4')
      return { whileOpen, afterCommit: await admin.fetchTopicOffsets(topic) }
    },
  )

  differential(
    'a fromBeginning:false consumer started during an open transaction sees it once committed',
    async (kit) => {
      const topic = kit.topic('txn-latest')
      await createTopics(kit, [{ topic }])
      const producer = await transactionalProducer(kit, 'txn-latest')
      const plain = await connectedProducer(kit)
      await plain.send({ topic, messages: [{ value: 'before' }] })
      const transaction = await producer.transaction()
      await transaction.send({ topic, messages: [{ value: 'in-txn' }] })
      const consumer = kit.consumer({ groupId: kit.groupId('txn-latest') })
      const delivered: string[] = []
      const fetched = kit.nextEvent(consumer, 'FETCH', 2)
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: false })
      await consumer.run({
        eachMessage: async ({ message }) => {
          delivered.push(`${message.offset}:${message.value?.toString()}`)
        },
      })
      await fetched
      await transaction.commit()
      await highWatermarkReaches(kit, topic, '3')
      await plain.send({ topic, messages: [{ value: 'after-commit' }] })
      await kit.waitFor(
        () => delivered.some((entry) => entry.endsWith('after-commit')),
        'the message after the commit',
      )
      return delivered
    },
  )

  differential(
    'sendOffsets commits the group offset with the transaction, and abort discards it',
    async (kit) => {
      const input = kit.topic('txn-in')
      const output = kit.topic('txn-out')
      await createTopics(kit, [{ topic: input }, { topic: output }])
      const plain = await connectedProducer(kit)
      await plain.send({ topic: input, messages: [{ value: 'i0' }, { value: 'i1' }, { value: 'i2' }] })
      const groupId = kit.groupId('txn-group')
      const producer = await transactionalProducer(kit, 'txn-offsets')
      const abortedTxn = await producer.transaction()
      await abortedTxn.send({ topic: output, messages: [{ value: 'aborted-out' }] })
      await abortedTxn.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: input, partitions: [{ partition: 0, offset: '1' }] }],
      })
      await abortedTxn.abort()
      const afterAbort = await committedOffsets(kit, groupId, [input])
      const committedTxn = await producer.transaction()
      await committedTxn.send({ topic: output, messages: [{ value: 'o0' }, { value: 'o1' }] })
      await committedTxn.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: input, partitions: [{ partition: 0, offset: '2' }] }],
      })
      await committedTxn.commit()
      const afterCommit = await committedOffsets(kit, groupId, [input])
      // A consumer of the group resumes at the transactional commit.
      const resumed = await collect(kit.consumer({ groupId }), input)
      const outputSeen = await collect(kit.consumer({ groupId: kit.groupId('txn-out-reader') }), output)
      await kit.waitFor(
        () => resumed.length >= 1 && outputSeen.length >= 2,
        'the resumed input and the output',
      )
      return { afterAbort, afterCommit, resumed, outputSeen }
    },
  )

  differential(
    'a transactional producer rejects sends outside a transaction and a second concurrent transaction',
    async (kit) => {
      const topic = kit.topic('txn-misuse')
      await createTopics(kit, [{ topic }])
      const producer = await transactionalProducer(kit, 'txn-misuse')
      const outside = await kit.attempt(() => producer.send({ topic, messages: [{ value: 'x' }] }))
      const transaction = await producer.transaction()
      const second = await kit.attempt(() => producer.transaction())
      await transaction.abort()
      const idempotentAcks = await kit.attempt(async () => {
        const idempotent = kit.producer({ idempotent: true })
        await idempotent.connect()
        return idempotent.send({ topic, acks: 1, messages: [{ value: 'x' }] })
      })
      return { outside, second, idempotentAcks }
    },
  )
})
