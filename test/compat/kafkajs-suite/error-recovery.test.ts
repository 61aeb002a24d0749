/* biome-ignore-all lint/suspicious/noExplicitAny: ported KafkaJS assertions inspect loosely typed payloads */
/**
 * Ported from tulios/kafkajs v2.2.4 src/consumer/__tests__/errorRecovery.spec.js,
 * handlerErrorRecovery.spec.js and misconfiguration.spec.js.
 *
 * errorRecovery.spec.js makes the coordinator's JoinGroup throw once by patching the broker
 * object. The public-API equivalent used here is a partition assigner that throws
 * once (in protocol(), called before the JoinGroup request): in KafkaJS both run inside ConsumerGroup.joinAndSync (consumerGroup.js:331-371), whose
 * retrier bails with the error itself, and Runner.start hands it unchanged to onCrash
 * (runner.js:83-88).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type Consumer,
  type ConsumerConfig,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  type PartitionAssigner,
  PartitionAssigners,
  type Producer,
} from '../../../src/kafkajs/index.js'
import {
  Cluster,
  createModPartitioner,
  secureRandom,
  waitFor,
  waitForConsumerToJoinGroup,
} from './helpers.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let cluster: Cluster
let topicName: string
let groupId: string
let producer: Producer
let consumer: Consumer

beforeEach(async () => {
  cluster = new Cluster()
  topicName = `test-topic-${secureRandom()}`
  groupId = `consumer-group-id-${secureRandom()}`
  await cluster.createTopic({ topic: topicName })
  producer = cluster.producer({ createPartitioner: createModPartitioner as never })
  consumer = cluster.consumer({ groupId })
  await producer.connect()
})
afterEach(() => cluster.cleanup())

const oneMessage = () => {
  const key = secureRandom()
  return { key: `key-${key}`, value: `value-${key}` }
}

/**
 * RoundRobin, except that the first protocol() call throws `error`. protocol() runs before the
 * JoinGroup request (consumerGroup.js:169-179), so, as with the spec's patched joinGroup, the
 * failed attempt leaves no member behind in the group.
 */
function failingOnceAssigner(error: Error): PartitionAssigner {
  let failed = false
  return (config) => {
    const roundRobin = PartitionAssigners.roundRobin(config)
    return {
      name: roundRobin.name,
      version: roundRobin.version,
      protocol(subscription) {
        if (!failed) {
          failed = true
          throw error
        }
        return roundRobin.protocol(subscription)
      },
      assign: (group) => roundRobin.assign(group),
    }
  }
}

