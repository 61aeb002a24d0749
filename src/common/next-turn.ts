/**
 * A turn of the event loop, for kafkalite's own yields (a consumer's first fetch after `run()`, a
 * busy loop letting timers and I/O run, an idle poll with `maxWaitTimeInMs: 0`). These stand for
 * network round trips, not for time, so they use `setImmediate` as it was when kafkalite loaded: fake
 * timers installed later (`vi.useFakeTimers()`) do not hold them back.
 */
const immediate = globalThis.setImmediate

/** Resolves after the current turn of the event loop (timers and I/O that are due run first). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    immediate(resolve)
  })
}
