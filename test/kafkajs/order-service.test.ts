/**
 * A realistic small system on the KafkaJS API, end to end: a storefront places orders, a payment
 * service (one group, exactly-once: consume, transform, produce and commit offsets in one
 * transaction) charges them, and a shipping service (a second group of two members, one of which
 * scales down mid-run) schedules shipments for paid orders. Three topics keyed by customer, JSON
 * values, correlation headers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Consumer, IHeaders, KafkaMessage, Producer } from '../../src/kafkajs/index.js'
import { createTestCluster, readMessages, type TestCluster, uniqueName, waitFor } from './helpers.js'

interface OrderPlaced {
  readonly type: 'OrderPlaced'
  readonly orderId: string
  readonly customerId: string
  readonly amountCents: number
}
interface PaymentEvent {
  readonly type: 'PaymentCompleted' | 'PaymentDeclined'
  readonly orderId: string
  readonly customerId: string
  readonly amountCents: number
}
interface ShipmentScheduled {
  readonly type: 'ShipmentScheduled'
  readonly orderId: string
  readonly customerId: string
  readonly shipmentId: string
}

const LIMIT_CENTS = 100_000

let cluster: TestCluster
let topics: { orders: string; payments: string; shipments: string }

beforeEach(async () => {
  cluster = createTestCluster()
  topics = {
    orders: uniqueName('orders'),
    payments: uniqueName('payments'),
    shipments: uniqueName('shipments'),
  }
  for (const topic of Object.values(topics)) await cluster.createTopic(topic, 3)
})

afterEach(() => cluster.cleanup())

const parse = <T>(message: KafkaMessage): T => JSON.parse(String(message.value)) as T
const header = (headers: IHeaders | undefined, name: string): string => String(headers?.[name])

/** The payment service: exactly-once from orders to payments, offsets committed in the transaction. */
async function startPaymentService(groupId: string): Promise<{ consumer: Consumer; producer: Producer }> {
  const kafka = cluster.newKafka({ clientId: 'payment-service' })
  const producer = cluster.producer(
    { transactionalId: 'payment-service-1', idempotent: true, maxInFlightRequests: 1 },
    kafka,
  )
  await producer.connect()
  const consumer = cluster.consumer({ groupId }, kafka)
  await consumer.subscribe({ topics: [topics.orders], fromBeginning: true })
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const transaction = await producer.transaction()
      try {
        for (const message of batch.messages) {
          const order = parse<OrderPlaced>(message)
          const payment: PaymentEvent = {
            type: order.amountCents <= LIMIT_CENTS ? 'PaymentCompleted' : 'PaymentDeclined',
            orderId: order.orderId,
            customerId: order.customerId,
            amountCents: order.amountCents,
          }
          await transaction.send({
            topic: topics.payments,
            messages: [
              {
                key: order.customerId,
                value: JSON.stringify(payment),
                headers: {
                  'correlation-id': header(message.headers, 'correlation-id'),
                  'event-type': payment.type,
                },
              },
            ],
          })
        }
        await transaction.sendOffsets({
          consumerGroupId: groupId,
          topics: [
            {
              topic: batch.topic,
              partitions: [{ partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }],
            },
          ],
        })
        await transaction.commit()
      } catch (error) {
        await transaction.abort()
        throw error
      }
      resolveOffset(batch.lastOffset())
      await heartbeat()
    },
  })
  return { consumer, producer }
}

/** One member of the shipping service: schedules a shipment for every completed payment. */
async function startShippingMember(groupId: string, name: string, handled: Map<string, string>) {
  const kafka = cluster.newKafka({ clientId: `shipping-${name}` })
  const producer = cluster.producer({}, kafka)
  await producer.connect()
  const consumer = cluster.consumer({ groupId }, kafka)
  await consumer.subscribe({ topics: [topics.payments], fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (header(message.headers, 'event-type') !== 'PaymentCompleted') return
      const payment = parse<PaymentEvent>(message)
      handled.set(payment.orderId, name)
      const shipment: ShipmentScheduled = {
        type: 'ShipmentScheduled',
        orderId: payment.orderId,
        customerId: payment.customerId,
        shipmentId: `ship-${payment.orderId}`,
      }
      await producer.send({
        topic: topics.shipments,
        messages: [
          {
            key: payment.customerId,
            value: JSON.stringify(shipment),
            headers: { 'correlation-id': header(message.headers, 'correlation-id') },
          },
        ],
      })
    },
  })
  return { consumer, producer }
}

