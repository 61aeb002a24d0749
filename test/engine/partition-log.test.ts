import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../src/common/limits.js'
import { BATCH_OVERHEAD_BYTES, ControlType, type StoredRecord } from '../../src/common/record.js'
import { IsolationLevel } from '../../src/engine/partition-log.js'
import { caught, partitionLog, partitionLogWithStore, readAll, record, records } from './test-records.js'

const uncommitted = { maxBytes: 1 << 20, isolation: IsolationLevel.ReadUncommitted }
const committed = { maxBytes: 1 << 20, isolation: IsolationLevel.ReadCommitted }

describe('PartitionLog append', () => {
  it('starts empty at offset 0', () => {
    const log = partitionLog()
    expect(log.logStartOffset).toBe(0)
    expect(log.highWatermark).toBe(0)
    expect(log.lastStableOffset).toBe(0)
    expect(log.sizeBytes).toBe(0)
  })

  it('hands out contiguous offsets across batches of different sizes', () => {
    const log = partitionLog()
    expect(log.append({ records: records(3) }, 10).baseOffset).toBe(0)
    expect(log.append({ records: records(1) }, 10).baseOffset).toBe(3)
    expect(log.append({ records: records(5) }, 10).baseOffset).toBe(4)
    expect(log.highWatermark).toBe(9)
    expect(readAll(log).map(([offset]) => offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('stores the batch with Kafka metadata and default producer fields', () => {
    const log = partitionLog()
    const input = records(3, (index) => ({ timestamp: [500, 900, 700][index] as number }))
    const { batch, logAppendTime, logStartOffset } = log.append({ records: input }, 1234)
    expect(batch).toMatchObject({
      baseOffset: 0,
      lastOffsetDelta: 2,
      firstTimestamp: 500,
      maxTimestamp: 900,
      appendTimeMs: 1234,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      isTransactional: false,
      isControl: false,
      controlType: null,
    })
    expect(batch.records).toBe(input)
    expect(batch.sizeBytes).toBe(BATCH_OVERHEAD_BYTES + input.reduce((sum, each) => sum + each.sizeBytes, 0))
    expect(logAppendTime).toBe(-1)
    expect(logStartOffset).toBe(0)
    expect(log.sizeBytes).toBe(batch.sizeBytes)
  })

  it('keeps producer id, epoch, sequence and the transactional flag', () => {
    const log = partitionLog()
    const { batch } = log.append(
      { records: records(2), producerId: 7, producerEpoch: 3, baseSequence: 40, isTransactional: false },
      0,
    )
    expect(batch).toMatchObject({ producerId: 7, producerEpoch: 3, baseSequence: 40, isTransactional: false })
  })

  it('stamps every record and the batch with the append time under LogAppendTime, leaving the input untouched', () => {
    const log = partitionLog({ 'message.timestamp.type': 'LogAppendTime' })
    const input = records(2, () => ({ timestamp: 5 }))
    const result = log.append({ records: input }, 9_999)
    expect(result.logAppendTime).toBe(9_999)
    expect(result.batch.firstTimestamp).toBe(9_999)
    expect(result.batch.maxTimestamp).toBe(9_999)
    expect(result.batch.records.map((each) => each.timestamp)).toEqual([9_999, 9_999])
    expect(input.map((each) => each.timestamp)).toEqual([5, 5])
    expect(log.read(0, uncommitted).batches[0]?.records[1]?.timestamp).toBe(9_999)
  })

  it('accepts a batch of exactly max.message.bytes', () => {
    const log = partitionLog({ 'max.message.bytes': BATCH_OVERHEAD_BYTES + 100 })
    expect(() => log.append({ records: [record(0, { sizeBytes: 100 })] }, 0)).not.toThrow()
    expect(log.highWatermark).toBe(1)
  })

  it('rejects a batch over max.message.bytes with MESSAGE_TOO_LARGE and appends nothing', () => {
    const log = partitionLog({ 'max.message.bytes': BATCH_OVERHEAD_BYTES + 100 })
    log.append({ records: records(1) }, 0)
    const error = caught(() =>
      log.append({ records: [record(0, { sizeBytes: 60 }), record(1, { sizeBytes: 41 })] }, 0),
    )
    expect(error.code).toBe('MESSAGE_TOO_LARGE')
    expect(error.retriable).toBe(false)
    expect(error.value).toBe(BATCH_OVERHEAD_BYTES + 101)
    expect(error.limitName).toBe('max.message.bytes')
    expect(error.limit).toBe(BATCH_OVERHEAD_BYTES + 100)
    expect(error.topic).toBe('topic')
    expect(error.partition).toBe(0)
    expect(log.highWatermark).toBe(1)
    expect(readAll(log)).toHaveLength(1)
  })

  it.each(['compact', 'compact,delete'])(
    'rejects a null or missing key on a %s topic with INVALID_RECORD',
    (policy) => {
      const log = partitionLog({ 'cleanup.policy': policy })
      const error = caught(() =>
        log.append({ records: [record(0, { key: 'k' }), record(1, { key: null })] }, 0),
      )
      expect(error.code).toBe('INVALID_RECORD')
      expect(error.retriable).toBe(false)
      expect(error.topic).toBe('topic')
      expect(log.highWatermark).toBe(0)
      const missing: StoredRecord = { ...record(0), key: undefined }
      expect(caught(() => log.append({ records: [missing] }, 0)).code).toBe('INVALID_RECORD')
      expect(log.highWatermark).toBe(0)
    },
  )

  it('accepts keyed records on a compacted topic and null keys on a delete topic', () => {
    expect(
      partitionLog({ 'cleanup.policy': 'compact' }).append({ records: [record(0, { key: 'k' })] }, 0)
        .baseOffset,
    ).toBe(0)
    expect(partitionLog().append({ records: [record(0, { key: null })] }, 0).baseOffset).toBe(0)
  })

  it('rejects more than recordsPerBatchMax records with LIMIT_EXCEEDED naming the limit', () => {
    const log = partitionLog()
    const error = caught(() =>
      log.validate({ records: new Array<StoredRecord>(LIMITS.recordsPerBatchMax + 1) }),
    )
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(error.limitName).toBe('recordsPerBatchMax')
    expect(error.limit).toBe(LIMITS.recordsPerBatchMax)
    expect(log.highWatermark).toBe(0)
  })

  it('rejects an empty batch with INVALID_RECORD', () => {
    const log = partitionLog()
    const error = caught(() => log.append({ records: [] }, 0))
    expect(error.code).toBe('INVALID_RECORD')
    expect(error.retriable).toBe(false)
    expect(log.highWatermark).toBe(0)
  })

  it.each([
    [[0, 0, 0], 0],
    [[1, 2], 1],
    [[0, 2], 2],
  ])('rejects offset deltas %j with INVALID_RECORD carrying the bad delta %i', (deltas, bad) => {
    const log = partitionLog()
    const error = caught(() => log.append({ records: deltas.map((delta) => record(delta)) }, 0))
    expect(error.code).toBe('INVALID_RECORD')
    expect(error.value).toBe(bad)
    expect(log.highWatermark).toBe(0)
  })
})

describe('PartitionLog read', () => {
  function filled(batchCount: number, perBatch: number) {
    const log = partitionLog()
    for (let index = 0; index < batchCount; index++) {
      log.append({ records: records(perBatch, (delta) => ({ value: `${index * perBatch + delta}` })) }, index)
    }
    return log
  }

  it('returns batches from the offset with the log offsets', () => {
    const log = filled(3, 2)
    const result = log.read(2, uncommitted)
    expect(result.batches.map((batch) => batch.baseOffset)).toEqual([2, 4])
    expect(result.nextOffset).toBe(6)
    expect(result.highWatermark).toBe(6)
    expect(result.lastStableOffset).toBe(6)
    expect(result.logStartOffset).toBe(0)
  })

  it('returns the whole batch holding a mid-batch offset, as Kafka does, and continues past it', () => {
    const log = filled(2, 5)
    const result = log.read(3, { ...uncommitted, maxBytes: 1 })
    expect(result.batches).toHaveLength(1)
    expect(result.batches[0]?.baseOffset).toBe(0)
    expect(result.nextOffset).toBe(5)
    expect(readAll(log, 3).map(([offset]) => offset)).toEqual([3, 4, 5, 6, 7, 8, 9])
  })

  it('returns at least one batch even when it is larger than maxBytes', () => {
    const log = filled(3, 4)
    const result = log.read(0, { ...uncommitted, maxBytes: 1 })
    expect(result.batches).toHaveLength(1)
    expect(result.nextOffset).toBe(4)
  })

  it('stops before the batch that would pass maxBytes', () => {
    const log = filled(4, 1)
    const size = log.read(0, uncommitted).batches[0]?.sizeBytes ?? 0
    expect(log.read(0, { ...uncommitted, maxBytes: size * 2 }).batches).toHaveLength(2)
    expect(log.read(0, { ...uncommitted, maxBytes: size * 2 + size - 1 }).batches).toHaveLength(2)
    expect(log.read(0, { ...uncommitted, maxBytes: size * 3 }).batches).toHaveLength(3)
  })

  it('returns nothing at the high watermark', () => {
    const log = filled(2, 2)
    const result = log.read(4, uncommitted)
    expect(result.batches).toEqual([])
    expect(result.nextOffset).toBe(4)
  })

  it('rejects an offset past the high watermark with OFFSET_OUT_OF_RANGE carrying the offset', () => {
    const log = filled(1, 2)
    const error = caught(() => log.read(3, uncommitted))
    expect(error.code).toBe('OFFSET_OUT_OF_RANGE')
    expect(error.retriable).toBe(false)
    expect(error.offset).toBe(3)
    expect(error.topic).toBe('topic')
    expect(error.partition).toBe(0)
  })

  it('rejects an offset below logStartOffset with OFFSET_OUT_OF_RANGE', () => {
    const log = filled(3, 2)
    log.deleteRecords(4)
    const error = caught(() => log.read(3, uncommitted))
    expect(error.code).toBe('OFFSET_OUT_OF_RANGE')
    expect(error.offset).toBe(3)
    expect(log.read(4, uncommitted).batches[0]?.baseOffset).toBe(4)
  })

  it('rejects negative offsets', () => {
    expect(caught(() => filled(1, 1).read(-1, uncommitted)).code).toBe('OFFSET_OUT_OF_RANGE')
  })
})

describe('PartitionLog offsets by timestamp', () => {
  it('finds the first offset whose timestamp is at least t, across batches', () => {
    const log = partitionLog()
    log.append({ records: records(3, (index) => ({ timestamp: [100, 300, 200][index] as number })) }, 0)
    log.append({ records: records(2, (index) => ({ timestamp: [400, 500][index] as number })) }, 0)
    expect(log.offsetForTimestamp(0)).toBe(0)
    expect(log.offsetForTimestamp(100)).toBe(0)
    expect(log.offsetForTimestamp(150)).toBe(1)
    expect(log.offsetForTimestamp(250)).toBe(1)
    expect(log.offsetForTimestamp(301)).toBe(3)
    expect(log.offsetForTimestamp(500)).toBe(4)
    expect(log.offsetForTimestamp(501)).toBeNull()
  })

  it('never answers below logStartOffset', () => {
    const log = partitionLog()
    log.append({ records: records(4, (index) => ({ timestamp: index * 10 })) }, 0)
    log.deleteRecords(2)
    expect(log.offsetForTimestamp(0)).toBe(2)
  })

  it('answers null on an empty log', () => {
    expect(partitionLog().offsetForTimestamp(0)).toBeNull()
  })
})

describe('PartitionLog deleteRecords', () => {
  function filled() {
    const { log, store } = partitionLogWithStore({ 'segment.bytes': 200 })
    for (let index = 0; index < 6; index++) log.append({ records: records(2) }, index)
    return { log, store }
  }

  it('moves logStartOffset to a mid-batch offset and drops only whole segments below it', () => {
    const { log, store } = filled()
    const segmentsBefore = store.segments().map((segment) => segment.baseOffset)
    expect(segmentsBefore.length).toBeGreaterThan(2)
    expect(log.deleteRecords(5)).toBe(5)
    expect(log.logStartOffset).toBe(5)
    for (const segment of store.segments()) expect(segment.nextOffset).toBeGreaterThan(5)
    expect(store.segments()[0]?.baseOffset).toBeLessThanOrEqual(5)
    expect(readAll(log).map(([offset]) => offset)).toEqual([5, 6, 7, 8, 9, 10, 11])
  })

  it('is a no-op below or at the current start', () => {
    const { log } = filled()
    log.deleteRecords(6)
    expect(log.deleteRecords(3)).toBe(6)
    expect(log.deleteRecords(6)).toBe(6)
    expect(log.logStartOffset).toBe(6)
  })

  it('deletes everything with -1 and keeps offsets going', () => {
    const { log, store } = filled()
    expect(log.deleteRecords(-1)).toBe(12)
    expect(log.logStartOffset).toBe(12)
    expect(log.highWatermark).toBe(12)
    expect(log.sizeBytes).toBe(0)
    expect(store.segments()).toHaveLength(1)
    expect(log.append({ records: records(1) }, 100).baseOffset).toBe(12)
    expect(readAll(log).map(([offset]) => offset)).toEqual([12])
  })

  it('accepts the high watermark itself', () => {
    const { log } = filled()
    expect(log.deleteRecords(12)).toBe(12)
  })

  it.each([13, 100, -2])('rejects %i with OFFSET_OUT_OF_RANGE and leaves the log alone', (offset) => {
    const { log } = filled()
    const error = caught(() => log.deleteRecords(offset))
    expect(error.code).toBe('OFFSET_OUT_OF_RANGE')
    expect(error.offset).toBe(offset)
    expect(log.logStartOffset).toBe(0)
    expect(readAll(log)).toHaveLength(12)
  })
})

describe('PartitionLog segments', () => {
  it('rolls when the next batch would pass segment.bytes', () => {
    const { log, store } = partitionLogWithStore({ 'segment.bytes': 300 })
    const batch = () => ({ records: [record(0, { sizeBytes: 39 })] }) // 100 bytes with the batch header
    log.append(batch(), 0)
    log.append(batch(), 0)
    log.append(batch(), 0)
    expect(store.segments()).toHaveLength(1)
    log.append(batch(), 0)
    expect(store.segments().map((segment) => [segment.baseOffset, segment.batchCount])).toEqual([
      [0, 3],
      [3, 1],
    ])
  })

  it('puts a batch larger than segment.bytes alone in its own segment', () => {
    const { log, store } = partitionLogWithStore({ 'segment.bytes': 100 })
    log.append({ records: [record(0, { sizeBytes: 500 })] }, 0)
    log.append({ records: [record(0, { sizeBytes: 500 })] }, 0)
    expect(store.segments().map((segment) => segment.batchCount)).toEqual([1, 1])
  })

  it('rolls when the active segment is segment.ms old', () => {
    const { log, store } = partitionLogWithStore({ 'segment.ms': 1000 })
    log.append({ records: records(1) }, 10_000)
    log.append({ records: records(1) }, 10_999)
    expect(store.segments()).toHaveLength(1)
    log.append({ records: records(1) }, 11_000)
    expect(store.segments().map((segment) => segment.baseOffset)).toEqual([0, 2])
    expect(store.segments()[1]?.firstAppendTimeMs).toBe(11_000)
  })

  it('follows config changes for the next append', () => {
    const { log, store } = partitionLogWithStore()
    log.append({ records: records(1) }, 0)
    log.config = { ...log.config, segmentBytes: 14 }
    log.append({ records: records(1) }, 0)
    expect(store.segments()).toHaveLength(2)
  })
})

describe('PartitionLog transactions', () => {
  function transactional(log: ReturnType<typeof partitionLog>, producerId: number, count = 1) {
    return log.append(
      { records: records(count), producerId, producerEpoch: 0, baseSequence: 0, isTransactional: true },
      0,
    )
  }

  it('holds the last stable offset at the first offset of the oldest open transaction', () => {
    const log = partitionLog()
    log.append({ records: records(2) }, 0)
    transactional(log, 1, 2)
    transactional(log, 2)
    transactional(log, 1)
    expect(log.highWatermark).toBe(6)
    expect(log.lastStableOffset).toBe(2)
    expect(log.openTransactions).toEqual(
      new Map([
        [1, 2],
        [2, 4],
      ]),
    )
  })

  it('moves the last stable offset past a commit marker, which occupies an offset', () => {
    const log = partitionLog()
    transactional(log, 1, 2)
    expect(log.appendControl(1, 0, ControlType.Commit, 5)).toBe(2)
    expect(log.highWatermark).toBe(3)
    expect(log.lastStableOffset).toBe(3)
    expect(log.openTransactions.size).toBe(0)
    expect(log.abortedTransactions).toEqual([])
  })

  it('read_committed stops at the last stable offset; read_uncommitted sees open records', () => {
    const log = partitionLog()
    log.append({ records: records(1) }, 0)
    transactional(log, 1, 2)
    log.append({ records: records(1) }, 0)
    const readCommitted = log.read(0, committed)
    expect(readCommitted.batches.map((batch) => batch.baseOffset)).toEqual([0])
    expect(readCommitted.nextOffset).toBe(1)
    expect(log.read(1, committed).batches).toEqual([])
    expect(log.read(1, committed).nextOffset).toBe(1)
    expect(log.read(0, uncommitted).batches.map((batch) => batch.baseOffset)).toEqual([0, 1, 3])
  })

  it('hides aborted batches from read_committed only, and control batches from both', () => {
    const log = partitionLog()
    transactional(log, 1, 2) // 0-1, aborted
    transactional(log, 2) // 2, committed
    log.appendControl(1, 0, ControlType.Abort, 0) // 3
    log.appendControl(2, 0, ControlType.Commit, 0) // 4
    log.append({ records: records(1) }, 0) // 5
    expect(log.abortedTransactions).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 3 }])
    const readCommitted = log.read(0, committed)
    expect(readCommitted.batches.map((batch) => batch.baseOffset)).toEqual([2, 5])
    expect(readCommitted.nextOffset).toBe(6)
    const readUncommitted = log.read(0, uncommitted)
    expect(readUncommitted.batches.map((batch) => batch.baseOffset)).toEqual([0, 2, 5])
    expect(readUncommitted.nextOffset).toBe(6)
  })

  it('moves past a read that holds only a control batch', () => {
    const log = partitionLog()
    transactional(log, 1)
    log.appendControl(1, 0, ControlType.Commit, 0)
    const result = log.read(1, committed)
    expect(result.batches).toEqual([])
    expect(result.nextOffset).toBe(2)
  })

  it('does not hide a later transaction of the same producer after its aborted one', () => {
    const log = partitionLog()
    transactional(log, 1) // 0 aborted
    log.appendControl(1, 0, ControlType.Abort, 0) // 1
    transactional(log, 1) // 2 committed
    log.appendControl(1, 0, ControlType.Commit, 0) // 3
    expect(log.read(0, committed).batches.map((batch) => batch.baseOffset)).toEqual([2])
  })

  it('forgets aborted transactions once retention passes them', () => {
    const log = partitionLog()
    transactional(log, 1)
    log.appendControl(1, 0, ControlType.Abort, 0)
    log.append({ records: records(1) }, 0)
    expect(log.abortedTransactions).toHaveLength(1)
    log.deleteRecords(2)
    expect(log.abortedTransactions).toEqual([])
  })

  it('writes a marker with no open transaction without recording an abort', () => {
    const log = partitionLog()
    expect(log.appendControl(9, 0, ControlType.Abort, 0)).toBe(0)
    expect(log.abortedTransactions).toEqual([])
    expect(log.read(0, uncommitted).batches).toEqual([])
    expect(log.read(0, uncommitted).nextOffset).toBe(1)
  })
})
