/**
 * Shared setup for the KafkaJS-documentation examples: one isolated broker per test and a
 * condition-based wait (no fixed sleeps).
 */
import { randomUUID } from 'node:crypto'
import { createTestBroker, type TestBroker } from '../../../src/testing/index.js'

export const unique = (prefix: string): string => `${prefix}-${randomUUID()}`

export async function until<T>(fn: () => T | Promise<T>, what = '', timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** A fresh broker; call `cleanup()` in afterEach (runs registered teardowns, then closes). */
export function docsCluster(): {
  test: TestBroker
  defer(fn: () => unknown): void
  cleanup(): Promise<void>
} {
  const test = createTestBroker()
  const teardowns: (() => unknown)[] = []
  return {
    test,
    defer: (fn) => teardowns.push(fn),
    cleanup: async () => {
      for (const fn of teardowns.reverse()) {
        try {
          await fn()
        } catch {
          // teardown is best effort
        }
      }
      await test.close()
    },
  }
}
