/**
 * The typed bus on both transports: the same scenarios run with `createBus()` in process and with
 * `createBus({ kafka: { brokers } })` against the real broker named by KAFKA_BROKERS (JSON and
 * msgpack values), and what a user observes must be equal. Unique topic and group names are
 * replaced by placeholders before the comparison; where timing decides (batch boundaries, which
 * member gets which partitions) the scenario records an invariant instead of the value.
 *
 * Without KAFKA_BROKERS only the in-process side runs and the test title says the Kafka side was
 * skipped.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  type Bus,
  type BusMessage,
  type BusSerializer,
  createBus,
  defineTopic,
  EventValidationError,
  fileStorage,
  type InvalidRecord,
  type KafkaBus,
} from '../../src/index.js'

const brokers = process.env.KAFKA_BROKERS?.split(',').filter((broker) => broker !== '')

type Transport = { kind: 'in-process' } | { kind: 'kafka'; serializer: BusSerializer }

/** What a scenario gets: a bus of one transport and run-unique names. */
interface Side {
  readonly transport: Transport
  /** A new bus; `durable` in process means file storage (the in-process bus checks schemas on read only there). */
  bus(options?: { durable?: boolean }): Bus | KafkaBus
  /** A name unique to this run; recorded as `<name>`. */
  unique(name: string): string
}

type Scenario = (side: Side) => Promise<unknown>

async function runSide(transport: Transport, scenario: Scenario): Promise<unknown> {
  const suffix = randomBytes(4).toString('hex')
  const buses: (Bus | KafkaBus)[] = []
  const directories: string[] = []
  const names = new Map<string, string>()
  const side: Side = {
    transport,
    bus: (options = {}) => {
      let bus: Bus | KafkaBus
      if (transport.kind === 'kafka') {
        bus = createBus({
          kafka: { brokers: brokers!, clientId: 'bus-differential', serializer: transport.serializer },
          log: () => {},
        })
      } else if (options.durable === true) {
        const directory = mkdtempSync(join(tmpdir(), 'bus-differential-'))
        directories.push(directory)
        bus = createBus({ storage: fileStorage({ directory, fsync: 'never' }), log: () => {} })
      } else {
        bus = createBus({ log: () => {} })
      }
      buses.push(bus)
      return bus
    },
    unique: (name) => {
      const unique = `bus-${name}-${suffix}`
      names.set(unique, `<${name}>`)
      return unique
    },
  }
  try {
    return normalize(await scenario(side), names)
  } finally {
    for (const bus of buses) await bus.close()
    for (const directory of directories) rmSync(directory, { recursive: true, force: true })
  }
}

/** Replaces run-unique names inside every string of a recording. */
function normalize(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    let text = value
    for (const [unique, placeholder] of names) text = text.split(unique).join(placeholder)
    return text
  }
  if (Array.isArray(value)) return value.map((item) => normalize(item, names))
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value))
      copy[normalize(key, names) as string] = normalize(item, names)
    return copy
  }
  return value
}

/** Runs the scenario on every transport and compares each Kafka recording with the in-process one. */
function differential(name: string, scenario: Scenario): void {
  if (brokers === undefined || brokers.length === 0) {
    it(`${name} (in-process side only: KAFKA_BROKERS unset, the Kafka transport comparison is SKIPPED)`, async () => {
      await runSide({ kind: 'in-process' }, scenario)
    })
    return
  }
  it(name, async () => {
    const inProcess = await runSide({ kind: 'in-process' }, scenario)
    for (const serializer of ['json', 'msgpack'] as const) {
      const overKafka = await runSide({ kind: 'kafka', serializer }, scenario)
      expect(inProcess, `in process (received) vs over Kafka with ${serializer} values (expected)`).toEqual(
        overKafka,
      )
    }
  })
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Fast group settings that the real broker accepts (its minimum session timeout is 6 s). */
const FAST_GROUP = { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 300, maxWaitTimeMs: 200 } as const

function byPosition(a: BusMessage, b: BusMessage): number {
  return a.partition - b.partition || a.offset - b.offset
}

function observed(message: BusMessage) {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key,
    value: message.value,
    headers: message.headers,
    inTransaction: message.inTransaction,
  }
}

