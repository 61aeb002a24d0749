import { detachedBytes, packedOf } from '../common/packed-records.js'
import type { RecordBatch, StoredRecord } from '../common/record.js'

/**
 * A string that is equal for equal keys: bytes compare by content, strings by value, anything
 * else by its JSON form. Used only by compaction, never on the append path.
 */
export function keyIdentity(key: unknown): string {
  if (key instanceof Uint8Array) {
    let text = 'b'
    for (let index = 0; index < key.length; index++) text += String.fromCharCode(key[index] as number)
    return text
  }
  if (typeof key === 'string') return `s${key}`
  if (key === null || key === undefined) return 'n'
  return `j${JSON.stringify(key)}`
}

/**
 * Compacts one closed segment: keeps a record only if it is the latest for its key in the whole
 * log (`latestOffsetByKey`), and drops tombstones (null values) whose batch is older than
 * `tombstoneLimitMs`. Offsets never change; control batches stay. Returns null when nothing would
 * change. Pure.
 */
export function compactSegment(
  batches: readonly RecordBatch[],
  latestOffsetByKey: ReadonlyMap<string, number>,
  tombstoneLimitMs: number,
): RecordBatch[] | null {
  let changed = false
  const kept: RecordBatch[] = []
  for (const batch of batches) {
    if (batch.isControl) {
      kept.push(batch)
      continue
    }
    const records: StoredRecord[] = []
    let sizeBytes = batch.sizeBytes
    const all = batch.records
    // Records of a packed batch are views of its shared bytes: a survivor gets bytes of its own,
    // or it would keep the whole batch's bytes alive.
    const packed = packedOf(batch) !== null
    for (const record of all) {
      const offset = batch.baseOffset + record.offsetDelta
      const isLatest = latestOffsetByKey.get(keyIdentity(record.key)) === offset
      const expiredTombstone = record.value === null && batch.maxTimestamp < tombstoneLimitMs
      if (!isLatest || expiredTombstone) sizeBytes -= record.sizeBytes
      else if (!packed) records.push(record)
      else
        records.push({
          offsetDelta: record.offsetDelta,
          timestamp: record.timestamp,
          key: detachedBytes(record.key),
          value: detachedBytes(record.value),
          headers: record.headers,
          sizeBytes: record.sizeBytes,
        })
    }
    if (records.length === all.length) {
      kept.push(batch)
      continue
    }
    changed = true
    if (records.length > 0) kept.push({ ...batch, records, sizeBytes })
  }
  return changed ? kept : null
}
