import type { PartitionLog } from './partition-log.js'
import type { TopicConfig } from './topic-config.js'

/** A topic: its name, resolved config, and one PartitionLog per partition. */
export interface Topic {
  readonly name: string
  readonly topicId: string
  readonly createdMs: number
  readonly internal: boolean
  /** Config keys set explicitly, in Kafka's spelling, normalised to strings. */
  entries: Readonly<Record<string, string>>
  config: TopicConfig
  readonly partitions: PartitionLog[]
}

/** A partition as `describeTopic` reports it. */
export interface PartitionDescription {
  readonly partition: number
  readonly logStartOffset: number
  readonly highWatermark: number
  readonly lastStableOffset: number
  readonly sizeBytes: number
}

/** A topic as `describeTopic` reports it. */
export interface TopicDescription {
  readonly name: string
  readonly topicId: string
  readonly internal: boolean
  readonly partitions: readonly PartitionDescription[]
  readonly config: TopicConfig
  /** Explicitly set keys in Kafka's spelling. */
  readonly entries: Readonly<Record<string, string>>
}
