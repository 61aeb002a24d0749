/* biome-ignore-all lint/suspicious/noExplicitAny: assigner contexts are inspected loosely */
/**
 * KafkaJS docs: Consuming.md "Custom partition assigner" (AssignerProtocol, PartitionAssigners),
 * against kafkalite/kafkajs.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import {
  AssignerProtocol,
  type Consumer,
  type GroupMember,
  Kafka,
  logLevel,
  type PartitionAssigner,
  PartitionAssigners,
} from '../../../src/kafkajs/index.js'
import { docsCluster, unique, until } from './helpers.js'

const { MemberAssignment, MemberMetadata } = AssignerProtocol
const { roundRobin } = PartitionAssigners

let cluster: ReturnType<typeof docsCluster>
let kafka: Kafka
beforeEach(() => {
  cluster = docsCluster()
  kafka = new Kafka({ clientId: 'my-app', brokers: cluster.test.brokers, logLevel: logLevel.NOTHING })
})
afterEach(() => cluster.cleanup())

interface AssignCall {
  members: GroupMember[]
  topics: string[]
}

/** The documented assigner: everything to the last member id, metadata with userData. */
function makeAssigner(calls: AssignCall[], contexts: any[]): PartitionAssigner {
  return ((context: any) => {
    contexts.push(context)
    const { cluster: assignerCluster } = context
    return {
      name: 'MyPartitionAssigner',
      version: 1,
      async assign({ members, topics }: AssignCall) {
        calls.push({ members, topics })
        const memberIds = members.map((m) => m.memberId).sort()
        const owner = memberIds[memberIds.length - 1]!
        const assignment: Record<string, Record<string, number[]>> = {}
        for (const memberId of memberIds) assignment[memberId] = {}
        for (const topic of topics) {
          const partitions = assignerCluster.findTopicPartitionMetadata(topic).map((p: any) => p.partitionId)
          assignment[owner]![topic] = partitions.sort()
        }
        return memberIds.map((memberId) => ({
          memberId,
          memberAssignment: MemberAssignment.encode({
            version: this.version,
            assignment: assignment[memberId]!,
          }),
        }))
      },
      protocol({ topics }: { topics: string[] }) {
        return {
          name: this.name,
          metadata: MemberMetadata.encode({
            version: this.version,
            topics,
            userData: Buffer.from('my-user-data'),
          }),
        }
      },
    }
  }) as PartitionAssigner
}

async function createTopic(topic: string, numPartitions: number) {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions }] })
  await admin.disconnect()
}

function start(consumer: Consumer, topic: string) {
  const joins: any[] = []
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    joins.push(e.payload)
  })
  cluster.defer(() => consumer.disconnect())
  return {
    joins,
    run: async () => {
      await consumer.connect()
      await consumer.subscribe({ topics: [topic] })
      await consumer.run({ eachMessage: async () => {} })
    },
  }
}

it('a custom assigner listed before roundRobin is used: assign({ members, topics }), this.version', async () => {
  const topic = unique('t')
  await createTopic(topic, 3)
  const groupId = unique('my-group')
  const calls: AssignCall[] = []
  const contexts: any[] = []
  const MyPartitionAssigner = makeAssigner(calls, contexts)
  const consumer = kafka.consumer({ groupId, partitionAssigners: [MyPartitionAssigner, roundRobin] })
  const c = start(consumer, topic)
  await c.run()
  await until(() => c.joins.length > 0)

  // KafkaJS src/consumer/index.js builds each assigner with { cluster, groupId, logger }
  expect(contexts[0]).toEqual(expect.objectContaining({ cluster: expect.anything(), groupId }))
  expect(typeof contexts[0].logger.info).toBe('function')
  expect(calls).toHaveLength(1)
  expect(calls[0]!.topics).toEqual([topic])
  expect(calls[0]!.members).toEqual([{ memberId: c.joins[0].memberId, memberMetadata: expect.any(Buffer) }])
  expect(MemberMetadata.decode(calls[0]!.members[0]!.memberMetadata)).toEqual({
    version: 1,
    topics: [topic],
    userData: Buffer.from('my-user-data'),
  })
  expect(c.joins[0]).toMatchObject({
    groupProtocol: 'MyPartitionAssigner',
    memberAssignment: { [topic]: [0, 1, 2] },
  })
  const description = await consumer.describeGroup()
  expect(description.protocol).toBe('MyPartitionAssigner')
  expect(MemberAssignment.decode(description.members[0]!.memberAssignment)).toEqual({
    version: 1,
    assignment: { [topic]: [0, 1, 2] },
    userData: expect.any(Buffer),
  })
})

it('two members with the custom assigner: the plan gives everything to one member', async () => {
  const topic = unique('t')
  await createTopic(topic, 2)
  const groupId = unique('my-group')
  const calls: AssignCall[] = []
  const assigner = makeAssigner(calls, [])
  const a = start(kafka.consumer({ groupId, partitionAssigners: [assigner, roundRobin] }), topic)
  const b = start(kafka.consumer({ groupId, partitionAssigners: [assigner, roundRobin] }), topic)
  await a.run()
  await until(() => a.joins.length > 0)
  await b.run()
  await until(
    () => b.joins.length > 0 && calls.some((call) => call.members.length === 2),
    'for a 2-member plan',
  )
  await until(() => {
    const members = cluster.test.groupMembers(groupId)
    return members.length === 2 && members.some((m) => m.assignment.length === 2)
  }, 'for the plan to apply')
  const members = cluster.test.groupMembers(groupId)
  const sizes = members.map((m) => m.assignment.length).sort()
  expect(sizes).toEqual([0, 2])
  const owner = members.find((m) => m.assignment.length === 2)!
  expect(owner.memberId).toBe([...members.map((m) => m.memberId)].sort()[1])
})

it('keeping roundRobin lets old consumers and new ones agree on the common protocol', async () => {
  const topic = unique('t')
  await createTopic(topic, 2)
  const groupId = unique('my-group')
  const calls: AssignCall[] = []
  const oldConsumer = start(kafka.consumer({ groupId }), topic)
  const newConsumer = start(
    kafka.consumer({ groupId, partitionAssigners: [makeAssigner(calls, []), roundRobin] }),
    topic,
  )
  await oldConsumer.run()
  await until(() => oldConsumer.joins.length > 0)
  await newConsumer.run()
  await until(() => newConsumer.joins.length > 0)
  await until(
    () => cluster.test.groupMembers(groupId).every((m) => m.assignment.length === 1),
    'for round robin',
  )
  expect(newConsumer.joins.at(-1).groupProtocol).toBe('RoundRobinAssigner')
  expect(calls.filter((call) => call.members.length === 2)).toEqual([])
})

it('AssignerProtocol MemberMetadata / MemberAssignment encode and decode round trip', () => {
  const metadata = MemberMetadata.encode({ version: 1, topics: ['a', 'b'], userData: Buffer.from('u') })
  expect(Buffer.isBuffer(metadata)).toBe(true)
  expect(MemberMetadata.decode(metadata)).toEqual({
    version: 1,
    topics: ['a', 'b'],
    userData: Buffer.from('u'),
  })
  const assignment = MemberAssignment.encode({ version: 1, assignment: { a: [0, 2], b: [1] } })
  expect(MemberAssignment.decode(assignment)).toEqual({
    version: 1,
    assignment: { a: [0, 2], b: [1] },
    userData: Buffer.alloc(0),
  })
})
