import { describe } from 'vitest'
import type { Kit } from './harness.js'
import { differential } from './harness.js'
import { committedOffsets, connectedProducer, consumeMessages, createTopics } from './helpers.js'

type Consumer = ReturnType<Kit['consumer']>

/** A topic with `count` messages `m0…` on partition 0. */
async function topicWithMessages(kit: Kit, name: string, count: number, numPartitions = 1) {
  const topic = kit.topic(name)
  await createTopics(kit, [{ topic, numPartitions }])
  const producer = await connectedProducer(kit)
  await producer.send({
    topic,
    messages: Array.from({ length: count }, (_, i) => ({ value: `m${i}`, partition: 0 })),
  })
  return { topic, producer }
}

/** Runs a consumer collecting `partition:offset`, with a hook called before each record is kept. */
async function runCollecting(
  consumer: Consumer,
  topic: string,
  options: {
    readonly fromBeginning: boolean
    readonly autoCommit?: boolean
    readonly onMessage?: (offset: string, partition: number) => void | Promise<void>
  },
): Promise<string[]> {
  const delivered: string[] = []
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning })
  await consumer.run({
    ...(options.autoCommit === undefined ? {} : { autoCommit: options.autoCommit }),
    eachMessage: async ({ partition, message }) => {
      delivered.push(`${partition}:${message.offset}`)
      await options.onMessage?.(message.offset, partition)
    },
  })
  return delivered
}

describe('commits and restarts', () => {
  differential(
    'a restarted group resumes at its committed offset, whatever fromBeginning says',
    async (kit) => {
      const { topic, producer } = await topicWithMessages(kit, 'restart', 5)
      const groupId = kit.groupId('restart')
      const first = kit.consumer({ groupId })
      const firstDelivered = await consumeMessages(kit, first, { topics: [topic], count: 5 })
      await kit.waitFor(
        async () => (await committedOffsets(kit, groupId, [topic]))[`${topic}/0`] === '5',
        'the first consumer to commit 5',
      )
      await first.disconnect()
      await producer.send({ topic, messages: [{ value: 'm5' }, { value: 'm6' }, { value: 'm7' }] })
      const second = kit.consumer({ groupId })
      const secondDelivered = await consumeMessages(kit, second, {
        topics: [topic],
        count: 3,
        fromBeginning: true,
      })
      await kit.waitFor(
        async () => (await committedOffsets(kit, groupId, [topic]))[`${topic}/0`] === '8',
        'the second consumer to commit 8',
      )
      await second.disconnect()
      // A third member with fromBeginning false also resumes at the commit, not at the end.
      await producer.send({ topic, messages: [{ value: 'm8' }] })
      const third = kit.consumer({ groupId })
      const thirdDelivered = await consumeMessages(kit, third, {
        topics: [topic],
        count: 1,
        fromBeginning: false,
      })
      return {
        first: firstDelivered.map((m) => `${m.offset}:${m.value}`),
        second: secondDelivered.map((m) => `${m.offset}:${m.value}`),
        third: thirdDelivered.map((m) => `${m.offset}:${m.value}`),
        committed: await committedOffsets(kit, groupId, [topic]),
      }
    },
  )

  differential(
    'commitOffsets with autoCommit off: the committed offset is the next one to read',
    async (kit) => {
      const { topic } = await topicWithMessages(kit, 'manual-commit', 6)
      const groupId = kit.groupId('manual-commit')
      const consumer = kit.consumer({ groupId })
      const beforeRun = await kit.attempt(() =>
        consumer.commitOffsets([{ topic, partition: 0, offset: '1' }]),
      )
      const delivered = await runCollecting(consumer, topic, { fromBeginning: true, autoCommit: false })
      await kit.waitFor(() => delivered.length >= 6, '6 messages')
      const noAutoCommit = await committedOffsets(kit, groupId, [topic])
      await consumer.commitOffsets([{ topic, partition: 0, offset: '3', metadata: 'note' }])
      const admin = kit.admin()
      await admin.connect()
      const fetched = await admin.fetchOffsets({ groupId, topics: [topic] })
      const negative = await kit.attempt(() =>
        consumer.commitOffsets([{ topic, partition: 0, offset: '-5' }]),
      )
      const notNumber = await kit.attempt(() =>
        consumer.commitOffsets([{ topic, partition: 0, offset: 'ABC' }]),
      )
      await consumer.disconnect()
      const next = kit.consumer({ groupId })
      const resumed = await runCollecting(next, topic, { fromBeginning: true })
      await kit.waitFor(() => resumed.length >= 3, '3 redelivered messages')
      return { beforeRun, noAutoCommit, fetched, negative, notNumber, resumed }
    },
  )
})

