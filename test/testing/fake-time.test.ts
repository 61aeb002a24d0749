import { afterEach, describe, expect, it, vi } from 'vitest'
import { Kafka, logLevel } from '../../src/kafkajs/index.js'
import { createTestBroker } from '../../src/testing/index.js'

afterEach(() => {
  vi.useRealTimers()
})

const record = (value: string, timestamp: number) => ({
  offsetDelta: 0,
  timestamp,
  key: null,
  value,
  headers: null,
  sizeBytes: 30,
})

describe('fake time drives the broker', () => {
  it('retention deletes expired segments when fake time advances (the README example)', async () => {
    vi.useFakeTimers()
    await using test = createTestBroker({ retentionCheckIntervalMs: 1_000 })
    test.broker.createTopic('events', { config: { 'retention.ms': 60_000, 'segment.ms': 10_000 } })
    test.broker.append('events', 0, { records: [record('old', Date.now())] })
    vi.advanceTimersByTime(11_000)
    test.broker.append('events', 0, { records: [record('new', Date.now())] })
    expect(test.broker.describeTopic('events').partitions[0]?.logStartOffset).toBe(0)
    await vi.advanceTimersByTimeAsync(55_000)
    expect(test.broker.describeTopic('events').partitions[0]?.logStartOffset).toBe(1)
    expect(test.records('events').map((each) => each.value)).toEqual(['new'])
  })

  it('a transaction left open past transactionTimeout is aborted and its producer fenced', async () => {
    vi.useFakeTimers()
    await using test = createTestBroker()
    const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
    const producer = kafka.producer({ transactionalId: 'tx', transactionTimeout: 5_000 })
    await producer.connect()
    const transaction = await producer.transaction()
    await transaction.send({ topic: 'payments', messages: [{ value: 'pending' }] })
    expect(test.broker.describeTopic('payments').partitions[0]?.lastStableOffset).toBe(0)
    await vi.advanceTimersByTimeAsync(5_001)
    expect(test.broker.describeTopic('payments').partitions[0]?.lastStableOffset).toBe(2)
    expect(test.records('payments', { readCommitted: true })).toEqual([])
    await expect(transaction.commit()).rejects.toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' })
    await producer.disconnect()
  })

  it('a member that stops heartbeating is evicted after its session timeout', async () => {
    vi.useFakeTimers()
    await using test = createTestBroker()
    const joined = await test.broker.groups.joinGroup({
      groupId: 'g',
      memberId: '',
      clientId: 'c',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      protocolType: 'consumer',
      protocols: [{ name: 'p', metadata: null }],
    })
    await test.broker.groups.syncGroup({
      groupId: 'g',
      memberId: joined.memberId,
      generationId: joined.generationId,
      assignments: new Map(),
    })
    expect(test.broker.groups.describeGroup('g').members).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(10_001)
    expect(test.broker.groups.describeGroup('g').members).toHaveLength(0)
    expect(test.broker.groups.describeGroup('g').state).toBe('Empty')
  })
})
