/**
 * Consumer groups through the KafkaJS API: members joining and leaving without losing a record
 * or handing one partition to two members at once, round-robin and custom assigners, rebalances
 * on new partitions and subscription differences, and eviction of a member that stops
 * heartbeating for longer than its session timeout.
 */
import { Buffer } from 'node:buffer'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AssignerProtocol,
  type Consumer,
  type ConsumerGroupJoinEvent,
  type KafkaJSProtocolError,
  type PartitionAssigner,
  type Producer,
} from '../../src/kafkajs/index.js'
import {
  createTestCluster,
  startCollecting,
  type TestCluster,
  uniqueName,
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

/** Every member's latest assignment, from its GROUP_JOIN events. */
function trackAssignment(consumer: Consumer): {
  current: Record<string, number[]>
  joins: ConsumerGroupJoinEvent[]
} {
  const state = { current: {} as Record<string, number[]>, joins: [] as ConsumerGroupJoinEvent[] }
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    state.current = event.payload.memberAssignment
    state.joins.push(event)
  })
  return state
}

/** Waits until the group is Stable with `count` members whose assignments cover `partitions` exactly once. */
async function waitForStableGroup(consumer: Consumer, count: number, partitions: number): Promise<void> {
  await waitFor(
    async () => {
      const description = await consumer.describeGroup()
      if (description.state !== 'Stable' || description.members.length !== count) return false
      const assigned = description.members.flatMap(
        (member) =>
          AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? [],
      )
      return assigned.length === partitions && new Set(assigned).size === partitions
    },
    { what: `a stable group of ${count}` },
  )
}

