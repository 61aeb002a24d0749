/**
 * kafkalite/kafkajs end to end (issue 3), side by side in one run:
 *
 * - eventemitter3: the same 1M messages emitted to two listeners (keeps nothing, no groups);
 * - engine: the same records appended in batches of 1,000 to an 8-partition topic and read back
 *   by two parked readers (the floor kafkalite/kafkajs runs on);
 * - kafkalite/kafkajs eachBatch: 1M keyed 100-byte messages sent in batches of 1,000 to 8
 *   partitions, consumed by a group of 2 with eachBatch;
 * - kafkalite/kafkajs eachMessage: the same with eachMessage.
 *
 * Then produce-to-handler latency p50/p99 at a steady 10,000 messages/s.
 * Run: node --expose-gc --import tsx bench/kafkajs.bench.ts   (MESSAGES=… to change 1M)
 */
import { Buffer } from 'node:buffer'
import { performance } from 'node:perf_hooks'
import { EventEmitter } from 'eventemitter3'
import type { StoredRecord } from '../src/common/record.js'
import { Broker } from '../src/engine/broker.js'
import { IsolationLevel } from '../src/engine/partition-log.js'
import { Kafka, logLevel, type Message } from '../src/kafkajs/index.js'
import { createTestBroker } from '../src/testing/index.js'
import {
  consume,
  printChecksum,
  printEnvironment,
  printResults,
  printTarget,
  runBench,
  variant,
} from './util/run-bench.js'

const MESSAGES = Number(process.env.MESSAGES ?? 1_000_000)
const BATCH = 1_000
const PARTITIONS = 8
const VALUE = Buffer.alloc(100, 7)
const batches: Message[][] = Array.from({ length: MESSAGES / BATCH }, (_, batch) =>
  Array.from({ length: BATCH }, (_, index) => ({
    key: `key-${(batch * BATCH + index) % 10_000}`,
    value: VALUE,
  })),
)
const records: StoredRecord[][] = Array.from({ length: MESSAGES / BATCH / PARTITIONS }, () =>
  Array.from({ length: BATCH }, (_, index) => ({
    offsetDelta: index,
    timestamp: 0,
    key: null,
    value: VALUE,
    headers: null,
    sizeBytes: 121,
  })),
)

let topicCounter = 0

async function kafkajsRound(mode: 'eachBatch' | 'eachMessage'): Promise<number> {
  const test = createTestBroker()
  const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
  const topic = `bench-${topicCounter++}`
  test.broker.createTopic(topic, { partitions: PARTITIONS })
  let received = 0
  let done!: () => void
  const finished = new Promise<void>((resolve) => (done = resolve))
  const consumers = [kafka.consumer({ groupId: 'bench' }), kafka.consumer({ groupId: 'bench' })]
  for (const consumer of consumers) {
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run(
      mode === 'eachBatch'
        ? {
            eachBatch: async ({ batch }) => {
              received += batch.messages.length
              if (received >= MESSAGES) done()
            },
          }
        : {
            eachMessage: async () => {
              if (++received >= MESSAGES) done()
            },
          },
    )
  }
  await test.waitFor(() =>
    test.groupMembers('bench').every((member) => member.assignment.length === PARTITIONS / 2),
  )
  const producer = kafka.producer()
  await producer.connect()
  const started = performance.now()
  for (const messages of batches) await producer.send({ topic, messages, acks: 1 })
  await finished
  const elapsed = performance.now() - started
  for (const consumer of consumers) await consumer.disconnect()
  await producer.disconnect()
  await test.close()
  return elapsed + received
}

async function engineRound(): Promise<number> {
  const broker = new Broker()
  broker.createTopic('engine', { partitions: PARTITIONS })
  const logs = broker.topic('engine').partitions
  const received = 0
  const reader = async (owned: typeof logs): Promise<void> => {
    const positions = owned.map(() => 0)
    const quota = (MESSAGES * owned.length) / PARTITIONS
    let mine = 0
    while (mine < quota) {
      let progressed = false
      for (let index = 0; index < owned.length; index++) {
        const log = owned[index]!
        if (positions[index]! >= log.highWatermark) continue
        const read = log.read(positions[index]!, {
          maxBytes: 1_048_576,
          isolation: IsolationLevel.ReadCommitted,
        })
        for (const batch of read.batches) mine += batch.records.length
        positions[index] = read.nextOffset
        progressed = true
      }
      if (!progressed && mine < quota) {
        await broker.waitForData(
          owned.map((log, index) => ({ log, offset: positions[index]!, readCommitted: true })),
          1_000,
        )
      }
    }
  }
  const readers = [reader(logs.slice(0, 4)), reader(logs.slice(4))]
  let partition = 0
  for (const batch of records) {
    for (let step = 0; step < PARTITIONS; step++) {
      broker.append('engine', partition, { records: batch })
      partition = (partition + 1) % PARTITIONS
    }
    await Promise.resolve()
  }
  await Promise.all(readers)
  await broker.close()
  return received + MESSAGES
}

