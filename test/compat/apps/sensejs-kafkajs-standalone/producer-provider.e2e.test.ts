/**
 * Port of sensejs/sensejs packages/kafkajs-standalone/tests/producer-provider.e2e-test.ts
 * (commit d9e3d98) to vitest. Infrastructure only: config.get('kafka') (three docker brokers,
 * retry { retries: 10, initialRetryTime: 500 }) -> kafkalite createTestBroker() with the same retry.
 * The two "Pooled provider" tests are left out: PooledKafkaJsProducerProvider needs lightning-pool,
 * which this repository does not install.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createTestBroker, type TestBroker } from '../../../../src/testing/index.js'
import { type BaseKafkaJsMessageProducer, SimpleKafkaJsProducerProvider } from './lib.js'

let testBroker: TestBroker
let config: { connectOption: { brokers: string[]; retry: { retries: number; initialRetryTime: number } } }
beforeAll(() => {
  testBroker = createTestBroker()
  config = { connectOption: { brokers: testBroker.brokers, retry: { retries: 10, initialRetryTime: 500 } } }
})
afterAll(async () => {
  await testBroker.close()
})

async function testProducer(producer: BaseKafkaJsMessageProducer) {
  await producer.sendMessage('foo', { value: 'bar' })
  await producer.sendMessageBatch('foo', [{ value: 'bar' }])
  await producer.sendMessageBatch([{ topic: 'foo', messages: [{ value: 'bar' }] }])
  const releasedPromise = producer.release()
  await expect(producer.sendMessage('foo', { value: 'bar' })).rejects.toBeInstanceOf(Error)
  await releasedPromise
}

test('Simple provider create simple producer', async () => {
  const provider = new SimpleKafkaJsProducerProvider(config)
  const producer = await provider.create()
  await testProducer(producer)
  await provider.destroy()
})

test('Simple provider create transactional producer', async () => {
  const txId = Math.random().toString()
  const provider = new SimpleKafkaJsProducerProvider(config)
  const producer = await provider.createTransactional(txId)
  await testProducer(producer)
  await provider.destroy()
})
