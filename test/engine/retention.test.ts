import { describe, expect, it } from 'vitest'
import { IsolationLevel } from '../../src/engine/partition-log.js'
import { segmentsToDelete } from '../../src/engine/retention.js'
import { DEFAULT_TOPIC_CONFIG, type TopicConfig } from '../../src/engine/topic-config.js'
import type { SegmentInfo } from '../../src/storage/storage.js'
import { partitionLogWithStore, readAll, record } from './test-records.js'

function segment(
  baseOffset: number,
  nextOffset: number,
  sizeBytes: number,
  maxTimestamp: number,
): SegmentInfo {
  return {
    baseOffset,
    nextOffset,
    sizeBytes,
    batchCount: nextOffset - baseOffset,
    firstAppendTimeMs: maxTimestamp,
    maxTimestamp,
  }
}

function config(overrides: Partial<TopicConfig>): TopicConfig {
  return { ...DEFAULT_TOPIC_CONFIG, retentionMs: -1, ...overrides }
}

const emptyActive = (offset: number): SegmentInfo => ({
  baseOffset: offset,
  nextOffset: offset,
  sizeBytes: 0,
  batchCount: 0,
  firstAppendTimeMs: Number.NaN,
  maxTimestamp: Number.NEGATIVE_INFINITY,
})

describe('segmentsToDelete by retention.ms', () => {
  const segments = [segment(0, 10, 100, 1000), segment(10, 20, 100, 2000), segment(20, 30, 100, 3000)]

  it('deletes the prefix of segments whose newest record is older than retention.ms', () => {
    expect(segmentsToDelete(segments, config({ retentionMs: 500 }), 2600)).toBe(2)
  })

  it('keeps a segment whose newest record is exactly retention.ms old (Kafka deletes only when older)', () => {
    expect(segmentsToDelete(segments, config({ retentionMs: 500 }), 1500)).toBe(0)
    expect(segmentsToDelete(segments, config({ retentionMs: 500 }), 1501)).toBe(1)
  })

  it('stops at the first segment still inside retention even if later ones are older', () => {
    const mixed = [segment(0, 10, 100, 5000), segment(10, 20, 100, 1000), segment(20, 30, 100, 6000)]
    expect(segmentsToDelete(mixed, config({ retentionMs: 100 }), 5050)).toBe(0)
  })

  it('counts the non-empty active segment too (the caller rolls first, as Kafka does)', () => {
    expect(segmentsToDelete(segments, config({ retentionMs: 10 }), 10_000)).toBe(3)
  })

  it('never counts an empty last segment', () => {
    expect(segmentsToDelete([...segments, emptyActive(30)], config({ retentionMs: 10 }), 10_000)).toBe(3)
    expect(segmentsToDelete([emptyActive(0)], config({ retentionMs: 0, retentionBytes: 0 }), 10_000)).toBe(0)
  })

  it('keeps everything with retention.ms = -1', () => {
    expect(segmentsToDelete(segments, config({ retentionMs: -1 }), Number.MAX_SAFE_INTEGER)).toBe(0)
  })
})

describe('segmentsToDelete by retention.bytes', () => {
  const segments = [segment(0, 10, 100, 0), segment(10, 20, 100, 0), segment(20, 30, 50, 0)]

  it('deletes oldest segments while what is left still holds at least retention.bytes', () => {
    expect(segmentsToDelete(segments, config({ retentionBytes: 150 }), 0)).toBe(1)
    expect(segmentsToDelete(segments, config({ retentionBytes: 50 }), 0)).toBe(2)
    expect(segmentsToDelete(segments, config({ retentionBytes: 49 }), 0)).toBe(2)
    expect(segmentsToDelete(segments, config({ retentionBytes: 0 }), 0)).toBe(3)
  })

  it('deletes nothing when the log is within retention.bytes', () => {
    expect(segmentsToDelete(segments, config({ retentionBytes: 250 }), 0)).toBe(0)
    expect(segmentsToDelete(segments, config({ retentionBytes: 151 }), 0)).toBe(0)
  })

  it('keeps everything with retention.bytes = -1', () => {
    expect(segmentsToDelete(segments, config({ retentionBytes: -1 }), 0)).toBe(0)
  })

  it('takes the larger of the time and size prefixes', () => {
    const timed = [segment(0, 10, 100, 0), segment(10, 20, 100, 5000), segment(20, 30, 50, 5000)]
    expect(segmentsToDelete(timed, config({ retentionMs: 1000, retentionBytes: 50 }), 5000)).toBe(2)
    expect(segmentsToDelete(timed, config({ retentionMs: 1000, retentionBytes: 1000 }), 5000)).toBe(1)
  })
})

