/**
 * Property tests of PartitionLog against a reference model: a plain array of the values appended,
 * indexed by offset, and a log start offset.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IsolationLevel, type PartitionLog } from '../../src/engine/partition-log.js'
import { partitionLogWithStore, record } from './test-records.js'

type Operation =
  | { readonly kind: 'append'; readonly sizes: readonly number[] }
  | { readonly kind: 'read'; readonly at: number; readonly maxBytes: number }
  | { readonly kind: 'deleteRecords'; readonly at: number }

const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      sizes: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 12 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      maxBytes: fc.integer({ min: 1, max: 3000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteRecords' as const),
      at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    }),
  },
)

/** Reads every record from `from` to the end with `maxBytes` per read, as [offset, value]. */
function drain(log: PartitionLog, from: number, maxBytes: number): [number, unknown][] {
  const seen: [number, unknown][] = []
  let offset = from
  for (let reads = 0; offset < log.highWatermark; reads++) {
    expect(reads).toBeLessThan(10_000)
    const result = log.read(offset, { maxBytes, isolation: IsolationLevel.ReadUncommitted })
    expect(result.batches.length).toBeGreaterThan(0)
    expect(result.nextOffset).toBeGreaterThan(offset)
    for (const batch of result.batches) {
      for (const each of batch.records) {
        const at = batch.baseOffset + each.offsetDelta
        if (at >= offset) seen.push([at, each.value])
      }
    }
    offset = result.nextOffset
  }
  return seen
}

