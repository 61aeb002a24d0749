/** The engine's public names, listed explicitly. */
export { Broker, type BrokerOptions, type BrokerEvents, type ProduceResult, type ProduceRequestPart } from './broker.js'
export {
  PartitionLog,
  IsolationLevel,
  type AbortedTransaction,
  type AppendResult,
  type ReadOptions,
  type ReadResult,
} from './partition-log.js'
export type { WaitOutcome, WaitTarget } from './fetch-waiters.js'
export type { Topic, TopicDescription, PartitionDescription } from './topic.js'
export {
  CleanupPolicy,
  TimestampType,
  DEFAULT_TOPIC_CONFIG,
  TOPIC_CONFIG_KEYS,
  describeTopicConfig,
  type TopicConfig,
  type TopicConfigEntries,
} from './topic-config.js'
export { validateTopicName, INTERNAL_TOPICS } from './topic-name.js'
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
export { roundRobinAssign, rangeAssign, type Assignment, type AssignorMember } from './groups/assignors.js'
export { CONSUMER_OFFSETS_TOPIC, type CommittedOffset } from './groups/offset-commits.js'
export { murmur2, toPositive } from './murmur2.js'