describe('PartitionLog.enforceRetention', () => {
  const readAllOptions = { maxBytes: 1 << 20, isolation: IsolationLevel.ReadUncommitted }

  /** Three closed segments of two batches, timestamps 1000.., and an active one. */
  function filled(entries: Record<string, string | number>) {
    const { log, store } = partitionLogWithStore({ 'segment.bytes': 200, ...entries })
    for (let index = 0; index < 7; index++) {
      log.append({ records: [record(0, { timestamp: 1000 * (index + 1), sizeBytes: 39 })] }, 0) // 100 bytes per batch
    }
    return { log, store }
  }

  it('drops whole expired segments and moves logStartOffset to the next segment base', () => {
    const { log, store } = filled({ 'retention.ms': 2500 })
    expect(store.segments().map((each) => each.baseOffset)).toEqual([0, 2, 4, 6])
    log.enforceRetention(6000)
    expect(store.segments().map((each) => each.baseOffset)).toEqual([2, 4, 6])
    expect(log.logStartOffset).toBe(2)
    expect(readAll(log).map(([offset]) => offset)).toEqual([2, 3, 4, 5, 6])
    expect(log.read(2, readAllOptions).logStartOffset).toBe(2)
  })

  it('deletes by retention.bytes, keeping whole segments', () => {
    const { log } = filled({ 'retention.bytes': 300, 'retention.ms': -1 })
    log.enforceRetention(0)
    expect(log.logStartOffset).toBe(4)
    expect(log.sizeBytes).toBe(300)
  })

  it('rolls and empties the log when even the active segment expired, keeping offsets', () => {
    const { log, store } = filled({ 'retention.ms': 10 })
    log.enforceRetention(1_000_000)
    expect(log.logStartOffset).toBe(7)
    expect(log.highWatermark).toBe(7)
    expect(log.sizeBytes).toBe(0)
    expect(store.segments()).toHaveLength(1)
    expect(log.append({ records: [record(0)] }, 0).baseOffset).toBe(7)
  })

  it('keeps everything with retention.ms = -1', () => {
    const { log } = filled({ 'retention.ms': -1 })
    log.enforceRetention(Number.MAX_SAFE_INTEGER)
    expect(log.logStartOffset).toBe(0)
    expect(readAll(log)).toHaveLength(7)
  })

  it('does not apply retention on a compact-only topic', () => {
    const { log, store } = partitionLogWithStore({
      'cleanup.policy': 'compact',
      'retention.ms': 1,
      'segment.bytes': 200,
    })
    for (let index = 0; index < 4; index++) log.append({ records: [record(0, { key: `k${index}` })] }, 0)
    log.enforceRetention(1_000_000)
    expect(log.logStartOffset).toBe(0)
    expect(store.segments()[0]?.baseOffset).toBe(0)
  })

  it('does not move logStartOffset backwards after deleteRecords moved it into a segment', () => {
    const { log } = filled({ 'retention.ms': 2500 })
    log.deleteRecords(3)
    log.enforceRetention(6000)
    expect(log.logStartOffset).toBe(3)
  })
})