describe('errorRecovery.spec.js', () => {
  it('recovers from an out-of-range committed offset', async () => {
    const admin = cluster.admin()
    await admin.connect()
    // The spec commits '11' through the coordinator on an empty topic, then leaves the group.
    await admin.setOffsets({ groupId, topic: topicName, partitions: [{ partition: 0, offset: '11' }] })
    const message1 = oneMessage()
    await producer.send({ acks: 1, topic: topicName, messages: [message1] })
    await consumer.connect()
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    const consumed: any[] = []
    const joined = waitForConsumerToJoinGroup(consumer)
    void consumer.run({ eachMessage: async (event) => void consumed.push(event) })
    await joined
    await waitFor(() => consumed.length >= 1)
    expect(consumed).toEqual([
      expect.objectContaining({
        topic: topicName,
        partition: 0,
        message: expect.objectContaining({
          key: Buffer.from(message1.key),
          value: Buffer.from(message1.value),
          offset: '0',
        }),
      }),
    ])
  })

  let groupId2: string
  const crashingConsumer = (error: Error, extra: Partial<ConsumerConfig> = {}) =>
    cluster.consumer({
      groupId: (groupId2 = `consumer-group-id-${secureRandom()}`),
      heartbeatInterval: 100,
      maxWaitTimeInMs: 1,
      maxBytesPerPartition: 180,
      retry: { retries: 0 },
      partitionAssigners: [failingOnceAssigner(error)],
      ...extra,
    })

  async function crashOnJoin(consumer2: Consumer) {
    const crashes: any[] = []
    consumer2.on(consumer2.events.CRASH, (event) => void crashes.push(event))
    await consumer2.connect()
    await consumer2.subscribe({ topic: topicName, fromBeginning: true })
    const handled: unknown[] = []
    await consumer2.run({ eachMessage: async (payload) => void handled.push(payload) })
    await producer.send({ acks: 1, topic: topicName, messages: [oneMessage()] })
    await waitFor(() => crashes.length > 0)
    return { crashes, handled }
  }

  it('recovers from crashes due to retriable errors', async () => {
    const error = new KafkaJSError(new Error('💣'), { retriable: true })
    const consumer2 = crashingConsumer(error)
    const { crashes, handled } = await crashOnJoin(consumer2)
    expect(crashes).toHaveLength(1)
    expect(crashes[0]).toEqual({
      id: expect.any(Number),
      timestamp: expect.any(Number),
      type: 'consumer.crash',
      payload: { error: expect.anything(), groupId: groupId2, restart: true },
    })
    expect(crashes[0].payload.error).toBe(error)
    await expect(waitFor(() => handled.length)).resolves.toBe(1)
  })

  it('does not recover from crashes due to non-retriable errors', async () => {
    const error = new KafkaJSError(new Error('💣'), { retriable: false })
    const consumer2 = crashingConsumer(error)
    const { crashes, handled } = await crashOnJoin(consumer2)
    expect(crashes[0]).toEqual({
      id: expect.any(Number),
      timestamp: expect.any(Number),
      type: 'consumer.crash',
      payload: { error: expect.anything(), groupId: groupId2, restart: false },
    })
    expect(crashes[0].payload.error).toBe(error)
    await sleep(400)
    expect(handled).toHaveLength(0)
  })

  it('recovers from crashes whose root cause is retriable (retries exhausted)', async () => {
    const cause = new KafkaJSError(new Error('💣'), { retriable: true })
    const retryError = new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 10000 })
    const error = new KafkaJSNonRetriableError(retryError, { cause })
    const consumer2 = crashingConsumer(error, { retry: { retries: 0, initialRetryTime: 50 } })
    const { crashes, handled } = await crashOnJoin(consumer2)
    expect(crashes[0]).toEqual({
      id: expect.any(Number),
      timestamp: expect.any(Number),
      type: 'consumer.crash',
      payload: { error: expect.anything(), groupId: groupId2, restart: true },
    })
    expect(crashes[0].payload.error).toBe(error)
    await expect(waitFor(() => handled.length)).resolves.toBe(1)
  })

  it('recovers from retriable handler failures when "restartOnFailure" resolves true', async () => {
    const errorMessage = '💣'
    const restartCalls: Error[] = []
    const restartOnFailure = async (e: Error) => {
      restartCalls.push(e)
      return restartCalls.length === 1
    }
    consumer = cluster.consumer({
      groupId,
      heartbeatInterval: 100,
      maxWaitTimeInMs: 1,
      maxBytesPerPartition: 180,
      retry: { retries: 0, initialRetryTime: 10, restartOnFailure },
    })
    const crashes: any[] = []
    consumer.on(consumer.events.CRASH, (event) => void crashes.push(event))
    await consumer.connect()
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
    let calls = 0
    await consumer.run({
      eachMessage: async () => {
        calls++
        throw new Error(errorMessage)
      },
    })
    await producer.send({ acks: 1, topic: topicName, messages: [oneMessage()] })
    await waitFor(() => crashes.length > 0)
    expect(crashes[0]).toEqual({
      id: expect.any(Number),
      timestamp: expect.any(Number),
      type: 'consumer.crash',
      payload: { groupId, error: expect.any(KafkaJSError), restart: true },
    })
    await waitFor(() => restartCalls.length > 0)
    expect(restartCalls[0]).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded)
    expect(restartCalls[0]!.message).toEqual(errorMessage)
    await expect(waitFor(() => calls)).resolves.toBeGreaterThanOrEqual(1)
  })

  it('lets the user bail out of restarting on retriable errors', async () => {
    let connects = 0
    const restartCalls: Error[] = []
    const initialRetryTime = 1
    const error = new KafkaJSError(new Error('💣'), { retriable: true })
    const consumer2 = crashingConsumer(error, {
      retry: {
        retries: 0,
        initialRetryTime,
        restartOnFailure: async (e: Error) => {
          restartCalls.push(e)
          consumer2.on(consumer2.events.CONNECT, () => void connects++)
          return false
        },
      },
    })
    const { crashes } = await crashOnJoin(consumer2)
    expect(restartCalls).toEqual([error])
    expect(restartCalls[0]).toBe(error)
    expect(crashes[0].payload.restart).toBe(false)
    await sleep(initialRetryTime + 50)
    expect(connects).toBe(0)
  })
})

