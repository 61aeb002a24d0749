import { resetBrokerRegistry } from '../registry/broker-registry.js'

/**
 * Closes every in-process cluster (or only the one a broker address names) so that the next
 * `new Kafka({ brokers })` starts from an empty cluster. Call it in `afterEach` to isolate tests,
 * or give each test its own broker address instead.
 * @example afterEach(() => resetKafkaliteClusters())
 */
export function resetKafkaliteClusters(brokerAddress?: string): Promise<void> {
  return resetBrokerRegistry(brokerAddress)
}