describe('commits of partitions without messages', () => {
  differential('an assigned partition that delivered nothing has no committed offset', async (kit) => {
    const topic = kit.topic('empty-partition')
    await createTopics(kit, [{ topic, numPartitions: 2 }])
    const producer = await connectedProducer(kit)
    await producer.send({
      topic,
      messages: [
        { value: 'a', partition: 1 },
        { value: 'b', partition: 1 },
      ],
    })
    const groupId = kit.groupId('empty-partition')
    const consumer = kit.consumer({ groupId })
    const delivered = await runCollecting(consumer, topic, { fromBeginning: true })
    await kit.waitFor(() => delivered.length >= 2, '2 messages')
    await kit.waitFor(
      async () => (await committedOffsets(kit, groupId, [topic]))[`${topic}/1`] === '2',
      'commit 2 on partition 1',
    )
    // Let several fetch/commit cycles pass over the empty partition 0.
    await kit.nextEvent(consumer, 'FETCH', 5)
    await consumer.disconnect()
    return committedOffsets(kit, groupId, [topic])
  })
})

describe('fromBeginning', () => {
  differential(
    'without commits: true reads from the log start, false reads only new messages',
    async (kit) => {
      const { topic, producer } = await topicWithMessages(kit, 'from-beginning', 3)
      const early = kit.consumer({ groupId: kit.groupId('early') })
      const fromStart = await runCollecting(early, topic, { fromBeginning: true })
      await kit.waitFor(() => fromStart.length >= 3, '3 messages from the start')
      const late = kit.consumer({ groupId: kit.groupId('late') })
      const fetched = kit.nextEvent(late, 'FETCH')
      const fromEnd = await runCollecting(late, topic, { fromBeginning: false })
      await fetched
      await producer.send({ topic, messages: [{ value: 'new', partition: 0 }] })
      await kit.waitFor(() => fromEnd.length >= 1 && fromStart.length >= 4, 'the new message on both')
      return { fromStart, fromEnd }
    },
  )

  differential('with a commit: both true and false resume at the commit', async (kit) => {
    const { topic } = await topicWithMessages(kit, 'from-commit', 5)
    const groupId = kit.groupId('from-commit')
    const setter = kit.consumer({ groupId })
    const seen = await runCollecting(setter, topic, { fromBeginning: true, autoCommit: false })
    await kit.waitFor(() => seen.length >= 5, '5 messages')
    await setter.commitOffsets([{ topic, partition: 0, offset: '2' }])
    await setter.disconnect()
    const results: Record<string, string[]> = {}
    for (const fromBeginning of [true, false]) {
      const consumer = kit.consumer({ groupId })
      const delivered = await runCollecting(consumer, topic, { fromBeginning, autoCommit: false })
      await kit.waitFor(() => delivered.length >= 3, '3 messages from the commit')
      await consumer.disconnect()
      results[String(fromBeginning)] = delivered
    }
    return results
  })
})

