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
export { KafkaliteError, ErrorCode, isKafkaliteError, type ErrorContext } from './common/errors.js'
export { InvariantError } from './common/assert.js'
export { systemClock, type Clock, type TimerHandle } from './common/clock.js'
export { LIMITS, DEFAULTS } from './common/limits.js'
export type { Header, RecordBatch, StoredRecord, BatchInput } from './common/record.js'
export type { Storage, PartitionStore, StoredTopic, StoredState, SegmentInfo } from './storage/storage.js'
export { memoryStorage } from './storage/memory/memory-storage.js'
export * from './engine/index.js'
export { clusterAddress, brokerFor, findBroker, registerBroker, resetBrokerRegistry } from './registry/broker-registry.js'
