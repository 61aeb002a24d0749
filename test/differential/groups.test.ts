import { describe } from 'vitest'
import type { Kit } from './harness.js'
import { differential } from './harness.js'
import { connectedProducer, createTopics } from './helpers.js'

type Consumer = ReturnType<Kit['consumer']>

/** One group member and what it has seen. */
interface Member {
  readonly name: string
  readonly consumer: Consumer
  /** Every GROUP_JOIN payload's assignment for the topic, in order. */
  readonly joins: { partitions: number[]; isLeader: boolean }[]
  readonly delivered: string[]
}

async function startMember(kit: Kit, name: string, groupId: string, topic: string): Promise<Member> {
  const consumer = kit.consumer({ groupId })
  const member: Member = { name, consumer, joins: [], delivered: [] }
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const assignment = event.payload.memberAssignment as Record<string, number[]>
    member.joins.push({ partitions: [...(assignment[topic] ?? [])].sort(), isLeader: event.payload.isLeader })
  })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      member.delivered.push(`${partition}:${message.offset}`)
    },
  })
  return member
}

/**
 * Waits until every member in `members` has joined again since `joinsBefore` and their latest
 * assignments own each of the topic's partitions exactly once; returns the invariants.
 */
async function settled(
  kit: Kit,
  members: readonly Member[],
  joinsBefore: ReadonlyMap<Member, number>,
  partitionCount: number,
) {
  const latest = () => members.map((member) => member.joins.at(-1))
  await kit.waitFor(() => {
    if (members.some((member) => member.joins.length <= (joinsBefore.get(member) ?? 0))) return false
    const owned = latest().flatMap((join) => join?.partitions ?? [])
    return owned.length === partitionCount && new Set(owned).size === partitionCount
  }, `${members.length} members to settle`)
  const joins = latest()
  return {
    countsPerMember: joins.map((join) => join?.partitions.length ?? 0).sort(),
    everyPartitionOwnedOnce: true,
    leaders: joins.filter((join) => join?.isLeader).length,
  }
}

function snapshot(members: readonly Member[]): Map<Member, number> {
  return new Map(members.map((member) => [member, member.joins.length]))
}

describe('consumer groups', () => {
  differential('1 to 3 members join and leave; each partition has exactly one owner', async (kit) => {
    const topic = kit.topic('group')
    const groupId = kit.groupId('group')
    await createTopics(kit, [{ topic, numPartitions: 6 }])
    const steps: Record<string, unknown> = {}
    const a = await startMember(kit, 'a', groupId, topic)
    steps.oneMember = await settled(kit, [a], new Map(), 6)
    let before = snapshot([a])
    const b = await startMember(kit, 'b', groupId, topic)
    steps.twoMembers = await settled(kit, [a, b], before, 6)
    before = snapshot([a, b])
    const c = await startMember(kit, 'c', groupId, topic)
    steps.threeMembers = await settled(kit, [a, b, c], before, 6)
    const description = await a.consumer.describeGroup()
    const { AssignerProtocol } = kit.kafkajs
    steps.describeGroup = {
      state: description.state,
      protocol: description.protocol,
      protocolType: description.protocolType,
      errorCode: (description as { errorCode?: unknown }).errorCode,
      memberCount: description.members.length,
      clientIds: description.members.map((member) => member.clientId),
      assignedCounts: description.members
        .map(
          (member) =>
            AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic]?.length ?? 0,
        )
        .sort(),
      subscribedTopics: description.members.map(
        (member) => AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics,
      ),
      memberKeys: description.members.map((member) => Object.keys(member).sort()),
    }
    before = snapshot([a, b])
    await c.consumer.disconnect()
    steps.cLeft = await settled(kit, [a, b], before, 6)
    before = snapshot([a])
    await b.consumer.disconnect()
    steps.bLeft = await settled(kit, [a], before, 6)
    // The last member consumes everything produced now, on every partition.
    const producer = await connectedProducer(kit)
    await producer.send({
      topic,
      messages: Array.from({ length: 6 }, (_, partition) => ({ value: 'x', partition })),
    })
    await kit.waitFor(() => a.delivered.length >= 6, 'the remaining member to consume 6 messages')
    steps.lastMemberConsumed = [...new Set(a.delivered)].sort()
    steps.afterLeaving = (await a.consumer.describeGroup()).members.length
    return steps
  })

  differential(
    'members beyond the partition count get an empty assignment and stay in the group',
    async (kit) => {
      const topic = kit.topic('small')
      const groupId = kit.groupId('small')
      await createTopics(kit, [{ topic, numPartitions: 2 }])
      const a = await startMember(kit, 'a', groupId, topic)
      await settled(kit, [a], new Map(), 2)
      let before = snapshot([a])
      const b = await startMember(kit, 'b', groupId, topic)
      await settled(kit, [a, b], before, 2)
      before = snapshot([a, b])
      const c = await startMember(kit, 'c', groupId, topic)
      const three = await settled(kit, [a, b, c], before, 2)
      const description = await c.consumer.describeGroup()
      return { three, members: description.members.length, state: description.state }
    },
  )

  differential(
    'a group member that stops hands its partitions to the others, which resume at the committed offsets',
    async (kit) => {
      const topic = kit.topic('handover')
      const groupId = kit.groupId('handover')
      await createTopics(kit, [{ topic, numPartitions: 2 }])
      const producer = await connectedProducer(kit)
      await producer.send({
        topic,
        messages: [0, 1, 0, 1].map((partition, i) => ({ value: `m${i}`, partition })),
      })
      const a = await startMember(kit, 'a', groupId, topic)
      await settled(kit, [a], new Map(), 2)
      await kit.waitFor(() => a.delivered.length >= 4, 'a to consume 4')
      const beforeB = snapshot([a])
      const b = await startMember(kit, 'b', groupId, topic)
      await settled(kit, [a, b], beforeB, 2)
      const before = snapshot([b])
      await a.consumer.disconnect()
      await settled(kit, [b], before, 2)
      await producer.send({ topic, messages: [0, 1].map((partition) => ({ value: 'late', partition })) })
      await kit.waitFor(() => b.delivered.length >= 2, 'b to consume the 2 new messages')
      // Everything a consumed was committed, so b sees only the new messages.
      return { a: [...a.delivered].sort(), b: [...b.delivered].sort() }
    },
  )
})