describe('seek', () => {
  differential(
    'seek right after run() starts the partition at the sought offset and commits it',
    async (kit) => {
      const { topic } = await topicWithMessages(kit, 'seek', 10)
      const groupId = kit.groupId('seek')
      const consumer = kit.consumer({ groupId })
      const beforeRun = await kit.attempt(() => consumer.seek({ topic, partition: 0, offset: '7' }))
      const delivered: string[] = []
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      const running = consumer.run({
        eachMessage: async ({ message }) => {
          delivered.push(message.offset)
        },
      })
      consumer.seek({ topic, partition: 0, offset: '7' })
      await running
      await kit.waitFor(() => delivered.includes('9'), 'offset 9')
      await kit.waitFor(
        async () => (await committedOffsets(kit, groupId, [topic]))[`${topic}/0`] === '10',
        'commit 10',
      )
      const badOffset = await kit.attempt(() => consumer.seek({ topic, partition: 0, offset: '-5' }))
      const badPartition = await kit.attempt(() =>
        consumer.seek({ topic, partition: Number.NaN, offset: '1' }),
      )
      return { beforeRun, delivered, badOffset, badPartition }
    },
  )

  differential('seek backwards inside eachMessage redelivers from the sought offset', async (kit) => {
    const { topic } = await topicWithMessages(kit, 'seek-back', 6)
    const consumer = kit.consumer({ groupId: kit.groupId('seek-back') })
    let sought = false
    const delivered = await runCollecting(consumer, topic, {
      fromBeginning: true,
      onMessage: (offset) => {
        if (offset === '4' && !sought) {
          sought = true
          consumer.seek({ topic, partition: 0, offset: '1' })
        }
      },
    })
    await kit.waitFor(() => delivered.length >= 10, '10 deliveries')
    return delivered
  })

  differential('seek with autoCommit off moves the position but commits nothing', async (kit) => {
    const { topic } = await topicWithMessages(kit, 'seek-nocommit', 5)
    const groupId = kit.groupId('seek-nocommit')
    const consumer = kit.consumer({ groupId })
    const delivered: string[] = []
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        delivered.push(message.offset)
      },
    })
    consumer.seek({ topic, partition: 0, offset: '3' })
    await kit.waitFor(() => delivered.includes('4'), 'offset 4')
    return { delivered, committed: await committedOffsets(kit, groupId, [topic]) }
  })

  differential('seek -2 (earliest) with fromBeginning true redelivers the whole log', async (kit) => {
    // Only this combination is compared: KafkaJS commits -2/-1 as sentinels and resolves them
    // with the subscription's fromBeginning, while kafkalite implements -2 = earliest and
    // -1 = latest (a documented improvement, see FINDINGS.md).
    const { topic } = await topicWithMessages(kit, 'seek-earliest', 3)
    const consumer = kit.consumer({ groupId: kit.groupId('seek-earliest') })
    let sought = false
    const delivered = await runCollecting(consumer, topic, {
      fromBeginning: true,
      onMessage: (offset) => {
        if (offset === '2' && !sought) {
          sought = true
          consumer.seek({ topic, partition: 0, offset: '-2' })
        }
      },
    })
    await kit.waitFor(() => delivered.length >= 6, '6 deliveries')
    return delivered
  })
})

describe('pause and resume', () => {
  differential('a paused partition delivers nothing until resumed; paused() lists it', async (kit) => {
    const { topic, producer } = await topicWithMessages(kit, 'pause', 0, 2)
    const consumer = kit.consumer({ groupId: kit.groupId('pause') })
    const beforeRun = {
      pause: await kit.attempt(() => consumer.pause([{ topic, partitions: [0] }])),
      resume: await kit.attempt(() => consumer.resume([{ topic }])),
      paused: consumer.paused(),
    }
    const fetched = kit.nextEvent(consumer, 'FETCH')
    const delivered = await runCollecting(consumer, topic, { fromBeginning: true })
    await fetched
    consumer.pause([{ topic, partitions: [0] }])
    const pausedList = consumer.paused()
    await producer.send({
      topic,
      messages: [
        { value: 'p0', partition: 0 },
        { value: 'p1', partition: 1 },
      ],
    })
    await kit.waitFor(() => delivered.includes('1:0'), 'the unpaused partition')
    // Let a few more fetches pass: the paused partition must stay silent.
    await kit.nextEvent(consumer, 'FETCH', 3)
    const whilePaused = [...delivered]
    consumer.resume([{ topic, partitions: [0] }])
    await kit.waitFor(() => delivered.includes('0:0'), 'the resumed partition')
    const badPartitions = await kit.attempt(() =>
      consumer.pause([{ topic, partitions: 'x' as unknown as number[] }]),
    )
    return {
      beforeRun,
      pausedList,
      whilePaused,
      afterResume: [...delivered].sort(),
      pausedAfter: consumer.paused(),
      badPartitions,
    }
  })

  differential(
    'payload.pause() stops the partition after the current message; its resume function restarts it',
    async (kit) => {
      const { topic } = await topicWithMessages(kit, 'payload-pause', 4)
      const consumer = kit.consumer({ groupId: kit.groupId('payload-pause') })
      const delivered: string[] = []
      let resumeLater: (() => void) | undefined
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ message, pause }) => {
          delivered.push(message.offset)
          if (message.offset === '1' && resumeLater === undefined) resumeLater = pause()
        },
      })
      await kit.waitFor(() => resumeLater !== undefined, 'the pause at offset 1')
      await kit.nextEvent(consumer, 'FETCH', 3)
      const whilePaused = [...delivered]
      const paused = consumer.paused()
      resumeLater?.()
      await kit.waitFor(() => delivered.length >= 4, 'all 4 after resuming')
      return { whilePaused, paused, delivered }
    },
  )
})
