import { afterEach, describe, expect, it, vi } from 'vitest'
import { Kafka, logLevel } from '../../src/kafkajs/index.js'
import { createTestBroker } from '../../src/testing/index.js'

afterEach(() => {
  vi.useRealTimers()
})

/** The event loop's own setImmediate, taken before any test fakes it. */
const realImmediate = globalThis.setImmediate
async function turnsUntil(condition: () => boolean, limit = 10_000): Promise<number> {
  let turns = 0
  while (!condition() && turns < limit) {
    turns++
    await new Promise((resolve) => realImmediate(resolve))
  }
  return turns
}

describe('kafkalite/kafkajs under vi.useFakeTimers()', () => {
  it('consumes without fake time advancing: its own event-loop yields are not timers', async () => {
    vi.useFakeTimers()
    await using test = createTestBroker()
    const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    const consumer = kafka.consumer({ groupId: 'g' })
    await consumer.subscribe({ topics: ['frozen'], fromBeginning: true })
    const seen: string[] = []
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) })
    const startedAt = Date.now()
    await producer.send({ topic: 'frozen', messages: [{ value: 'a' }, { value: 'b' }] })
    await turnsUntil(() => seen.length === 2)
    expect(seen).toEqual(['a', 'b'])
    expect(Date.now()).toBe(startedAt)
    await consumer.disconnect()
    await producer.disconnect()
  })

  it('runs its loop as fake time advances: run() resolves, messages are delivered and committed', async () => {
    vi.useFakeTimers()
    await using test = createTestBroker()
    const kafka = new Kafka({ brokers: test.brokers, logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'ticks', messages: [{ value: 'a' }, { value: 'b' }] })
    const consumer = kafka.consumer({ groupId: 'g' })
    await consumer.subscribe({ topics: ['ticks'], fromBeginning: true })
    const seen: string[] = []
    const running = consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(String(message.value))
      },
    })
    await vi.advanceTimersByTimeAsync(10)
    await running
    await vi.advanceTimersByTimeAsync(10)
    expect(seen).toEqual(['a', 'b'])
    expect(test.groupOffsets('g')[0]?.committedOffset).toBe(2)
    await consumer.disconnect()
    await producer.disconnect()
  })
})
