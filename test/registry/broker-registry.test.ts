import { afterEach, describe, expect, it } from 'vitest'
import { Broker } from '../../src/engine/broker.js'
import {
  brokerFor,
  clusterAddress,
  findBroker,
  registerBroker,
  resetBrokerRegistry,
} from '../../src/registry/broker-registry.js'

afterEach(async () => {
  await resetBrokerRegistry()
})

describe('clusterAddress', () => {
  it('trims, deduplicates and sorts a broker list so equal configs share one key', () => {
    expect(clusterAddress(['b:9092', ' a:9092', 'b:9092', ''])).toBe('a:9092,b:9092')
    expect(clusterAddress(['a:9092', 'b:9092'])).toBe(clusterAddress(['b:9092', 'a:9092']))
    expect(clusterAddress([])).toBe('')
  })
})

describe('broker registry', () => {
  it('hands out one broker per address and a different one for another address', () => {
    const first = brokerFor('localhost:9092')
    expect(brokerFor('localhost:9092')).toBe(first)
    expect(brokerFor('localhost:9093')).not.toBe(first)
    expect(findBroker('localhost:9092')).toBe(first)
    expect(findBroker('nowhere:1')).toBeUndefined()
  })

  it('ignores options for an address that already has a broker', () => {
    const first = brokerFor('a:1', { numPartitions: 2 })
    expect(brokerFor('a:1', { numPartitions: 5 })).toBe(first)
    expect(first.numPartitions).toBe(2)
  })

  it('replaces a closed broker with a fresh one', async () => {
    const first = brokerFor('a:1')
    first.createTopic('t')
    await first.close()
    expect(findBroker('a:1')).toBeUndefined()
    const second = brokerFor('a:1')
    expect(second).not.toBe(first)
    expect(second.hasTopic('t')).toBe(false)
  })

  it('registers an existing broker under an address', () => {
    const broker = new Broker()
    registerBroker('custom:1', broker)
    expect(brokerFor('custom:1')).toBe(broker)
  })

  it('resets every broker, closing them', async () => {
    const first = brokerFor('a:1')
    const second = brokerFor('b:1')
    await resetBrokerRegistry()
    expect(first.closed).toBe(true)
    expect(second.closed).toBe(true)
    expect(findBroker('a:1')).toBeUndefined()
  })

  it('resets only the broker at one address when given one', async () => {
    const first = brokerFor(clusterAddress(['b:1', 'a:1']))
    const second = brokerFor('c:1')
    await resetBrokerRegistry('a:1,b:1')
    expect(first.closed).toBe(true)
    expect(second.closed).toBe(false)
    expect(findBroker('c:1')).toBe(second)
  })
})
