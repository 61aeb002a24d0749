// Smoke check of a broker started by start.sh, with the real kafkajs client:
//   eval "$(test/kafka/start.sh | tail -n 1)" && KAFKA_BROKERS=$KAFKA_BROKERS node test/kafka/smoke.mjs
// Produces and consumes plainly, then through a transactional producer (one committed and one
// aborted transaction) read by a read_committed consumer, which is what the differential
// tests lean on. Exits non-zero with the reason on the first thing that is not as expected.
// kafkajs logging is off: right after a start the real broker answers with retriable errors
// (coordinator loading, CONCURRENT_TRANSACTIONS) that kafkajs retries and logs as ERROR.
import { randomUUID } from 'node:crypto'
import kafkajs from 'kafkajs'

const { Kafka, logLevel } = kafkajs
const brokers = process.env.KAFKA_BROKERS
if (!brokers) {
  console.error('smoke.mjs: set KAFKA_BROKERS (the last line printed by test/kafka/start.sh)')
  process.exit(2)
}

const kafka = new Kafka({
  clientId: 'kafkalite-smoke',
  brokers: brokers.split(','),
  logLevel: logLevel.NOTHING,
})
const run = randomUUID().slice(0, 8)

function check(ok, what) {
  if (!ok) throw new Error(`smoke.mjs: ${what}`)
}

// Reads `count` messages of `topic` from the beginning with a fresh group, then disconnects.
async function consume(topic, count, options = {}) {
  const consumer = kafka.consumer({ groupId: `smoke-${run}-${topic}`, ...options })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen = []
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`smoke.mjs: timed out reading ${topic}`)), 30_000)
    consumer
      .run({
        eachMessage: async ({ message }) => {
          seen.push({
            key: message.key?.toString(),
            value: message.value?.toString(),
            offset: message.offset,
          })
          if (seen.length >= count) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
      .catch(reject)
  })
  await consumer.disconnect()
  return seen
}

const started = Date.now()
const admin = kafka.admin()
await admin.connect()

// 1. Plain produce and consume on an explicitly created topic.
const plain = `smoke-plain-${run}`
await admin.createTopics({ topics: [{ topic: plain, numPartitions: 1 }], waitForLeaders: true })
const producer = kafka.producer()
await producer.connect()
const [meta] = await producer.send({ topic: plain, messages: [{ key: 'k', value: 'hello' }] })
check(meta?.errorCode === 0 && meta.baseOffset === '0', `unexpected RecordMetadata ${JSON.stringify(meta)}`)
const plainSeen = await consume(plain, 1)
check(plainSeen[0]?.value === 'hello' && plainSeen[0].key === 'k', `read back ${JSON.stringify(plainSeen)}`)
await producer.disconnect()
console.log(`plain produce/consume ok: ${JSON.stringify(plainSeen)}`)

// 2. Transactions: one committed, one aborted; read_committed sees only the committed one, and
//    the commit marker occupies an offset as in Kafka.
const txTopic = `smoke-tx-${run}`
await admin.createTopics({ topics: [{ topic: txTopic, numPartitions: 1 }], waitForLeaders: true })
const txProducer = kafka.producer({
  transactionalId: `smoke-tx-${run}`,
  idempotent: true,
  maxInFlightRequests: 1,
})
await txProducer.connect()
const committed = await txProducer.transaction()
await committed.send({ topic: txTopic, messages: [{ key: 'a', value: 'committed' }] })
await committed.commit()
const aborted = await txProducer.transaction()
await aborted.send({ topic: txTopic, messages: [{ key: 'b', value: 'aborted' }] })
await aborted.abort()
const last = await txProducer.transaction()
await last.send({ topic: txTopic, messages: [{ key: 'c', value: 'committed-too' }] })
await last.commit()
await txProducer.disconnect()

const txSeen = await consume(txTopic, 2, { readUncommitted: false })
check(
  txSeen.map((m) => m.value).join(',') === 'committed,committed-too',
  `read_committed saw ${JSON.stringify(txSeen)}`,
)
// offsets: committed=0, marker=1, aborted=2, marker=3, committed-too=4, marker=5
check(txSeen[1]?.offset === '4', `expected the second committed record at offset 4, got ${txSeen[1]?.offset}`)
const [end] = await admin.fetchTopicOffsets(txTopic)
check(end?.high === '6', `expected high watermark 6 after three transactions, got ${end?.high}`)
console.log(`transactions ok: ${JSON.stringify(txSeen)}, high watermark ${end?.high}`)

await admin.deleteTopics({ topics: [plain, txTopic] })
await admin.disconnect()
console.log(`smoke ok in ${Date.now() - started} ms against ${brokers}`)
