import { Broker, type BrokerOptions } from '../engine/broker.js'

/**
 * The one piece of process-wide state kafkalite has (DESIGN.md): a map from a cluster address
 * (a normalised broker list) to the in-process Broker serving it, so that modules of one
 * application that each build a client from the same config share one bus. Tests reset it.
 */
const brokers = new Map<string, Broker>()

/** Normalises a broker list into the registry key: trimmed, deduplicated, sorted, comma-joined. */
export function clusterAddress(brokerList: readonly string[]): string {
  return [...new Set(brokerList.map((address) => address.trim()).filter((address) => address !== ''))]
    .sort()
    .join(',')
}

/**
 * The broker serving `address`, created with `options` on first use. Options passed for an
 * address that already has a broker are ignored unless `replace` is set.
 */
export function brokerFor(address: string, options: BrokerOptions = {}): Broker {
  let broker = brokers.get(address)
  if (broker === undefined || broker.closed) {
    broker = new Broker(options)
    brokers.set(address, broker)
  }
  return broker
}

/** Registers an existing broker under an address (replacing whatever served it). */
export function registerBroker(address: string, broker: Broker): void {
  brokers.set(address, broker)
}

/** The broker registered at `address`, if any. */
export function findBroker(address: string): Broker | undefined {
  const broker = brokers.get(address)
  return broker === undefined || broker.closed ? undefined : broker
}

/**
 * Closes and forgets every registered broker (or only the one at `address`), so the next client
 * built for an address gets a fresh, empty cluster. Use between tests.
 */
export async function resetBrokerRegistry(address?: string): Promise<void> {
  const closing: Promise<void>[] = []
  for (const [key, broker] of brokers) {
    if (address !== undefined && key !== clusterAddress([address])) continue
    brokers.delete(key)
    closing.push(broker.close())
  }
  await Promise.all(closing)
}
