/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/consumer/__tests__/: rebalanceOnPartitionChange.spec.js,
 * assignmentForUnsubscribedTopic.spec.js, emptyAssignment.spec.js,
 * assignerProtocolIntegration.spec.js and index.spec.js (#run). KafkaJS gives every client its
 * own cluster; here each consumer gets its own Kafka instance on the same broker.
 */
import { Buffer } from 'node:buffer'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AssignerProtocol,
  type Consumer,
  type ConsumerConfig,
  Kafka,
  logLevel,
  type PartitionAssigner,
  type Producer,
} from '../../../src/kafkajs/index.js'
import {
  Cluster,
  createModPartitioner,
  secureRandom,
  waitFor,
  waitForConsumerToJoinGroup,
  waitForMessages,
  waitForNextEvent,
} from './helpers.js'

const { MemberMetadata, MemberAssignment } = AssignerProtocol
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let cluster: Cluster
let groupId: string

beforeEach(() => {
  cluster = new Cluster()
  groupId = `consumer-group-id-${secureRandom()}`
})
afterEach(() => cluster.cleanup())

/** A consumer on its own Kafka instance (KafkaJS's tests give each client its own cluster). */
function newConsumer(config: Partial<ConsumerConfig> = {}): Consumer {
  const kafka = new Kafka({ brokers: cluster.test.brokers, logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId, ...config })
  cluster.clients.push(consumer)
  return consumer
}

function newProducer(): Producer {
  const kafka = new Kafka({ brokers: cluster.test.brokers, logLevel: logLevel.NOTHING })
  const producer = kafka.producer({ createPartitioner: createModPartitioner as never })
  cluster.clients.push(producer)
  return producer
}

const randomMessages = (n: number) =>
  Array.from({ length: n }, () => {
    const value = secureRandom()
    return { key: `key-${value}`, value: `value-${value}` }
  })

describe('rebalanceOnPartitionChange.spec.js', () => {
  it('triggers a rebalance when partitions are added after the join, and consumes the new partitions', async () => {
    const topicName = `test-topic-${secureRandom()}`
    await cluster.createTopic({ topic: topicName })
    const producer = newProducer()
    const consumer1 = newConsumer({ heartbeatInterval: 100, maxWaitTimeInMs: 100 })
    const consumer2 = newConsumer({ heartbeatInterval: 100, maxWaitTimeInMs: 100 })
    await consumer1.connect()
    await consumer2.connect()
    await producer.connect()
    await consumer1.subscribe({ topic: topicName, fromBeginning: true })
    await consumer2.subscribe({ topic: topicName, fromBeginning: true })
    const consumed: any[] = []
    const latest: number[][] = [[], []]
    for (const [i, c] of [consumer1, consumer2].entries()) {
      c.on(c.events.GROUP_JOIN, (e) => void (latest[i] = e.payload.memberAssignment[topicName] ?? []))
    }
    const joined = Promise.all([waitForConsumerToJoinGroup(consumer1), waitForConsumerToJoinGroup(consumer2)])
    void consumer1.run({ eachMessage: async (event) => void consumed.push(event) })
    void consumer2.run({ eachMessage: async (event) => void consumed.push(event) })
    await joined

    await producer.send({ acks: 1, topic: topicName, messages: randomMessages(2) })
    await waitForMessages(consumed, { number: 2 })

    const admin = cluster.admin()
    await admin.connect()
    await admin.createPartitions({ topicPartitions: [{ topic: topicName, count: 4 }] })

    // The spec sends 6 random keys; sending one to each new partition makes the check deterministic.
    await producer.send({ acks: 1, topic: topicName, messages: randomMessages(4) })
    // message.partition is honoured by KafkaJS's built-in partitioners only, not by the mod partitioner.
    const explicit = cluster.producer()
    await explicit.connect()
    await explicit.send({
      acks: 1,
      topic: topicName,
      messages: [2, 3].map((partition) => ({ ...randomMessages(1)[0]!, partition })),
    })
    await waitForMessages(consumed, { number: 8 })
    expect(consumed.some((e) => e.partition === 2)).toBe(true)
    expect(consumed.some((e) => e.partition === 3)).toBe(true)
    // The members' latest assignments cover the four partitions.
    expect(latest.flat().sort()).toEqual([0, 1, 2, 3])
    // No record is delivered twice.
    expect(new Set(consumed.map((e) => `${e.partition}:${e.message.offset}`)).size).toBe(8)
  })
})

