/**
 * Transactional throughput through kafkalite/kafkajs (issue 4), side by side in one run:
 * the same messages sent without a transaction (sends of 100), and in transactions of 1, 100 and
 * 10,000 messages (one send per transaction, then commit). Each commit writes a control record
 * per partition, as Kafka does.
 *
 * Run: node --expose-gc --import tsx bench/transactions.bench.ts
 */
import { Buffer } from 'node:buffer'
import { Kafka, logLevel, type Message, type Producer } from '../src/kafkajs/index.js'
import { createTestBroker, type TestBroker } from '../src/testing/index.js'
import {
  consume,
  printChecksum,
  printEnvironment,
  printResults,
  runBench,
  variant,
} from './util/run-bench.js'

const MESSAGES = Number(process.env.MESSAGES ?? 20_000)
const VALUE = Buffer.alloc(100, 1)
const messages: Message[] = Array.from({ length: 10_000 }, (_, index) => ({ key: `k${index}`, value: VALUE }))

interface State {
  test: TestBroker
  producer: Producer
  topic: string
}

let round = 0
async function setup(transactional: boolean): Promise<State> {
  const test = createTestBroker()
  const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
  const producer = transactional
    ? kafka.producer({ transactionalId: `tx-${round++}`, idempotent: true, maxInFlightRequests: 1 })
    : kafka.producer()
  await producer.connect()
  test.broker.createTopic('bench', { partitions: 8 })
  return { test, producer, topic: 'bench' }
}

async function teardown(state: State): Promise<void> {
  await state.producer.disconnect()
  await state.test.close()
}

async function plain(state: State): Promise<number> {
  let sent = 0
  for (let index = 0; index < MESSAGES; index += 100) {
    sent += (await state.producer.send({ topic: state.topic, messages: messages.slice(0, 100) })).length
  }
  return sent
}

function transactional(size: number) {
  return async (state: State): Promise<number> => {
    const slice = messages.slice(0, size)
    let sent = 0
    for (let index = 0; index < MESSAGES; index += size) {
      const transaction = await state.producer.transaction()
      sent += (await transaction.send({ topic: state.topic, messages: slice })).length
      await transaction.commit()
    }
    return sent
  }
}

printEnvironment()
console.log(`${MESSAGES} messages of 100 bytes per iteration, 8 partitions, kafkalite/kafkajs producer`)
const results = await runBench({ title: 'transactions', iterations: 10, warmupIterations: 2 }, [
  variant({
    name: 'no transaction (sends of 100)',
    recordsPerIteration: MESSAGES,
    setup: () => setup(false),
    run: plain,
    teardown,
  }),
  variant({
    name: 'transactions of 1',
    recordsPerIteration: MESSAGES,
    setup: () => setup(true),
    run: transactional(1),
    teardown,
  }),
  variant({
    name: 'transactions of 100',
    recordsPerIteration: MESSAGES,
    setup: () => setup(true),
    run: transactional(100),
    teardown,
  }),
  variant({
    name: 'transactions of 10,000',
    recordsPerIteration: MESSAGES,
    setup: () => setup(true),
    run: transactional(10_000),
    teardown,
  }),
])
printResults('Transactional produce throughput (messages/s)', results)
consume(results.length)
printChecksum()
