import { describe } from 'vitest'
import type { Kit } from './harness.js'
import { differential } from './harness.js'
import { connectedProducer, createTopics } from './helpers.js'

type Admin = ReturnType<Kit['admin']>

async function connectedAdmin(kit: Kit): Promise<Admin> {
  const admin = kit.admin()
  await admin.connect()
  return admin
}

/** The topic-config keys kafkalite implements (engine/topic-config.ts). */
const SUPPORTED_CONFIG_KEYS = [
  'cleanup.policy',
  'delete.retention.ms',
  'max.message.bytes',
  'message.timestamp.type',
  'min.compaction.lag.ms',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.ms',
]

const BASE_TIMESTAMP = 1_600_000_000_000

/** Admin results per partition, sorted: the broker's partition order is not a contract. */
function byPartition<T extends { partition: number }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => a.partition - b.partition)
}

describe('admin: offsets', () => {
  differential('fetchTopicOffsets and fetchTopicOffsetsByTimestamp', async (kit) => {
    const topic = kit.topic('offsets')
    await createTopics(kit, [{ topic, numPartitions: 2 }])
    const admin = await connectedAdmin(kit)
    const empty = byPartition(await admin.fetchTopicOffsets(topic))
    const emptyByTimestamp = byPartition(await admin.fetchTopicOffsetsByTimestamp(topic, BASE_TIMESTAMP))
    const producer = await connectedProducer(kit)
    await producer.send({
      topic,
      messages: [0, 1, 2, 3].map((i) => ({
        value: `p0-${i}`,
        partition: 0,
        timestamp: String(BASE_TIMESTAMP + i * 1000),
      })),
    })
    await producer.send({
      topic,
      messages: [{ value: 'p1', partition: 1, timestamp: String(BASE_TIMESTAMP + 500) }],
    })
    const byTimestamp: Record<string, unknown> = {}
    for (const delta of [-1000, 0, 1, 1500, 3000, 3001]) {
      byTimestamp[String(delta)] = byPartition(
        await admin.fetchTopicOffsetsByTimestamp(topic, BASE_TIMESTAMP + delta),
      )
    }
    return {
      empty,
      emptyByTimestamp,
      offsets: byPartition(await admin.fetchTopicOffsets(topic)),
      byTimestamp,
      omitted: byPartition(await admin.fetchTopicOffsetsByTimestamp(topic)),
      unknownTopic: await kit.attempt(() => admin.fetchTopicOffsets(kit.topic('missing'))),
    }
  })

  differential('fetchOffsets, setOffsets and resetOffsets on an empty group', async (kit) => {
    const topic = kit.topic('group-offsets')
    await createTopics(kit, [{ topic, numPartitions: 2 }])
    const producer = await connectedProducer(kit)
    await producer.send({
      topic,
      messages: [0, 0, 0, 1, 1].map((partition, i) => ({ value: `m${i}`, partition })),
    })
    const groupId = kit.groupId('group-offsets')
    const admin = await connectedAdmin(kit)
    const steps: Record<string, unknown> = {}
    steps.none = await admin.fetchOffsets({ groupId, topics: [topic] })
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] })
    steps.afterSet = await admin.fetchOffsets({ groupId, topics: [topic] })
    steps.allTopics = await admin.fetchOffsets({ groupId })
    await admin.resetOffsets({ groupId, topic, earliest: true })
    steps.afterResetEarliest = await admin.fetchOffsets({ groupId, topics: [topic] })
    // Typed as required, but KafkaJS defaults `earliest` to false at runtime (catalog §1.13).
    await admin.resetOffsets({ groupId, topic } as Parameters<Admin['resetOffsets']>[0])
    steps.afterResetLatest = await admin.fetchOffsets({ groupId, topics: [topic] })
    steps.resolved = await admin.fetchOffsets({ groupId, topics: [topic], resolveOffsets: true })
    steps.afterResolve = await admin.fetchOffsets({ groupId, topics: [topic] })
    steps.invalidGroup = await kit.attempt(() => admin.fetchOffsets({ groupId: '', topics: [topic] }))
    steps.topicsNotArray = await kit.attempt(() =>
      admin.fetchOffsets({ groupId, topics: topic as unknown as string[] }),
    )
    steps.noPartitions = await kit.attempt(() => admin.setOffsets({ groupId, topic, partitions: [] }))
    return steps
  })

  differential('setOffsets is refused while the group has a running member', async (kit) => {
    const topic = kit.topic('busy-group')
    await createTopics(kit, [{ topic }])
    const groupId = kit.groupId('busy-group')
    const consumer = kit.consumer({ groupId })
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({ eachMessage: async () => {} })
    const admin = await connectedAdmin(kit)
    const set = await kit.attempt(() =>
      admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] }),
    )
    const reset = await kit.attempt(() => admin.resetOffsets({ groupId, topic, earliest: true }))
    return { set, reset }
  })

  differential(
    'deleteTopicRecords moves the log start; consumers from the beginning start there',
    async (kit) => {
      const topic = kit.topic('delete-records')
      await createTopics(kit, [{ topic, numPartitions: 2 }])
      const producer = await connectedProducer(kit)
      await producer.send({
        topic,
        messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}`, partition: 0 })),
      })
      await producer.send({
        topic,
        messages: [
          { value: 'x', partition: 1 },
          { value: 'y', partition: 1 },
        ],
      })
      const admin = await connectedAdmin(kit)
      // KafkaJS's deleteTopicRecords needs the topic's metadata loaded by an earlier call (F6).
      await admin.fetchTopicMetadata({ topics: [topic] })
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '7' }] })
      const afterDelete = byPartition(await admin.fetchTopicOffsets(topic))
      const below = await kit.attempt(() =>
        admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] }),
      )
      const above = await kit.attempt(() =>
        admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '50' }] }),
      )
      const unknownPartition = await kit.attempt(() =>
        admin.deleteTopicRecords({ topic, partitions: [{ partition: 9, offset: '1' }] }),
      )
      const noPartitions = await kit.attempt(() => admin.deleteTopicRecords({ topic, partitions: [] }))
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: '-1' }] })
      const afterDeleteAll = byPartition(await admin.fetchTopicOffsets(topic))
      const next = await producer.send({ topic, messages: [{ value: 'z', partition: 0 }] })
      const consumer = kit.consumer({ groupId: kit.groupId('delete-records') })
      const delivered: string[] = []
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          delivered.push(`${partition}:${message.offset}`)
        },
      })
      await kit.waitFor(() => delivered.length >= 4, '4 messages')
      return {
        afterDelete,
        below,
        above,
        unknownPartition,
        noPartitions,
        afterDeleteAll,
        nextLogStart: next.map((metadata) => metadata.logStartOffset),
        delivered: delivered.sort(),
      }
    },
  )
})

describe('admin: topics', () => {
  differential(
    'createTopics resolves true for new topics and false for existing ones; listTopics sees them',
    async (kit) => {
      const a = kit.topic('create-a')
      const b = kit.topic('create-b')
      const admin = await connectedAdmin(kit)
      const created = await admin.createTopics({ topics: [{ topic: a, numPartitions: 3 }] })
      const again = await admin.createTopics({ topics: [{ topic: a, numPartitions: 3 }] })
      const mixed = await kit.attempt(() =>
        admin.createTopics({ topics: [{ topic: a }, { topic: b, numPartitions: 2 }] }),
      )
      // With the default waitForLeaders: true, KafkaJS waits for a topic that validateOnly never
      // created and rejects (F7); false compares the validation itself.
      const validateOnly = await admin.createTopics({
        validateOnly: true,
        waitForLeaders: false,
        topics: [{ topic: kit.topic('never') }],
      })
      const mine = new Set([a, b, kit.topic('never')])
      await kit.waitFor(async () => (await admin.listTopics()).includes(b), 'the second topic')
      const listed = (await admin.listTopics()).filter((name) => mine.has(name)).sort()
      const metadataOfB = await kit.attempt(async () => {
        const result = await admin.fetchTopicMetadata({ topics: [b] })
        return result.topics.map((entry) => ({ name: entry.name, partitions: entry.partitions.length }))
      })
      const metadata = await admin.fetchTopicMetadata({ topics: [a] })
      const shapes = metadata.topics.map((entry) => ({
        name: entry.name,
        partitions: entry.partitions
          .map((partition) => ({
            partitionErrorCode: partition.partitionErrorCode,
            partitionId: partition.partitionId,
            // Node ids differ (a real node vs the in-process one): compare their relations.
            replicasAreLeader: partition.replicas.length === 1 && partition.replicas[0] === partition.leader,
            isrIsLeader: partition.isr.length === 1 && partition.isr[0] === partition.leader,
            offlineReplicas: partition.offlineReplicas,
            keys: Object.keys(partition).sort(),
          }))
          .sort((x, y) => x.partitionId - y.partitionId),
      }))
      await admin.deleteTopics({ topics: [b] })
      await kit.waitFor(async () => !(await admin.listTopics()).includes(b), 'the deleted topic to disappear')
      const afterDelete = (await admin.listTopics()).filter((name) => mine.has(name)).sort()
      return { created, again, mixed, validateOnly, listed, metadataOfB, shapes, afterDelete }
    },
  )

  differential('createPartitions grows a topic; keyed messages then map over the new count', async (kit) => {
    const topic = kit.topic('grow')
    await createTopics(kit, [{ topic, numPartitions: 1 }])
    const admin = await connectedAdmin(kit)
    const grown = await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] })
    // Real Kafka propagates the new partitions to its metadata cache asynchronously.
    await kit.waitFor(
      async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length === 3,
      'metadata with 3 partitions',
    )
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] })
    const producer = await connectedProducer(kit, { metadataMaxAge: 100 })
    await kit.waitFor(async () => {
      const [sent] = await producer.send({ topic, messages: [{ key: 'foo', value: 'probe' }] })
      return sent?.partition === 2
    }, 'the producer to see 3 partitions (murmur2("foo") % 3 = 2)')
    const offsets = byPartition(await admin.fetchTopicOffsets(topic))
    return {
      grown,
      partitionCount: metadata.topics[0]?.partitions.length,
      offsets: offsets.map((entry) => ({ partition: entry.partition, low: entry.low })),
    }
  })

  differential('describeConfigs and alterConfigs for the topic configs kafkalite supports', async (kit) => {
    const topic = kit.topic('configs')
    const admin = await connectedAdmin(kit)
    await admin.createTopics({
      topics: [{ topic, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    })
    const { ConfigResourceTypes } = kit.kafkajs
    const describe = async () => {
      const result = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: SUPPORTED_CONFIG_KEYS }],
      })
      return result.resources.map((resource) => ({
        errorCode: resource.errorCode,
        resourceName: resource.resourceName,
        resourceType: resource.resourceType,
        configEntries: resource.configEntries
          .map((entry) => ({
            configName: entry.configName,
            configValue: entry.configValue,
            isDefault: entry.isDefault,
            configSource: entry.configSource,
            isSensitive: entry.isSensitive,
            readOnly: entry.readOnly,
          }))
          .sort((x, y) => x.configName.localeCompare(y.configName)),
      }))
    }
    const initial = await describe()
    const altered = await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    })
    const after = await describe()
    const invalid = await kit.attempt(() =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: [{ name: 'retention.ms', value: 'soon' }],
          },
        ],
      }),
    )
    return { initial, altered, after, invalid }
  })

  differential(
    'describeConfigs reports an empty errorMessage for a resource without error',
    async (kit) => {
      const topic = kit.topic('configs-error-message')
      await createTopics(kit, [{ topic }])
      const admin = await connectedAdmin(kit)
      const result = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: kit.kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] },
        ],
      })
      return result.resources.map((resource) => ({
        errorCode: resource.errorCode,
        errorMessage: resource.errorMessage,
      }))
    },
    // F5 in FINDINGS.md: was null; fixed in src/kafkajs/admin.ts during this session.
  )

  differential(
    'createTopics with validateOnly and the default waitForLeaders rejects (KafkaJS waits for a topic never created)',
    async (kit) => {
      const admin = await connectedAdmin(kit)
      return kit.attempt(() =>
        admin.createTopics({ validateOnly: true, topics: [{ topic: kit.topic('validate') }] }),
      )
    },
    { deliberate: 'F7' },
  )

  differential(
    'deleteTopicRecords on a fresh admin fails until the topic metadata is loaded (KafkaJS quirk)',
    async (kit) => {
      const topic = kit.topic('delete-fresh-admin')
      await createTopics(kit, [{ topic }])
      const producer = await connectedProducer(kit)
      await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] })
      const admin = await connectedAdmin(kit)
      return kit.attempt(() =>
        admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '1' }] }),
      )
    },
    { deliberate: 'F6' },
  )
})

describe('admin: groups', () => {
  differential('describeGroups, listGroups and deleteGroups', async (kit) => {
    const topic = kit.topic('describe')
    await createTopics(kit, [{ topic, numPartitions: 2 }])
    const groupId = kit.groupId('describe')
    const consumer = kit.consumer({ groupId })
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({ eachMessage: async () => {} })
    const admin = await connectedAdmin(kit)
    const unknownGroup = kit.groupId('unknown')
    const describeGroups = async () => {
      const { groups } = await admin.describeGroups([groupId, unknownGroup])
      return groups.map((group) => ({
        groupId: group.groupId,
        state: group.state,
        protocol: group.protocol,
        protocolType: group.protocolType,
        errorCode: (group as { errorCode?: unknown }).errorCode,
        members: group.members.map((member) => ({
          clientId: member.clientId,
          memberIdPrefix: member.memberId.startsWith(`${member.clientId}-`),
          keys: Object.keys(member).sort(),
          // The assigner lists partitions in metadata order, which is not a contract: sort them.
          assignment: Object.fromEntries(
            Object.entries(
              kit.kafkajs.AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {},
            ).map(([name, partitions]) => [name, [...partitions].sort()]),
          ),
        })),
      }))
    }
    const running = await describeGroups()
    const listed = (await admin.listGroups()).groups.filter((group) => group.groupId === groupId)
    const deleteRunning = await kit.attempt(() => admin.deleteGroups([groupId]))
    await consumer.disconnect()
    const stopped = await describeGroups()
    const deleted = await admin.deleteGroups([groupId])
    const deleteUnknown = await kit.attempt(() => admin.deleteGroups([unknownGroup]))
    return { running, listed, deleteRunning, stopped, deleted, deleteUnknown }
  })
})

describe('auto-creation', () => {
  differential('producing to a missing topic creates it with one partition', async (kit) => {
    const topic = kit.topic('auto-produce')
    const producer = await connectedProducer(kit)
    const sent = await producer.send({
      topic,
      messages: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    })
    const admin = await connectedAdmin(kit)
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] })
    return { sent, partitions: metadata.topics[0]?.partitions.length }
  })

  differential(
    'subscribing to a missing topic creates it; KafkaJS rejects that first subscribe',
    async (kit) => {
      const topic = kit.topic('auto-consume')
      const consumer = kit.consumer({ groupId: kit.groupId('auto-consume') })
      await consumer.connect()
      const subscribed = await kit.attempt(() => consumer.subscribe({ topics: [topic], fromBeginning: true }))
      const admin = await connectedAdmin(kit)
      await kit.waitFor(async () => (await admin.listTopics()).includes(topic), 'the topic to exist')
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] })
      return { subscribed, partitions: metadata.topics[0]?.partitions.length }
    },
    { deliberate: 'F9' },
  )
})
