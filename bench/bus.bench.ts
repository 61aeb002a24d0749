/**
 * The typed bus end to end (issue 6), side by side in one run, 5-field events in batches of 1,000:
 *
 * - eventemitter3: the same objects emitted to one listener (no copy, no validation, keeps nothing);
 * - engine: prebuilt records appended and read back (the floor the bus runs on);
 * - bus, validated: producer.send with zod validation + immutable copy, one consumer with eachBatch;
 * - bus, unvalidated: the same with `validate: false` (copy and freeze only);
 * - kafkalite/kafkajs: the same events as JSON Buffers, JSON.parse in eachBatch.
 *
 * Then the cost of the immutability guarantee alone: a copy on send plus one per delivery (what the bus does) vs copy + freeze vs
 * structuredClone vs sharing the object.
 * Run: node --expose-gc --import tsx bench/bus.bench.ts
 */
import { Buffer } from 'node:buffer'
import { EventEmitter } from 'eventemitter3'
import { z } from 'zod'
import { deliveryCopy, detachedCopy } from '../src/bus/immutable.js'
import { createBus, defineTopic } from '../src/bus/index.js'
import type { StoredRecord } from '../src/common/record.js'
import { Broker } from '../src/engine/broker.js'
import { IsolationLevel } from '../src/engine/partition-log.js'
import { Kafka, logLevel } from '../src/kafkajs/index.js'
import { createTestBroker } from '../src/testing/index.js'
import {
  consume,
  pairedRatio,
  printChecksum,
  printEnvironment,
  printResults,
  printTarget,
  runBench,
  variant,
} from './util/run-bench.js'

const EVENTS = Number(process.env.EVENTS ?? 100_000)
const BATCH = 1_000
const Event = z.object({
  id: z.string(),
  customer: z.string(),
  amount: z.number(),
  currency: z.enum(['EUR', 'USD']),
  paid: z.boolean(),
})
type Event = z.infer<typeof Event>
const events: Event[] = Array.from({ length: EVENTS }, (_, index) => ({
  id: `o-${index}`,
  customer: `c-${index % 97}`,
  amount: index % 1000,
  currency: index % 2 === 0 ? 'EUR' : 'USD',
  paid: index % 3 === 0,
}))
const batches = Array.from({ length: EVENTS / BATCH }, (_, batch) =>
  events.slice(batch * BATCH, (batch + 1) * BATCH).map((value) => ({ value })),
)
const jsonBatches = batches.map((batch) =>
  batch.map(({ value }) => ({ value: Buffer.from(JSON.stringify(value)) })),
)
const records: StoredRecord[][] = batches.map((batch) =>
  batch.map(({ value }, index) => ({
    offsetDelta: index,
    timestamp: 0,
    key: null,
    value,
    headers: null,
    sizeBytes: 80,
  })),
)
let topicCounter = 0

async function busRound(validate: boolean): Promise<number> {
  const bus = createBus({ log: () => {} })
  const topic = defineTopic({ name: `bus-${topicCounter++}`, value: Event, partitions: 1 })
  let received = 0
  let done!: () => void
  const finished = new Promise<void>((resolve) => (done = resolve))
  const consumer = bus.consumer({ groupId: 'bench', topics: [topic], fromBeginning: true })
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) received += message.value.amount >= 0 ? 1 : 0
      if (received >= EVENTS) done()
    },
  })
  const producer = bus.producer({ validate })
  for (const batch of batches) await producer.send(topic, batch)
  await finished
  await bus.close()
  return received
}

async function kafkajsRound(): Promise<number> {
  const test = createTestBroker()
  const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
  const topic = `json-${topicCounter++}`
  test.broker.createTopic(topic)
  let received = 0
  let done!: () => void
  const finished = new Promise<void>((resolve) => (done = resolve))
  const consumer = kafka.consumer({ groupId: 'bench' })
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages)
        received += (JSON.parse(String(message.value)) as Event).amount >= 0 ? 1 : 0
      if (received >= EVENTS) done()
    },
  })
  const producer = kafka.producer()
  await producer.connect()
  for (const messages of jsonBatches) await producer.send({ topic, messages })
  await finished
  await consumer.disconnect()
  await producer.disconnect()
  await test.close()
  return received
}

/**
 * The engine moving the same events when it is handed a fresh record object (and a copy of the
 * event, as the bus's send makes) per event, built in the timed loop: what retaining two objects
 * per event costs before any bus code runs.
 */