const Order = z.object({
  orderId: z.string(),
  amount: z.number().positive(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
})

function order(orderId: string, amount = 10) {
  return { orderId, amount, items: [{ sku: `sku-${orderId}`, quantity: 2 }] }
}

describe('the typed bus over Kafka and in process', () => {
  differential(
    'typed send and receive: keys, headers, explicit partition, offsets, timestamps',
    async (side) => {
      const bus = side.bus()
      const orders = defineTopic({
        name: side.unique('orders'),
        value: Order,
        key: (value) => value.orderId,
        partitions: 3,
      })
      const accounts = defineTopic({
        name: side.unique('accounts'),
        value: z.object({ owner: z.string() }),
        key: z.number().int(),
        partitions: 2,
      })
      await bus.createTopics([orders, accounts])
      const producer = bus.producer()
      const sentOrders = await producer.send(orders, [
        { value: order('o-1'), headers: { source: 'web' }, timestamp: 1_000 },
        { value: order('o-2', 2.5), timestamp: 2_000 },
        { value: order('o-3'), partition: 2, headers: { a: '1', b: 'two' }, timestamp: 3_000 },
        { value: order('o-1', 20), timestamp: 4_000 },
      ])
      const sentAccounts = await producer.send(accounts, [
        { key: 42, value: { owner: 'ada' }, timestamp: 5_000 },
        { key: 7, value: { owner: 'bob' }, timestamp: 6_000 },
      ])
      const received: BusMessage[] = []
      const consumer = bus.consumer({
        groupId: side.unique('reader'),
        topics: [orders, accounts],
        fromBeginning: true,
        ...FAST_GROUP,
      })
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.push(message)
        },
      })
      await waitFor(() => received.length >= 6, 'six messages')
      await consumer.stop()
      return {
        sentOrders,
        sentAccounts,
        received: received.sort((a, b) => a.topic.localeCompare(b.topic) || byPosition(a, b)).map(observed),
        offsets: { orders: await bus.topicOffsets(orders), accounts: await bus.topicOffsets(accounts) },
        committed: await bus.committedOffsets(side.unique('reader'), orders),
      }
    },
  )

  differential(
    'a send with one invalid event rejects with EventValidationError and appends nothing',
    async (side) => {
      const bus = side.bus()
      const orders = defineTopic({ name: side.unique('orders'), value: Order, partitions: 2 })
      await bus.createTopics([orders])
      const outcome = await bus
        .producer()
        .send(orders, [
          { value: order('ok') },
          { value: { orderId: 'bad', amount: -1, items: [{ sku: 3 }] } as never },
        ])
        .then(
          () => 'sent',
          (error: unknown) =>
            error instanceof EventValidationError
              ? {
                  name: error.name,
                  code: error.code,
                  index: error.index,
                  part: error.part,
                  issues: error.issues,
                  message: error.message,
                  retriable: error.retriable,
                }
              : { unexpected: String(error) },
        )
      return { outcome, offsets: await bus.topicOffsets(orders) }
    },
  )

  differential('a group of two splits the partitions and each event reaches one member', async (side) => {
    const bus = side.bus()
    const events = defineTopic({
      name: side.unique('events'),
      value: z.object({ n: z.number() }),
      key: (value) => `key-${value.n}`,
      partitions: 4,
    })
    await bus.createTopics([events])
    const groupId = side.unique('splitters')
    const members = ['a', 'b'] as const
    const assignment: Record<string, number[]> = { a: [], b: [] }
    const received: Record<string, BusMessage[]> = { a: [], b: [] }
    for (const member of members) {
      const consumer = bus.consumer({ groupId, topics: [events], fromBeginning: true, ...FAST_GROUP })
      consumer.on('consumer.group_join', (payload) => {
        const assigned = (payload as { memberAssignment: Record<string, number[]> }).memberAssignment
        assignment[member] = [...(assigned[events.name] ?? [])].sort()
      })
      await consumer.run({
        eachMessage: async ({ message }) => {
          received[member]!.push(message)
        },
      })
    }
    await waitFor(
      () => assignment.a!.length === 2 && assignment.b!.length === 2,
      'both members to hold two partitions',
    )
    const sent = await bus.producer().send(
      events,
      Array.from({ length: 8 }, (_, n) => ({ value: { n } })),
    )
    await waitFor(() => received.a!.length + received.b!.length >= 8, 'eight deliveries')
    const all = [...received.a!, ...received.b!].sort(byPosition)
    return {
      sent,
      assignmentSizes: members.map((member) => assignment[member]!.length),
      assignedPartitions: [...assignment.a!, ...assignment.b!].sort(),
      eachDeliveredByItsOwner: members.every((member) =>
        received[member]!.every((message) => assignment[member]!.includes(message.partition)),
      ),
      delivered: all.map((message) => ({
        partition: message.partition,
        offset: message.offset,
        n: (message.value as { n: number }).n,
      })),
    }
  })

  differential(
    'a record written with a looser old schema goes to onInvalid, not to the handler',
    async (side) => {
      const bus = side.bus({ durable: true })
      const name = side.unique('profiles')
      const profilesV1 = defineTopic({ name, value: z.object({ id: z.string() }) })
      const profilesV2 = defineTopic({ name, value: z.object({ id: z.string(), email: z.string().email() }) })
      const producer = bus.producer()
      await producer.send(profilesV1, { key: 'old', value: { id: 'old' }, timestamp: 1_000 })
      await producer.send(profilesV2, {
        key: 'new',
        value: { id: 'new', email: 'new@example.com' },
        timestamp: 2_000,
      })
      const invalid: InvalidRecord[] = []
      const delivered: BusMessage[] = []
      const consumer = bus.consumer({
        groupId: side.unique('readers'),
        topics: [profilesV2],
        fromBeginning: true,
        ...FAST_GROUP,
      })
      await consumer.run({
        eachMessage: async ({ message }) => {
          delivered.push(message)
        },
        onInvalid: (record) => {
          invalid.push(record)
        },
      })
      await waitFor(() => invalid.length + delivered.length >= 2, 'both records')
      await consumer.stop()
      return {
        invalid: invalid.map((record) => ({
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          raw: record.raw,
          error: {
            name: record.error.name,
            code: record.error.code,
            part: record.error.part,
            issues: record.error.issues,
            message: record.error.message,
          },
        })),
        delivered: delivered.map(observed),
        committed: await bus.committedOffsets(side.unique('readers'), profilesV2),
      }
    },
  )

  differential(
    'eachBatch hands numeric offsets with consistent batch arithmetic and commits after',
    async (side) => {
      const bus = side.bus()
      const ticks = defineTopic({
        name: side.unique('ticks'),
        value: z.object({ n: z.number() }),
        partitions: 1,
      })
      await bus.createTopics([ticks])
      await bus.producer().send(
        ticks,
        Array.from({ length: 5 }, (_, n) => ({ value: { n } })),
      )
      const batches: {
        offsets: number[]
        firstOffset: number | null
        lastOffset: number
        highWatermark: number
        offsetLag: number
        offsetLagLow: number
      }[] = []
      const groupId = side.unique('batchers')
      const consumer = bus.consumer({ groupId, topics: [ticks], fromBeginning: true, ...FAST_GROUP })
      await consumer.run({
        eachBatch: async ({ batch }) => {
          batches.push({
            offsets: batch.messages.map((message) => message.offset),
            firstOffset: batch.firstOffset(),
            lastOffset: batch.lastOffset(),
            highWatermark: batch.highWatermark,
            offsetLag: batch.offsetLag(),
            offsetLagLow: batch.offsetLagLow(),
          })
        },
      })
      await waitFor(
        () => batches.reduce((count, batch) => count + batch.offsets.length, 0) >= 5,
        'five records',
      )
      await consumer.stop()
      return {
        offsets: batches.flatMap((batch) => batch.offsets),
        offsetsAreNumbers: batches.every((batch) =>
          batch.offsets.every((offset) => typeof offset === 'number'),
        ),
        arithmeticHolds: batches.every(
          (batch) =>
            batch.firstOffset === batch.offsets[0] &&
            batch.lastOffset === batch.offsets[batch.offsets.length - 1] &&
            batch.offsetLag === batch.highWatermark - 1 - batch.lastOffset &&
            batch.offsetLagLow === batch.highWatermark - 1 - batch.firstOffset,
        ),
        lastBatch: { highWatermark: batches.at(-1)?.highWatermark, offsetLag: batches.at(-1)?.offsetLag },
        committed: await bus.committedOffsets(groupId, ticks),
      }
    },
  )
})
