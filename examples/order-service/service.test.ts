/**
 * How to test an event-driven service with kafkalite/testing: no sleeps, no broker.
 * `settled()` waits until every consumer has processed and committed everything.
 */
import { describe, expect, it } from 'vitest'
import { createBus } from '../../src/index.js'
import { createTestBroker } from '../../src/testing/index.js'
import { orders, shipments, startServices } from './service.js'

describe('order → payment → shipment', () => {
  it('ships every paid order exactly once', async () => {
    await using test = createTestBroker()
    await using bus = createBus({ broker: test.broker, log: () => {} })
    await startServices(bus, { declineAbove: 100 })
    await bus
      .producer()
      .send(orders, [
        { value: { orderId: 'o-1', customer: 'ada', amount: 30 } },
        { value: { orderId: 'o-2', customer: 'bob', amount: 500 } },
        { value: { orderId: 'o-3', customer: 'cy', amount: 70 } },
      ])
    await test.settled()
    const shipped = test.records('shipments').map((record) => (record.value as { orderId: string }).orderId)
    expect(shipped.sort()).toEqual(['o-1', 'o-3'])
    expect(test.groupOffsets('billing').every((partition) => partition.lag === 0)).toBe(true)
  })

  it('survives a billing crash mid-batch: the order is retried, still shipped once', async () => {
    await using test = createTestBroker()
    await using bus = createBus({ broker: test.broker, log: () => {} })
    const faults: string[] = []
    test.faults.onFault((event) => faults.push(`${event.kind}:${event.phase}`))
    test.faults.crashNextHandler({ groupId: 'shipping' })
    await startServices(bus)
    await bus.producer().send(orders, { value: { orderId: 'o-9', customer: 'dee', amount: 10 } })
    await test.settled()
    expect(test.records('shipments')).toHaveLength(1)
    expect(faults).toEqual(['handler-crash:armed', 'handler-crash:fired'])
  })

  it('at-least-once: a redelivered payment ships again, so the service must be idempotent', async () => {
    await using test = createTestBroker()
    await using bus = createBus({ broker: test.broker, log: () => {} })
    await startServices(bus)
    await bus.producer().send(orders, { value: { orderId: 'o-5', customer: 'eve', amount: 10 } })
    await test.settled()
    const payment = test.records('payments')[0]!
    test.faults.redeliver('shipping', 'payments', payment.partition, payment.offset)
    await test.waitFor(() => test.records(shipments.name).length === 2)
    await test.settled()
    // This naive service ships twice on redelivery: the test documents the duplicate.
    expect(test.records('shipments').map((record) => (record.value as { orderId: string }).orderId)).toEqual([
      'o-5',
      'o-5',
    ])
  })
})