function freshRecords(batch: readonly StoredRecord[]): StoredRecord[] {
  return batch.map((record) => ({
    offsetDelta: record.offsetDelta,
    timestamp: Date.now(),
    key: null,
    value: { ...(record.value as Event) },
    headers: null,
    sizeBytes: 80,
  }))
}

async function engineRound(fresh = false): Promise<number> {
  const broker = new Broker()
  broker.createTopic('engine')
  const log = broker.log('engine', 0)
  let received = 0
  const reader = (async () => {
    let position = 0
    while (received < EVENTS) {
      const read = log.read(position, { maxBytes: 1_048_576, isolation: IsolationLevel.ReadCommitted })
      for (const batch of read.batches)
        for (const record of batch.records) received += (record.value as Event).amount >= 0 ? 1 : 0
      position = read.nextOffset
      if (received < EVENTS) await broker.waitForData([{ log, offset: position, readCommitted: true }], 1_000)
    }
  })()
  for (const batch of records) {
    broker.append('engine', 0, { records: fresh ? freshRecords(batch) : batch })
    await Promise.resolve()
  }
  await reader
  await broker.close()
  return received
}

function emitterRound(): number {
  const emitter = new EventEmitter()
  let received = 0
  emitter.on('event', (event: Event) => {
    received += event.amount >= 0 ? 1 : 0
  })
  for (const event of events) emitter.emit('event', event)
  return received
}

printEnvironment()
console.log(`${EVENTS} events of 5 fields, batches of ${BATCH}, 1 partition, 1 consumer (eachBatch)`)
const results = await runBench({ title: 'bus', iterations: 10, warmupIterations: 2 }, [
  variant({ name: 'eventemitter3, 1 listener', recordsPerIteration: EVENTS, run: emitterRound }),
  variant({ name: 'engine end to end', recordsPerIteration: EVENTS, run: () => engineRound() }),
  variant({
    name: 'engine, fresh record + event copy per event',
    recordsPerIteration: EVENTS,
    run: () => engineRound(true),
  }),
  variant({ name: 'typed bus, validated', recordsPerIteration: EVENTS, run: () => busRound(true) }),
  variant({ name: 'typed bus, no validation', recordsPerIteration: EVENTS, run: () => busRound(false) }),
  variant({ name: 'kafkalite/kafkajs, JSON', recordsPerIteration: EVENTS, run: kafkajsRound }),
])
printResults('Typed produce + consume', results)
const [, engine, engineFresh, validated, unvalidated] = results
printTarget(
  'validated ≥ 1M events/s',
  validated!.recordsPerSecond >= 1e6,
  `${(validated!.recordsPerSecond / 1e6).toFixed(2)}M/s`,
)
const ratio = pairedRatio(unvalidated!, engine!)
printTarget(
  'unvalidated within 2× of the engine',
  ratio <= 2,
  `${ratio.toFixed(2)}× the engine's time per event`,
)
console.log(
  `  (for scale: unvalidated is ${pairedRatio(unvalidated!, engineFresh!).toFixed(2)}× the engine handed a fresh record and event copy per event)`,
)

const copies = await runBench({ title: 'immutability', iterations: 20, warmupIterations: 3 }, [
  variant({
    name: 'share the object (no guarantee)',
    recordsPerIteration: EVENTS,
    run: () => events.reduce((sum, event) => sum + (event.paid ? 1 : 0), 0),
  }),
  variant({
    name: 'kafkalite: copy on send + copy per delivery',
    recordsPerIteration: EVENTS,
    run: () =>
      events.reduce((sum, event) => sum + ((deliveryCopy(detachedCopy(event)) as Event).paid ? 1 : 0), 0),
  }),
  variant({
    name: 'copy + Object.freeze (rejected design)',
    recordsPerIteration: EVENTS,
    run: () => events.reduce((sum, event) => sum + (Object.freeze({ ...event }).paid ? 1 : 0), 0),
  }),
  variant({
    name: 'structuredClone',
    recordsPerIteration: EVENTS,
    run: () => events.reduce((sum, event) => sum + (structuredClone(event).paid ? 1 : 0), 0),
  }),
  variant({
    name: 'zod parse (validation alone)',
    recordsPerIteration: EVENTS,
    run: () => events.reduce((sum, event) => sum + (Event.parse(event).paid ? 1 : 0), 0),
  }),
])
printResults('What immutability costs per event', copies)
consume(results.length)
printChecksum()