describe('order → payment → shipment', () => {
  it('ships every paid order exactly once, in order per customer, across two groups and a scale-down', async () => {
    const paymentGroup = uniqueName('payment-service')
    const shippingGroup = uniqueName('shipping-service')
    const handledBy = new Map<string, string>()
    await startPaymentService(paymentGroup)
    const shippingA = await startShippingMember(shippingGroup, 'a', handledBy)
    await startShippingMember(shippingGroup, 'b', handledBy)

    const storefront = cluster.producer()
    await storefront.connect()
    const orders: OrderPlaced[] = []
    for (let index = 0; index < 60; index++) {
      const order: OrderPlaced = {
        type: 'OrderPlaced',
        orderId: `order-${index}`,
        customerId: `customer-${index % 7}`,
        // every fifth order is over the limit and declined
        amountCents: index % 5 === 4 ? LIMIT_CENTS + 1 : 1_000 + index,
      }
      orders.push(order)
      await storefront.send({
        topic: topics.orders,
        messages: [
          {
            key: order.customerId,
            value: JSON.stringify(order),
            headers: { 'correlation-id': `corr-${index}` },
          },
        ],
      })
      // the shipping service scales down while orders are flowing
      if (index === 30) {
        await waitFor(() => handledBy.size >= 10)
        await shippingA.consumer.disconnect()
      }
    }
    const paid = orders.filter((order) => order.amountCents <= LIMIT_CENTS)
    const shipments = await readMessages(cluster, topics.shipments, paid.length)

    // exactly one shipment per paid order, none for declined ones
    const shippedOrders = shipments.map(({ message }) => parse<ShipmentScheduled>(message).orderId)
    expect(shippedOrders).toHaveLength(paid.length)
    expect(new Set(shippedOrders)).toEqual(new Set(paid.map(({ orderId }) => orderId)))
    // per customer, shipments follow the order the customer placed them in
    for (let customer = 0; customer < 7; customer++) {
      const customerId = `customer-${customer}`
      const placed = paid.filter((order) => order.customerId === customerId).map(({ orderId }) => orderId)
      const shipped = shipments
        .map(({ message }) => parse<ShipmentScheduled>(message))
        .filter((shipment) => shipment.customerId === customerId)
        .map(({ orderId }) => orderId)
      expect(shipped).toEqual(placed)
    }
    // the correlation id travels from the order to its shipment
    for (const { message } of shipments) {
      const shipment = parse<ShipmentScheduled>(message)
      expect(header(message.headers, 'correlation-id')).toBe(
        `corr-${shipment.orderId.slice('order-'.length)}`,
      )
    }
    // both shipping members did work before the scale-down
    expect(new Set(handledBy.values())).toEqual(new Set(['a', 'b']))

    // payments: one event per order, declines included
    const payments = await readMessages(cluster, topics.payments, orders.length)
    expect(payments).toHaveLength(orders.length)
    const declined = payments.filter(
      ({ message }) => header(message.headers, 'event-type') === 'PaymentDeclined',
    )
    expect(declined).toHaveLength(orders.length - paid.length)

    // both groups caught up. The payment service commits lastOffset + 1 in its transactions, so
    // no lag at all; the shipping service reads a transactional topic, whose partitions end with a
    // commit marker that KafkaJS's eachMessage path resolves but does not commit (a control-only
    // batch commits only on autoCommitInterval/Threshold or a later batch), so it may lag by that
    // one marker offset, as it would on Kafka.
    const caughtUp = async (group: string, topic: string, markerSlack: number) => {
      const highWatermarks = await cluster.highWatermarks(topic)
      await waitFor(async () => {
        const committed = await cluster.committedOffsets(group, topic)
        return [...highWatermarks].every(
          ([partition, high]) => Number(committed.get(partition)) >= Number(high) - markerSlack,
        )
      })
    }
    await caughtUp(paymentGroup, topics.orders, 0)
    await caughtUp(shippingGroup, topics.payments, 1)
    const admin = cluster.admin()
    await admin.connect()
    const { groups } = await admin.describeGroups([paymentGroup, shippingGroup])
    expect(groups.map(({ groupId, state, members }) => [groupId, state, members.length])).toEqual([
      [paymentGroup, 'Stable', 1],
      [shippingGroup, 'Stable', 1],
    ])
  })
})
