/**
 * Regressions for bugs found while testing the engine of issue 2, one describe per bug.
 */
import { describe, expect, it } from 'vitest'
import { Broker } from '../../src/engine/broker.js'
import { memoryStorage } from '../../src/storage/memory/memory-storage.js'
import { ManualClock, readAll, records } from '../engine/test-records.js'

describe('memory storage: a second Broker on the same Storage lost every record', () => {
  // openPartition() returned a fresh, empty store each call, so the topic metadata survived but
  // its partitions came back empty, and __consumer_offsets could never be replayed.
  it('returns the same partition store for the same topic and partition', () => {
    const storage = memoryStorage()
    expect(storage.openPartition('t', 0)).toBe(storage.openPartition('t', 0))
    expect(storage.openPartition('t', 1)).not.toBe(storage.openPartition('t', 0))
  })

  it('keeps records and committed offsets for the next Broker', () => {
    const storage = memoryStorage()
    const first = new Broker({ clock: new ManualClock(), storage })
    first.createTopic('t')
    first.append('t', 0, { records: records(2) })
    first.groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 't', partition: 0, offset: 2 }],
    })
    const second = new Broker({ clock: new ManualClock(), storage })
    expect(readAll(second.log('t', 0))).toHaveLength(2)
    expect(second.groups.committedOffset('g', 't', 0)?.offset).toBe(2)
  })

  it('forgets the data of a deleted topic', () => {
    const storage = memoryStorage()
    const broker = new Broker({ clock: new ManualClock(), storage })
    broker.createTopic('t')
    broker.append('t', 0, { records: records(2) })
    broker.deleteTopic('t')
    broker.createTopic('t')
    expect(broker.log('t', 0).highWatermark).toBe(0)
  })
})
