/**
 * `kafkalite/kafkajs`: KafkaJS 2.2.4's API over an in-process broker. Change
 * `from 'kafkajs'` to `from 'kafkalite/kafkajs'` and the same program runs with no broker.
 * @example
 * import { Kafka } from 'kafkalite/kafkajs'
 * const kafka = new Kafka({ clientId: 'app', brokers: ['localhost:9092'] })
 */
export { Kafka, type KafkaliteConfig, type KafkaliteOptions } from './kafka.js'
export { Partitioners } from './partitioners.js'
export { PartitionAssigners } from './assigners.js'
export { AssignerProtocol } from './assigner-protocol.js'
export {
  logLevel,
  CompressionTypes,
  CompressionCodecs,
  ConfigResourceTypes,
  ConfigSource,
  AclResourceTypes,
  AclOperationTypes,
  AclPermissionTypes,
  ResourcePatternTypes,
} from './constants.js'
export {
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  KafkaJSOffsetOutOfRange,
  KafkaJSMemberIdRequired,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSConnectionError,
  KafkaJSConnectionClosedError,
  KafkaJSRequestTimeoutError,
  KafkaJSMetadataNotLoaded,
  KafkaJSTopicMetadataNotLoaded,
  KafkaJSStaleTopicMetadataAssignment,
  KafkaJSDeleteGroupsError,
  KafkaJSServerDoesNotSupportApiKey,
  KafkaJSBrokerNotFound,
  KafkaJSPartialMessageError,
  KafkaJSSASLAuthenticationError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNotImplemented,
  KafkaJSTimeout,
  KafkaJSLockTimeout,
  KafkaJSUnsupportedMagicByteInMessageSet,
  KafkaJSDeleteTopicRecordsError,
  KafkaJSInvariantViolation,
  KafkaJSInvalidVarIntError,
  KafkaJSInvalidLongError,
  KafkaJSCreateTopicError,
  KafkaJSAlterPartitionReassignmentsError,
  KafkaJSAggregateError,
  KafkaJSFetcherRebalanceError,
  KafkaJSNoBrokerAvailableError,
} from './errors.js'
export type * from './types.js'
export { resetKafkaliteClusters } from './clusters.js'