describe('members joining and leaving', () => {
  it('loses no record and never hands a partition to two members at once (1 → 3 → 1 → 2 members)', async () => {
    const partitions = 6
    await cluster.createTopic(topic, partitions)
    const inFlight = new Map<number, string>()
    const violations: string[] = []
    const delivered = new Map<number, number[]>()
    const members = new Map<string, Consumer>()
    let produced = 0

    const startMember = async (name: string) => {
      const consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 100 })
      members.set(name, consumer)
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const holder = inFlight.get(partition)
          if (holder !== undefined)
            violations.push(`${name} got partition ${partition} while ${holder} held it`)
          inFlight.set(partition, name)
          await new Promise((resolve) => setImmediate(resolve))
          const offsets = delivered.get(partition) ?? []
          offsets.push(Number(message.offset))
          delivered.set(partition, offsets)
          inFlight.delete(partition)
        },
      })
    }
    const produce = async (count: number) => {
      for (let index = 0; index < count; index++) {
        await producer.send({ topic, messages: [{ key: `key-${produced}`, value: `value-${produced}` }] })
        produced++
      }
    }
    const deliveredCount = () => [...delivered.values()].reduce((sum, offsets) => sum + offsets.length, 0)
    const stopMember = async (name: string) => {
      await members.get(name)?.disconnect()
      members.delete(name)
    }

    await startMember('a')
    await produce(60)
    await startMember('b')
    await produce(60)
    await startMember('c')
    await produce(60)
    await waitForStableGroup(members.get('a') as Consumer, 3, partitions)
    await produce(30)
    await stopMember('a')
    await produce(30)
    await stopMember('b')
    await produce(30)
    await startMember('d')
    await produce(30)
    await waitFor(() => deliveredCount() >= produced, { timeoutMs: 10_000, what: `${produced} deliveries` })

    expect(violations).toEqual([])
    const highWatermarks = await cluster.highWatermarks(topic)
    for (let partition = 0; partition < partitions; partition++) {
      const expected = Number(highWatermarks.get(partition))
      // every offset once, in order: no loss and no redelivery across clean rebalances
      expect(delivered.get(partition) ?? []).toEqual(Array.from({ length: expected }, (_, offset) => offset))
    }
  })

  it('assigns round-robin over sorted member ids; members beyond the partition count get nothing and stay', async () => {
    await cluster.createTopic(topic, 2)
    const consumers = [0, 1, 2].map(() => cluster.consumer({ groupId, maxWaitTimeInMs: 100 }))
    const states = consumers.map(trackAssignment)
    for (const consumer of consumers) {
      await consumer.subscribe({ topics: [topic] })
      await consumer.run({ eachMessage: async () => {} })
    }
    await waitForStableGroup(consumers[0] as Consumer, 3, 2)
    await waitFor(() => states.every((state) => state.joins.at(-1)?.payload.memberAssignment !== undefined))
    const description = await (consumers[0] as Consumer).describeGroup()
    const sorted = description.members.map(({ memberId }) => memberId).sort()
    const byMember = new Map(
      description.members.map((member) => [
        member.memberId,
        AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {},
      ]),
    )
    expect(byMember.get(sorted[0] as string)).toEqual({ [topic]: [0] })
    expect(byMember.get(sorted[1] as string)).toEqual({ [topic]: [1] })
    expect(byMember.get(sorted[2] as string)).toEqual({})
    // the idle member takes over when a busy one leaves
    const idleIndex = states.findIndex((state) => (state.current[topic] ?? []).length === 0)
    const idle = states[idleIndex]
    const busyIndex = idleIndex === 0 ? 1 : 0
    await (consumers[busyIndex] as Consumer).disconnect()
    await waitFor(() => (idle?.current[topic] ?? []).length === 1)
  })

  it('an existing member emits REBALANCING and a new GROUP_JOIN when another joins', async () => {
    await cluster.createTopic(topic, 2)
    const first = cluster.consumer({ groupId })
    const state = trackAssignment(first)
    const rebalancing: unknown[] = []
    first.on(first.events.REBALANCING, (event) => void rebalancing.push(event.payload))
    await first.subscribe({ topics: [topic] })
    await first.run({ eachMessage: async () => {} })
    await waitFor(() => state.joins.length === 1)
    expect(state.current).toEqual({ [topic]: [0, 1] })
    await startCollecting(cluster, { topics: [topic], groupId })
    await waitFor(() => state.joins.length === 2)
    expect(state.current[topic]).toHaveLength(1)
    expect(rebalancing).toEqual([{ groupId, memberId: state.joins[0]?.payload.memberId }])
    expect(state.joins[1]?.payload.memberId).toBe(state.joins[0]?.payload.memberId)
  })

  it('a heartbeat() called by the handler during a rebalance rejects with REBALANCE_IN_PROGRESS', async () => {
    await producer.send({ topic, messages: [{ value: 'long job' }] })
    const errors: KafkaJSProtocolError[] = []
    let joinedSecond = false
    const first = cluster.consumer({ groupId, heartbeatInterval: 1 })
    await first.subscribe({ topics: [topic], fromBeginning: true })
    let handled = 0
    await first.run({
      eachMessage: async ({ heartbeat }) => {
        handled++
        if (handled > 1) return
        await waitFor(() => joinedSecond)
        await waitFor(async () => {
          try {
            await heartbeat()
            return false
          } catch (error) {
            errors.push(error as KafkaJSProtocolError)
            return true
          }
        })
      },
    })
    await waitFor(() => handled === 1)
    const second = cluster.consumer({ groupId })
    await second.subscribe({ topics: [topic] })
    void second.run({ eachMessage: async () => {} })
    joinedSecond = true
    await waitFor(() => errors.length === 1)
    expect(errors[0]).toMatchObject({ name: 'KafkaJSProtocolError', type: 'REBALANCE_IN_PROGRESS' })
    await waitForStableGroup(first, 2, 1)
  })
})

