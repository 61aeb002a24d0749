/**
 * Says plainly, in every `npm test`, whether the real-Kafka side ran. The differential suite
 * (test/differential, `vitest.differential.config.ts`) compares kafkalite with Kafka 3.9 + KafkaJS;
 * `.ci/run` starts the broker (test/kafka/start.sh) and runs it. Here, with KAFKA_BROKERS set, the
 * real broker must answer; without it, the skip names how to run that side.
 */
import { describe, expect, it } from 'vitest'

const brokers = process.env.KAFKA_BROKERS

describe('real Kafka broker', () => {
  if (brokers === undefined || brokers === '') {
    it.skip('SKIPPED: real-broker side not run — no KAFKA_BROKERS (start one with `bash test/kafka/start.sh`, or run `bash .ci/run`, which needs Java 17 + Maven)', () => {})
    return
  }
  it(`answers a metadata request at ${brokers}`, async () => {
    const { Kafka, logLevel } = await import('kafkajs')
    const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    const topics = await admin.listTopics()
    await admin.disconnect()
    expect(Array.isArray(topics)).toBe(true)
  })
})
