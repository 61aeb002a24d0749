import { describe } from 'vitest'
import type { Kit } from './harness.js'
import { differential } from './harness.js'
import { connectedProducer, createTopics } from './helpers.js'

/** Retries kept small so the real client gives up quickly. */
const QUICK_RETRY = { retries: 1, initialRetryTime: 100, maxRetryTime: 200 }

async function connectedAdmin(kit: Kit) {
  const admin = kit.admin({ retry: QUICK_RETRY })
  await admin.connect()
  return admin
}

describe('bad input: topic names', () => {
  differential('the producer rejects invalid topic names', async (kit) => {
    const producer = await connectedProducer(kit, { retry: QUICK_RETRY })
    const outcomes: Record<string, unknown> = {}
    for (const [label, name] of [
      ['space', 'bad topic'],
      ['bang', 'bad!'],
      ['dot', '.'],
      ['dotdot', '..'],
      ['tooLong', 'x'.repeat(250)],
    ] as const) {
      outcomes[label] = await kit.attempt(() => producer.send({ topic: name, messages: [{ value: 'v' }] }))
    }
    outcomes.empty = await kit.attempt(() => producer.send({ topic: '', messages: [{ value: 'v' }] }))
    return outcomes
  })

  differential('admin.createTopics rejects invalid topic names', async (kit) => {
    const admin = await connectedAdmin(kit)
    const outcomes: Record<string, unknown> = {}
    for (const [label, name] of [
      ['space', 'bad topic'],
      ['dotdot', '..'],
      ['tooLong', 'x'.repeat(250)],
    ] as const) {
      outcomes[label] = await kit.attempt(() => admin.createTopics({ topics: [{ topic: name }] }))
    }
    outcomes.longest = await kit.attempt(() =>
      admin.createTopics({ topics: [{ topic: `${kit.topic('l')}-${'x'.repeat(200)}`.slice(0, 249) }] }),
    )
    return outcomes
  })
})

describe('bad input: sizes and partitions', () => {
  differential('a message larger than max.message.bytes is rejected and nothing is appended', async (kit) => {
    const topic = kit.topic('too-large')
    await createTopics(kit, [{ topic }])
    const producer = await connectedProducer(kit, { retry: QUICK_RETRY })
    const big = await kit.attempt(() =>
      producer.send({ topic, messages: [{ value: Buffer.alloc(1_100_000, 1) }] }),
    )
    const fits = await kit.attempt(() =>
      producer.send({ topic, messages: [{ value: Buffer.alloc(1_000_000, 1) }] }),
    )
    const admin = await connectedAdmin(kit)
    return { big, fits, offsets: await admin.fetchTopicOffsets(topic) }
  })

  differential(
    'createPartitions to a smaller or equal count, or of a missing topic, is rejected',
    async (kit) => {
      const topic = kit.topic('shrink')
      await createTopics(kit, [{ topic, numPartitions: 3 }])
      const admin = await connectedAdmin(kit)
      return {
        smaller: await kit.attempt(() => admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] })),
        equal: await kit.attempt(() => admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] })),
        missing: await kit.attempt(() =>
          admin.createPartitions({ topicPartitions: [{ topic: kit.topic('missing'), count: 2 }] }),
        ),
        empty: await kit.attempt(() => admin.createPartitions({ topicPartitions: [] })),
      }
    },
  )

  differential('createTopics with a bad partition count', async (kit) => {
    const admin = await connectedAdmin(kit)
    return {
      zero: await kit.attempt(() =>
        admin.createTopics({ topics: [{ topic: kit.topic('zero'), numPartitions: 0 }] }),
      ),
      duplicate: await kit.attempt(() =>
        admin.createTopics({ topics: [{ topic: kit.topic('dup') }, { topic: kit.topic('dup') }] }),
      ),
    }
  })
})