describe('rebalance triggers', () => {
  it('rebalances when partitions are added to a subscribed topic, and consumes them', async () => {
    await cluster.createTopic(topic, 1)
    const consumer = cluster.consumer({ groupId })
    const state = trackAssignment(consumer)
    await consumer.subscribe({ topics: [topic] })
    const received: number[] = []
    await consumer.run({ eachMessage: async ({ partition }) => void received.push(partition) })
    await waitFor(() => state.joins.length === 1)
    const admin = cluster.admin()
    await admin.connect()
    await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] })
    await waitFor(() => (state.current[topic] ?? []).length === 3)
    expect(state.current).toEqual({ [topic]: [0, 1, 2] })
    await producer.send({
      topic,
      messages: [0, 1, 2].map((partition) => ({ partition, value: `p${partition}` })),
    })
    await waitFor(() => received.length === 3)
    expect([...received].sort()).toEqual([0, 1, 2])
  })

  it('assigns by the leader subscription; a member handed a topic it did not subscribe to reports it', async () => {
    const other = uniqueName('other')
    await cluster.createTopic(topic, 1)
    await cluster.createTopic(other, 1)
    const leader = cluster.consumer({ groupId })
    await leader.subscribe({ topics: [topic, other] })
    const leaderJoins = trackAssignment(leader)
    await leader.run({ eachMessage: async () => {} })
    await waitFor(() => leaderJoins.joins.length === 1)
    const follower = cluster.consumer({ groupId })
    await follower.subscribe({ topics: [topic] })
    const reports: unknown[] = []
    follower.on(follower.events.RECEIVED_UNSUBSCRIBED_TOPICS, (event) => void reports.push(event.payload))
    const followerJoins = trackAssignment(follower)
    await follower.run({ eachMessage: async () => {} })
    await waitFor(() => followerJoins.joins.length >= 1 && leaderJoins.joins.length >= 2)
    const memberIds = [leaderJoins.joins[0]?.payload.memberId, followerJoins.joins[0]?.payload.memberId]
    const followerGetsOther = [...memberIds].sort()[1] === followerJoins.joins[0]?.payload.memberId
    if (followerGetsOther) {
      expect(reports).toEqual([
        expect.objectContaining({
          groupId,
          memberId: followerJoins.joins[0]?.payload.memberId,
          assignedTopics: [other],
          topicsSubscribed: [topic],
          topicsNotSubscribed: [other],
        }),
      ])
      expect(followerJoins.current).toEqual({})
    } else {
      expect(reports).toEqual([])
      expect(followerJoins.current).toEqual({ [topic]: [0] })
    }
  })
})

describe('subscription changes', () => {
  it('a member that stops, subscribes to one more topic and runs again rejoins with both topics', async () => {
    const other = uniqueName('other')
    await cluster.createTopic(other, 2)
    const consumer = cluster.consumer({ groupId })
    const state = trackAssignment(consumer)
    await consumer.subscribe({ topics: [topic] })
    const received: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) })
    expect(state.current).toEqual({ [topic]: [0] })
    await consumer.stop()
    await consumer.subscribe({ topics: [other] })
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) })
    expect(state.current).toEqual({ [topic]: [0], [other]: [0, 1] })
    await producer.sendBatch({
      topicMessages: [
        { topic, messages: [{ value: 'first' }] },
        { topic: other, messages: [{ partition: 1, value: 'second' }] },
      ],
    })
    await waitFor(() => received.length === 2)
    expect([...received].sort()).toEqual(['first', 'second'])
  })
})

describe('custom assigners', () => {
  it('runs a PartitionAssigner through the same protocol, with its name, version and userData', async () => {
    await cluster.createTopic(topic, 3)
    const calls: { members: string[]; topics: string[]; partitionIds: number[] }[] = []
    const everythingToLast: PartitionAssigner = ({ cluster: assignerCluster }) => ({
      name: 'EverythingToLast',
      version: 3,
      protocol: ({ topics }) => ({
        name: 'EverythingToLast',
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 3,
          topics,
          userData: Buffer.from('hello'),
        }),
      }),
      async assign({ members, topics }) {
        const partitionIds = topics.flatMap((name) =>
          assignerCluster.findTopicPartitionMetadata(name).map(({ partitionId }) => partitionId),
        )
        calls.push({ members: members.map(({ memberId }) => memberId), topics, partitionIds })
        const last = members
          .map(({ memberId }) => memberId)
          .sort()
          .at(-1)
        return members.map(({ memberId }) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 3,
            assignment: memberId === last ? { [topic]: partitionIds } : {},
            userData: Buffer.from(memberId === last ? 'all' : 'none'),
          }),
        }))
      },
    })
    const consumers = [0, 1].map(() => cluster.consumer({ groupId, partitionAssigners: [everythingToLast] }))
    const joins = consumers.map(trackAssignment)
    for (const consumer of consumers) {
      await consumer.subscribe({ topics: [topic] })
      await consumer.run({ eachMessage: async () => {} })
    }
    await waitFor(async () => (await (consumers[0] as Consumer).describeGroup()).members.length === 2)
    await waitFor(() =>
      joins.every((state) => state.joins.length > 0 && state.joins.at(-1)?.payload.groupProtocol),
    )
    const description = await (consumers[0] as Consumer).describeGroup()
    expect(description.protocol).toBe('EverythingToLast')
    const last = description.members.map(({ memberId }) => memberId).sort()[1]
    for (const member of description.members) {
      const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment)
      expect(decoded?.version).toBe(3)
      expect(String(decoded?.userData)).toBe(member.memberId === last ? 'all' : 'none')
      expect(AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData).toEqual(
        Buffer.from('hello'),
      )
    }
    expect(calls.at(-1)?.partitionIds).toEqual([0, 1, 2])
    expect(calls.at(-1)?.members).toHaveLength(2)
    expect(joins.map((state) => state.joins.at(-1)?.payload.groupProtocol)).toEqual([
      'EverythingToLast',
      'EverythingToLast',
    ])
  })
})

