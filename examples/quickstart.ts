/**
 * kafkalite's quickstart (`npm start`): Kafka's own quickstart, in one process, on files.
 * Run it twice: the second run finds the events and the group's offsets of the first.
 */
import { fileStorage } from 'kafkalite'
import { type Consumer, Kafka, type KafkaMessage, logLevel, Partitioners } from 'kafkalite/kafkajs'

const topic = 'quickstart-events'
const groupId = 'quickstart-group'
const kafka = new Kafka({
  clientId: 'quickstart',
  brokers: ['localhost:9092'],
  logLevel: logLevel.ERROR, // rebalances log WARNs in KafkaJS; the quickstart shows them as tables instead
  storage: fileStorage({ directory: './data', fsync: 'always' }),
})

function table(rows: Record<string, string | number>[]): void {
  const columns = Object.keys(rows[0] ?? {})
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => String(row[column]).length)),
  )
  const line = (cells: string[]) =>
    `  ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ')}`
  console.log(line(columns))
  for (const row of rows) console.log(line(columns.map((column) => String(row[column]))))
}

const admin = kafka.admin()
await admin.connect()

// 1. Create the topic (or find it from an earlier run) and describe it.
const firstRun = !(await admin.listTopics()).includes(topic)
if (firstRun) await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })
console.log(
  firstRun
    ? `1. Created topic ${topic}:`
    : `1. Found topic ${topic} from an earlier run (data in ./data survived):`,
)
const before = await admin.fetchTopicOffsets(topic)
table(before.map(({ partition, low, high }) => ({ partition, 'log start': low, 'log end': high })))

// 2. Produce keyed events: a key always lands on the same partition (Kafka's murmur2).
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
await producer.connect()
const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']
const placed: Record<string, string | number>[] = []
for (const [index, user] of users.entries()) {
  const [metadata] = await producer.send({
    topic,
    messages: [{ key: user, value: JSON.stringify({ user, n: index }) }],
  })
  placed.push({ key: user, partition: metadata?.partition ?? -1, offset: metadata?.baseOffset ?? '-' })
}
console.log('\n2. Produced 6 keyed events; a key always lands on the same partition (murmur2, as in Java):')
table(placed)

// 3. A consumer group of three members; stop one and watch the rebalance.
console.log('\n3. Consumer group of 3 members:')
const processed = new Map<string, number>()
const members: Consumer[] = []
const assignments = new Map<string, Record<string, number[]>>()
for (const name of ['member-a', 'member-b', 'member-c']) {
  const consumer = kafka.consumer({ groupId, heartbeatInterval: 100, sessionTimeout: 3000 })
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => assignments.set(name, payload.memberAssignment))
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
      const id = `${partition}:${message.offset}`
      processed.set(id, (processed.get(id) ?? 0) + 1)
    },
  })
  members.push(consumer)
}
await waitUntil(
  () => assignments.size === 3 && [...assignments.values()].flatMap((a) => a[topic] ?? []).length === 3,
)
table(
  [...assignments].map(([member, assignment]) => ({
    member,
    partitions: (assignment[topic] ?? []).join(',') || '-',
  })),
)

await members[2]?.disconnect()
assignments.delete('member-c')
console.log('   member-c left; the group rebalanced:')
await waitUntil(() => [...assignments.values()].flatMap((a) => a[topic] ?? []).length === 3)
table(
  [...assignments].map(([member, assignment]) => ({
    member,
    partitions: (assignment[topic] ?? []).join(','),
  })),
)

// 4. Committed offsets and lag per partition.
await waitUntil(async () => {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
  const ends = await admin.fetchTopicOffsets(topic)
  return ends.every(
    ({ partition, high }) => committed?.partitions.find((p) => p.partition === partition)?.offset === high,
  )
})
const ends = await admin.fetchTopicOffsets(topic)
const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
console.log('\n4. Committed offsets and lag of the group:')
table(
  ends.map(({ partition, high }) => {
    const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1'
    return { partition, 'log end': high, committed: offset, lag: Number(high) - Math.max(0, Number(offset)) }
  }),
)
const duplicates = [...processed.values()].filter((count) => count > 1).length
console.log(`   ${processed.size} events processed this run, ${duplicates} more than once.`)
if (!firstRun)
  console.log(
    '   The group resumed from the offsets it committed last run: only the new events were processed.',
  )

// 5. Run again: the events and the group's offsets are still there.
const total = ends.reduce((sum, { high }) => sum + Number(high), 0)
console.log(
  `\n5. ./data holds ${total} events. Run \`npm start\` again: they and the group's offsets survive the restart.`,
)

for (const consumer of members.slice(0, 2)) await consumer.disconnect()
await producer.disconnect()
await admin.disconnect()

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('quickstart: timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
