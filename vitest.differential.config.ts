import { defineConfig } from 'vitest/config'

// The differential suite: the same KafkaJS scenarios against real Kafka (KAFKA_BROKERS, started by
// test/kafka/start.sh) and against kafkalite/kafkajs. Files run one after another because they
// share one real broker; timeouts are generous because real group joins and transactions take time.
if (!process.env.KAFKA_BROKERS) {
  console.warn(
    'differential: KAFKA_BROKERS is unset, so only the kafkalite side runs; the real-broker comparison is SKIPPED',
  )
}

export default defineConfig({
  test: {
    include: ['test/differential/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