describe('session timeout', () => {
  it('evicts a member whose handler blocks past sessionTimeout without heartbeating; its partitions move and it rejoins', async () => {
    await producer.send({ topic, messages: [{ value: 'slow' }] })
    const timing = { sessionTimeout: 300, heartbeatInterval: 50, maxWaitTimeInMs: 50 }
    let release: (() => void) | undefined
    const slow = cluster.consumer({ groupId, ...timing })
    const slowJoins = trackAssignment(slow)
    await slow.subscribe({ topics: [topic], fromBeginning: true })
    const slowSeen: string[] = []
    await slow.run({
      eachMessage: async ({ message }) => {
        slowSeen.push(String(message.value))
        if (slowSeen.length === 1) await new Promise<void>((resolve) => (release = resolve))
      },
    })
    await waitFor(() => release !== undefined)
    const healthy = cluster.consumer({ groupId, ...timing })
    const healthyJoins = trackAssignment(healthy)
    await healthy.subscribe({ topics: [topic], fromBeginning: true })
    const healthySeen: string[] = []
    const evictedAt = Date.now()
    await healthy.run({ eachMessage: async ({ message }) => void healthySeen.push(String(message.value)) })
    // the healthy member gets the partition only once the slow one's session has expired
    await waitFor(() => healthySeen.length === 1, { timeoutMs: 5_000 })
    expect(Date.now() - evictedAt).toBeGreaterThanOrEqual(200)
    expect(healthySeen).toEqual(['slow'])
    expect(healthyJoins.current).toEqual({ [topic]: [0] })
    const description = await healthy.describeGroup()
    expect(description.members.map(({ memberId }) => memberId)).toEqual([
      healthyJoins.joins.at(-1)?.payload.memberId,
    ])
    // the evicted member finishes, finds out, and rejoins under a new member id without crashing
    let crashed = false
    slow.on(slow.events.CRASH, () => {
      crashed = true
    })
    const rejoined = waitForEvent<ConsumerGroupJoinEvent>(slow as never, slow.events.GROUP_JOIN)
    release?.()
    const event = await rejoined
    expect(event.payload.memberId).not.toBe(slowJoins.joins[0]?.payload.memberId)
    await waitFor(async () => (await healthy.describeGroup()).members.length === 2)
    expect(crashed).toBe(false)
  })

  it('a member that heartbeats from a long handler is not evicted', async () => {
    await producer.send({ topic, messages: [{ value: 'long' }] })
    const timing = { sessionTimeout: 300, heartbeatInterval: 50, maxWaitTimeInMs: 50 }
    const consumer = cluster.consumer({ groupId, ...timing })
    const joins = trackAssignment(consumer)
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    let finished = false
    await consumer.run({
      eachMessage: async ({ heartbeat }) => {
        const until = Date.now() + 700
        while (Date.now() < until) {
          await heartbeat()
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        finished = true
      },
    })
    await waitFor(() => finished, { timeoutMs: 3_000 })
    expect(joins.joins).toHaveLength(1)
    expect((await consumer.describeGroup()).members).toHaveLength(1)
  })
})
