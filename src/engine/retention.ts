import type { SegmentInfo } from '../storage/storage.js'
import type { TopicConfig } from './topic-config.js'

/**
 * How many of the oldest segments retention deletes at `nowMs`, by Kafka's rules: a segment goes
 * when its newest record is older than `retention.ms`, or while the log without it still holds at
 * least `retention.bytes`. Only a prefix of the log goes; an empty last segment never does. When
 * the whole log is due, the caller rolls first, as Kafka does, so the active segment's data can go.
 * Pure.
 */
export function segmentsToDelete(
  segments: readonly SegmentInfo[],
  config: TopicConfig,
  nowMs: number,
): number {
  let byTime = 0
  if (config.retentionMs >= 0) {
    while (
      byTime < segments.length &&
      isDeletable(segments, byTime) &&
      nowMs - (segments[byTime] as SegmentInfo).maxTimestamp > config.retentionMs
    ) {
      byTime++
    }
  }
  let bySize = 0
  if (config.retentionBytes >= 0) {
    let total = 0
    for (const segment of segments) total += segment.sizeBytes
    let excess = total - config.retentionBytes
    while (bySize < segments.length && isDeletable(segments, bySize)) {
      const size = (segments[bySize] as SegmentInfo).sizeBytes
      if (excess - size < 0) break
      excess -= size
      bySize++
    }
  }
  return Math.max(byTime, bySize)
}

function isDeletable(segments: readonly SegmentInfo[], index: number): boolean {
  const segment = segments[index] as SegmentInfo
  return !(index === segments.length - 1 && segment.batchCount === 0)
}
