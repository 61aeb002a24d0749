/**
 * The contract every `Storage` passes (hono-style: one suite, many implementations). Each
 * implementation's test file calls `runStorageContract`. When `reopen` is given (stores that
 * persist), every check that follows a change is repeated on the reopened store.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { isKafkaliteError } from '../../src/common/errors.js'
import type { Header, RecordBatch, StoredRecord } from '../../src/common/record.js'
import type { PartitionStore, Storage, StoredTopic } from '../../src/storage/storage.js'

/** How the suite gets stores. */
export interface StorageContractOptions {
  /** Closes `storage` and opens what it persisted as a new store (open() already called). */
  readonly reopen?: (storage: Storage) => Promise<Storage>
}

/** What a test batch is made of. */
export interface TestBatchOptions {
  readonly recordCount?: number
  readonly timestamps?: readonly number[]
  readonly recordSizeBytes?: number
  readonly value?: (offset: number) => unknown
  readonly key?: (offset: number) => unknown
  readonly headers?: (offset: number) => readonly Header[] | null
  readonly appendTimeMs?: number
}

/** A batch at `baseOffset` with records whose contents depend on their offsets. */
export function testBatch(baseOffset: number, options: TestBatchOptions = {}): RecordBatch {
  const count = options.recordCount ?? 1
  const recordSizeBytes = options.recordSizeBytes ?? 100
  const records: StoredRecord[] = []
  let maxTimestamp = Number.NEGATIVE_INFINITY
  for (let delta = 0; delta < count; delta++) {
    const offset = baseOffset + delta
    const timestamp = options.timestamps?.[delta] ?? 1_000_000 + offset
    if (timestamp > maxTimestamp) maxTimestamp = timestamp
    records.push({
      offsetDelta: delta,
      timestamp,
      key: options.key ? options.key(offset) : Buffer.from(`key-${offset}`),
      value: options.value ? options.value(offset) : Buffer.from(`value-${offset}`),
      headers: options.headers ? options.headers(offset) : null,
      sizeBytes: recordSizeBytes,
    })
  }
  return {
    baseOffset,
    lastOffsetDelta: count - 1,
    firstTimestamp: records[0]?.timestamp ?? 0,
    maxTimestamp,
    appendTimeMs: options.appendTimeMs ?? 5_000_000 + baseOffset,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    isTransactional: false,
    isControl: false,
    controlType: null,
    records,
    sizeBytes: count * recordSizeBytes,
  }
}

/** Appends `count` batches of `recordsPerBatch` records at the end of the partition. */
export function appendBatches(
  store: PartitionStore,
  count: number,
  options: TestBatchOptions = {},
): RecordBatch[] {
  const appended: RecordBatch[] = []
  for (let index = 0; index < count; index++) {
    const batch = testBatch(store.nextOffset(), options)
    store.append(batch)
    appended.push(batch)
  }
  return appended
}

/** Every batch from `from` on, read `maxBytes` at a time as a consumer would. */
export function readAll(store: PartitionStore, from: number, maxBytes: number): RecordBatch[] {
  const batches: RecordBatch[] = []
  let offset = from
  for (let reads = 0; reads < 1_000_000; reads++) {
    const read = store.read(offset, maxBytes)
    if (read.length === 0) return batches
    for (const batch of read) batches.push(batch)
    const last = read[read.length - 1] as RecordBatch
    offset = last.baseOffset + last.lastOffsetDelta + 1
  }
  throw new Error('readAll did not finish')
}

const offsetsOf = (batches: readonly RecordBatch[]): number[] => batches.map((batch) => batch.baseOffset)

