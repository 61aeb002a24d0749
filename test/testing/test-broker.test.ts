import { afterEach, describe, expect, it, vi } from 'vitest'
import { KafkaliteError } from '../../src/common/errors.js'
import { Kafka, logLevel } from '../../src/kafkajs/index.js'
import { createTestBroker, type TestBroker, uniqueTopicName, waitFor } from '../../src/testing/index.js'

const open: TestBroker[] = []
function testBroker(): TestBroker {
  const test = createTestBroker()
  open.push(test)
  return test
}
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(open.splice(0).map((test) => test.close()))
})

async function startConsumer(
  test: TestBroker,
  topic: string,
  groupId: string,
  seen: string[],
  options: { autoCommit?: boolean } = {},
) {
  const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    autoCommit: options.autoCommit ?? true,
    eachMessage: async ({ message, partition }) => {
      seen.push(`${partition}:${message.offset}:${String(message.value)}`)
    },
  })
  return consumer
}

describe('createTestBroker', () => {
  it('is reachable from kafkalite/kafkajs through its broker list and isolated from other test brokers', async () => {
    const first = testBroker()
    const second = testBroker()
    expect(first.brokers).not.toEqual(second.brokers)
    const producer = new Kafka({ brokers: first.brokers, logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    await producer.send({ topic: 'shared-name', messages: [{ value: 'x' }] })
    await producer.disconnect()
    expect(first.broker.hasTopic('shared-name')).toBe(true)
    expect(second.broker.hasTopic('shared-name')).toBe(false)
  })

  it('settled() resolves only after every running consumer processed and committed everything', async () => {
    const test = testBroker()
    const topic = uniqueTopicName()
    test.broker.createTopic(topic, { partitions: 3 })
    const seen: string[] = []
    const consumer = await startConsumer(test, topic, 'g', seen)
    const producer = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    await producer.send({
      topic,
      messages: Array.from({ length: 30 }, (_, index) => ({ key: `k${index}`, value: `v${index}` })),
    })
    await test.settled()
    expect(seen).toHaveLength(30)
    const offsets = test.groupOffsets('g')
    expect(offsets).toHaveLength(3)
    for (const state of offsets) {
      expect(state.committedOffset).toBe(state.logEndOffset)
      expect(state.lag).toBe(0)
      expect(state.position).toBe(state.logEndOffset)
    }
    await consumer.disconnect()
    await producer.disconnect()
  })

  it('settled() does not wait for a commit past trailing transaction markers, which KafkaJS leaves uncommitted', async () => {
    const test = testBroker()
    const topic = uniqueTopicName()
    test.broker.createTopic(topic, { partitions: 1 })
    const seen: string[] = []
    const consumer = await startConsumer(test, topic, 'g', seen)
    const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
    const producer = kafka.producer({
      transactionalId: 'settled-markers',
      idempotent: true,
      maxInFlightRequests: 1,
    })
    await producer.connect()
    const aborted = await producer.transaction()
    await aborted.send({ topic, messages: [{ value: 'gone' }] })
    await aborted.abort()
    const committed = await producer.transaction()
    await committed.send({ topic, messages: [{ value: 'kept' }] })
    await committed.commit()
    await test.settled({ timeoutMs: 1_000 })
    expect(seen).toEqual(['0:2:kept'])
    // Offsets 0 (aborted data), 1 (abort marker), 2 (kept), 3 (commit marker): the commit covers the record.
    expect(test.groupOffsets('g')[0]).toMatchObject({ committedOffset: 3, logEndOffset: 4 })
    await producer.send({ topic, messages: [{ value: 'later' }] })
    await test.settled({ timeoutMs: 1_000 })
    expect(test.groupOffsets('g')[0]).toMatchObject({ committedOffset: 5, logEndOffset: 5 })
    await consumer.disconnect()
    await producer.disconnect()
  })

  it('settled() times out naming what is pending when a consumer cannot keep up', async () => {
    const test = testBroker()
    const topic = uniqueTopicName()
    test.broker.createTopic(topic)
    const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
    const consumer = kafka.consumer({ groupId: 'slow' })
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    let release!: () => void
    const blocked = new Promise<void>((resolve) => (release = resolve))
    await consumer.run({ eachMessage: () => blocked })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic, messages: [{ value: 'a' }] })
    const error = await test.settled({ timeoutMs: 50 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KafkaliteError)
    expect((error as KafkaliteError).code).toBe('REQUEST_TIMED_OUT')
    expect((error as Error).message).toMatch(/handler of group slow is running/)
    release()
    await test.settled()
    await consumer.disconnect()
    await producer.disconnect()
  })

  it('records() returns every data record with its metadata, and hides open transactions when read committed', async () => {
    const test = testBroker()
    const topic = uniqueTopicName()
    const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic,
      messages: [
        { key: 'a', value: '1', headers: { h: 'x' } },
        { key: 'b', value: '2' },
      ],
    })
    const transactional = kafka.producer({ transactionalId: 'tx' })
    await transactional.connect()
    const transaction = await transactional.transaction()
    await transaction.send({ topic, messages: [{ value: 'pending' }] })
    const all = test.records(topic)
    expect(all.map((record) => String(record.value))).toEqual(['1', '2', 'pending'])
    expect(all[0]).toMatchObject({ topic, partition: 0, offset: 0, isTransactional: false })
    expect(String(all[0]?.headers[0]?.value)).toBe('x')
    expect(test.records(topic, { readCommitted: true }).map((record) => String(record.value))).toEqual([
      '1',
      '2',
    ])
    await transaction.commit()
    expect(test.records(topic, { readCommitted: true }).map((record) => String(record.value))).toEqual([
      '1',
      '2',
      'pending',
    ])
    await producer.disconnect()
    await transactional.disconnect()
  })

  it('waitFor() resolves on the first truthy value and re-checks when data arrives', async () => {
    const test = testBroker()
    const topic = uniqueTopicName()
    test.broker.createTopic(topic)
    const waiting = test.waitFor(() => test.records(topic).length >= 2 && test.records(topic).length)
    test.broker.append(topic, 0, {
      records: [{ offsetDelta: 0, timestamp: 1, key: null, value: 'a', headers: null, sizeBytes: 22 }],
    })
    test.broker.append(topic, 0, {
      records: [{ offsetDelta: 0, timestamp: 1, key: null, value: 'b', headers: null, sizeBytes: 22 }],
    })
    await expect(waiting).resolves.toBe(2)
  })

  it('waitFor() rejects with REQUEST_TIMED_OUT naming the condition', async () => {
    await expect(waitFor(() => false, { timeoutMs: 20, description: 'the impossible' })).rejects.toThrow(
      /the impossible did not hold within 20 ms/,
    )
  })

  it('failNextProduce makes the next produce fail with the chosen Kafka error, then recovers', async () => {
    const test = testBroker()
    const topic = uniqueTopicName()
    test.broker.createTopic(topic)
    const faults: string[] = []
    test.faults.onFault((event) => faults.push(`${event.kind}:${event.phase}`))
    test.faults.failNextProduce(topic, 'INVALID_RECORD')
    const producer = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    await expect(producer.send({ topic, messages: [{ value: 'a' }] })).rejects.toMatchObject({
      name: 'KafkaJSProtocolError',
      type: 'INVALID_RECORD',
    })
    expect(test.records(topic)).toHaveLength(0)
    await producer.send({ topic, messages: [{ value: 'b' }] })
    expect(test.records(topic)).toHaveLength(1)
    expect(faults).toEqual(['produce-error:armed', 'produce-error:fired'])
    await producer.disconnect()
  })

  it('crashNextHandler crashes mid-batch; the message is redelivered and processed once settled', async () => {
    const test = testBroker()
    const topic = uniqueTopicName()
    test.broker.createTopic(topic)
    const producer = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] })
    test.faults.crashNextHandler({ groupId: 'g', afterMessages: 1 })
    const kafka = new Kafka({
      brokers: test.brokers,
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 5, retries: 3 },
    })
    const consumer = kafka.consumer({ groupId: 'g' })
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const seen: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) })
    await test.settled()
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(test.groupOffsets('g')[0]?.committedOffset).toBe(3)
    await consumer.disconnect()
    await producer.disconnect()
  })

  it('redeliver moves the group back so records are delivered again (at-least-once duplicates)', async () => {
    const test = testBroker()
    const topic = uniqueTopicName()
    test.broker.createTopic(topic)
    const seen: string[] = []
    const consumer = await startConsumer(test, topic, 'g', seen)
    const producer = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] })
    await test.settled()
    test.faults.redeliver('g', topic, 0, 0)
    await test.waitFor(() => seen.length === 4)
    await test.settled()
    expect(seen).toEqual(['0:0:a', '0:1:b', '0:0:a', '0:1:b'])
    await consumer.disconnect()
    await producer.disconnect()
  })

  it('forceRebalance makes every member rejoin with a new generation', async () => {
    const test = testBroker()
    const topic = uniqueTopicName()
    test.broker.createTopic(topic, { partitions: 2 })
    const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
    const consumer = kafka.consumer({ groupId: 'g' })
    await consumer.subscribe({ topics: [topic] })
    const joins: number[] = []
    consumer.on(consumer.events.GROUP_JOIN, () => joins.push(1))
    await consumer.run({ eachMessage: async () => {} })
    const generation = test.broker.groups.describeGroup('g').generationId
    test.faults.forceRebalance('g')
    await test.waitFor(() => joins.length === 2)
    expect(test.broker.groups.describeGroup('g').generationId).toBe(generation + 1)
    expect(test.groupMembers('g')[0]?.assignment).toHaveLength(2)
    await consumer.disconnect()
  })

  it('delayPartition holds back a partition until broker time passes', async () => {
    const test = testBroker()
    const topic = uniqueTopicName()
    test.broker.createTopic(topic, { partitions: 2 })
    test.faults.delayPartition(topic, 1, 80)
    const seen: string[] = []
    const consumer = await startConsumer(test, topic, 'g', seen)
    const producer = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    await producer.send({
      topic,
      messages: [
        { value: 'p0', partition: 0 },
        { value: 'p1', partition: 1 },
      ],
    })
    await test.waitFor(() => seen.includes('0:0:p0'))
    expect(seen).toEqual(['0:0:p0'])
    await test.waitFor(() => seen.includes('1:0:p1'), { timeoutMs: 2_000 })
    await consumer.disconnect()
    await producer.disconnect()
  })
})
