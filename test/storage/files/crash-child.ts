/**
 * The process that crash.test.ts kills. It appends batches to three partitions from six concurrent
 * producers with fsync 'always' (partition 2 gets packed batches, as the KafkaJS face makes them), rolls and rewrites (identity compaction) segments now and then,
 * and prints `ack <partition> <baseOffset> <nextOffset>` once flush() has resolved for a batch.
 * Record contents are a pure function of their offset (crashRecordValue), so the parent can check
 * every record it finds. Usage: node --import tsx crash-child.ts <directory>
 */
import { PackedBatch, type PackedRecords } from '../../../src/common/packed-records.js'
import type { RecordBatch, StoredRecord } from '../../../src/common/record.js'
import { packMessages } from '../../../src/kafkajs/pack.js'
import { fileStorage } from '../../../src/storage/files/index.js'
import type { PartitionStore } from '../../../src/storage/storage.js'

/** The key of the record at `offset` of `partition`. */
export function crashRecordKey(partition: number, offset: number): Buffer {
  return Buffer.from(`p${partition}-k${offset}`)
}

/** The partition holding packed batches (no headers). */
export const PACKED_PARTITION = 2

/** The value of the record at `offset` of `partition`: objects on partition 1, Buffers elsewhere. */
export function crashRecordValue(partition: number, offset: number): unknown {
  const filler = 'abcdefghijklmnopqrstuvwxyz'.repeat(1 + (offset % 20))
  return partition === 1 ? { offset, filler, even: offset % 2 === 0 } : Buffer.from(`${offset}:${filler}`)
}

function batchAt(partition: number, baseOffset: number, recordCount: number): RecordBatch {
  if (partition === PACKED_PARTITION) return packedBatchAt(baseOffset, recordCount)
  const records: StoredRecord[] = []
  for (let delta = 0; delta < recordCount; delta++) {
    const offset = baseOffset + delta
    records.push({
      offsetDelta: delta,
      timestamp: 1_700_000_000_000 + offset,
      key: crashRecordKey(partition, offset),
      value: crashRecordValue(partition, offset),
      headers: [{ key: 'offset', value: Buffer.from(String(offset)) }],
      sizeBytes: 100,
    })
  }
  return {
    baseOffset,
    lastOffsetDelta: recordCount - 1,
    firstTimestamp: 1_700_000_000_000 + baseOffset,
    maxTimestamp: 1_700_000_000_000 + baseOffset + recordCount - 1,
    appendTimeMs: Date.now(),
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    isTransactional: false,
    isControl: false,
    controlType: null,
    records,
    sizeBytes: recordCount * 100,
  }
}

function packedBatchAt(baseOffset: number, recordCount: number): RecordBatch {
  const messages = Array.from({ length: recordCount }, (_, delta) => ({
    key: crashRecordKey(PACKED_PARTITION, baseOffset + delta),
    value: crashRecordValue(PACKED_PARTITION, baseOffset + delta) as Buffer,
    timestamp: String(1_700_000_000_000 + baseOffset + delta),
  }))
  const packed = packMessages(messages, () => 0, 0).get(0) as PackedRecords
  return new PackedBatch(
    {
      baseOffset,
      lastOffsetDelta: recordCount - 1,
      firstTimestamp: packed.firstTimestamp,
      maxTimestamp: packed.maxTimestamp,
      appendTimeMs: Date.now(),
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      isTransactional: false,
      isControl: false,
      controlType: null,
      sizeBytes: packed.sizeBytes,
    },
    packed,
  )
}

async function main(directory: string): Promise<void> {
  const storage = fileStorage({ directory, fsync: 'always', logger: () => {} })
  storage.open()
  storage.replaceTopicMetadata([
    { name: 'crash', partitionCount: 3, config: {}, topicId: 'crash-id', createdMs: 0 },
  ])
  const partitions: PartitionStore[] = [0, 1, 2].map((index) => storage.openPartition('crash', index))
  let appended = 0
  const producer = async (producerIndex: number): Promise<void> => {
    for (;;) {
      const partitionIndex = producerIndex % 3
      const partition = partitions[partitionIndex] as PartitionStore
      const batch = batchAt(partitionIndex, partition.nextOffset(), 1 + ((appended * 7) % 13))
      partition.append(batch)
      appended++
      if (appended % 97 === 0) partition.roll(Date.now())
      if (appended % 211 === 0) rewriteOldestSegment(partition)
      await storage.flush()
      process.stdout.write(
        `ack ${partitionIndex} ${batch.baseOffset} ${batch.baseOffset + batch.lastOffsetDelta + 1}\n`,
      )
    }
  }
  process.stdout.write('ready\n')
  await Promise.all([0, 1, 2, 3, 4, 5].map(producer))
}

/** Rewrites the oldest closed segment with its own batches (read with maxBytes = its size): exercises replaceSegment under kills. */
function rewriteOldestSegment(partition: PartitionStore): void {
  const segments = partition.segments()
  if (segments.length < 2) return
  const oldest = segments[0] as (typeof segments)[number]
  const batches = partition
    .read(oldest.baseOffset, oldest.sizeBytes)
    .filter((batch) => batch.baseOffset < oldest.nextOffset)
  partition.replaceSegment(oldest.baseOffset, batches)
}

const directory = process.argv[2]
if (directory !== undefined) {
  main(directory).catch((error: unknown) => {
    process.stderr.write(`crash child failed: ${String(error)}\n`)
    process.exit(1)
  })
}