it('restarts when the "restartOnFailure" callback itself rejects (consumer/index.js:258-270)', async () => {
  const error = new KafkaJSError(new Error('💣'), { retriable: true })
  const consumer2 = cluster.consumer({
    groupId: `consumer-group-id-${secureRandom()}`,
    maxWaitTimeInMs: 1,
    retry: {
      retries: 0,
      initialRetryTime: 10,
      restartOnFailure: async () => {
        throw new Error('callback failed')
      },
    },
    partitionAssigners: [failingOnceAssigner(error)],
  })
  const crashes: any[] = []
  consumer2.on(consumer2.events.CRASH, (event) => void crashes.push(event))
  await consumer2.connect()
  await consumer2.subscribe({ topic: topicName, fromBeginning: true })
  const handled: unknown[] = []
  await consumer2.run({ eachMessage: async (payload) => void handled.push(payload) })
  await producer.send({ acks: 1, topic: topicName, messages: [oneMessage()] })
  await waitFor(() => crashes.length > 0)
  expect(crashes[0].payload.restart).toBe(true)
  await expect(waitFor(() => handled.length)).resolves.toBe(1)
})

it('a handler that keeps failing is retried `retries` times, then the consumer crashes with KafkaJSNumberOfRetriesExceeded (runner.js:104-170, retry/index.js:45-56)', async () => {
  consumer = cluster.consumer({
    groupId,
    maxWaitTimeInMs: 1,
    retry: { retries: 2, initialRetryTime: 10, restartOnFailure: async () => false },
  })
  const crashes: any[] = []
  consumer.on(consumer.events.CRASH, (event) => void crashes.push(event))
  await consumer.connect()
  await consumer.subscribe({ topic: topicName, fromBeginning: true })
  const original = new Error('always failing')
  const offsets: string[] = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      offsets.push(message.offset)
      throw original
    },
  })
  await producer.send({ acks: 1, topic: topicName, messages: [oneMessage()] })
  await waitFor(() => crashes.length > 0)
  const { error, restart } = crashes[0].payload
  expect(offsets).toEqual(['0', '0', '0'])
  expect(error).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded)
  expect(error.message).toBe('always failing')
  expect(error.retryCount).toBe(2)
  expect(error.cause).toBe(original)
  expect(restart).toBe(false)
})

