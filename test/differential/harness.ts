/**
 * The differential harness: one scenario, written only against KafkaJS's API, runs twice —
 * with real `kafkajs` against the real Kafka broker named by KAFKA_BROKERS, and with
 * `kafkalite/kafkajs` in process — and the two recordings must be equal.
 *
 * A scenario gets a {@link Kit} and returns a {@link Recording}: plain data of what a user can
 * observe (partitions, offsets, committed offsets, admin results, error names and messages…).
 * Names that are unique per run (topics, group ids, transactional ids) are replaced by
 * placeholders such as `<topic:orders>` before the comparison, so the recordings of both sides
 * can be compared with `toEqual`. Where a result is legitimately timing-dependent (which member
 * leads, exact batch boundaries, the null-key round-robin start), the scenario records an
 * invariant instead of the value.
 *
 * Without KAFKA_BROKERS only the kafkalite side runs: that still proves every scenario runs,
 * and the harness says plainly that the real-broker comparison was skipped.
 */
import { randomBytes } from 'node:crypto'
import realKafkaJS from 'kafkajs'
import { expect, it } from 'vitest'
import * as kafkaliteKafkaJS from '../../src/kafkajs/index.js'

/** The KafkaJS module as a user imports it; both sides are used through this type. */
export type KafkaJSModule = typeof realKafkaJS
type KafkaInstance = InstanceType<KafkaJSModule['Kafka']>
type KafkaConfig = ConstructorParameters<KafkaJSModule['Kafka']>[0]
type Producer = ReturnType<KafkaInstance['producer']>
type ProducerConfig = NonNullable<Parameters<KafkaInstance['producer']>[0]>
type Consumer = ReturnType<KafkaInstance['consumer']>
type ConsumerConfig = Parameters<KafkaInstance['consumer']>[0]
type Admin = ReturnType<KafkaInstance['admin']>
type AdminConfig = NonNullable<Parameters<KafkaInstance['admin']>[0]>

/** What a scenario returns: JSON-like data (Buffers are allowed but strings compare better). */
export type Recording = unknown

/** An error as a user sees it: class name, protocol type, message, retriable flag, cause. */
export interface ErrorRecording {
  readonly topic?: string
  readonly errors?: unknown
  readonly partitions?: unknown
  readonly groups?: unknown
  readonly name: string
  readonly message: string
  readonly retriable?: unknown
  readonly type?: unknown
  readonly cause?: ErrorRecording
}

/** A call's outcome: its value, or the error it rejected with. */
export type Outcome<T> = { readonly ok: T } | { readonly error: ErrorRecording }

/** Which implementation a run uses. */
export type Side = 'real' | 'kafkalite'

/** Everything a scenario may use. Clients made through the kit are disconnected after the run. */
export interface Kit {
  readonly side: Side
  /** The module's exports: `kafkajs` or `kafkalite/kafkajs`. */
  readonly kafkajs: KafkaJSModule
  readonly Kafka: KafkaJSModule['Kafka']
  readonly brokers: string[]
  /** One Kafka instance for this run (brokers, quiet logging, a small retry). */
  readonly kafka: KafkaInstance
  /** A further Kafka instance with extra config (e.g. its own retry). */
  newKafka(config?: Partial<KafkaConfig>): KafkaInstance
  producer(config?: ProducerConfig, kafka?: KafkaInstance): Producer
  /** A consumer with fast-group defaults (short session, frequent heartbeats, short fetch wait). */
  consumer(config: ConsumerConfig, kafka?: KafkaInstance): Consumer
  admin(config?: AdminConfig, kafka?: KafkaInstance): Admin
  /** A topic name unique to this run; it appears as `<topic:name>` in the recording. */
  topic(name: string): string
  /** A group id unique to this run; it appears as `<group:name>`. */
  groupId(name: string): string
  /** A transactional id unique to this run; it appears as `<txn:name>`. */
  transactionalId(name: string): string
  /** Polls `predicate` every 20 ms until it holds; rejects after `timeoutMs` (default 20 s). */
  waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs?: number): Promise<void>
  /** Resolves once the consumer has emitted `consumer.<event>` `count` more times. */
  nextEvent(
    consumer: Consumer,
    event: 'GROUP_JOIN' | 'FETCH' | 'CRASH' | 'COMMIT_OFFSETS',
    count?: number,
  ): Promise<void>
  /** Runs `fn` after the scenario, before the clients are disconnected. */
  defer(fn: () => Promise<unknown> | unknown): void
  /** The outcome of a call, with any error recorded as {@link ErrorRecording}. */
  attempt<T>(fn: () => Promise<T> | T): Promise<Outcome<T>>
}

