/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/consumer/__tests__/describeGroup.spec.js.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { AssignerProtocol, type Consumer } from '../../../src/kafkajs/index.js'
import { Cluster, secureRandom, waitForConsumerToJoinGroup } from './helpers.js'

let cluster: Cluster
let topicName: string
let groupId: string
let consumer: Consumer

beforeEach(async () => {
  cluster = new Cluster()
  topicName = `test-topic-${secureRandom()}`
  groupId = `consumer-group-id-${secureRandom()}`
  await cluster.createTopic({ topic: topicName })
  consumer = cluster.consumer({ groupId, maxWaitTimeInMs: 1, maxBytesPerPartition: 180 })
})
afterEach(() => cluster.cleanup())

it('returns the group description', async () => {
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  const joined = waitForConsumerToJoinGroup(consumer)
  void consumer.run({ eachMessage: async () => {} })
  await joined
  const description = await consumer.describeGroup()
  expect(description).toEqual({
    errorCode: 0,
    groupId,
    members: [
      {
        clientHost: expect.any(String),
        clientId: expect.any(String),
        memberId: expect.any(String),
        memberAssignment: expect.anything(),
        memberMetadata: expect.anything(),
      },
    ],
    protocol: 'RoundRobinAssigner',
    protocolType: 'consumer',
    state: 'Stable',
  })
  // With a real broker both are the raw protocol bytes, decodable by AssignerProtocol.
  const [member] = description.members
  expect(Buffer.isBuffer(member!.memberMetadata)).toBe(true)
  expect(Buffer.isBuffer(member!.memberAssignment)).toBe(true)
  expect(AssignerProtocol.MemberMetadata.decode(member!.memberMetadata)).toEqual(
    expect.objectContaining({ version: 0, topics: [topicName] }),
  )
  expect(AssignerProtocol.MemberAssignment.decode(member!.memberAssignment)).toEqual(
    expect.objectContaining({ version: 0, assignment: { [topicName]: [0] } }),
  )
})

it('describes a group that does not exist yet (before run) as Dead, with no members', async () => {
  await consumer.connect()
  // A real broker answers DescribeGroups for an unknown group with errorCode 0 and state Dead.
  await expect(consumer.describeGroup()).resolves.toEqual({
    errorCode: 0,
    groupId,
    members: [],
    protocol: '',
    protocolType: '',
    state: 'Dead',
  })
})

it('describes the group as Empty, with no protocol and no members, once its only member stopped', async () => {
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  // run() resolves once Runner.start is done; a stop() right at GROUP_JOIN, before that, finds
  // the runner not running yet (runner.js:78-89, 171-175) and would not leave the group.
  await consumer.run({ eachMessage: async () => {} })
  await consumer.stop()
  // A real broker moves a group whose last member left to Empty and starts a new generation
  // without a protocol (GroupMetadata.initNextGeneration); the protocol type stays.
  await expect(consumer.describeGroup()).resolves.toEqual({
    errorCode: 0,
    groupId,
    members: [],
    protocol: '',
    protocolType: 'consumer',
    state: 'Empty',
  })
})