describe('bad input: unknown topics without auto-creation', () => {
  differential('producer.send to a missing topic with allowAutoTopicCreation false', async (kit) => {
    const producer = kit.producer({ allowAutoTopicCreation: false, retry: QUICK_RETRY })
    await producer.connect()
    const topic = kit.topic('missing-produce')
    const outcome = await kit.attempt(() => producer.send({ topic, messages: [{ value: 'v' }] }))
    const admin = await connectedAdmin(kit)
    return { outcome, created: (await admin.listTopics()).includes(topic) }
  })

  differential('consumer.subscribe to a missing topic with allowAutoTopicCreation false', async (kit) => {
    const consumer = kit.consumer({
      groupId: kit.groupId('missing-subscribe'),
      allowAutoTopicCreation: false,
      retry: QUICK_RETRY,
    })
    await consumer.connect()
    const topic = kit.topic('missing-subscribe')
    const outcome = await kit.attempt(() => consumer.subscribe({ topics: [topic] }))
    const admin = await connectedAdmin(kit)
    return { outcome, created: (await admin.listTopics()).includes(topic) }
  })

  differential('admin calls on a missing topic', async (kit) => {
    const admin = await connectedAdmin(kit)
    const topic = kit.topic('missing-admin')
    return {
      fetchTopicMetadata: await kit.attempt(() => admin.fetchTopicMetadata({ topics: [topic] })),
      fetchTopicOffsets: await kit.attempt(() => admin.fetchTopicOffsets(topic)),
      deleteTopics: await kit.attempt(() => admin.deleteTopics({ topics: [topic] })),
    }
  })
})

describe('bad input: client arguments', () => {
  differential('producer argument validation', async (kit) => {
    const topic = kit.topic('producer-args')
    await createTopics(kit, [{ topic }])
    const producer = kit.producer({ retry: QUICK_RETRY })
    const disconnected = await kit.attempt(() => producer.send({ topic, messages: [{ value: 'v' }] }))
    await producer.connect()
    return {
      disconnected,
      noMessages: await kit.attempt(() => producer.send({ topic } as never)),
      noValue: await kit.attempt(() => producer.send({ topic, messages: [{ key: 'k' } as never] })),
      noTopic: await kit.attempt(() =>
        producer.sendBatch({ topicMessages: [{ messages: [{ value: 'v' }] } as never] }),
      ),
      nullValue: await kit.attempt(
        async () => (await producer.send({ topic, messages: [{ value: null }] })).length,
      ),
    }
  })

  differential('consumer argument validation', async (kit) => {
    const topic = kit.topic('consumer-args')
    await createTopics(kit, [{ topic }])
    const noGroup = await kit.attempt(() => kit.kafka.consumer({} as never))
    const heartbeat = await kit.attempt(() =>
      kit.kafka.consumer({ groupId: 'x', sessionTimeout: 6000, heartbeatInterval: 6000 }),
    )
    const consumer = kit.consumer({ groupId: kit.groupId('consumer-args') })
    await consumer.connect()
    const subscribe = {
      missing: await kit.attempt(() => consumer.subscribe({} as never)),
      notArray: await kit.attempt(() => consumer.subscribe({ topics: topic as never })),
      badElement: await kit.attempt(() => consumer.subscribe({ topics: [42 as never] })),
    }
    const beforeRun = {
      seek: await kit.attempt(() => consumer.seek({ topic, partition: 0, offset: '0' })),
      commitOffsets: await kit.attempt(() => consumer.commitOffsets([{ topic, partition: 0, offset: '0' }])),
      describeGroup: await kit.attempt(async () => (await consumer.describeGroup()).state),
    }
    await consumer.subscribe({ topics: [topic] })
    await consumer.run({ eachMessage: async () => {} })
    const whileRunning = {
      subscribe: await kit.attempt(() => consumer.subscribe({ topics: [topic] })),
      seekBadTopic: await kit.attempt(() => consumer.seek({ topic: '', partition: 0, offset: '0' })),
      commitBadTopic: await kit.attempt(() =>
        consumer.commitOffsets([{ topic: '', partition: 0, offset: '0' }]),
      ),
      commitBadPartition: await kit.attempt(() =>
        consumer.commitOffsets([{ topic, partition: 'ABC' as never, offset: '0' }]),
      ),
    }
    return { noGroup, heartbeat, subscribe, beforeRun, whileRunning }
  })

  differential('pause with an empty topic names the entry in the error', async (kit) => {
    const topic = kit.topic('pause-args')
    await createTopics(kit, [{ topic }])
    const consumer = kit.consumer({ groupId: kit.groupId('pause-args') })
    await consumer.connect()
    await consumer.subscribe({ topics: [topic] })
    await consumer.run({ eachMessage: async () => {} })
    return {
      pause: await kit.attempt(() => consumer.pause([{ topic: '' }])),
      resume: await kit.attempt(() => consumer.resume([{ topic: '' }])),
    }
  })
})