/** A scenario: KafkaJS API calls in, observations out. */
export type Scenario = (kit: Kit) => Promise<Recording>

/** The real broker list, or undefined when the real-broker side is skipped. */
export const realBrokers: string[] | undefined = process.env.KAFKA_BROKERS?.split(',').filter((b) => b !== '')
const hasRealBroker = realBrokers !== undefined && realBrokers.length > 0
const sideTimeoutMs = 60_000
const cleanupTimeoutMs = 15_000

/** Turns any thrown value into an {@link ErrorRecording}. */
export function recordError(error: unknown, depth = 0): ErrorRecording {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) }
  const fields = error as Error & {
    retriable?: unknown
    type?: unknown
    cause?: unknown
    topic?: unknown
    errors?: unknown
    partitions?: unknown
    groups?: unknown
  }
  const nested = (list: unknown) =>
    Array.isArray(list)
      ? list.map((item: unknown) => (item instanceof Error ? recordError(item, depth + 1) : detail(item)))
      : undefined
  return {
    name: error.name,
    message: error.message,
    ...(fields.retriable === undefined ? {} : { retriable: fields.retriable }),
    ...(fields.type === undefined ? {} : { type: fields.type }),
    ...(typeof fields.topic === 'string' ? { topic: fields.topic } : {}),
    ...(fields.cause === undefined || depth >= 2 ? {} : { cause: recordError(fields.cause, depth + 1) }),
    // KafkaJSAggregateError, KafkaJSDeleteTopicRecordsError and KafkaJSDeleteGroupsError detail.
    ...(depth >= 2 || fields.errors === undefined ? {} : { errors: nested(fields.errors) }),
    ...(depth >= 2 || fields.partitions === undefined ? {} : { partitions: nested(fields.partitions) }),
    ...(depth >= 2 || fields.groups === undefined ? {} : { groups: nested(fields.groups) }),
  }
}

/** A plain entry of an error's detail list, with any nested `error` recorded. */
function detail(item: unknown): unknown {
  if (item === null || typeof item !== 'object') return item
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(item))
    out[key] = value instanceof Error ? recordError(value, 2) : value
  return out
}

/**
 * Registers a differential test. `knownBug` names an entry of FINDINGS.md: the test is then
 * `it.fails` (it must keep failing until the bug is fixed, and turns red once it is).
 * `deliberate` names a difference the README documents (kafkalite is deliberately more lenient
 * than a KafkaJS defect): both sides run, kafkalite must not crash, and the recordings must still
 * differ — so the entry is revisited if they ever agree.
 */
