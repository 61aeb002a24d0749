/** The engine's public names, listed explicitly. */
export {
  Broker,
  type BrokerEvents,
  type BrokerOptions,
  type ProduceRequestPart,
  type ProduceResult,
} from './broker.js'
export type { WaitOutcome, WaitTarget } from './fetch-waiters.js'
export { type Assignment, type AssignorMember, rangeAssign, roundRobinAssign } from './groups/assignors.js'
export {
  GroupCoordinator,
  type GroupDescription,
  type GroupProtocol,
  type JoinGroupRequest,
  type JoinGroupResult,
  type MemberDescription,
  type OffsetCommitRequest,
  type SyncGroupRequest,
} from './groups/group-coordinator.js'
export { GroupState } from './groups/group-state.js'
export { CONSUMER_OFFSETS_TOPIC, type CommittedOffset } from './groups/offset-commits.js'
export { murmur2, toPositive } from './murmur2.js'
export {
  type AbortedTransaction,
  type AppendResult,
  IsolationLevel,
  PartitionLog,
  type ReadOptions,
  type ReadResult,
} from './partition-log.js'
export type { PartitionDescription, Topic, TopicDescription } from './topic.js'
export {
  CleanupPolicy,
  DEFAULT_TOPIC_CONFIG,
  describeTopicConfig,
  TimestampType,
  TOPIC_CONFIG_KEYS,
  type TopicConfig,
  type TopicConfigEntries,
} from './topic-config.js'
export { INTERNAL_TOPICS, validateTopicName } from './topic-name.js'
