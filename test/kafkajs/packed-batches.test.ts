/**
 * The KafkaJS producer hands the engine packed batches (common/packed-records.ts). These tests
 * drive every engine path that meets one — size limits, compacted topics, compaction, idempotent
 * sequences, transactions, file storage, the testing kit — through the public API.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Broker } from '../../src/engine/broker.js'
import { Kafka, KafkaJSProtocolError, logLevel, resetKafkaliteClusters } from '../../src/kafkajs/index.js'
import { fileStorage } from '../../src/storage/files/index.js'
import { createTestBroker, type TestBroker } from '../../src/testing/index.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function kafkaOn(test: TestBroker): Kafka {
  return new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
}

async function producerOn(kafka: Kafka, config: Parameters<Kafka['producer']>[0] = {}) {
  const producer = kafka.producer(config)
  await producer.connect()
  cleanups.push(() => producer.disconnect())
  return producer
}

function readValues(test: TestBroker, topic: string): (string | null)[] {
  return test.records(topic).map((record) => (record.value === null ? null : String(record.value)))
}

describe('packed batches in the engine', () => {
  it('a compacted topic rejects a send with a null key, naming the record, and appends nothing', async () => {
    const test = createTestBroker()
    cleanups.push(() => test.close())
    test.broker.createTopic('compacted', { config: { 'cleanup.policy': 'compact' } })
    const producer = await producerOn(kafkaOn(test), { retry: { retries: 0 } })
    const sending = producer.send({
      topic: 'compacted',
      messages: [
        { key: 'a', value: '1' },
        { key: null, value: '2' },
      ],
    })
    await expect(sending).rejects.toBeInstanceOf(KafkaJSProtocolError)
    await expect(sending).rejects.toMatchObject({ type: 'INVALID_RECORD' })
    expect(test.records('compacted')).toEqual([])
    await producer.send({ topic: 'compacted', messages: [{ key: 'a', value: 'ok' }] })
    expect(readValues(test, 'compacted')).toEqual(['ok'])
  })

  it('max.message.bytes counts the packed batch: one byte over is MESSAGE_TOO_LARGE, at the limit it is accepted', async () => {
    const test = createTestBroker()
    cleanups.push(() => test.close())
    // 61 bytes of batch overhead + 21 per record + key and value bytes.
    test.broker.createTopic('limited', { config: { 'max.message.bytes': 61 + 21 + 10 } })
    const producer = await producerOn(kafkaOn(test), { retry: { retries: 0 } })
    await expect(
      producer.send({ topic: 'limited', messages: [{ key: 'k', value: 'x'.repeat(10) }] }),
    ).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' })
    await producer.send({ topic: 'limited', messages: [{ key: 'k', value: 'x'.repeat(9) }] })
    expect(readValues(test, 'limited')).toEqual(['x'.repeat(9)])
  })

  it('compaction keeps the latest value per key of packed batches and consumers read it intact', async () => {
    const broker = new Broker({ retentionCheckIntervalMs: 3_600_000 })
    const test = createTestBroker({ broker } as never)
    cleanups.push(() => test.close())
    test.broker.createTopic('latest', { config: { 'cleanup.policy': 'compact', 'segment.bytes': 200 } })
    const kafka = kafkaOn(test)
    const producer = await producerOn(kafka)
    for (let round = 0; round < 4; round++) {
      await producer.send({
        topic: 'latest',
        messages: ['a', 'b', 'c'].map((key) => ({
          key,
          value: `${key}${round}`,
          headers: { round: String(round) },
        })),
      })
    }
    test.broker.enforceRetention()
    const records = test.records('latest')
    const latest = new Map(records.map((record) => [String(record.key), String(record.value)]))
    expect(Object.fromEntries(latest)).toEqual({ a: 'a3', b: 'b3', c: 'c3' })
    expect(records.length).toBeLessThan(12)
    const consumer = kafka.consumer({ groupId: 'compacted-reader' })
    cleanups.push(() => consumer.disconnect())
    const seen: string[] = []
    await consumer.subscribe({ topics: ['latest'], fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(`${message.offset}:${message.key}=${message.value}@${message.headers?.round}`)
      },
    })
    await test.settled()
    expect(seen).toEqual(
      records.map((record) => {
        const round = String(record.value).slice(1)
        return `${record.offset}:${String(record.key)}=${String(record.value)}@${round}`
      }),
    )
  })

  it("a record that survives compaction gets bytes of its own: its batch's shared bytes are not kept alive", async () => {
    const test = createTestBroker({ retentionCheckIntervalMs: 3_600_000 } as never)
    cleanups.push(() => test.close())
    test.broker.createTopic('changelog', { config: { 'cleanup.policy': 'compact', 'segment.bytes': 1024 } })
    const producer = await producerOn(kafkaOn(test))
    const keys = Array.from({ length: 50 }, (_, index) => `key-${index}`)
    await producer.send({
      topic: 'changelog',
      messages: keys.map((key) => ({ key, value: `${key}-v1`.padEnd(100, '.') })),
    })
    // Everything but key-0 is updated; a roll closes the first segment so it can be compacted.
    await producer.send({
      topic: 'changelog',
      messages: keys.slice(1).map((key) => ({ key, value: `${key}-v2` })),
    })
    await producer.send({ topic: 'changelog', messages: [{ key: 'key-1', value: 'key-1-v3' }] })
    test.broker.enforceRetention()
    const survivor = test.records('changelog').find((record) => String(record.key) === 'key-0')
    if (survivor === undefined) throw new Error('key-0 was compacted away')
    expect(String(survivor.value)).toBe('key-0-v1'.padEnd(100, '.'))
    expect(Buffer.isBuffer(survivor.value)).toBe(true)
    // A view of the first send's bytes would sit in an allocation of more than 50 × 100 bytes.
    expect((survivor.value as Buffer).buffer.byteLength).toBeLessThan(1000)
    expect(test.records('changelog').length).toBeLessThan(101)
  })

  it('an idempotent producer counts packed records in its sequences across partitions and sends', async () => {
    const test = createTestBroker()
    cleanups.push(() => test.close())
    test.broker.createTopic('sequenced', { partitions: 3 })
    const producer = await producerOn(kafkaOn(test), { idempotent: true })
    for (let send = 0; send < 5; send++) {
      await producer.send({
        topic: 'sequenced',
        acks: -1,
        messages: Array.from({ length: 7 }, (_, index) => ({
          key: `k${send}-${index}`,
          value: `${send}-${index}`,
        })),
      })
    }
    expect(test.records('sequenced')).toHaveLength(35)
  })

  it('transactions: aborted packed batches stay invisible to read_committed consumers', async () => {
    const test = createTestBroker()
    cleanups.push(() => test.close())
    test.broker.createTopic('txn', { partitions: 2 })
    const kafka = kafkaOn(test)
    const producer = await producerOn(kafka, {
      transactionalId: 'packed-txn',
      maxInFlightRequests: 1,
      idempotent: true,
    })
    const aborted = await producer.transaction()
    await aborted.send({
      topic: 'txn',
      messages: [
        { key: 'a', value: 'gone' },
        { key: 'b', value: 'gone' },
      ],
    })
    await aborted.abort()
    const committed = await producer.transaction()
    await committed.send({
      topic: 'txn',
      messages: [
        { key: 'a', value: 'kept' },
        { key: 'b', value: 'kept' },
      ],
    })
    await committed.commit()
    const consumer = kafka.consumer({ groupId: 'txn-reader' })
    cleanups.push(() => consumer.disconnect())
    const seen: string[] = []
    await consumer.subscribe({ topics: ['txn'], fromBeginning: true })
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) })
    await test.settled()
    expect(seen).toEqual(['kept', 'kept'])
  })

  it('file storage writes packed batches and reads them back after a reopen, headers and nulls included', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kafkalite-packed-'))
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }))
    const first = createTestBroker({ storage: fileStorage({ directory, fsync: 'never' }) })
    first.broker.createTopic('durable', { partitions: 2 })
    const producer = kafkaOn(first).producer()
    await producer.connect()
    await producer.send({
      topic: 'durable',
      messages: [
        { key: 'a', value: 'one', headers: { h: ['x', 'y'] }, timestamp: '1000' },
        { key: null, value: null, partition: 1, timestamp: '2000' },
        { key: Buffer.from([0, 255]), value: Buffer.alloc(0), partition: 0, timestamp: '3000' },
      ],
    })
    await producer.disconnect()
    const before = first.records('durable')
    await first.close()
    const second = createTestBroker({ storage: fileStorage({ directory, fsync: 'never' }) })
    cleanups.push(() => second.close())
    const after = second.records('durable')
    expect(after).toEqual(before)
    expect(after.map((record) => record.timestamp).sort()).toEqual([1000, 2000, 3000])
  })
})

describe('offsets by timestamp over packed batches', () => {
  it.each(['memory', 'files'] as const)(
    'finds the first record at or after a timestamp inside a batch (%s storage)',
    async (kind) => {
      const directory = mkdtempSync(join(tmpdir(), 'kafkalite-packed-ts-'))
      cleanups.push(() => rmSync(directory, { recursive: true, force: true }))
      const test = createTestBroker(
        kind === 'files' ? { storage: fileStorage({ directory, fsync: 'never' }) } : {},
      )
      cleanups.push(() => test.close())
      test.broker.createTopic('timed')
      const producer = await producerOn(kafkaOn(test))
      await producer.send({
        topic: 'timed',
        messages: [1000, 2000, 3000, 4000].map((timestamp) => ({
          value: String(timestamp),
          timestamp: String(timestamp),
        })),
      })
      await producer.send({ topic: 'timed', messages: [{ value: '5000', timestamp: '5000' }] })
      const admin = kafkaOn(test).admin()
      await admin.connect()
      cleanups.push(() => admin.disconnect())
      const at = async (timestamp: number) =>
        (await admin.fetchTopicOffsetsByTimestamp('timed', timestamp))[0]?.offset
      expect(await at(0)).toBe('0')
      expect(await at(2500)).toBe('2')
      expect(await at(4000)).toBe('3')
      expect(await at(4001)).toBe('4')
      expect(await at(6000)).toBe('5')
    },
  )
})

describe('process lifetime', () => {
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length

  it('a connected client holds the process open like a socket, until it disconnects or its broker closes', async () => {
    const before = timers()
    const test = createTestBroker()
    const kafka = kafkaOn(test)
    const producer = kafka.producer()
    await producer.connect()
    expect(timers()).toBeGreaterThan(before)
    await test.close()
    expect(timers()).toBe(before)
    const other = createTestBroker()
    cleanups.push(() => other.close())
    const admin = kafkaOn(other).admin()
    await admin.connect()
    expect(timers()).toBeGreaterThan(before)
    await admin.disconnect()
    expect(timers()).toBe(before)
  })

  it('a client left connected across its broker closing cannot release the hold of a client of the next broker', async () => {
    const before = timers()
    const test = createTestBroker()
    const kafka = kafkaOn(test)
    const stale = kafka.producer()
    await stale.connect()
    await test.close()
    // The same broker list reaches a fresh broker at that address now.
    const fresh = kafka.producer()
    await fresh.connect()
    cleanups.push(() => resetKafkaliteClusters())
    expect(timers()).toBeGreaterThan(before)
    await stale.disconnect()
    expect(timers()).toBeGreaterThan(before)
    await fresh.send({ topic: 'after-close', messages: [{ value: 'x' }] })
    await fresh.disconnect()
    expect(timers()).toBe(before)
  })
})