/** Registers the contract suite for one Storage implementation. */
export function runStorageContract(
  name: string,
  newStorage: () => Storage | Promise<Storage>,
  options: StorageContractOptions = {},
): void {
  describe(`Storage contract: ${name}`, () => {
    const open: Storage[] = []

    afterEach(async () => {
      for (const storage of open.splice(0)) await storage.close()
    })

    async function fresh(): Promise<Storage> {
      const storage = await newStorage()
      storage.open()
      open.push(storage)
      return storage
    }

    /** Runs `check` on the store, then (for persistent stores) again on the reopened store. */
    async function checkNowAndAfterReopen(
      storage: Storage,
      check: (storage: Storage) => void,
    ): Promise<void> {
      check(storage)
      if (options.reopen === undefined) return
      await storage.flush()
      open.splice(open.indexOf(storage), 1)
      const reopened = await options.reopen(storage)
      open.push(reopened)
      check(reopened)
    }

    it('opens empty: no topics, an empty partition at offset 0', async () => {
      const storage = await fresh()
      expect(storage.readOnly).toBe(false)
      expect(storage.open().topics).toEqual([])
      const partition = storage.openPartition('empty', 0)
      expect(partition.nextOffset()).toBe(0)
      expect(partition.logStartOffset()).toBe(0)
      expect(partition.sizeBytes()).toBe(0)
      expect(partition.read(0, 1_000_000)).toEqual([])
      expect(partition.segments()).toEqual([
        {
          baseOffset: 0,
          nextOffset: 0,
          sizeBytes: 0,
          batchCount: 0,
          firstAppendTimeMs: Number.NaN,
          maxTimestamp: Number.NEGATIVE_INFINITY,
        },
      ])
    })

    it('appends contiguously and reads every batch back in order', async () => {
      const storage = await fresh()
      const appended = appendBatches(storage.openPartition('orders', 0), 5, { recordCount: 3 })
      await checkNowAndAfterReopen(storage, (current) => {
        const partition = current.openPartition('orders', 0)
        expect(partition.nextOffset()).toBe(15)
        expect(partition.sizeBytes()).toBe(1_500)
        expect(partition.read(0, Number.POSITIVE_INFINITY)).toStrictEqual(appended)
        expect(partition.read(15, 1_000)).toEqual([])
      })
    })

    it('keeps partitions and topics apart', async () => {
      const storage = await fresh()
      appendBatches(storage.openPartition('a', 0), 2)
      appendBatches(storage.openPartition('a', 1), 3)
      appendBatches(storage.openPartition('b', 0), 1)
      await checkNowAndAfterReopen(storage, (current) => {
        expect(current.openPartition('a', 0).nextOffset()).toBe(2)
        expect(current.openPartition('a', 1).nextOffset()).toBe(3)
        expect(current.openPartition('b', 0).nextOffset()).toBe(1)
        expect(current.openPartition('b', 0).read(0, 100)[0]?.records[0]?.value).toEqual(
          Buffer.from('value-0'),
        )
      })
    })

    it('reads from an offset inside a batch starting with the batch that holds it', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('mid', 0)
      appendBatches(partition, 4, { recordCount: 10 })
      expect(offsetsOf(partition.read(25, Number.POSITIVE_INFINITY))).toEqual([20, 30])
      expect(offsetsOf(partition.read(29, 1))).toEqual([20])
      expect(offsetsOf(partition.read(39, 1))).toEqual([30])
      expect(partition.read(40, 1)).toEqual([])
    })

    it('returns at least one batch however small maxBytes is, and never more than maxBytes after the first', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('limits', 0)
      appendBatches(partition, 6, { recordCount: 2, recordSizeBytes: 50 })
      expect(offsetsOf(partition.read(0, 0))).toEqual([0])
      expect(offsetsOf(partition.read(0, 99))).toEqual([0])
      expect(offsetsOf(partition.read(0, 100))).toEqual([0])
      expect(offsetsOf(partition.read(0, 199))).toEqual([0])
      expect(offsetsOf(partition.read(0, 200))).toEqual([0, 2])
      expect(offsetsOf(partition.read(3, 250))).toEqual([2, 4])
      expect(offsetsOf(readAll(partition, 0, 1))).toEqual([0, 2, 4, 6, 8, 10])
    })

    it('tracks segments: sizes, batch counts, first append time, largest timestamp', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('segments', 0)
      partition.append(testBatch(0, { recordCount: 2, timestamps: [50, 40], appendTimeMs: 7 }))
      partition.append(testBatch(2, { recordCount: 1, timestamps: [30], appendTimeMs: 9 }))
      await checkNowAndAfterReopen(storage, (current) => {
        expect(current.openPartition('segments', 0).segments()).toEqual([
          {
            baseOffset: 0,
            nextOffset: 3,
            sizeBytes: 300,
            batchCount: 2,
            firstAppendTimeMs: 7,
            maxTimestamp: 50,
          },
        ])
      })
    })

    it('rolls: closes the active segment and starts one at nextOffset; rolling an empty one does nothing', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('roll', 0)
      partition.roll(0)
      expect(partition.segments()).toHaveLength(1)
      appendBatches(partition, 2, { recordCount: 2 })
      partition.roll(1)
      partition.roll(2)
      appendBatches(partition, 1, { recordCount: 3 })
      partition.roll(3)
      appendBatches(partition, 1)
      await checkNowAndAfterReopen(storage, (current) => {
        const reopened = current.openPartition('roll', 0)
        expect(
          reopened.segments().map((segment) => [segment.baseOffset, segment.nextOffset, segment.batchCount]),
        ).toEqual([
          [0, 4, 2],
          [4, 7, 1],
          [7, 8, 1],
        ])
        expect(offsetsOf(reopened.read(0, Number.POSITIVE_INFINITY))).toEqual([0, 2, 4, 7])
        expect(offsetsOf(reopened.read(5, 1))).toEqual([4])
        expect(reopened.sizeBytes()).toBe(800)
      })
    })

    it('deletes the oldest segments and keeps reading from what remains', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('retention', 0)
      for (let segment = 0; segment < 4; segment++) {
        appendBatches(partition, 2, { recordCount: 5 })
        partition.roll(segment)
      }
      appendBatches(partition, 1)
      partition.deleteOldestSegments(2)
      partition.setLogStartOffset(20)
      await checkNowAndAfterReopen(storage, (current) => {
        const reopened = current.openPartition('retention', 0)
        expect(reopened.segments().map((segment) => segment.baseOffset)).toEqual([20, 30, 40])
        expect(reopened.logStartOffset()).toBe(20)
        expect(reopened.nextOffset()).toBe(41)
        expect(reopened.sizeBytes()).toBe(2_100)
        expect(offsetsOf(reopened.read(0, Number.POSITIVE_INFINITY))).toEqual([20, 25, 30, 35, 40])
        expect(offsetsOf(reopened.read(27, 1))).toEqual([25])
      })
    })

    it('replaces a closed segment with a subset of its batches, keeping every offset', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('compacted', 0)
      const batches = appendBatches(partition, 4, { recordCount: 3 })
      partition.roll(0)
      appendBatches(partition, 1)
      const second = batches[1] as RecordBatch
      const thinned: RecordBatch = { ...second, records: [second.records[2] as StoredRecord], sizeBytes: 100 }
      partition.replaceSegment(0, [batches[0] as RecordBatch, thinned])
      await checkNowAndAfterReopen(storage, (current) => {
        const reopened = current.openPartition('compacted', 0)
        expect(
          reopened
            .segments()
            .map((segment) => [
              segment.baseOffset,
              segment.nextOffset,
              segment.batchCount,
              segment.sizeBytes,
            ]),
        ).toEqual([
          [0, 12, 2, 400],
          [12, 13, 1, 100],
        ])
        const read = reopened.read(0, Number.POSITIVE_INFINITY)
        expect(offsetsOf(read)).toEqual([0, 3, 12])
        expect(read[1]?.records.map((record) => record.offsetDelta)).toEqual([2])
        expect(read[1]?.records[0]?.value).toEqual(Buffer.from('value-5'))
        expect(offsetsOf(reopened.read(4, 1))).toEqual([3])
        expect(offsetsOf(reopened.read(7, 1))).toEqual([12])
        expect(reopened.nextOffset()).toBe(13)
        expect(reopened.sizeBytes()).toBe(500)
      })
    })

    it('replaces a closed segment with nothing', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('emptied', 0)
      appendBatches(partition, 2)
      partition.roll(0)
      appendBatches(partition, 1)
      partition.replaceSegment(0, [])
      await checkNowAndAfterReopen(storage, (current) => {
        const reopened = current.openPartition('emptied', 0)
        expect(
          reopened.segments().map((segment) => [segment.baseOffset, segment.nextOffset, segment.batchCount]),
        ).toEqual([
          [0, 2, 0],
          [2, 3, 1],
        ])
        expect(offsetsOf(reopened.read(0, 1))).toEqual([2])
      })
    })

    it('finds the first offset at or after a timestamp, from a given offset, with timestamps out of order', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('times', 0)
      partition.append(testBatch(0, { recordCount: 3, timestamps: [100, 300, 200] }))
      partition.append(testBatch(3, { recordCount: 2, timestamps: [150, 400] }))
      partition.roll(0)
      partition.append(testBatch(5, { recordCount: 2, timestamps: [250, 500] }))
      await checkNowAndAfterReopen(storage, (current) => {
        const reopened = current.openPartition('times', 0)
        expect(reopened.offsetForTimestamp(0, 0)).toBe(0)
        expect(reopened.offsetForTimestamp(100, 0)).toBe(0)
        expect(reopened.offsetForTimestamp(101, 0)).toBe(1)
        expect(reopened.offsetForTimestamp(200, 2)).toBe(2)
        expect(reopened.offsetForTimestamp(201, 2)).toBe(4)
        expect(reopened.offsetForTimestamp(401, 0)).toBe(6)
        expect(reopened.offsetForTimestamp(250, 5)).toBe(5)
        expect(reopened.offsetForTimestamp(501, 0)).toBeNull()
        expect(reopened.offsetForTimestamp(100, 7)).toBeNull()
      })
    })

    it('finds timestamps in a long log through its sparse time index', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('many-times', 0)
      appendBatches(partition, 400, { recordCount: 5, value: () => Buffer.alloc(300, 1) })
      await checkNowAndAfterReopen(storage, (current) => {
        const reopened = current.openPartition('many-times', 0)
        for (const offset of [0, 1, 777, 1_234, 1_999]) {
          expect(reopened.offsetForTimestamp(1_000_000 + offset, 0)).toBe(offset)
          expect(reopened.offsetForTimestamp(1_000_000, offset)).toBe(offset)
        }
        expect(reopened.offsetForTimestamp(1_000_000 + 2_000, 0)).toBeNull()
      })
    })

    it('keeps logStartOffset', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('start', 0)
      appendBatches(partition, 3, { recordCount: 4 })
      partition.setLogStartOffset(6)
      expect(partition.logStartOffset()).toBe(6)
      await checkNowAndAfterReopen(storage, (current) => {
        expect(current.openPartition('start', 0).logStartOffset()).toBe(6)
      })
    })

    it('replaces topic metadata whole and returns it on open', async () => {
      const storage = await fresh()
      const first: StoredTopic[] = [
        { name: 'a', partitionCount: 2, config: { 'retention.ms': '1000' }, topicId: 'id-a', createdMs: 1 },
        { name: 'b', partitionCount: 1, config: {}, topicId: 'id-b', createdMs: 2 },
      ]
      storage.replaceTopicMetadata(first)
      const second: StoredTopic[] = [
        {
          name: 'b',
          partitionCount: 3,
          config: { 'cleanup.policy': 'compact' },
          topicId: 'id-b',
          createdMs: 2,
        },
      ]
      storage.replaceTopicMetadata(second)
      await checkNowAndAfterReopen(storage, (current) => {
        expect(current.open().topics).toEqual(second)
      })
    })

    it('round-trips Buffers, JSON-like objects, nulls, headers and batch metadata exactly', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('values', 0)
      const values: unknown[] = [
        Buffer.from([0, 1, 2, 255, 254]),
        Buffer.alloc(0),
        null,
        {
          id: 7,
          name: 'zoë ✓',
          nested: { list: [1, 'two', null, true, { deep: -1.5 }] },
          empty: {},
          none: null,
        },
        [1, 2, 3],
        'plain string',
        42,
      ]
      const headers: Header[] = [
        { key: 'trace', value: Buffer.from('abc') },
        { key: 'trace', value: Buffer.from('def') },
        { key: 'typed', value: { version: 2 } },
        { key: 'nothing', value: null },
      ]
      const batch: RecordBatch = {
        ...testBatch(0, {
          recordCount: values.length,
          value: (offset) => values[offset],
          key: (offset) => (offset % 2 === 0 ? null : { customer: offset }),
          headers: (offset) => (offset === 0 ? headers : offset === 1 ? [] : null),
        }),
        producerId: 4_000_000_001,
        producerEpoch: 3,
        baseSequence: 17,
        isTransactional: true,
      }
      partition.append(batch)
      const marker: RecordBatch = {
        ...testBatch(values.length),
        isControl: true,
        isTransactional: true,
        controlType: 1,
        producerId: 4_000_000_001,
        producerEpoch: 3,
      }
      partition.append(marker)
      await checkNowAndAfterReopen(storage, (current) => {
        const read = current.openPartition('values', 0).read(0, Number.POSITIVE_INFINITY)
        expect(read).toStrictEqual([batch, marker])
        const first = read[0] as RecordBatch
        expect(Buffer.isBuffer(first.records[0]?.value)).toBe(true)
        expect(Buffer.isBuffer(first.records[0]?.headers?.[0]?.value)).toBe(true)
      })
    })

    it('round-trips a batch of only Buffers and nulls (what the KafkaJS face stores) exactly', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('buffers', 0)
      const headers = (offset: number): Header[] | null =>
        offset % 3 === 0
          ? null
          : [
              { key: 'trace-id', value: Buffer.from(`trace-${offset}`) },
              { key: 'trace-id', value: null },
              { key: 'ключ ✓', value: Buffer.alloc(0) },
            ]
      const batch = testBatch(0, {
        recordCount: 6,
        key: (offset) => (offset % 2 === 0 ? null : Buffer.from([offset, 0, 255])),
        value: (offset) =>
          offset === 4 ? null : offset === 5 ? Buffer.alloc(0) : Buffer.alloc(300 + offset, offset),
        headers,
      })
      partition.append(batch)
      await checkNowAndAfterReopen(storage, (current) => {
        const read = current.openPartition('buffers', 0).read(0, Number.POSITIVE_INFINITY)
        expect(read).toStrictEqual([batch])
        for (const record of (read[0] as RecordBatch).records) {
          if (record.value !== null) expect(Buffer.isBuffer(record.value)).toBe(true)
        }
      })
    })

    it('reads a log back in small pieces exactly as written', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('pieces', 0)
      const appended: RecordBatch[] = []
      for (let segment = 0; segment < 5; segment++) {
        for (const batch of appendBatches(partition, 40, {
          recordCount: 3,
          value: (offset) => Buffer.alloc(offset % 700, offset % 251),
        }))
          appended.push(batch)
        partition.roll(segment)
      }
      await checkNowAndAfterReopen(storage, (current) => {
        const reopened = current.openPartition('pieces', 0)
        for (const maxBytes of [1, 250, 1_000, 100_000])
          expect(readAll(reopened, 0, maxBytes)).toStrictEqual(appended)
        expect(readAll(reopened, 301, 1_000)).toStrictEqual(appended.slice(100))
      })
    })

    it('agrees with a plain array model over a random sequence of operations', async () => {
      const storage = await fresh()
      const partition = storage.openPartition('model', 0)
      const model: RecordBatch[] = []
      let seed = 12345
      const random = (): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
        return seed / 2 ** 32
      }
      for (let step = 0; step < 600; step++) {
        const choice = random()
        if (choice < 0.6) {
          const batch = testBatch(partition.nextOffset(), {
            recordCount: 1 + Math.floor(random() * 5),
            recordSizeBytes: 1 + Math.floor(random() * 300),
          })
          partition.append(batch)
          model.push(batch)
        } else if (choice < 0.65) {
          partition.roll(step)
        } else {
          const end = partition.nextOffset()
          const from = Math.floor(random() * (end + 2))
          const maxBytes = Math.floor(random() * 2_000)
          const expected = expectedRead(model, from, maxBytes)
          expect(offsetsOf(partition.read(from, maxBytes))).toEqual(offsetsOf(expected))
        }
      }
      expect(partition.read(0, Number.POSITIVE_INFINITY)).toStrictEqual(model)
    })

    it('refuses to be used after close with BROKER_CLOSED', async () => {
      const storage = await newStorage()
      storage.open()
      storage.openPartition('closed', 0)
      await storage.close()
      let caught: unknown
      try {
        storage.openPartition('closed', 0)
      } catch (error) {
        caught = error
      }
      expect(isKafkaliteError(caught, 'BROKER_CLOSED')).toBe(true)
    })
  })
}

function expectedRead(model: readonly RecordBatch[], from: number, maxBytes: number): RecordBatch[] {
  const result: RecordBatch[] = []
  let bytes = 0
  for (const batch of model) {
    if (batch.baseOffset + batch.lastOffsetDelta + 1 <= from) continue
    if (result.length > 0 && bytes + batch.sizeBytes > maxBytes) break
    result.push(batch)
    bytes += batch.sizeBytes
  }
  return result
}
