import { afterEach, describe, expect, it, vi } from 'vitest'
import { LIMITS } from '../../src/common/limits.js'
import { BATCH_OVERHEAD_BYTES, ControlType } from '../../src/common/record.js'
import { Broker } from '../../src/engine/broker.js'
import { memoryStorage } from '../../src/storage/memory/memory-storage.js'
import { caught, ManualClock, readAll, record, records } from './test-records.js'

afterEach(() => {
  vi.useRealTimers()
})

function broker(options: ConstructorParameters<typeof Broker>[0] = {}) {
  return new Broker({ clock: new ManualClock(1_000_000), random: () => 0.5, ...options })
}

describe('Broker topics', () => {
  it('creates a topic with the broker default partition count and default config', () => {
    const subject = broker({ numPartitions: 3 })
    const created = subject.createTopic('orders')
    expect(created.name).toBe('orders')
    expect(created.partitions.map((partition) => partition.partition)).toEqual([0, 1, 2])
    expect(created.entries).toEqual({})
    expect(created.config.retentionMs).toBe(604_800_000)
    expect(created.internal).toBe(false)
    expect(created.topicId).not.toBe('')
  })

  it('creates a topic with explicit partitions and Kafka-keyed config', () => {
    const subject = broker()
    const created = subject.createTopic('orders', {
      partitions: 4,
      config: { 'retention.ms': 1000, 'cleanup.policy': 'compact' },
    })
    expect(created.partitions).toHaveLength(4)
    expect(created.entries).toEqual({ 'retention.ms': '1000', 'cleanup.policy': 'compact' })
    expect(created.config.retentionMs).toBe(1000)
    expect(created.config.cleanupPolicy).toBe('compact')
  })

  it('announces created topics', () => {
    const subject = broker()
    const seen: string[] = []
    subject.events.on('topicCreated', ({ topic }) => seen.push(topic))
    subject.createTopic('a')
    expect(seen).toEqual(['a'])
  })

  it('rejects a duplicate with TOPIC_ALREADY_EXISTS, not retriable, keeping the first topic', () => {
    const subject = broker()
    subject.createTopic('a', { partitions: 2 })
    subject.append('a', 0, { records: records(1) })
    const error = caught(() => subject.createTopic('a', { partitions: 5 }))
    expect(error.code).toBe('TOPIC_ALREADY_EXISTS')
    expect(error.retriable).toBe(false)
    expect(error.topic).toBe('a')
    expect(subject.describeTopic('a').partitions).toHaveLength(2)
    expect(subject.log('a', 0).highWatermark).toBe(1)
  })

  it.each(['', '.', '..', 'a b', 'x'.repeat(250)])(
    'rejects the name %j with INVALID_TOPIC_EXCEPTION',
    (name) => {
      const subject = broker()
      const error = caught(() => subject.createTopic(name))
      expect(error.code).toBe('INVALID_TOPIC_EXCEPTION')
      expect(error.value).toBe(name)
      expect(subject.listTopics()).toEqual([])
    },
  )

  it.each([0, -1, 1.5, Number.NaN, LIMITS.partitionsPerTopicMax + 1])(
    'rejects %d partitions with INVALID_PARTITIONS carrying the value',
    (partitions) => {
      const subject = broker()
      const error = caught(() => subject.createTopic('a', { partitions }))
      expect(error.code).toBe('INVALID_PARTITIONS')
      expect(error.retriable).toBe(false)
      expect(error.value).toBe(partitions)
      expect(subject.hasTopic('a')).toBe(false)
    },
  )

  it('rejects an invalid broker numPartitions with INVALID_PARTITIONS', () => {
    expect(caught(() => broker({ numPartitions: 0 })).code).toBe('INVALID_PARTITIONS')
  })

  it('rejects bad config with INVALID_CONFIG and creates nothing', () => {
    const subject = broker()
    expect(caught(() => subject.createTopic('a', { config: { 'segment.ms': 0 } })).code).toBe(
      'INVALID_CONFIG',
    )
    expect(caught(() => subject.createTopic('a', { config: { 'no.such.key': 1 } })).value).toBe('no.such.key')
    expect(subject.hasTopic('a')).toBe(false)
  })

  it('validates without creating when validateOnly is set', () => {
    const subject = broker()
    const described = subject.createTopic('a', { partitions: 3, validateOnly: true })
    expect(described.partitions).toHaveLength(3)
    expect(subject.hasTopic('a')).toBe(false)
    expect(caught(() => subject.createTopic('a', { partitions: 0, validateOnly: true })).code).toBe(
      'INVALID_PARTITIONS',
    )
  })

  it('lists topics sorted, internal topics only when asked', () => {
    const subject = broker()
    subject.createTopic('b')
    subject.createTopic('a')
    subject.groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 'a', partition: 0, offset: 0 }],
    })
    expect(subject.listTopics()).toEqual(['a', 'b'])
    expect(subject.listTopics({ includeInternal: true })).toEqual(['__consumer_offsets', 'a', 'b'])
    expect(subject.describeTopic('__consumer_offsets').internal).toBe(true)
  })

  it('deletes a topic and its data; a new topic of the same name starts again at offset 0 with a new id', () => {
    const subject = broker()
    const first = subject.createTopic('a')
    subject.append('a', 0, { records: records(3) })
    const deleted: string[] = []
    subject.events.on('topicDeleted', ({ topic }) => deleted.push(topic))
    subject.deleteTopic('a')
    expect(deleted).toEqual(['a'])
    expect(subject.hasTopic('a')).toBe(false)
    const second = subject.createTopic('a')
    expect(second.topicId).not.toBe(first.topicId)
    expect(subject.log('a', 0).highWatermark).toBe(0)
  })

  it('rejects deleting an unknown topic with UNKNOWN_TOPIC_OR_PARTITION, which Kafka marks retriable', () => {
    const error = caught(() => broker().deleteTopic('missing'))
    expect(error.code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(error.retriable).toBe(true)
    expect(error.topic).toBe('missing')
  })

  it('refuses to delete an internal topic', () => {
    const subject = broker()
    subject.createTopic('a')
    subject.groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 'a', partition: 0, offset: 0 }],
    })
    expect(caught(() => subject.deleteTopic('__consumer_offsets')).code).toBe('INVALID_TOPIC_EXCEPTION')
  })

  it('drops committed offsets of a deleted topic', () => {
    const subject = broker()
    subject.createTopic('a')
    subject.groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 'a', partition: 0, offset: 1 }],
    })
    subject.deleteTopic('a')
    expect(subject.groups.committedOffset('g', 'a', 0)).toBeUndefined()
  })

  it('describes partitions with their offsets and sizes', () => {
    const subject = broker()
    subject.createTopic('a', { partitions: 2 })
    subject.append('a', 1, { records: records(3) })
    subject.deleteRecords('a', 1, 1)
    const described = subject.describeTopic('a')
    expect(described.partitions[0]).toEqual({
      partition: 0,
      logStartOffset: 0,
      highWatermark: 0,
      lastStableOffset: 0,
      sizeBytes: 0,
    })
    expect(described.partitions[1]).toMatchObject({
      partition: 1,
      logStartOffset: 1,
      highWatermark: 3,
      lastStableOffset: 3,
    })
    expect(described.partitions[1]?.sizeBytes).toBeGreaterThan(0)
  })

  it('rejects describing an unknown topic with UNKNOWN_TOPIC_OR_PARTITION', () => {
    expect(caught(() => broker().describeTopic('x')).code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
  })
})