export function differential(
  name: string,
  scenario: Scenario,
  options: { readonly knownBug?: string; readonly deliberate?: string; readonly timeoutMs?: number } = {},
): void {
  const timeoutMs = options.timeoutMs ?? 150_000
  if (options.deliberate !== undefined && hasRealBroker) {
    it(
      `${name} [deliberate difference ${options.deliberate}, see README]`,
      async () => {
        const lite = await runSide('kafkalite', scenario)
        const real = await runSide('real', scenario)
        if (isCrash(lite)) throw new Error(`the scenario crashed on kafkalite: ${JSON.stringify(lite)}`)
        expect(lite, 'a documented deliberate difference: the recordings are expected to differ').not.toEqual(
          real,
        )
      },
      timeoutMs,
    )
    return
  }
  if (!hasRealBroker) {
    const title = `${name} (kafkalite side only: KAFKA_BROKERS unset, real-broker comparison skipped)`
    if (options.knownBug !== undefined) {
      // A known difference cannot be shown without the real broker.
      it.skip(`${title} [known kafkalite bug ${options.knownBug}]`, () => {})
      return
    }
    it(
      title,
      async () => {
        const lite = await runSide('kafkalite', scenario)
        if (isCrash(lite)) throw new Error(`the scenario crashed on kafkalite: ${JSON.stringify(lite)}`)
      },
      timeoutMs,
    )
    return
  }
  const body = async () => {
    const lite = await runSide('kafkalite', scenario)
    let real = await runSide('real', scenario)
    // A real broker right after start can answer a retriable "coordinator loading / not
    // coordinator" that KafkaJS gives up on; such a crash of the real side is run once more.
    if (
      isCrash(real) &&
      (real as { scenarioCrashed: { retriable?: boolean } }).scenarioCrashed.retriable === true &&
      !isCrash(lite)
    ) {
      real = await runSide('real', scenario)
    }
    if (isCrash(lite) && isCrash(real)) {
      throw new Error(
        `the scenario crashed on both sides:\nkafkalite: ${JSON.stringify(lite)}\nreal: ${JSON.stringify(real)}`,
      )
    }
    expect(lite, 'kafkalite recording (received) vs real Kafka + KafkaJS recording (expected)').toEqual(real)
  }
  if (options.knownBug !== undefined) {
    it.fails(`${name} [known kafkalite bug ${options.knownBug}, see FINDINGS.md]`, body, timeoutMs)
  } else {
    it(name, body, timeoutMs)
  }
}

/** Runs the scenario on one side; a crash becomes `{ scenarioCrashed: ErrorRecording }`. */
export async function runSide(
  side: Side,
  scenario: Scenario,
): Promise<Recording | { scenarioCrashed: ErrorRecording }> {
  const kit = new KitImpl(side)
  let recording: Recording | { scenarioCrashed: ErrorRecording }
  try {
    recording = await withTimeout(scenario(kit), sideTimeoutMs, `the ${side} side of the scenario`)
  } catch (error) {
    recording = { scenarioCrashed: recordError(error) }
  } finally {
    await kit.cleanup()
  }
  const normalized = kit.normalize(recording)
  if (process.env.DIFFERENTIAL_PRINT === '1') {
    console.log(`[${side}]`, JSON.stringify(normalized, null, 1))
  }
  if (isCrash(normalized) && kit.logs.length > 0) {
    console.log(`[${side}] client error log:\n${kit.logs.slice(-20).join('\n')}`)
  }
  return normalized as Recording | { scenarioCrashed: ErrorRecording }
}