describe('handlerErrorRecovery.spec.js', () => {
  let keys: [string, string, string]

  beforeEach(async () => {
    await consumer.connect()
    const messages = [oneMessage(), oneMessage(), oneMessage()]
    keys = messages.map((m) => m.key) as typeof keys
    await producer.send({ acks: 1, topic: topicName, messages })
    await consumer.subscribe({ topic: topicName, fromBeginning: true })
  })

  async function committed() {
    const admin = cluster.admin()
    await admin.connect()
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topicName] })
    return offsets!.partitions
  }

  describe('when eachMessage throws', () => {
    it('retries the same message', async () => {
      const seen: any[] = []
      let succeeded = false
      const joined = waitForConsumerToJoinGroup(consumer)
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message)
          if (seen.length === 1) throw new Error('Fail once')
          if (seen.length === 2) succeeded = true
        },
      })
      await joined
      await waitFor(() => succeeded)
      expect(seen.slice(0, 2).map((m) => m.offset)).toEqual(['0', '0'])
      expect(seen.slice(0, 2).map((m) => m.key.toString())).toEqual([keys[0], keys[0]])
    })

    it('commits the offsets processed before the failure', async () => {
      let raisedError = false
      const joined = waitForConsumerToJoinGroup(consumer)
      void consumer.run({
        eachMessage: async (event) => {
          if (event.message.key!.toString() === keys[2]) {
            raisedError = true
            throw new Error('some error')
          }
        },
      })
      await joined
      await waitFor(() => raisedError)
      await expect(committed()).resolves.toEqual([{ partition: 0, offset: '2', metadata: null }])
    })

    it('does not commit anything when autoCommit is false', async () => {
      let raisedError = false
      const joined = waitForConsumerToJoinGroup(consumer)
      void consumer.run({
        autoCommit: false,
        eachMessage: async (event) => {
          if (event.message.key!.toString() === keys[2]) {
            raisedError = true
            throw new Error('some error')
          }
        },
      })
      await joined
      await waitFor(() => raisedError)
      await expect(committed()).resolves.toEqual([{ partition: 0, offset: '-1', metadata: null }])
    })
  })

  describe('when eachBatch throws', () => {
    it('retries the same batch', async () => {
      const batches: any[] = []
      let succeeded = false
      const joined = waitForConsumerToJoinGroup(consumer)
      void consumer.run({
        eachBatch: async ({ batch }) => {
          batches.push(batch)
          if (batches.length === 1) throw new Error('Fail once')
          if (batches.length === 2) succeeded = true
        },
      })
      await joined
      await waitFor(() => succeeded)
      expect(batches.slice(0, 2).map((b) => b.messages.map((m: any) => m.offset).join(','))).toEqual([
        '0,1,2',
        '0,1,2',
      ])
      expect(batches.slice(0, 2).map((b) => b.messages.map((m: any) => m.key.toString()).join('-'))).toEqual([
        keys.join('-'),
        keys.join('-'),
      ])
    })

    it('commits the offsets resolved before the failure', async () => {
      let raisedError = false
      const joined = waitForConsumerToJoinGroup(consumer)
      void consumer.run({
        eachBatch: async ({ batch, resolveOffset }) => {
          for (const message of batch.messages) {
            if (message.key!.toString() === keys[2]) {
              raisedError = true
              throw new Error('some error')
            }
            resolveOffset(message.offset)
          }
        },
      })
      await joined
      await waitFor(() => raisedError)
      await expect(committed()).resolves.toEqual([{ partition: 0, offset: '2', metadata: null }])
    })
  })
})

describe('misconfiguration.spec.js', () => {
  it('throws when heartbeatInterval is not lower than sessionTimeout', () => {
    const create = () =>
      cluster.kafka.consumer({ groupId: 'test-group-id', heartbeatInterval: 10000, sessionTimeout: 10000 })
    expect(create).toThrow(KafkaJSNonRetriableError)
    expect(create).toThrow(
      'Consumer heartbeatInterval (10000) must be lower than sessionTimeout (10000). It is recommended to set heartbeatInterval to approximately a third of the sessionTimeout.',
    )
  })

  it('throws when groupId is missing', () => {
    const create = () => cluster.kafka.consumer({} as never)
    expect(create).toThrow(KafkaJSNonRetriableError)
    expect(create).toThrow('Consumer groupId must be a non-empty string.')
  })
})
