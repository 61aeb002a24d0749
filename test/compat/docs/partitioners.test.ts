/**
 * KafkaJS docs: Producing.md "Custom partitioner" / "Default Partitioners" and
 * MigrationGuide-2-0-0.md "Producer: New default partitioner", against kafkalite/kafkajs.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import {
  Kafka,
  type LogEntry,
  logLevel,
  type PartitionerArgs,
  Partitioners,
} from '../../../src/kafkajs/index.js'
import { docsCluster, unique } from './helpers.js'

let cluster: ReturnType<typeof docsCluster>
let kafka: Kafka
beforeEach(() => {
  cluster = docsCluster()
  kafka = new Kafka({ clientId: 'my-app', brokers: cluster.test.brokers, logLevel: logLevel.NOTHING })
})
afterEach(() => cluster.cleanup())

async function createTopic(topic: string, numPartitions: number) {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions }] })
  await admin.disconnect()
}

// Keys and murmur2 hashes from KafkaJS src/producer/partitioners/{default,legacy}/murmur2.spec.js;
// partition = (hash & 0x7fffffff) % 5
const keys = ['0', '1', '128', '2187', '16384']
const defaultPartitions = [1, 4, 3, 0, 1]
const legacyPartitions = [0, 0, 4, 0, 1]

async function partitionsOf(createPartitioner: Parameters<Kafka['producer']>[0]) {
  const topic = unique('keys')
  await createTopic(topic, 5)
  const producer = kafka.producer(createPartitioner)
  await producer.connect()
  for (const key of keys) await producer.send({ topic, messages: [{ key, value: key }] })
  await producer.disconnect()
  const byKey = new Map(cluster.test.records(topic).map((r) => [String(r.key), r.partition]))
  return keys.map((key) => byKey.get(key))
}

it('custom partitioner: called with { topic, partitionMetadata, message }; its partition is used', async () => {
  const calls: PartitionerArgs[] = []
  const MyPartitioner = () => {
    return (args: PartitionerArgs) => {
      calls.push(args)
      // select a partition based on some logic
      return 2
    }
  }
  const topic = unique('custom')
  await createTopic(topic, 3)
  const producer = kafka.producer({ createPartitioner: MyPartitioner })
  await producer.connect()
  await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] })
  await producer.disconnect()

  expect(calls).toHaveLength(1)
  const { topic: calledTopic, partitionMetadata, message } = calls[0]!
  expect(calledTopic).toBe(topic)
  expect(message).toMatchObject({ key: 'k', value: 'v' })
  // `{ partitionId: <NodeId>, leader: <NodeId> }` per partition
  expect(partitionMetadata).toHaveLength(3)
  for (const p of partitionMetadata) {
    expect(p).toEqual(
      expect.objectContaining({ partitionId: expect.any(Number), leader: expect.any(Number) }),
    )
  }
  expect(partitionMetadata.map((p) => p.partitionId).sort()).toEqual([0, 1, 2])
  expect(cluster.test.records(topic).map((r) => r.partition)).toEqual([2])
})

it('default partitioner is Java compatible (murmur2 of the key)', async () => {
  expect(await partitionsOf(undefined)).toEqual(defaultPartitions)
  expect(await partitionsOf({ createPartitioner: Partitioners.DefaultPartitioner })).toEqual(
    defaultPartitions,
  )
})

it('Partitioners.JavaCompatiblePartitioner is re-exported as DefaultPartitioner', async () => {
  expect(Partitioners.JavaCompatiblePartitioner).toBe(Partitioners.DefaultPartitioner)
  expect(await partitionsOf({ createPartitioner: Partitioners.JavaCompatiblePartitioner })).toEqual(
    defaultPartitions,
  )
})

it('Partitioners.LegacyPartitioner keeps the pre-2.0 hash', async () => {
  expect(await partitionsOf({ createPartitioner: Partitioners.LegacyPartitioner })).toEqual(legacyPartitions)
})

it('no key and no partition: round-robin over the partitions', async () => {
  const topic = unique('rr')
  await createTopic(topic, 3)
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  for (let i = 0; i < 6; i++) await producer.send({ topic, messages: [{ value: `v${i}` }] })
  await producer.disconnect()
  const counts = [0, 0, 0]
  for (const r of cluster.test.records(topic)) counts[r.partition]!++
  expect(counts).toEqual([2, 2, 2])
})

function warnings(): { entries: LogEntry[]; logCreator: () => (entry: LogEntry) => void } {
  const entries: LogEntry[] = []
  return { entries, logCreator: () => (entry) => entries.push(entry) }
}
const isPartitionerWarning = (e: LogEntry) =>
  e.label === 'WARN' && String(e.log.message).startsWith('KafkaJS v2.0.0 switched default partitioner')

// KafkaJS warns once per process (src/index.js wraps warnOfDefaultPartitioner in a module-level
// `once`), so each test loads a fresh copy of the module.
async function freshKafka(): Promise<typeof Kafka> {
  vi.resetModules()
  return (await import('../../../src/kafkajs/index.js')).Kafka
}

it('migration: a warning is logged when no partitioner is selected, not with one', async () => {
  const FreshKafka = await freshKafka()
  const { entries, logCreator } = warnings()
  const client = new FreshKafka({ brokers: cluster.test.brokers, logCreator })
  client.producer({ createPartitioner: Partitioners.LegacyPartitioner })
  expect(entries.filter(isPartitionerWarning)).toHaveLength(0)
  client.producer()
  client.producer()
  expect(entries.filter(isPartitionerWarning)).toHaveLength(1)
})

it('migration: the default-partitioner warning is logged once per process (module-level once)', async () => {
  const FreshKafka = await freshKafka()
  const first = warnings()
  new FreshKafka({ brokers: cluster.test.brokers, logCreator: first.logCreator }).producer()
  const second = warnings()
  new FreshKafka({ brokers: cluster.test.brokers, logCreator: second.logCreator }).producer()
  expect(first.entries.filter(isPartitionerWarning)).toHaveLength(1)
  expect(second.entries.filter(isPartitionerWarning)).toHaveLength(0)
})

it('migration: KAFKAJS_NO_PARTITIONER_WARNING silences the warning', async () => {
  const FreshKafka = await freshKafka()
  const { entries, logCreator } = warnings()
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1'
  try {
    new FreshKafka({ brokers: cluster.test.brokers, logCreator }).producer()
  } finally {
    delete process.env.KAFKAJS_NO_PARTITIONER_WARNING
  }
  expect(entries.filter(isPartitionerWarning)).toHaveLength(0)
})
