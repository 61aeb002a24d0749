/**
 * consumeMessages.spec.js 'concurrent heartbeats are consolidated and respect heartbeatInterval'
 * runs a consumer with maxWaitTimeInMs: 0. With KafkaJS every fetch is a network round trip, so
 * timers and I/O keep running. Run in a child process: a starved event loop cannot be timed out
 * from inside the process.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

it('maxWaitTimeInMs: 0 does not starve the event loop (timers fire while the consumer idles)', () => {
  const script = fileURLToPath(new URL('./fixtures/max-wait-zero.mts', import.meta.url))
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
    timeout: 10_000,
    encoding: 'utf8',
  })
  expect({ status: result.status, signal: result.signal, stderr: result.stderr }).toEqual({
    status: 0,
    signal: null,
    stderr: '',
  })
}, 15_000)
