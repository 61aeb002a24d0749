/**
 * Figures for bench/README.md: time from nothing to the first consumed message, and a small
 * produce/consume workload's throughput, through KafkaJS + a real Kafka broker and through
 * kafkalite/kafkajs. Not a test; run it by hand:
 *
 *   npx tsx test/differential/measure.ts            # starts and stops the real broker itself
 *
 * Each measurement runs in a fresh Node process, so "from nothing" includes Node's start, module
 * loading (kafkalite's from TypeScript source through tsx, which adds its transpile time) and, for
 * the real side, test/kafka/start.sh. Runs alternate between the two sides.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import type { KafkaJSModule } from './harness.js'

type Side = 'real' | 'kafkalite'
const here = fileURLToPath(new URL('.', import.meta.url))
const repo = fileURLToPath(new URL('../../', import.meta.url))
const MESSAGES = 10_000
const PER_SEND = 100
const RUNS = 3

async function loadKafka(side: Side): Promise<KafkaJSModule> {
  if (side === 'real') return (await import('kafkajs')).default
  return (await import('../../src/kafkajs/index.js')) as unknown as KafkaJSModule
}

function brokersFor(side: Side): string[] {
  return side === 'real'
    ? [process.env.KAFKA_BROKERS ?? '']
    : [`measure-${randomBytes(4).toString('hex')}:9092`]
}

/** In a fresh process: produce one message and consume it; prints ms since the process started. */
async function firstMessage(side: Side): Promise<void> {
  const { Kafka, logLevel, Partitioners } = await loadKafka(side)
  const loadedMs = performance.now()
  const kafka = new Kafka({ brokers: brokersFor(side), logLevel: logLevel.NOTHING })
  const topic = `first-${randomBytes(4).toString('hex')}`
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  const consumer = kafka.consumer({ groupId: `first-${topic}` })
  await producer.connect()
  await producer.send({ topic, messages: [{ value: 'hello' }] })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const consumed = new Promise<number>((resolve) => {
    void consumer.run({ eachMessage: async () => resolve(performance.now()) })
  })
  const firstMs = await consumed
  console.log(
    JSON.stringify({ side, processStartToFirstMessageMs: firstMs, afterImportsMs: firstMs - loadedMs }),
  )
  await consumer.disconnect()
  await producer.disconnect()
}

/** In a fresh process: produce MESSAGES in sends of PER_SEND, then consume them all. */
async function throughput(side: Side): Promise<void> {
  const { Kafka, logLevel, Partitioners } = await loadKafka(side)
  const kafka = new Kafka({ brokers: brokersFor(side), logLevel: logLevel.NOTHING })
  const topic = `throughput-${randomBytes(4).toString('hex')}`
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  const value = Buffer.alloc(100, 120)
  const produceStart = performance.now()
  for (let sent = 0; sent < MESSAGES; sent += PER_SEND) {
    const messages = Array.from({ length: PER_SEND }, (_, i) => ({ key: String(sent + i), value }))
    await producer.send({ topic, messages })
  }
  const produceMs = performance.now() - produceStart
  const consumer = kafka.consumer({ groupId: `throughput-${topic}`, maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  let received = 0
  let bytes = 0
  const consumeStart = performance.now()
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        bytes += message.value?.length ?? 0
        if (++received === MESSAGES) resolve()
      },
    })
  })
  await done
  const consumeMs = performance.now() - consumeStart
  console.log(
    JSON.stringify({
      side,
      messages: MESSAGES,
      produceMs,
      producePerSecond: Math.round((MESSAGES / produceMs) * 1000),
      consumeMs,
      consumePerSecond: Math.round((MESSAGES / consumeMs) * 1000),
      consumedBytes: bytes,
    }),
  )
  await consumer.disconnect()
  await producer.disconnect()
  await admin.disconnect()
}

function child(mode: string, side: Side, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), mode, side],
    {
      cwd: repo,
      env,
      encoding: 'utf8',
      timeout: 180_000,
    },
  )
  const line = result.stdout.trim().split('\n').at(-1) ?? ''
  if (result.status !== 0 || !line.startsWith('{')) {
    throw new Error(`${mode} ${side} failed (${result.status}): ${result.stderr.slice(-2000)}`)
  }
  return JSON.parse(line) as Record<string, unknown>
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

async function main(): Promise<void> {
  const [mode, side] = process.argv.slice(2)
  if (mode === 'first' && (side === 'real' || side === 'kafkalite')) return firstMessage(side)
  if (mode === 'throughput' && (side === 'real' || side === 'kafkalite')) return throughput(side)
  console.log(
    `node ${process.version}, load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  )
  const startsMs: number[] = []
  const firstReal: number[] = []
  const firstLite: number[] = []
  const afterImports: Record<Side, number[]> = { real: [], kafkalite: [] }
  const throughputs: Record<string, unknown>[] = []
  for (let run = 0; run < RUNS; run++) {
    const lite = child('first', 'kafkalite', process.env)
    firstLite.push(Number(lite.processStartToFirstMessageMs))
    afterImports.kafkalite.push(Number(lite.afterImportsMs))
    const started = performance.now()
    const out = execFileSync('bash', [`${here}../kafka/start.sh`], { cwd: repo, encoding: 'utf8' })
    startsMs.push(performance.now() - started)
    const brokers = out.trim().split('\n').at(-1)?.replace('KAFKA_BROKERS=', '') ?? ''
    const env = { ...process.env, KAFKA_BROKERS: brokers }
    try {
      const real = child('first', 'real', env)
      firstReal.push(Number(real.processStartToFirstMessageMs))
      afterImports.real.push(Number(real.afterImportsMs))
      if (run === 0) {
        // Warm the broker's internal topics once, so throughput measures steady state.
        child('throughput', 'real', env)
      }
      throughputs.push(child('throughput', 'kafkalite', env), child('throughput', 'real', env))
    } finally {
      execFileSync('bash', [`${here}../kafka/stop.sh`], { cwd: repo, stdio: 'ignore' })
    }
  }
  const per = (which: Side, key: string) =>
    median(throughputs.filter((entry) => entry.side === which).map((entry) => Number(entry[key])))
  console.log(
    JSON.stringify(
      {
        runs: RUNS,
        firstMessage: {
          kafkaliteMs: { median: median(firstLite), all: firstLite.map(Math.round) },
          realStartShMs: { median: median(startsMs), all: startsMs.map(Math.round) },
          realClientMs: { median: median(firstReal), all: firstReal.map(Math.round) },
          realTotalMedianMs: median(startsMs.map((start, i) => start + (firstReal[i] ?? Number.NaN))),
          // From `new Kafka` to the first message, module loading excluded.
          afterImportsMedianMs: {
            kafkalite: median(afterImports.kafkalite),
            real: median(afterImports.real),
          },
        },
        throughput: {
          messages: MESSAGES,
          perSend: PER_SEND,
          valueBytes: 100,
          kafkalite: {
            producePerSecond: per('kafkalite', 'producePerSecond'),
            consumePerSecond: per('kafkalite', 'consumePerSecond'),
          },
          real: {
            producePerSecond: per('real', 'producePerSecond'),
            consumePerSecond: per('real', 'consumePerSecond'),
          },
        },
        raw: throughputs,
      },
      null,
      2,
    ),
  )
  console.log(
    `load average after ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  )
}

await main()