describe('assignmentForUnsubscribedTopic.spec.js', () => {
  let topicNames: [string, string]
  const options = { heartbeatInterval: 100, maxWaitTimeInMs: 100, rebalanceTimeout: 1000 }

  beforeEach(async () => {
    topicNames = [`test-topic-${secureRandom()}`, `test-topic-${secureRandom()}`]
    await Promise.all(topicNames.map((topic) => cluster.createTopic({ topic, partitions: 2 })))
  })

  it('handles receiving assignments for unsubscribed topics', async () => {
    const consumer1 = newConsumer(options)
    await consumer1.connect()
    await Promise.all(topicNames.map((topic) => consumer1.subscribe({ topic, fromBeginning: true })))
    const joined1 = waitForConsumerToJoinGroup(consumer1)
    void consumer1.run({ eachMessage: async () => {} })
    await joined1

    // The second member only subscribes to one of the two topics.
    const consumer2 = newConsumer({ ...options, maxWaitTimeInMs: 1000 })
    await consumer2.connect()
    await consumer2.subscribe({ topic: topicNames[0], fromBeginning: true })
    const joined2 = waitForConsumerToJoinGroup(consumer2)
    void consumer2.run({ eachMessage: async () => {} })
    const event = await joined2
    expect(event.payload.memberAssignment[topicNames[1]]).toBeUndefined()
  })

  it('starts consuming from new topics after already having assignments', async () => {
    let consumer1 = newConsumer(options)
    let consumer2 = newConsumer(options)
    let assignments = await Promise.all(
      [consumer1, consumer2].map(async (consumer) => {
        await consumer.connect()
        await consumer.subscribe({ topic: topicNames[0] })
        const joined = waitForConsumerToJoinGroup(consumer)
        void consumer.run({ eachMessage: async () => {} })
        return joined
      }),
    )
    for (const assignment of assignments) {
      expect(Object.keys(assignment.payload.memberAssignment)).toEqual([topicNames[0]])
    }

    // Both members are replaced by members subscribed to both topics.
    await consumer1.disconnect()
    consumer1 = newConsumer(options)
    await consumer1.connect()
    await Promise.all(topicNames.map((topic) => consumer1.subscribe({ topic })))
    await consumer2.disconnect()
    consumer2 = newConsumer(options)
    await consumer2.connect()
    await Promise.all(topicNames.map((topic) => consumer2.subscribe({ topic })))

    const joins = [consumer1, consumer2].map((c) => waitForConsumerToJoinGroup(c))
    void consumer1.run({ eachMessage: async () => {} })
    void consumer2.run({ eachMessage: async () => {} })
    assignments = await Promise.all(joins)
    // A member's first GROUP_JOIN may precede the other's join; wait until both hold both topics.
    const latest = assignments.map((a) => a.payload.memberAssignment)
    consumer1.on(consumer1.events.GROUP_JOIN, (e) => void (latest[0] = e.payload.memberAssignment))
    consumer2.on(consumer2.events.GROUP_JOIN, (e) => void (latest[1] = e.payload.memberAssignment))
    await waitFor(() => latest.every((a) => Object.keys(a).length === 2), {
      what: 'both members on both topics',
    })
    for (const assignment of latest) {
      expect(Object.keys(assignment).sort()).toEqual([...topicNames].sort())
    }
  })
})

describe('emptyAssignment.spec.js', () => {
  it('a member that receives no assignment stays in the group: it keeps fetching and heartbeating', async () => {
    const topic = `test-topic-${secureRandom()}`
    await cluster.createTopic({ topic, partitions: 1 })
    // Gives every partition to the first member (in memberId order).
    const UnbalancedAssigner: PartitionAssigner = ({ cluster: metadata }) => ({
      name: 'UnbalancedAssigner',
      version: 1,
      async assign({ members, topics }) {
        const firstMember = members.map(({ memberId }) => memberId).sort()[0]!
        const assignment: Record<string, number[]> = {}
        for (const each of topics) {
          assignment[each] = (metadata as any).findTopicPartitionMetadata(each).map((m: any) => m.partitionId)
        }
        return [
          {
            memberId: firstMember,
            memberAssignment: MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }),
          },
        ]
      },
      protocol({ topics }) {
        return { name: 'UnbalancedAssigner', metadata: MemberMetadata.encode({ version: 1, topics }) }
      },
    })
    const consumer1 = newConsumer({ maxWaitTimeInMs: 1, partitionAssigners: [UnbalancedAssigner] })
    const consumer2 = newConsumer({ maxWaitTimeInMs: 1, partitionAssigners: [UnbalancedAssigner] })
    await Promise.all([consumer1.connect(), consumer2.connect()])
    await consumer1.subscribe({ topic })
    await consumer2.subscribe({ topic })
    // The first GROUP_JOIN of a member may come from a generation the other had not joined yet
    // (the spec's flaky point); track each member's latest assignment instead.
    const latest: (Record<string, number[]> | undefined)[] = [undefined, undefined]
    consumer1.on(consumer1.events.GROUP_JOIN, (e) => void (latest[0] = e.payload.memberAssignment))
    consumer2.on(consumer2.events.GROUP_JOIN, (e) => void (latest[1] = e.payload.memberAssignment))
    const joins = Promise.all([waitForConsumerToJoinGroup(consumer1), waitForConsumerToJoinGroup(consumer2)])
    void consumer1.run({ eachMessage: async () => {} })
    void consumer2.run({ eachMessage: async () => {} })
    await joins
    await waitFor(async () => {
      const description = await consumer1.describeGroup()
      return description.state === 'Stable' && description.members.length === 2
    })
    await waitFor(
      () =>
        latest.every((a) => a !== undefined) &&
        latest.filter((a) => Object.keys(a!).length === 0).length === 1,
      {
        what: 'exactly one member with an empty assignment',
      },
    )
    await Promise.all([consumer1, consumer2].map((c) => waitForNextEvent(c, c.events.FETCH)))
    await Promise.all([consumer1, consumer2].map((c) => waitForNextEvent(c, c.events.HEARTBEAT)))
  })
})

