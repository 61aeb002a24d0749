import { afterEach, describe, expect, it, vi } from 'vitest'
import { Kafka, logLevel } from '../../src/kafkajs/index.js'
import { createTestBroker } from '../../src/testing/index.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('kafkalite/kafkajs under vi.useFakeTimers()', () => {
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
