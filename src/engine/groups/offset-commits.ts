import { RECORD_OVERHEAD_BYTES, type StoredRecord } from '../../common/record.js'

/** A committed offset: the next offset the group will read, with its metadata. */
export interface CommittedOffset {
  readonly offset: number
  readonly metadata: string | null
  readonly commitTimestamp: number
}

/** Key of a record in `__consumer_offsets`. */
export interface OffsetCommitKey {
  readonly group: string
  readonly topic: string
  readonly partition: number
}

/** The internal topic committed offsets are written to, replayed on open. */
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets'

/** Builds the `__consumer_offsets` record for one commit (null value: the commit was deleted). */
export function offsetCommitRecord(
  key: OffsetCommitKey,
  value: CommittedOffset | null,
  offsetDelta: number,
  timestamp: number,
): StoredRecord {
  const sizeBytes =
    RECORD_OVERHEAD_BYTES +
    key.group.length +
    key.topic.length +
    8 +
    (value === null ? 0 : 16 + (value.metadata?.length ?? 0))
  return { offsetDelta, timestamp, key, value, headers: null, sizeBytes }
}

/** Narrows a replayed `__consumer_offsets` record. */
export function isOffsetCommitKey(key: unknown): key is OffsetCommitKey {
  if (typeof key !== 'object' || key === null) return false
  const candidate = key as Record<string, unknown>
  return (
    typeof candidate.group === 'string' &&
    typeof candidate.topic === 'string' &&
    typeof candidate.partition === 'number'
  )
}

/** Narrows a replayed committed value. */
export function isCommittedOffset(value: unknown): value is CommittedOffset {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string, unknown>
  return typeof candidate.offset === 'number'
}
