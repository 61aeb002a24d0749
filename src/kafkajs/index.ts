/**
 * `kafkalite/kafkajs`: KafkaJS 2.2.4's API over an in-process broker. Change
 * `from 'kafkajs'` to `from 'kafkalite/kafkajs'` and the same program runs with no broker.
 * @example
 * import { Kafka } from 'kafkalite/kafkajs'
 * const kafka = new Kafka({ clientId: 'app', brokers: ['localhost:9092'] })
 */

import * as kafkajs from './index.js'

export { AssignerProtocol } from './assigner-protocol.js'
export { PartitionAssigners } from './assigners.js'
export { resetKafkaliteClusters } from './clusters.js'
export {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  CompressionCodecs,
  CompressionTypes,
  ConfigResourceTypes,
  ConfigSource,
  logLevel,
  ResourcePatternTypes,
} from './constants.js'
export {
  KafkaJSAggregateError,
  KafkaJSAlterPartitionReassignmentsError,
  KafkaJSBrokerNotFound,
  KafkaJSConnectionClosedError,
  KafkaJSConnectionError,
  KafkaJSCreateTopicError,
  KafkaJSDeleteGroupsError,
  KafkaJSDeleteTopicRecordsError,
  KafkaJSError,
  KafkaJSFetcherRebalanceError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSInvalidLongError,
  KafkaJSInvalidVarIntError,
  KafkaJSInvariantViolation,
  KafkaJSLockTimeout,
  KafkaJSMemberIdRequired,
  KafkaJSMetadataNotLoaded,
  KafkaJSNoBrokerAvailableError,
  KafkaJSNonRetriableError,
  KafkaJSNotImplemented,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSOffsetOutOfRange,
  KafkaJSPartialMessageError,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
  KafkaJSServerDoesNotSupportApiKey,
  KafkaJSStaleTopicMetadataAssignment,
  KafkaJSTimeout,
  KafkaJSTopicMetadataNotLoaded,
  KafkaJSUnsupportedMagicByteInMessageSet,
} from './errors.js'
export { Kafka, type KafkaliteConfig, type KafkaliteOptions } from './kafka.js'
export { Partitioners } from './partitioners.js'
export type * from './types.js'

/**
 * KafkaJS is CommonJS, so `import kafkajs from 'kafkajs'` gives its module.exports: the same names
 * as the named exports. This default export makes `import kafkajs from 'kafkalite/kafkajs'` (and
 * `kafkajs.Kafka`, `kafkajs.logLevel` …) work the same way.
 */
const moduleExports: Omit<typeof kafkajs, 'default'> = kafkajs
export default moduleExports