describe('PartitionLog against a reference model', () => {
  it('keeps per-partition order and contiguous offsets, with no loss or duplication, through appends, reads and deletes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 14, max: 2000 }),
        fc.array(operation, { minLength: 1, maxLength: 60 }),
        (segmentBytes, operations) => {
          const { log, store } = partitionLogWithStore({ 'segment.bytes': segmentBytes })
          const model: string[] = []
          let modelStart = 0
          for (const op of operations) {
            if (op.kind === 'append') {
              const base = model.length
              const batch = op.sizes.map((sizeBytes, delta) =>
                record(delta, { value: `r${base + delta}`, sizeBytes }),
              )
              expect(log.append({ records: batch }, 0).baseOffset).toBe(base)
              for (let delta = 0; delta < op.sizes.length; delta++) model.push(`r${base + delta}`)
            } else if (op.kind === 'read') {
              const offset = modelStart + Math.floor(op.at * (model.length - modelStart + 1))
              const result = log.read(Math.min(offset, model.length), { maxBytes: op.maxBytes, isolation: 0 })
              if (offset >= model.length) {
                expect(result.batches).toEqual([])
              } else {
                const first = result.batches[0]!
                expect(first.baseOffset).toBeLessThanOrEqual(offset)
                expect(first.baseOffset + first.lastOffsetDelta).toBeGreaterThanOrEqual(offset)
                let bytes = 0
                let expectedBase = first.baseOffset
                for (const batch of result.batches) {
                  expect(batch.baseOffset).toBe(expectedBase)
                  expectedBase = batch.baseOffset + batch.lastOffsetDelta + 1
                  bytes += batch.sizeBytes
                }
                if (result.batches.length > 1) expect(bytes).toBeLessThanOrEqual(op.maxBytes)
                expect(result.nextOffset).toBe(expectedBase)
              }
            } else {
              const target = modelStart + Math.floor(op.at * (model.length - modelStart + 1))
              expect(log.deleteRecords(target)).toBe(Math.max(modelStart, target))
              modelStart = Math.max(modelStart, target)
            }
            expect(log.highWatermark).toBe(model.length)
            expect(log.logStartOffset).toBe(modelStart)
          }
          const expected = model
            .slice(modelStart)
            .map((value, index): [number, unknown] => [modelStart + index, value])
          expect(drain(log, modelStart, 1)).toEqual(expected)
          expect(drain(log, modelStart, 1 << 30)).toEqual(expected)
          const segments = store.segments()
          for (let index = 1; index < segments.length; index++) {
            expect(segments[index]!.baseOffset).toBe(segments[index - 1]!.nextOffset)
          }
          expect(segments.at(-1)!.nextOffset).toBe(model.length)
          expect(log.sizeBytes).toBe(segments.reduce((sum, segment) => sum + segment.sizeBytes, 0))
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('retention against a reference model', () => {
  const batches = fc.array(
    fc.record({
      count: fc.integer({ min: 1, max: 5 }),
      sizeBytes: fc.integer({ min: 1, max: 200 }),
      timestamp: fc.integer({ min: 0, max: 10_000 }),
    }),
    { minLength: 1, maxLength: 40 },
  )

  it('retention.ms drops only whole segments, each record dropped being older than retention.ms', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 14, max: 1500 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 20_000 }),
        batches,
        (segmentBytes, retentionMs, nowMs, appended) => {
          const { log, store } = partitionLogWithStore({
            'segment.bytes': segmentBytes,
            'retention.ms': retentionMs,
          })
          const timestamps: number[] = []
          for (const batch of appended) {
            const built = Array.from({ length: batch.count }, (_, delta) =>
              record(delta, { timestamp: batch.timestamp, sizeBytes: batch.sizeBytes }),
            )
            log.append({ records: built }, 0)
            for (let delta = 0; delta < batch.count; delta++) timestamps.push(batch.timestamp)
          }
          const boundaries = new Set([
            ...store.segments().map((segment) => segment.baseOffset),
            log.highWatermark,
          ])
          log.enforceRetention(nowMs)
          const start = log.logStartOffset
          expect(boundaries.has(start)).toBe(true)
          for (let offset = 0; offset < start; offset++)
            expect(nowMs - timestamps[offset]!).toBeGreaterThan(retentionMs)
          expect(drain(log, start, 1 << 30).map(([offset]) => offset)).toEqual(
            timestamps.map((_, offset) => offset).slice(start),
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('retention.bytes never leaves less than retention.bytes and drops only whole segments', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 14, max: 1500 }),
        fc.integer({ min: 0, max: 5000 }),
        batches,
        (segmentBytes, retentionBytes, appended) => {
          const { log, store } = partitionLogWithStore({
            'segment.bytes': segmentBytes,
            'retention.bytes': retentionBytes,
            'retention.ms': -1,
          })
          for (const batch of appended) {
            log.append(
              {
                records: Array.from({ length: batch.count }, (_, delta) =>
                  record(delta, { sizeBytes: batch.sizeBytes }),
                ),
              },
              0,
            )
          }
          const before = store.segments()
          const sizeBefore = log.sizeBytes
          log.enforceRetention(Number.MAX_SAFE_INTEGER)
          const after = store.segments()
          const start = log.logStartOffset
          expect(
            new Set([...before.map((segment) => segment.baseOffset), log.highWatermark]).has(start),
          ).toBe(true)
          expect(log.sizeBytes).toBeGreaterThanOrEqual(Math.min(sizeBefore, retentionBytes))
          // Dropping the oldest remaining segment too would go below retention.bytes.
          const oldest = after.find((segment) => segment.batchCount > 0)
          if (oldest !== undefined) expect(log.sizeBytes - oldest.sizeBytes).toBeLessThan(retentionBytes)
          const kept = before.filter((segment) => segment.baseOffset >= start && segment.batchCount > 0)
          expect(
            after.filter((segment) => segment.batchCount > 0).map((segment) => segment.baseOffset),
          ).toEqual(kept.map((segment) => segment.baseOffset))
          expect(drain(log, start, 1 << 30)).toHaveLength(log.highWatermark - start)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('compaction against a reference model', () => {
  const writes = fc.array(
    fc.array(
      fc.record({
        key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
        value: fc.option(fc.string({ maxLength: 4 }), { freq: 5 }),
      }),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
    { minLength: 1, maxLength: 40 },
  )

  it('keeps exactly the latest record per key in closed segments, never changing offsets or values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 14, max: 600 }),
        fc.boolean(),
        writes,
        (segmentBytes, withDelete, appended) => {
          const { log, store } = partitionLogWithStore({
            'cleanup.policy': withDelete ? 'compact,delete' : 'compact',
            'segment.bytes': segmentBytes,
            'retention.ms': -1,
            'delete.retention.ms': 1_000_000,
          })
          const model: { key: string; value: string | null }[] = []
          for (const batch of appended) {
            log.append(
              {
                records: batch.map((write, delta) =>
                  record(delta, { key: write.key, value: write.value, timestamp: 0 }),
                ),
              },
              0,
            )
            model.push(...batch)
          }
          const activeBase = store.segments().at(-1)!.baseOffset
          const latest = new Map<string, number>()
          for (const [offset, write] of model.entries()) latest.set(write.key, offset)
          log.enforceRetention(10)
          const expected: [number, unknown][] = []
          model.forEach((write, offset) => {
            if (offset >= activeBase || latest.get(write.key) === offset) expected.push([offset, write.value])
          })
          expect(log.highWatermark).toBe(model.length)
          expect(log.logStartOffset).toBe(0)
          expect(drain(log, 0, 1 << 30)).toEqual(expected)
          expect(drain(log, 0, 1)).toEqual(expected)
          // Compacting again changes nothing.
          log.enforceRetention(10)
          expect(drain(log, 0, 1 << 30)).toEqual(expected)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('removes expired tombstones from closed segments and keeps every other latest record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 14, max: 600 }), writes, (segmentBytes, appended) => {
        const { log, store } = partitionLogWithStore({
          'cleanup.policy': 'compact',
          'segment.bytes': segmentBytes,
          'delete.retention.ms': 0,
        })
        const model: { key: string; value: string | null }[] = []
        for (const batch of appended) {
          log.append(
            {
              records: batch.map((write, delta) =>
                record(delta, { key: write.key, value: write.value, timestamp: 0 }),
              ),
            },
            0,
          )
          model.push(...batch)
        }
        const activeBase = store.segments().at(-1)!.baseOffset
        const latest = new Map<string, number>()
        for (const [offset, write] of model.entries()) latest.set(write.key, offset)
        log.enforceRetention(10)
        const expected: [number, unknown][] = []
        model.forEach((write, offset) => {
          if (offset >= activeBase) expected.push([offset, write.value])
          else if (latest.get(write.key) === offset && write.value !== null)
            expected.push([offset, write.value])
        })
        expect(drain(log, 0, 1 << 30)).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })
})

describe('transactions against a reference model', () => {
  type TransactionOperation =
    | { readonly kind: 'plain'; readonly count: number }
    | { readonly kind: 'transactional'; readonly producerId: number; readonly count: number }
    | { readonly kind: 'end'; readonly producerId: number; readonly commit: boolean }

  const transactionOperation: fc.Arbitrary<TransactionOperation> = fc.oneof(
    fc.record({ kind: fc.constant('plain' as const), count: fc.integer({ min: 1, max: 3 }) }),
    fc.record({
      kind: fc.constant('transactional' as const),
      producerId: fc.integer({ min: 1, max: 3 }),
      count: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({
      kind: fc.constant('end' as const),
      producerId: fc.integer({ min: 1, max: 3 }),
      commit: fc.boolean(),
    }),
  )

  function drainVisible(log: PartitionLog, isolation: IsolationLevel, maxBytes: number): number[] {
    const seen: number[] = []
    const end = isolation === IsolationLevel.ReadCommitted ? log.lastStableOffset : log.highWatermark
    let offset = 0
    for (let reads = 0; offset < end; reads++) {
      expect(reads).toBeLessThan(10_000)
      const result = log.read(offset, { maxBytes, isolation })
      expect(result.nextOffset).toBeGreaterThan(offset)
      for (const batch of result.batches) {
        expect(batch.isControl).toBe(false)
        for (const each of batch.records) seen.push(batch.baseOffset + each.offsetDelta)
      }
      offset = result.nextOffset
    }
    expect(offset).toBe(end)
    return seen
  }

  it('read_committed sees exactly the non-transactional and committed records below the last stable offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 14, max: 800 }),
        fc.array(transactionOperation, { minLength: 1, maxLength: 50 }),
        (segmentBytes, operations) => {
          const { log } = partitionLogWithStore({ 'segment.bytes': segmentBytes })
          /** offset → 'plain' | producer transaction number; control offsets are absent. */
          const owner = new Map<number, string>()
          const outcome = new Map<string, 'open' | 'committed' | 'aborted'>()
          const open = new Map<number, { name: string; firstOffset: number }>()
          let transactionCount = 0
          for (const op of operations) {
            if (op.kind === 'plain') {
              const { baseOffset } = log.append(
                { records: Array.from({ length: op.count }, (_, delta) => record(delta)) },
                0,
              )
              for (let delta = 0; delta < op.count; delta++) owner.set(baseOffset + delta, 'plain')
            } else if (op.kind === 'transactional') {
              const { baseOffset } = log.append(
                {
                  records: Array.from({ length: op.count }, (_, delta) => record(delta)),
                  producerId: op.producerId,
                  producerEpoch: 0,
                  isTransactional: true,
                },
                0,
              )
              let transaction = open.get(op.producerId)
              if (transaction === undefined) {
                transaction = { name: `p${op.producerId}#${transactionCount++}`, firstOffset: baseOffset }
                open.set(op.producerId, transaction)
                outcome.set(transaction.name, 'open')
              }
              for (let delta = 0; delta < op.count; delta++) owner.set(baseOffset + delta, transaction.name)
            } else {
              const transaction = open.get(op.producerId)
              if (transaction === undefined) continue
              log.appendControl(op.producerId, 0, op.commit ? 1 : 0, 0)
              open.delete(op.producerId)
              outcome.set(transaction.name, op.commit ? 'committed' : 'aborted')
            }
            let stable = log.highWatermark
            for (const transaction of open.values()) stable = Math.min(stable, transaction.firstOffset)
            expect(log.lastStableOffset).toBe(stable)
          }
          const data = [...owner.keys()].sort((a, b) => a - b)
          const committedVisible = data.filter((offset) => {
            const name = owner.get(offset)!
            return offset < log.lastStableOffset && (name === 'plain' || outcome.get(name) === 'committed')
          })
          for (const maxBytes of [1, 1 << 30]) {
            expect(drainVisible(log, IsolationLevel.ReadUncommitted, maxBytes)).toEqual(data)
            expect(drainVisible(log, IsolationLevel.ReadCommitted, maxBytes)).toEqual(committedVisible)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
