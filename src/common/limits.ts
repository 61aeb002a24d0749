/**
 * Hard caps. Going over one raises `KafkaliteError('LIMIT_EXCEEDED')` naming the cap.
 * Units come last in every name.
 */
export const LIMITS = Object.freeze({
  /** Topic names: Kafka's limit. */
  topicNameLengthMax: 249,
  /** Partitions per topic. */
  partitionsPerTopicMax: 100_000,
  /** Topics per broker. */
  topicsMax: 1_000_000,
  /** Records in one appended batch. */
  recordsPerBatchMax: 1_000_000,
  /** Parked readers waiting for data, per broker. */
  fetchWaitersMax: 100_000,
  /** Members in one consumer group. */
  groupMembersMax: 10_000,
  /** Consumer groups per broker. */
  groupsMax: 1_000_000,
  /** Longest a reader may park, in ms. */
  fetchWaitMaxMs: 2_147_483_647,
  /** Largest offset kafkalite hands out: offsets stay safe integers. */
  offsetMax: Number.MAX_SAFE_INTEGER,
})

/** Overridable defaults, Kafka's where Kafka has one. */
export const DEFAULTS = Object.freeze({
  /** Broker `num.partitions`: partitions of an auto-created topic. */
  numPartitions: 1,
  /** `max.message.bytes` (Kafka's default, 1 MiB plus record batch overhead). */
  maxMessageBytes: 1_048_588,
  /** `retention.ms`: 7 days. */
  retentionMs: 604_800_000,
  /** `retention.bytes`: unlimited. */
  retentionBytes: -1,
  /** `segment.bytes`: 1 GiB. */
  segmentBytes: 1_073_741_824,
  /** `segment.ms`: 7 days. */
  segmentMs: 604_800_000,
  /** `delete.retention.ms`: 1 day. */
  deleteRetentionMs: 86_400_000,
  /** `min.compaction.lag.ms`. */
  minCompactionLagMs: 0,
  /** How often the broker checks retention and compaction (Kafka's log.retention.check.interval.ms is 5 min). */
  retentionCheckIntervalMs: 300_000,
  /** Group `session.timeout.ms`. */
  sessionTimeoutMs: 30_000,
  /** Group `rebalance.timeout.ms`. */
  rebalanceTimeoutMs: 60_000,
  /** `group.initial.rebalance.delay.ms`: kafkalite uses 0 so tests are fast. */
  initialRebalanceDelayMs: 0,
  /** `transaction.timeout.ms` of a producer. */
  transactionTimeoutMs: 60_000,
  /** Broker `transaction.max.timeout.ms`. */
  transactionMaxTimeoutMs: 900_000,
})
