/** An opaque timer handle. */
export type TimerHandle = unknown

/** Where time comes from. The engine reads time and sets timers only through a Clock. */
export interface Clock {
  now(): number
  setTimeout(callback: () => void, delayMs: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

/**
 * The default clock. It looks up `Date.now`, `setTimeout` and `clearTimeout` on globalThis at call
 * time, so `vi.useFakeTimers()` installed after a broker was created still drives it.
 */
export const systemClock: Clock = Object.freeze({
  now: () => globalThis.Date.now(),
  setTimeout: (callback: () => void, delayMs: number): TimerHandle => {
    const handle = globalThis.setTimeout(callback, delayMs) as unknown
    // An unref'd timer never keeps a process alive on its own: the bus must not block exit.
    const maybe = handle as { unref?: () => void }
    if (typeof maybe.unref === 'function') maybe.unref()
    return handle
  },
  clearTimeout: (handle: TimerHandle) => {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0])
  },
})
