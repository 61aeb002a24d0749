import { describe, expect, it } from 'vitest'
import { ControlType, type RecordBatch } from '../../src/common/record.js'
import { compactSegment, keyIdentity } from '../../src/engine/compaction.js'
import type { PartitionLog } from '../../src/engine/partition-log.js'
import { partitionLogWithStore, readAll, record } from './test-records.js'

/** A compacted log with one batch per segment (segment.bytes is tiny). */
function compacted(entries: Record<string, string | number> = {}) {
  return partitionLogWithStore({ 'cleanup.policy': 'compact', 'segment.bytes': 14, ...entries })
}

function put(log: PartitionLog, key: string, value: string | null, timestamp = 0): number {
  return log.append({ records: [record(0, { key, value, timestamp })] }, timestamp).baseOffset
}

function keyed(log: PartitionLog): [number, unknown, unknown][] {
  const seen: [number, unknown, unknown][] = []
  let offset = log.logStartOffset
  while (offset < log.highWatermark) {
    const result = log.read(offset, { maxBytes: 1 << 20, isolation: 0 })
    for (const batch of result.batches) {
      for (const each of batch.records) seen.push([batch.baseOffset + each.offsetDelta, each.key, each.value])
    }
    if (result.nextOffset <= offset) break
    offset = result.nextOffset
  }
  return seen
}

describe('keyIdentity', () => {
  it('is equal for equal bytes, strings and JSON values, and distinguishes their kinds', () => {
    expect(keyIdentity(new Uint8Array([1, 2]))).toBe(keyIdentity(new Uint8Array([1, 2])))
    expect(keyIdentity(new Uint8Array([1, 2]))).not.toBe(keyIdentity(new Uint8Array([2, 1])))
    expect(keyIdentity('a')).toBe(keyIdentity('a'))
    expect(keyIdentity('a')).not.toBe(keyIdentity(new Uint8Array([97])))
    expect(keyIdentity(1)).not.toBe(keyIdentity('1'))
    expect(keyIdentity({ group: 'g', partition: 0 })).toBe(keyIdentity({ group: 'g', partition: 0 }))
    expect(keyIdentity(null)).toBe(keyIdentity(undefined))
  })
})

describe('compactSegment', () => {
  const batch = (
    baseOffset: number,
    keys: string[],
    values: (string | null)[],
    maxTimestamp = 0,
  ): RecordBatch => ({
    baseOffset,
    lastOffsetDelta: keys.length - 1,
    firstTimestamp: 0,
    maxTimestamp,
    appendTimeMs: 0,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    isTransactional: false,
    isControl: false,
    controlType: null,
    records: keys.map((key, index) => record(index, { key, value: values[index] ?? null, sizeBytes: 10 })),
    sizeBytes: 61 + keys.length * 10,
  })

  it('returns null when every record is the latest for its key', () => {
    const batches = [batch(0, ['a', 'b'], ['1', '2'])]
    const latest = new Map([
      [keyIdentity('a'), 0],
      [keyIdentity('b'), 1],
    ])
    expect(compactSegment(batches, latest, 0)).toBeNull()
  })

  it('keeps offset deltas and lastOffsetDelta, and shrinks sizeBytes', () => {
    const batches = [batch(0, ['a', 'b', 'a'], ['1', '2', '3'])]
    const latest = new Map([
      [keyIdentity('a'), 2],
      [keyIdentity('b'), 1],
    ])
    const kept = compactSegment(batches, latest, 0)
    expect(kept).toHaveLength(1)
    expect(kept?.[0]?.records.map((each) => each.offsetDelta)).toEqual([1, 2])
    expect(kept?.[0]?.lastOffsetDelta).toBe(2)
    expect(kept?.[0]?.baseOffset).toBe(0)
    expect(kept?.[0]?.sizeBytes).toBe(61 + 20)
    expect(batches[0]?.records).toHaveLength(3)
  })

  it('drops a batch left with no records and keeps control batches', () => {
    const control: RecordBatch = {
      ...batch(1, ['x'], [null]),
      isControl: true,
      controlType: ControlType.Commit,
    }
    const kept = compactSegment([batch(0, ['a'], ['1']), control], new Map([[keyIdentity('a'), 5]]), 0)
    expect(kept).toEqual([control])
  })

  it('drops the latest tombstone only when its batch is older than the tombstone limit', () => {
    const tombstone = [batch(0, ['a'], [null], 100)]
    const latest = new Map([[keyIdentity('a'), 0]])
    expect(compactSegment(tombstone, latest, 100)).toBeNull()
    expect(compactSegment(tombstone, latest, 101)).toEqual([])
  })
})