describe('assignerProtocolIntegration.spec.js', () => {
  it("gives the leader's assigner every member's user data", async () => {
    const topicName = `test-topic-${secureRandom()}`
    await cluster.createTopic({ topic: topicName })
    const userDataByMember: Record<string, string> = {}
    const createAssigner =
      (id: string): PartitionAssigner =>
      () => ({
        name: 'TestAssigner',
        version: 1,
        protocol({ topics }) {
          return {
            name: 'TestAssigner',
            metadata: MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(id) }),
          }
        },
        async assign({ members }) {
          return members.map(({ memberId, memberMetadata }) => {
            userDataByMember[memberId] = MemberMetadata.decode(memberMetadata)!.userData.toString('utf8')
            return {
              memberId,
              // KafkaJS's spec passes an array here; encode treats it as no topics.
              memberAssignment: MemberAssignment.encode({ version: 1, assignment: [] as never }),
            }
          })
        },
      })
    const consumer1 = newConsumer({ maxWaitTimeInMs: 1, partitionAssigners: [createAssigner('consumer1')] })
    const consumer2 = newConsumer({ maxWaitTimeInMs: 1, partitionAssigners: [createAssigner('consumer2')] })
    await Promise.all([consumer1.connect(), consumer2.connect()])
    await consumer1.subscribe({ topic: topicName })
    const joins = Promise.all([waitForConsumerToJoinGroup(consumer1), waitForConsumerToJoinGroup(consumer2)])
    void consumer1.run({ eachMessage: async () => {} })
    await consumer2.subscribe({ topic: topicName })
    void consumer2.run({ eachMessage: async () => {} })
    await joins
    await waitFor(() => Object.keys(userDataByMember).length >= 2, {
      what: 'both members seen by an assigner',
    })
    expect(Object.values(userDataByMember).sort()).toEqual(['consumer1', 'consumer2'])
  })
})

describe('index.spec.js (#run)', () => {
  let topicName: string
  beforeEach(async () => {
    topicName = `test-topic-${secureRandom()}`
    await cluster.createTopic({ topic: topicName })
  })

  it('ignores run() while the consumer is already running', async () => {
    const consumer = newConsumer({ heartbeatInterval: 100, maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const joined = waitForConsumerToJoinGroup(consumer)
    void Promise.all([
      consumer.run({ eachMessage: async () => {} }),
      consumer.run({ eachMessage: async () => {} }),
      consumer.run({ eachMessage: async () => {} }),
    ])
    await joined
    const description = await consumer.describeGroup()
    expect(description.members).toHaveLength(1)
  })

  it('does not read duplicate messages during a rebalance', async () => {
    topicName = `test-topic-${secureRandom()}`
    await cluster.createTopic({ topic: topicName, partitions: 2 })
    const producer = newProducer()
    await producer.connect()
    await producer.send({
      topic: topicName,
      messages: Array.from({ length: 10 }, (_, index) => ({
        key: `key-${index % 2}`,
        value: `value-${index}`,
      })),
    })
    await producer.disconnect()
    const consumer = newConsumer({ heartbeatInterval: 100, maxWaitTimeInMs: 100 })
    const consumer2 = newConsumer({ heartbeatInterval: 100, maxWaitTimeInMs: 100 })
    const messages1: string[] = []
    await consumer.connect()
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const started = waitForNextEvent(consumer, consumer.events.START_BATCH_PROCESS)
    await consumer.run({
      eachMessage: async (event) => {
        await sleep(100)
        messages1.push(`${event.partition} ${event.message.value!.toString()}`)
      },
    })
    await started
    const messages2: string[] = []
    await consumer2.connect()
    await consumer2.subscribe({ topic: topicName, fromBeginning: true })
    await consumer2.run({
      eachMessage: async (event) => {
        await sleep(100)
        messages2.push(`${event.partition} ${event.message.value!.toString()}`)
      },
    })
    await waitFor(() => messages1.length + messages2.length >= 10, { timeoutMs: 15000 })
    await sleep(500)
    const all = [...messages1, ...messages2]
    expect(all).toHaveLength(10)
    expect(new Set(all).size).toBe(10)
  }, 20000)
})
