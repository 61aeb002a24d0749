/**
 * The command line and the faces share a data directory: records the CLI produces are what a
 * KafkaJS producer would have written (Buffers, Java murmur2 partitions), and records the faces
 * write print sensibly (bytes as text, typed-bus objects as JSON).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Broker, createBus, defineTopic, fileStorage } from '../../src/index.js'
import { type EachMessagePayload, Kafka, logLevel } from '../../src/kafkajs/index.js'
import { dataDirectory, jsonRecords, ok, until } from './helpers.js'

function kafkaOn(broker: Broker): Kafka {
  return new Kafka({ clientId: 'interop', brokers: ['interop:9092'], broker, logLevel: logLevel.NOTHING })
}

// Each test runs the command line several times, a second or so each on a busy machine.
describe('kafkalite CLI and kafkalite/kafkajs on one directory', { timeout: 60_000 }, () => {
  it('a KafkaJS consumer reads what the CLI produced, as Buffers on the partitions KafkaJS would choose', async () => {
    const dir = dataDirectory()
    await ok(['topics', '--create', '--topic', 't', '--partitions', '4', '--dir', dir])
    const keys = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']
    await ok(
      ['produce', '--topic', 't', '--key-separator', '=', '--header', 'via=cli', '--dir', dir],
      keys.map((key) => `${key}=hello ${key}`).join('\n'),
    )

    const broker = new Broker({ storage: fileStorage({ directory: dir, fsync: 'always' }) })
    const kafka = kafkaOn(broker)
    const consumer = kafka.consumer({ groupId: 'interop' })
    const producer = kafka.producer()
    try {
      const received: EachMessagePayload[] = []
      await consumer.connect()
      await consumer.subscribe({ topics: ['t'], fromBeginning: true })
      await consumer.run({ eachMessage: async (payload) => void received.push(payload) })
      await until(() => received.length === keys.length)
      const fromCli = received.slice()
      expect(new Set(fromCli.map(({ partition }) => partition)).size).toBeGreaterThan(1)
      for (const { message } of fromCli) {
        expect(Buffer.isBuffer(message.key) && Buffer.isBuffer(message.value)).toBe(true)
        expect(message.value?.toString()).toBe(`hello ${message.key?.toString()}`)
        expect(message.headers?.via?.toString()).toBe('cli')
      }
      // KafkaJS's DefaultPartitioner puts each key on the partition the CLI chose.
      await producer.connect()
      const kafkaJsPartition = new Map<string, number | undefined>()
      for (const key of keys) {
        const [metadata] = await producer.send({ topic: 't', messages: [{ key, value: 'again' }] })
        kafkaJsPartition.set(key, metadata?.partition)
      }
      for (const { partition, message } of fromCli) {
        expect(partition, message.key?.toString()).toBe(kafkaJsPartition.get(message.key?.toString() ?? ''))
      }
    } finally {
      await producer.disconnect()
      await consumer.disconnect()
      await broker.close()
    }
  })

  it('the CLI prints what a KafkaJS producer wrote, and resumes the group offsets KafkaJS committed', async () => {
    const dir = dataDirectory()
    const broker = new Broker({ storage: fileStorage({ directory: dir, fsync: 'always' }) })
    const kafka = kafkaOn(broker)
    const admin = kafka.admin()
    const producer = kafka.producer()
    const consumer = kafka.consumer({ groupId: 'shared' })
    try {
      await admin.connect()
      await admin.createTopics({ topics: [{ topic: 't', numPartitions: 1 }] })
      await producer.connect()
      await producer.send({
        topic: 't',
        messages: [
          { key: 'k1', value: Buffer.from('first'), headers: { trace: 'abc' } },
          { key: null, value: 'second' },
        ],
      })
      const seen: string[] = []
      await consumer.connect()
      await consumer.subscribe({ topics: ['t'], fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(String(message.value))
        },
      })
      await until(() => seen.length === 2)
      await consumer.stop()
      await producer.send({ topic: 't', messages: [{ value: 'third' }] })
    } finally {
      await consumer.disconnect()
      await producer.disconnect()
      await admin.disconnect()
      await broker.close()
    }
    const records = jsonRecords(
      await ok(['consume', '--topic', 't', '--from-beginning', '--format', 'json', '--dir', dir]),
    )
    expect(records.map(({ key, value, headers }) => ({ key, value, headers }))).toEqual([
      { key: 'k1', value: 'first', headers: { trace: 'abc' } },
      { key: null, value: 'second', headers: {} },
      { key: null, value: 'third', headers: {} },
    ])
    expect(await ok(['consume', '--topic', 't', '--group', 'shared', '--dir', dir])).toBe('third\n')
  })

  it('the CLI prints typed-bus objects as JSON', async () => {
    const dir = dataDirectory()
    const orders = defineTopic({
      name: 'orders',
      value: z.object({ id: z.string(), amount: z.number() }),
      key: (order) => order.id,
      partitions: 1,
    })
    const bus = createBus({ storage: fileStorage({ directory: dir, fsync: 'always' }), log: () => {} })
    try {
      await bus
        .producer()
        .send(orders, [{ value: { id: 'o-1', amount: 5 } }, { value: { id: 'o-2', amount: 7 } }])
    } finally {
      await bus.close()
    }
    expect(await ok(['consume', '--topic', 'orders', '--from-beginning', '--print-key', '--dir', dir])).toBe(
      'o-1\t{"id":"o-1","amount":5}\no-2\t{"id":"o-2","amount":7}\n',
    )
    const [first] = jsonRecords(
      await ok(['consume', '--topic', 'orders', '--from-beginning', '--format', 'json', '--dir', dir]),
    )
    expect(first).toMatchObject({ key: 'o-1', value: { id: 'o-1', amount: 5 } })
  })
})
