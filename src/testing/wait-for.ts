import { type Clock, systemClock } from '../common/clock.js'
import { KafkaliteError } from '../common/errors.js'

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 5000 ms). */
  readonly timeoutMs?: number
  /** Re-check at least this often (default 10 ms); changes reported by `onChange` re-check at once. */
  readonly intervalMs?: number
  /** Describes the condition in the timeout error. */
  readonly description?: string
  readonly signal?: AbortSignal
  /** Subscribes to change notifications (a test broker passes its own). */
  readonly onChange?: (listener: () => void) => () => void
  readonly clock?: Clock
}

/**
 * Resolves with the predicate's first truthy result. Re-checks on every broker change it is told
 * about and on a short interval, so tests wait for conditions, not for time.
 * @throws KafkaliteError REQUEST_TIMED_OUT naming the condition, ABORTED through the signal
 * @example const offset = await waitFor(() => committed('g', 'orders', 0) >= 10)
 */
export function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const clock = options.clock ?? systemClock
  const timeoutMs = options.timeoutMs ?? 5_000
  const intervalMs = options.intervalMs ?? 10
  const description = options.description ?? 'condition'
  return new Promise<NonNullable<T>>((resolve, reject) => {
    let done = false
    let checking = false
    let again = false
    const startedMs = clock.now()
    let timer = clock.setTimeout(() => tick(), intervalMs)
    const off = options.onChange?.(() => void check())
    const finish = (outcome: () => void): void => {
      if (done) return
      done = true
      clock.clearTimeout(timer)
      off?.()
      options.signal?.removeEventListener('abort', onAbort)
      outcome()
    }
    const onAbort = (): void =>
      finish(() => reject(new KafkaliteError('ABORTED', `waiting for ${description} was aborted`)))
    const tick = (): void => {
      if (done) return
      if (clock.now() - startedMs >= timeoutMs) {
        finish(() =>
          reject(
            new KafkaliteError('REQUEST_TIMED_OUT', `${description} did not hold within ${timeoutMs} ms`, {
              value: timeoutMs,
            }),
          ),
        )
        return
      }
      void check()
      timer = clock.setTimeout(() => tick(), intervalMs)
    }
    const check = async (): Promise<void> => {
      if (done) return
      if (checking) {
        again = true
        return
      }
      checking = true
      try {
        do {
          again = false
          const result = await predicate()
          if (result) {
            finish(() => resolve(result as NonNullable<T>))
            return
          }
        } while (again && !done)
      } catch (error) {
        finish(() => reject(error))
      } finally {
        checking = false
      }
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    void check()
  })
}
