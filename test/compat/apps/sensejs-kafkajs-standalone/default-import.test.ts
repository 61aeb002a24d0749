/**
 * sensejs/sensejs packages/kafkajs-standalone/src/{create-client,logging,message-consumer,
 * simple-provider,types}.ts (commit d9e3d98) all start with `import kafkajs from 'kafkajs'` (or
 * `import k from 'kafkajs'`) and use `kafkajs.Kafka`, `kafkajs.logLevel.ERROR`, ... KafkaJS is a
 * CommonJS module, so from ESM (and from TypeScript with esModuleInterop) its default import is
 * `module.exports`. Swapping in kafkalite/kafkajs, an ES module without a default export, breaks
 * those files at link time (SyntaxError: ... does not provide an export named 'default') and at
 * type-check (TS1192: Module has no default export). This test shows the difference without
 * breaking the whole file: the same namespace lookups as the sensejs code.
 */
import { expect, test } from 'vitest'

test("`import kafkajs from 'kafkajs'` works with KafkaJS 2.2.4", async () => {
  const real = (await import('kafkajs')) as { default?: Record<string, unknown> }
  expect(typeof real.default?.Kafka).toBe('function')
  expect((real.default?.logLevel as Record<string, number> | undefined)?.ERROR).toBe(1)
})

test("`import kafkajs from 'kafkalite/kafkajs'` gives the same object (sensejs's create-client.ts)", async () => {
  const lite = (await import('../../../../src/kafkajs/index.js')) as { default?: Record<string, unknown> }
  expect(typeof lite.default?.Kafka).toBe('function')
  expect((lite.default?.logLevel as Record<string, number> | undefined)?.ERROR).toBe(1)
})
