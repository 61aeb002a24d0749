/**
 * Ported from tulios/kafkajs v2.2.4 src/producer/__tests__/concurrentTransaction.spec.js.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Producer } from '../../../src/kafkajs/index.js'
import { Cluster, secureRandom } from './helpers.js'

let cluster: Cluster
let topicName: string
let transactionalId: string
let message: { key: string; value: string }

beforeEach(async () => {
  cluster = new Cluster()
  topicName = `test-topic-${secureRandom()}`
  transactionalId = `transactional-id-${secureRandom()}`
  message = { key: `key-${secureRandom()}`, value: `value-${secureRandom()}` }
  await cluster.createTopic({ topic: topicName })
})
afterEach(() => cluster.cleanup())

const newProducer = (): Producer =>
  cluster.producer({ idempotent: true, transactionalId, transactionTimeout: 100 })

describe('when a transaction is ongoing on connect', () => {
  it('retries initProducerId until the ongoing transaction is cancelled', async () => {
    // Producer 1 opens a transaction and "crashes": it never commits nor aborts.
    const producer1 = newProducer()
    await producer1.connect()
    const transaction1 = await producer1.transaction()
    await transaction1.send({ topic: topicName, messages: [message] })

    // Producer 2 uses the same transactional id.
    const producer2 = newProducer()
    await producer2.connect()
    let transaction2: Awaited<ReturnType<Producer['transaction']>> | undefined
    await expect(producer2.transaction().then((t) => (transaction2 = t))).resolves.toBeTruthy()
    const message2 = { key: `key-${secureRandom()}`, value: `value-${secureRandom()}` }
    await transaction2!.send({ topic: topicName, messages: [message2] })
    await transaction2!.commit()

    // Invariants behind the spec: the first transaction was aborted, the second committed.
    const committed = cluster.test.records(topicName, { readCommitted: true })
    expect(committed.map((r) => Buffer.from(r.value as Buffer).toString())).toEqual([message2.value])
    expect(cluster.test.records(topicName)).toHaveLength(2)
    // The first producer was fenced.
    await expect(transaction1.commit()).rejects.toThrow()
  })
})
