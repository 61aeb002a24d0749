/**
 * A small event-driven service on the typed bus: orders are placed, paid, then shipped.
 * `billing` consumes orders and emits payments; `shipping` consumes payments and emits shipments.
 */
import { z } from 'zod'
import { type Bus, type BusConsumer, defineTopic } from '../../src/index.js'

export const orders = defineTopic({
  name: 'orders',
  value: z.object({ orderId: z.string(), customer: z.string(), amount: z.number().positive() }),
  key: (order) => order.orderId,
  partitions: 3,
})

export const payments = defineTopic({
  name: 'payments',
  value: z.object({ orderId: z.string(), amount: z.number(), status: z.enum(['paid', 'declined']) }),
  key: (payment) => payment.orderId,
  partitions: 3,
})

export const shipments = defineTopic({
  name: 'shipments',
  value: z.object({ orderId: z.string(), carrier: z.string() }),
  key: (shipment) => shipment.orderId,
  partitions: 3,
})

/** Starts the billing and shipping services; resolves once both have joined their groups. */
export async function startServices(
  bus: Bus,
  options: { declineAbove?: number } = {},
): Promise<BusConsumer<readonly never[]>[]> {
  const producer = bus.producer()
  const billing = bus.consumer({ groupId: 'billing', topics: [orders], fromBeginning: true })
  await billing.run({
    eachMessage: async ({ message }) => {
      const declined = message.value.amount > (options.declineAbove ?? Number.POSITIVE_INFINITY)
      await producer.send(payments, {
        value: {
          orderId: message.value.orderId,
          amount: message.value.amount,
          status: declined ? 'declined' : 'paid',
        },
      })
    },
  })
  const shipping = bus.consumer({ groupId: 'shipping', topics: [payments], fromBeginning: true })
  await shipping.run({
    eachMessage: async ({ message }) => {
      if (message.value.status !== 'paid') return
      await producer.send(shipments, { value: { orderId: message.value.orderId, carrier: 'post' } })
    },
  })
  return [billing, shipping] as never
}
