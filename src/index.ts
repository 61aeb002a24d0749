/**
 * kafkalite: Kafka's semantics with SQLite's deployment. The native entry point: the in-process
 * broker and its engine types, storage choices, errors, and the typed bus.
 *
 * The KafkaJS-compatible face is `kafkalite/kafkajs`; test helpers are `kafkalite/testing`.
 * @example
 * import { Broker } from 'kafkalite'
 * const broker = new Broker()
 * broker.createTopic('orders', { partitions: 3 })
 */

export * from './bus/index.js'
export { InvariantError } from './common/assert.js'
export { type Clock, systemClock, type TimerHandle } from './common/clock.js'
export { ErrorCode, type ErrorContext, isKafkaliteError, KafkaliteError } from './common/errors.js'
export { DEFAULTS, LIMITS } from './common/limits.js'
export type { BatchInput, Header, RecordBatch, StoredRecord } from './common/record.js'
export * from './engine/index.js'
export {
  brokerFor,
  clusterAddress,
  findBroker,
  registerBroker,
  resetBrokerRegistry,
} from './registry/broker-registry.js'
export { type FileStorage, type FileStorageOptions, FsyncPolicy, fileStorage } from './storage/files/index.js'
export { memoryStorage } from './storage/memory/memory-storage.js'
export type { PartitionStore, SegmentInfo, Storage, StoredState, StoredTopic } from './storage/storage.js'