describe('Broker partitions', () => {
  it('adds partitions that take the topic config and start empty', () => {
    const subject = broker()
    subject.createTopic('a', { partitions: 1, config: { 'max.message.bytes': 200 } })
    subject.append('a', 0, { records: records(2) })
    const events: number[] = []
    subject.events.on('partitionsCreated', ({ partitionCount }) => events.push(partitionCount))
    subject.createPartitions('a', 3)
    expect(events).toEqual([3])
    expect(subject.describeTopic('a').partitions.map((partition) => partition.highWatermark)).toEqual([
      2, 0, 0,
    ])
    expect(subject.log('a', 2).config.maxMessageBytes).toBe(200)
    expect(subject.append('a', 2, { records: records(1) }).baseOffset).toBe(0)
  })

  it.each([1, 0, -1, 2.5])('never shrinks or keeps the count: %d is INVALID_PARTITIONS', (count) => {
    const subject = broker()
    subject.createTopic('a', { partitions: 2 })
    const error = caught(() => subject.createPartitions('a', count))
    expect(error.code).toBe('INVALID_PARTITIONS')
    expect(error.value).toBe(count)
    expect(error.topic).toBe('a')
    expect(subject.describeTopic('a').partitions).toHaveLength(2)
  })

  it('rejects growing past partitionsPerTopicMax', () => {
    const subject = broker()
    subject.createTopic('a')
    expect(caught(() => subject.createPartitions('a', LIMITS.partitionsPerTopicMax + 1)).code).toBe(
      'INVALID_PARTITIONS',
    )
  })

  it('rejects adding partitions to an unknown topic', () => {
    expect(caught(() => broker().createPartitions('x', 3)).code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
  })

  it('validates without adding when validateOnly is set', () => {
    const subject = broker()
    subject.createTopic('a')
    subject.createPartitions('a', 4, { validateOnly: true })
    expect(subject.describeTopic('a').partitions).toHaveLength(1)
  })
})

describe('Broker config changes', () => {
  it('replaces every explicit key unless incremental', () => {
    const subject = broker()
    subject.createTopic('a', { config: { 'retention.ms': 1000, 'segment.ms': 5000 } })
    subject.alterTopicConfig('a', { 'retention.bytes': 100 })
    expect(subject.describeTopic('a').entries).toEqual({ 'retention.bytes': '100' })
    expect(subject.describeTopic('a').config.retentionMs).toBe(604_800_000)
  })

  it('merges incrementally and deletes keys set to null', () => {
    const subject = broker()
    subject.createTopic('a', { config: { 'retention.ms': 1000, 'segment.ms': 5000 } })
    subject.alterTopicConfig('a', { 'retention.bytes': 100, 'segment.ms': null }, { incremental: true })
    expect(subject.describeTopic('a').entries).toEqual({ 'retention.ms': '1000', 'retention.bytes': '100' })
  })

  it('applies the new config to every partition at once', () => {
    const subject = broker()
    subject.createTopic('a', { partitions: 2 })
    subject.alterTopicConfig('a', { 'max.message.bytes': BATCH_OVERHEAD_BYTES + 10 })
    expect(caught(() => subject.append('a', 1, { records: [record(0, { sizeBytes: 11 })] })).code).toBe(
      'MESSAGE_TOO_LARGE',
    )
  })

  it('rejects bad values with INVALID_CONFIG and keeps the old config', () => {
    const subject = broker()
    subject.createTopic('a', { config: { 'retention.ms': 1000 } })
    expect(caught(() => subject.alterTopicConfig('a', { 'retention.ms': 'soon' })).code).toBe(
      'INVALID_CONFIG',
    )
    expect(caught(() => subject.alterTopicConfig('a', { 'what.ever': 1 }, { incremental: true })).code).toBe(
      'INVALID_CONFIG',
    )
    expect(subject.describeTopic('a').entries).toEqual({ 'retention.ms': '1000' })
  })

  it('validates without changing when validateOnly is set', () => {
    const subject = broker()
    subject.createTopic('a')
    subject.alterTopicConfig('a', { 'retention.ms': 5 }, { validateOnly: true })
    expect(subject.describeTopic('a').entries).toEqual({})
  })
})

describe('Broker append and produce', () => {
  it('appends to a partition and reads it back', () => {
    const subject = broker()
    subject.createTopic('a', { partitions: 2 })
    expect(subject.append('a', 1, { records: records(2) }).baseOffset).toBe(0)
    expect(subject.append('a', 1, { records: records(2) }).baseOffset).toBe(2)
    expect(readAll(subject.log('a', 1)).map(([offset]) => offset)).toEqual([0, 1, 2, 3])
  })

  it.each([
    ['missing', 0],
    ['a', 2],
    ['a', -1],
  ])('rejects appending to %s-%i with UNKNOWN_TOPIC_OR_PARTITION', (topic, partition) => {
    const subject = broker()
    subject.createTopic('a', { partitions: 2 })
    const error = caught(() => subject.append(topic, partition, { records: records(1) }))
    expect(error.code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(error.retriable).toBe(true)
    expect(error.topic).toBe(topic)
    expect(error.partition).toBe(partition)
  })

  it('stamps LogAppendTime from the broker clock', () => {
    const clock = new ManualClock(42_000)
    const subject = broker({ clock })
    subject.createTopic('a', { config: { 'message.timestamp.type': 'LogAppendTime' } })
    expect(subject.append('a', 0, { records: records(1, () => ({ timestamp: 1 })) }).logAppendTime).toBe(
      42_000,
    )
  })

  it('produces to several partitions in request order', () => {
    const subject = broker()
    subject.createTopic('a', { partitions: 2 })
    subject.createTopic('b')
    subject.append('a', 1, { records: records(4) })
    const results = subject.produce([
      { topic: 'a', partition: 1, batch: { records: records(2) } },
      { topic: 'b', partition: 0, batch: { records: records(1) } },
      { topic: 'a', partition: 0, batch: { records: records(1) } },
    ])
    expect(results.map((result) => [result.topic, result.partition, result.baseOffset])).toEqual([
      ['a', 1, 4],
      ['b', 0, 0],
      ['a', 0, 0],
    ])
  })

  it('appends nothing anywhere when one part is too large', () => {
    const subject = broker()
    subject.createTopic('a', { partitions: 2 })
    subject.createTopic('small', { config: { 'max.message.bytes': 100 } })
    const error = caught(() =>
      subject.produce([
        { topic: 'a', partition: 0, batch: { records: records(2) } },
        { topic: 'a', partition: 1, batch: { records: records(2) } },
        { topic: 'small', partition: 0, batch: { records: records(10) } },
      ]),
    )
    expect(error.code).toBe('MESSAGE_TOO_LARGE')
    expect(error.topic).toBe('small')
    expect(subject.log('a', 0).highWatermark).toBe(0)
    expect(subject.log('a', 1).highWatermark).toBe(0)
    expect(subject.log('small', 0).highWatermark).toBe(0)
  })

  it('appends nothing anywhere when one part names an unknown partition or breaks a compacted topic', () => {
    const subject = broker()
    subject.createTopic('a')
    subject.createTopic('c', { config: { 'cleanup.policy': 'compact' } })
    expect(
      caught(() =>
        subject.produce([
          { topic: 'a', partition: 0, batch: { records: records(1) } },
          { topic: 'a', partition: 9, batch: { records: records(1) } },
        ]),
      ).code,
    ).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(
      caught(() =>
        subject.produce([
          { topic: 'a', partition: 0, batch: { records: records(1) } },
          { topic: 'c', partition: 0, batch: { records: records(1) } },
        ]),
      ).code,
    ).toBe('INVALID_RECORD')
    expect(subject.log('a', 0).highWatermark).toBe(0)
  })
})

describe('Broker offsets', () => {
  function timed() {
    const subject = broker()
    subject.createTopic('a')
    subject.append('a', 0, { records: records(3, (index) => ({ timestamp: 100 * (index + 1) })) })
    return subject
  }

  it('lists earliest (-2), latest (-1) and by timestamp', () => {
    const subject = timed()
    subject.deleteRecords('a', 0, 1)
    expect(subject.listOffset('a', 0, -2)).toBe(1)
    expect(subject.listOffset('a', 0, -1)).toBe(3)
    expect(subject.listOffset('a', 0, 0)).toBe(1)
    expect(subject.listOffset('a', 0, 250)).toBe(2)
    expect(subject.listOffset('a', 0, 300)).toBe(2)
  })

  it('answers the high watermark for a timestamp past every record', () => {
    expect(timed().listOffset('a', 0, 10_000)).toBe(3)
  })

  it('answers the last stable offset for latest under read_committed', () => {
    const subject = timed()
    subject.append('a', 0, { records: records(1), producerId: 5, producerEpoch: 0, isTransactional: true })
    expect(subject.listOffset('a', 0, -1)).toBe(4)
    expect(subject.listOffset('a', 0, -1, true)).toBe(3)
    subject.log('a', 0).appendControl(5, 0, ControlType.Commit, 0)
    expect(subject.listOffset('a', 0, -1, true)).toBe(5)
  })

  it('rejects listing offsets of an unknown partition', () => {
    expect(caught(() => timed().listOffset('a', 1, -1)).code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
  })

  it('deletes records through the broker, -1 meaning everything', () => {
    const subject = timed()
    expect(subject.deleteRecords('a', 0, -1)).toBe(3)
    expect(subject.listOffset('a', 0, -2)).toBe(3)
    expect(caught(() => subject.deleteRecords('a', 0, 4)).code).toBe('OFFSET_OUT_OF_RANGE')
  })
})

describe('Broker retention on its clock', () => {
  it('runs retention every retentionCheckIntervalMs under vitest fake timers (default clock)', () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const subject = new Broker({ retentionCheckIntervalMs: 1000 })
    subject.createTopic('a', { config: { 'retention.ms': 5000, 'segment.ms': 1000 } })
    subject.append('a', 0, { records: records(1, () => ({ timestamp: Date.now() })) })
    vi.advanceTimersByTime(1000)
    subject.append('a', 0, { records: records(1, () => ({ timestamp: Date.now() })) })
    // The first record is 5000 ms old at the check of 1_005_000: Kafka deletes only when older.
    vi.advanceTimersByTime(4000)
    expect(subject.log('a', 0).logStartOffset).toBe(0)
    vi.advanceTimersByTime(1000)
    expect(subject.log('a', 0).logStartOffset).toBe(1)
    vi.advanceTimersByTime(1000)
    expect(subject.log('a', 0).logStartOffset).toBe(2)
    expect(subject.log('a', 0).highWatermark).toBe(2)
    void subject.close()
  })

  it('applies retention.bytes on the retention timer under vitest fake timers', () => {
    vi.useFakeTimers({ now: 0 })
    const subject = new Broker({ retentionCheckIntervalMs: 1000 })
    subject.createTopic('a', { config: { 'retention.bytes': 200, 'segment.bytes': 200 } })
    for (let index = 0; index < 5; index++)
      subject.append('a', 0, { records: [record(0, { sizeBytes: 39 })] })
    expect(subject.log('a', 0).logStartOffset).toBe(0)
    vi.advanceTimersByTime(1000)
    expect(subject.log('a', 0).logStartOffset).toBe(2)
    expect(subject.log('a', 0).sizeBytes).toBe(300)
    void subject.close()
  })

  it('compacts compacted topics on the retention timer', () => {
    const clock = new ManualClock(0)
    const subject = new Broker({ clock, retentionCheckIntervalMs: 100 })
    subject.createTopic('c', { config: { 'cleanup.policy': 'compact', 'segment.bytes': 14 } })
    for (const value of ['1', '2', '3'])
      subject.append('c', 0, { records: [record(0, { key: 'k', value, timestamp: 0 })] })
    expect(readAll(subject.log('c', 0))).toHaveLength(3)
    clock.advance(100)
    expect(readAll(subject.log('c', 0))).toEqual([[2, '3']])
    void subject.close()
  })

  it('runs retention on an injected clock', () => {
    const clock = new ManualClock(0)
    const subject = new Broker({ clock, retentionCheckIntervalMs: 100 })
    subject.createTopic('a', { config: { 'retention.bytes': 0 } })
    subject.append('a', 0, { records: records(2) })
    clock.advance(100)
    expect(subject.log('a', 0).logStartOffset).toBe(2)
    void subject.close()
  })

  it('keeps records forever with retention.ms = -1', () => {
    const clock = new ManualClock(0)
    const subject = new Broker({ clock, retentionCheckIntervalMs: 86_400_000 })
    subject.createTopic('a', { config: { 'retention.ms': -1, 'segment.ms': 1 } })
    for (let index = 0; index < 5; index++) {
      subject.append('a', 0, { records: records(1, () => ({ timestamp: clock.now() })) })
      clock.advance(10)
    }
    clock.advance(10 * 365 * 86_400_000)
    expect(subject.log('a', 0).logStartOffset).toBe(0)
    expect(readAll(subject.log('a', 0))).toHaveLength(5)
    void subject.close()
  })

  it('stops its retention timer when closed', async () => {
    const clock = new ManualClock(0)
    const subject = new Broker({ clock })
    expect(clock.pendingTimers).toBe(1)
    await subject.close()
    expect(clock.pendingTimers).toBe(0)
  })

  it('logs and survives a failing retention run', () => {
    const clock = new ManualClock(0)
    const lines: string[] = []
    const subject = new Broker({
      clock,
      retentionCheckIntervalMs: 10,
      log: (_level, message) => lines.push(message),
    })
    subject.createTopic('a')
    const log = subject.log('a', 0)
    log.enforceRetention = () => {
      throw new Error('boom')
    }
    clock.advance(10)
    clock.advance(10)
    expect(lines).toEqual(['retention check failed', 'retention check failed'])
    void subject.close()
  })
})

describe('Broker lifecycle and storage', () => {
  it('rejects mutations after close with BROKER_CLOSED; close is idempotent', async () => {
    const subject = broker()
    subject.createTopic('a')
    const closed: unknown[] = []
    subject.events.on('closed', (payload) => closed.push(payload))
    await subject.close()
    await subject.close()
    expect(closed).toHaveLength(1)
    expect(subject.closed).toBe(true)
    expect(caught(() => subject.createTopic('b')).code).toBe('BROKER_CLOSED')
    expect(caught(() => subject.append('a', 0, { records: records(1) })).code).toBe('BROKER_CLOSED')
    expect(caught(() => subject.produce([])).code).toBe('BROKER_CLOSED')
    expect(caught(() => subject.deleteRecords('a', 0, 0)).code).toBe('BROKER_CLOSED')
  })

  it('lives alongside other brokers without sharing anything', () => {
    const first = broker()
    const second = broker()
    first.createTopic('a')
    expect(second.hasTopic('a')).toBe(false)
  })

  it('a new Broker on the same Storage finds the topics and their records', () => {
    const storage = memoryStorage()
    const first = broker({ storage })
    first.createTopic('a', { partitions: 2, config: { 'retention.ms': 1234 } })
    first.append('a', 1, { records: records(3) })
    const second = broker({ storage })
    expect(second.listTopics()).toEqual(['a'])
    expect(second.describeTopic('a').config.retentionMs).toBe(1234)
    expect(second.describeTopic('a').topicId).toBe(first.describeTopic('a').topicId)
    expect(second.log('a', 1).highWatermark).toBe(3)
    expect(readAll(second.log('a', 1)).map(([offset]) => offset)).toEqual([0, 1, 2])
  })
})
