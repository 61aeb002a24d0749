/**
 * `kafkalite/testing`: isolated brokers, waits instead of sleeps, inspection and fault injection
 * for tests of code written against `kafkalite/kafkajs` or the typed bus.
 */
import { randomUUID } from 'node:crypto'

export { createTestBroker, type TestBroker, type TestFaults, type TopicRecord, type GroupPartitionState } from './test-broker.js'
export { waitFor, type WaitForOptions } from './wait-for.js'
export { resetBrokerRegistry } from '../registry/broker-registry.js'
export type { FaultEvent } from '../engine/faults.js'

/** A topic name that no other test uses: `${prefix}-<random uuid>`. */
export function uniqueTopicName(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`
}