function isCrash(recording: unknown): recording is { scenarioCrashed: ErrorRecording } {
  return typeof recording === 'object' && recording !== null && 'scenarioCrashed' in recording
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

class KitImpl implements Kit {
  readonly side: Side
  readonly kafkajs: KafkaJSModule
  readonly Kafka: KafkaJSModule['Kafka']
  readonly brokers: string[]
  readonly kafka: KafkaInstance
  /** ERROR-level client log lines, printed when the scenario crashes. */
  readonly logs: string[] = []
  readonly #runId = randomBytes(5).toString('hex')
  /** Unique name → placeholder, for normalisation. */
  readonly #names = new Map<string, string>()
  readonly #clients: { disconnect(): Promise<void> }[] = []
  readonly #deferred: (() => Promise<unknown> | unknown)[] = []

  constructor(side: Side) {
    this.side = side
    this.kafkajs = side === 'real' ? realKafkaJS : (kafkaliteKafkaJS as unknown as KafkaJSModule)
    this.Kafka = this.kafkajs.Kafka
    this.brokers = side === 'real' ? [...(realBrokers ?? [])] : [`kafkalite-differential-${this.#runId}:9092`]
    this.kafka = this.newKafka()
  }

  newKafka(config: Partial<KafkaConfig> = {}): KafkaInstance {
    const { logLevel } = this.kafkajs
    return new this.Kafka({
      clientId: 'differential',
      brokers: this.brokers,
      logLevel: logLevel.ERROR,
      logCreator: () => (entry) => {
        if (this.logs.length < 500) this.logs.push(`${entry.namespace} ${entry.log.message}`)
      },
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
      ...config,
    })
  }

  producer(config: ProducerConfig = {}, kafka: KafkaInstance = this.kafka): Producer {
    const producer = kafka.producer({
      createPartitioner: this.kafkajs.Partitioners.DefaultPartitioner,
      ...config,
    })
    this.#clients.push(producer)
    return producer
  }

  consumer(config: ConsumerConfig, kafka: KafkaInstance = this.kafka): Consumer {
    const consumer = kafka.consumer({
      // Kafka's group.min.session.timeout.ms is 6000: the shortest session a real broker accepts.
      sessionTimeout: 6_000,
      heartbeatInterval: 200,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 100,
      ...config,
    })
    this.#clients.push(consumer)
    return consumer
  }

  admin(config: AdminConfig = {}, kafka: KafkaInstance = this.kafka): Admin {
    const admin = kafka.admin(config)
    this.#clients.push(admin)
    return admin
  }

  topic(name: string): string {
    return this.#unique(name, 'topic')
  }

  groupId(name: string): string {
    return this.#unique(name, 'group')
  }

  transactionalId(name: string): string {
    return this.#unique(name, 'txn')
  }

  #unique(name: string, kind: string): string {
    const unique = `differential-${kind}-${name}-${this.#runId}`
    this.#names.set(unique, `<${kind}:${name}>`)
    return unique
  }

  async waitFor(
    predicate: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs = 20_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  nextEvent(
    consumer: Consumer,
    event: 'GROUP_JOIN' | 'FETCH' | 'CRASH' | 'COMMIT_OFFSETS',
    count = 1,
  ): Promise<void> {
    return new Promise((resolve) => {
      let seen = 0
      const remove = consumer.on(consumer.events[event], () => {
        if (++seen >= count) {
          remove()
          resolve()
        }
      })
    })
  }

  defer(fn: () => Promise<unknown> | unknown): void {
    this.#deferred.push(fn)
  }

  async attempt<T>(fn: () => Promise<T> | T): Promise<Outcome<T>> {
    try {
      return { ok: await fn() }
    } catch (error) {
      return { error: recordError(error) }
    }
  }

  async cleanup(): Promise<void> {
    for (const fn of this.#deferred.splice(0)) {
      await withTimeout(Promise.resolve().then(fn), cleanupTimeoutMs, 'a deferred cleanup').catch(() => {})
    }
    await Promise.all(
      this.#clients
        .splice(0)
        .map((client) => withTimeout(client.disconnect(), cleanupTimeoutMs, 'disconnect').catch(() => {})),
    )
    if (this.side === 'kafkalite') await kafkaliteKafkaJS.resetKafkaliteClusters(this.brokers[0])
  }

  /** Replaces the run's unique names (in strings and object keys) with their placeholders. */
  normalize(value: unknown): unknown {
    if (typeof value === 'string') {
      let text = value
      for (const [unique, placeholder] of this.#names) text = text.split(unique).join(placeholder)
      return text
    }
    if (Array.isArray(value)) return value.map((item) => this.normalize(item))
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(value))
        out[this.normalize(key) as string] = this.normalize(item)
      return out
    }
    return value
  }
}
