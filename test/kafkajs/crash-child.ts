/**
 * The process crash.test.ts (this folder) kills: a KafkaJS program on kafkalite/kafkajs with
 * `fileStorage({ fsync: 'always' })`, sending batches of 1–20 keyed messages with acks -1 to the
 * partitions of one topic, and printing `ack <partition> <baseOffset> <count> <firstSequence>`
 * once a send resolves. Message `s` of a partition has key `k<s>`, value `v<s>:…` and a header
 * `seq: <s>`, so the parent can check every acknowledged record. It resumes each partition's
 * sequence from what the log holds, so it can be killed and restarted on the same directory.
 * Usage: node --import tsx test/kafkajs/crash-child.ts <directory>
 */
import { Kafka, logLevel } from '../../src/kafkajs/index.js'
import { fileStorage } from '../../src/storage/files/index.js'

export const CRASH_TOPIC = 'crash-orders'
export const CRASH_PARTITIONS = 3

/** The value of sequence number `sequence`. */
export function crashValue(sequence: number): string {
  return `v${sequence}:${'x'.repeat(sequence % 200)}`
}

async function main(directory: string): Promise<void> {
  const kafka = new Kafka({
    brokers: ['crash-child:9092'],
    logLevel: logLevel.NOTHING,
    storage: fileStorage({ directory, fsync: 'always', logger: () => {} }),
  })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: CRASH_TOPIC, numPartitions: CRASH_PARTITIONS }] })
  const ends = await admin.fetchTopicOffsets(CRASH_TOPIC)
  // Sequences continue from the log end: every record in the log, acknowledged or not, has one.
  const next = ends.map((end) => Number(end.high))
  const producer = kafka.producer({ retry: { retries: 0 } })
  await producer.connect()
  process.stdout.write('ready\n')
  const sender = async (partition: number): Promise<void> => {
    for (let round = 0; ; round++) {
      const count = 1 + ((round * 7 + partition) % 20)
      const first = next[partition] as number
      next[partition] = first + count
      const messages = Array.from({ length: count }, (_, index) => ({
        partition,
        key: `k${first + index}`,
        value: crashValue(first + index),
        ...((first + index) % 3 === 0 ? { headers: { seq: String(first + index) } } : {}),
      }))
      const [metadata] = await producer.send({ topic: CRASH_TOPIC, acks: -1, messages })
      process.stdout.write(`ack ${partition} ${metadata?.baseOffset} ${count} ${first}\n`)
    }
  }
  await Promise.all(Array.from({ length: CRASH_PARTITIONS }, (_, partition) => sender(partition)))
}

if (process.argv[2] !== undefined) await main(process.argv[2])
