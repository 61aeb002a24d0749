import { describe } from 'vitest'
import type { ErrorRecording, Kit } from './harness.js'
import { differential, recordError } from './harness.js'
import { committedOffsets, connectedProducer, createTopics } from './helpers.js'

type Consumer = ReturnType<Kit['consumer']>

async function topicWithMessages(kit: Kit, name: string, count: number) {
  const topic = kit.topic(name)
  await createTopics(kit, [{ topic }])
  const producer = await connectedProducer(kit)
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ value: `m${i}` })) })
  return topic
}

/** Records CRASH events as `{ error, restart }`. */
function crashes(consumer: Consumer): { error: ErrorRecording; restart: boolean }[] {
  const seen: { error: ErrorRecording; restart: boolean }[] = []
  consumer.on(consumer.events.CRASH, (event) => {
    seen.push({ error: recordError(event.payload.error), restart: event.payload.restart })
  })
  return seen
}

describe('handler failures and retries', () => {
  differential(
    'a retriable eachMessage error commits the earlier offsets and redelivers the same message',
    async (kit) => {
      const topic = await topicWithMessages(kit, 'retry', 5)
      const groupId = kit.groupId('retry')
      const consumer = kit.consumer({
        groupId,
        retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 500 },
      })
      const crashed = crashes(consumer)
      const delivered: string[] = []
      const committedAtRedelivery: unknown[] = []
      let failed = false
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ message }) => {
          delivered.push(message.offset)
          if (message.offset !== '2') return
          if (!failed) {
            failed = true
            throw new Error('transient failure')
          }
          committedAtRedelivery.push(await committedOffsets(kit, groupId, [topic]))
        },
      })
      await kit.waitFor(() => delivered.length >= 6, '6 deliveries')
      await kit.waitFor(
        async () => (await committedOffsets(kit, groupId, [topic]))[`${topic}/0`] === '5',
        'commit 5',
      )
      return { delivered, committedAtRedelivery, crashed }
    },
  )

  differential('a TypeError in eachMessage crashes the consumer without restart', async (kit) => {
    const topic = await topicWithMessages(kit, 'type-error', 4)
    const groupId = kit.groupId('type-error')
    const consumer = kit.consumer({
      groupId,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 500 },
    })
    const crashed = crashes(consumer)
    const delivered: string[] = []
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message }) => {
        delivered.push(message.offset)
        if (message.offset === '2') throw new TypeError('cannot read properties of null')
      },
    })
    await kit.waitFor(() => crashed.length >= 1, 'the crash')
    const committed = await committedOffsets(kit, groupId, [topic])
    return { delivered, crashed, committed }
  })

  differential(
    'exhausted retries crash with KafkaJSNumberOfRetriesExceeded; restartOnFailure decides',
    async (kit) => {
      const topic = await topicWithMessages(kit, 'exhausted', 3)
      const groupId = kit.groupId('exhausted')
      const askedWith: ErrorRecording[] = []
      const consumer = kit.consumer({
        groupId,
        retry: {
          retries: 1,
          initialRetryTime: 50,
          maxRetryTime: 200,
          restartOnFailure: async (error) => {
            askedWith.push(recordError(error))
            return false
          },
        },
      })
      const crashed = crashes(consumer)
      const delivered: string[] = []
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ message }) => {
          delivered.push(message.offset)
          if (message.offset === '1') throw new Error('poison message')
        },
      })
      await kit.waitFor(() => crashed.length >= 1, 'the crash')
      const committed = await committedOffsets(kit, groupId, [topic])
      return { delivered, crashed, askedWith, committed }
    },
  )

  differential('a KafkaJSNonRetriableError thrown by the handler is not retried', async (kit) => {
    const topic = await topicWithMessages(kit, 'non-retriable', 2)
    const consumer = kit.consumer({
      groupId: kit.groupId('non-retriable'),
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 500 },
    })
    const crashed = crashes(consumer)
    const delivered: string[] = []
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message }) => {
        delivered.push(message.offset)
        throw new kit.kafkajs.KafkaJSNonRetriableError('do not retry me')
      },
    })
    await kit.waitFor(() => crashed.length >= 1, 'the crash')
    return { delivered, crashed }
  })
})