function emitterRound(): number {
  const emitter = new EventEmitter()
  let received = 0
  emitter.on('m', () => received++)
  emitter.on('m', () => received++)
  for (const messages of batches) for (const message of messages) emitter.emit('m', message)
  return received
}

async function latency(): Promise<{ p50: number; p99: number; count: number }> {
  const test = createTestBroker()
  const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
  const topic = 'latency'
  test.broker.createTopic(topic, { partitions: PARTITIONS })
  const samples: number[] = []
  const consumer = kafka.consumer({ groupId: 'latency' })
  await consumer.subscribe({ topics: [topic] })
  await consumer.run({
    eachMessage: async ({ message }) => {
      samples.push(performance.now() - Number(message.headers?.sent?.toString()))
    },
  })
  const producer = kafka.producer()
  await producer.connect()
  const rate = 10_000
  const durationMs = 3_000
  const started = performance.now()
  let sent = 0
  while (performance.now() - started < durationMs) {
    const due = Math.floor(((performance.now() - started) / 1_000) * rate)
    while (sent < due) {
      await producer.send({
        topic,
        messages: [{ key: `k${sent}`, value: VALUE, headers: { sent: String(performance.now()) } }],
      })
      sent++
    }
    await new Promise((resolve) => setImmediate(resolve))
  }
  await test.waitFor(() => samples.length >= sent)
  await consumer.disconnect()
  await producer.disconnect()
  await test.close()
  const sorted = samples.sort((a, b) => a - b)
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 1_000
  return { p50: at(0.5), p99: at(0.99), count: sorted.length }
}

if (process.env.ONLY !== undefined) {
  const fn = {
    emitter: emitterRound,
    engine: engineRound,
    batch: () => kafkajsRound('eachBatch'),
    message: () => kafkajsRound('eachMessage'),
  }[process.env.ONLY as 'engine']
  // REPEAT=n runs it n times in this process and prints each time and the median (for profiling and A/B runs).
  const times: number[] = []
  if (process.env.GC_FIRST) globalThis.gc?.()
  for (let round = 0; round < Number(process.env.REPEAT ?? 1); round++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  const sorted = [...times].sort((a, b) => a - b)
  console.log(
    times.map((time) => time.toFixed(0)).join(' '),
    'median',
    sorted[sorted.length >> 1]?.toFixed(0),
  )
  process.exit(0)
}
printEnvironment()
console.log(`${MESSAGES} messages, 100-byte values, keyed, ${PARTITIONS} partitions, group of 2`)
const results = await runBench({ title: 'kafkajs', iterations: 5, warmupIterations: 1 }, [
  variant({ name: 'eventemitter3, 2 listeners', recordsPerIteration: MESSAGES, run: emitterRound }),
  variant({ name: 'engine end-to-end (floor of the face)', recordsPerIteration: MESSAGES, run: engineRound }),
  variant({
    name: 'kafkalite/kafkajs eachBatch',
    recordsPerIteration: MESSAGES,
    run: () => kafkajsRound('eachBatch'),
  }),
  variant({
    name: 'kafkalite/kafkajs eachMessage',
    recordsPerIteration: MESSAGES,
    run: () => kafkajsRound('eachMessage'),
  }),
])
printResults('End to end: produce with send() in batches of 1,000, consume with a group of 2', results)
const [, engine, eachBatch, eachMessage] = results
printTarget(
  'eachBatch ≥ 2M messages/s',
  eachBatch!.recordsPerSecond >= 2e6,
  `${(eachBatch!.recordsPerSecond / 1e6).toFixed(2)}M/s`,
)
printTarget(
  'eachBatch ≥ 1/3 of the engine',
  eachBatch!.recordsPerSecond >= engine!.recordsPerSecond / 3,
  `${((eachBatch!.recordsPerSecond / engine!.recordsPerSecond) * 100).toFixed(0)}% of ${(engine!.recordsPerSecond / 1e6).toFixed(2)}M/s`,
)
printTarget(
  'eachMessage ≥ 1M messages/s',
  eachMessage!.recordsPerSecond >= 1e6,
  `${(eachMessage!.recordsPerSecond / 1e6).toFixed(2)}M/s`,
)
const measured = await latency()
console.log(
  `\nLatency produce → eachMessage at a steady 10,000 messages/s (${measured.count} messages, one send each)`,
)
printTarget('p50 ≤ 50 µs', measured.p50 <= 50, `${measured.p50.toFixed(1)} µs`)
printTarget('p99 ≤ 1 ms', measured.p99 <= 1_000, `${measured.p99.toFixed(1)} µs`)
consume(measured.count)
printChecksum()