describe('PartitionLog compaction', () => {
  it('keeps only the latest record per key in closed segments, at its original offset', () => {
    const { log } = compacted()
    put(log, 'a', 'a1')
    put(log, 'b', 'b1')
    put(log, 'a', 'a2')
    put(log, 'c', 'c1')
    put(log, 'b', 'b2') // active segment
    log.enforceRetention(1_000)
    expect(keyed(log)).toEqual([
      [2, 'a', 'a2'],
      [3, 'c', 'c1'],
      [4, 'b', 'b2'],
    ])
    expect(log.logStartOffset).toBe(0)
    expect(log.highWatermark).toBe(5)
  })

  it('never compacts the active segment', () => {
    const { log } = compacted({ 'segment.bytes': 1_000_000 })
    put(log, 'a', '1')
    put(log, 'a', '2')
    log.enforceRetention(1_000)
    expect(keyed(log).map(([offset]) => offset)).toEqual([0, 1])
  })

  it('compacts within a batch, keeping the later record of a key', () => {
    const { log } = compacted()
    log.append(
      {
        records: [
          record(0, { key: 'a', value: '1' }),
          record(1, { key: 'b', value: '2' }),
          record(2, { key: 'a', value: '3' }),
        ],
      },
      0,
    )
    put(log, 'z', 'active')
    log.enforceRetention(2_000)
    expect(keyed(log)).toEqual([
      [1, 'b', '2'],
      [2, 'a', '3'],
      [3, 'z', 'active'],
    ])
  })

  it('compares byte keys by content', () => {
    const { log } = compacted()
    log.append({ records: [record(0, { key: new Uint8Array([1]), value: 'old' })] }, 0)
    log.append({ records: [record(0, { key: new Uint8Array([1]), value: 'new' })] }, 0)
    put(log, 'z', 'active')
    log.enforceRetention(2_000)
    expect(keyed(log).map(([offset, , value]) => [offset, value])).toEqual([
      [1, 'new'],
      [2, 'active'],
    ])
  })

  it('keeps a tombstone until delete.retention.ms has passed, then removes it', () => {
    const { log } = compacted({ 'delete.retention.ms': 1000 })
    put(log, 'a', '1', 0)
    put(log, 'a', null, 100)
    put(log, 'b', '1', 200)
    log.enforceRetention(1100)
    expect(keyed(log)).toEqual([
      [1, 'a', null],
      [2, 'b', '1'],
    ])
    log.enforceRetention(1101)
    expect(keyed(log)).toEqual([[2, 'b', '1']])
  })

  it('respects min.compaction.lag.ms: segments with records newer than the lag stay as written', () => {
    const { log } = compacted({ 'min.compaction.lag.ms': 500 })
    put(log, 'a', '1', 0)
    put(log, 'a', '2', 400)
    put(log, 'a', '3', 800)
    put(log, 'z', 'active', 900)
    log.enforceRetention(700)
    expect(keyed(log).map(([offset]) => offset)).toEqual([1, 2, 3])
    log.enforceRetention(899)
    expect(keyed(log).map(([offset]) => offset)).toEqual([1, 2, 3])
    log.enforceRetention(1300)
    expect(keyed(log).map(([offset]) => offset)).toEqual([2, 3])
  })

  it('applies retention and compaction under compact,delete', () => {
    const { log } = compacted({ 'cleanup.policy': 'compact,delete', 'retention.ms': 1000 })
    put(log, 'a', '1', 0)
    put(log, 'b', '1', 0)
    put(log, 'b', '2', 5000)
    put(log, 'c', '1', 5000)
    log.enforceRetention(5500)
    expect(log.logStartOffset).toBe(2)
    expect(keyed(log)).toEqual([
      [2, 'b', '2'],
      [3, 'c', '1'],
    ])
  })

  it('keeps reading across batches emptied by compaction', () => {
    const { log } = compacted()
    put(log, 'a', '1')
    put(log, 'a', '2')
    put(log, 'a', '3')
    put(log, 'z', 'active')
    log.enforceRetention(0)
    const result = log.read(0, { maxBytes: 1, isolation: 0 })
    expect(result.batches.map((batch) => batch.baseOffset)).toEqual([2])
    expect(result.nextOffset).toBe(3)
    expect(readAll(log).map(([offset]) => offset)).toEqual([2, 3])
  })
})
