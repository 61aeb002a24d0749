/**
 * `kafkalite/testing`: isolated brokers, waits instead of sleeps, inspection and fault injection
 * for tests of code written against `kafkalite/kafkajs` or the typed bus.
 */
import { randomUUID } from 'node:crypto'

export type { FaultEvent } from '../engine/faults.js'
export { resetBrokerRegistry } from '../registry/broker-registry.js'
export {
  createTestBroker,
  type GroupPartitionState,
  type TestBroker,
  type TestFaults,
  type TopicRecord,
} from './test-broker.js'
export { type WaitForOptions, waitFor } from './wait-for.js'

/** A topic name that no other test uses: `${prefix}-<random uuid>`. */
export function uniqueTopicName(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`
}
