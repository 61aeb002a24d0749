import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import {
  type Bus,
  createBus,
  defineTopic,
  type EventOf,
  type KafkaBus,
  type PortableBus,
} from '../../src/index.js'

const orders = defineTopic({
  name: 'orders',
  value: z.object({ orderId: z.string(), amount: z.number() }),
  key: (order) => order.orderId,
})
const audits = defineTopic({ name: 'audits', value: z.object({ at: z.number(), who: z.string() }) })

declare const bus: Bus

describe('typed bus inference', () => {
  it('infers the event type from the schema', () => {
    expectTypeOf<EventOf<typeof orders>>().toEqualTypeOf<{ orderId: string; amount: number }>()
  })

  it('send accepts only values of the schema', () => {
    const producer = bus.producer()
    expectTypeOf(producer.send(orders, { value: { orderId: 'a', amount: 1 } })).resolves.toBeArray()
    // @ts-expect-error amount must be a number
    void producer.send(orders, { value: { orderId: 'a', amount: '1' } })
    // @ts-expect-error unknown field shape
    void producer.send(orders, { value: { id: 'a' } })
  })

  it('consumers receive a union discriminated by topic name', () => {
    const consumer = bus.consumer({ groupId: 'g', topics: [orders, audits] })
    void consumer.run({
      eachMessage: async ({ message }) => {
        if (message.topic === 'orders') {
          expectTypeOf(message.value).toEqualTypeOf<{ orderId: string; amount: number }>()
          expectTypeOf(message.key).toEqualTypeOf<string | null>()
        } else {
          expectTypeOf(message.value).toEqualTypeOf<{ at: number; who: string }>()
        }
        expectTypeOf(message.offset).toBeNumber()
      },
    })
  })

  it('the transport is chosen by options; both buses are PortableBus with the same producer and consumer types', () => {
    expectTypeOf(createBus()).toEqualTypeOf<Bus>()
    expectTypeOf(createBus({ kafka: { brokers: ['b:9092'] } })).toEqualTypeOf<KafkaBus>()
    expectTypeOf<Bus>().toMatchTypeOf<PortableBus>()
    expectTypeOf<KafkaBus>().toMatchTypeOf<PortableBus>()
    expectTypeOf<KafkaBus['broker']>().toEqualTypeOf<undefined>()
    expectTypeOf<ReturnType<KafkaBus['producer']>>().toEqualTypeOf<ReturnType<Bus['producer']>>()
    expectTypeOf<KafkaBus['topicOffsets']>().returns.resolves.toBeArray()
    // @ts-expect-error storage is in-process only
    createBus({ kafka: { brokers: ['b:9092'] }, storage: undefined as never as object })
  })
})
