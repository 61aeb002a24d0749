/**
 * KafkaJS's retrier: defaults, retriability, randomized exponential backoff, and `retry(fn)` with
 * `bail`, ending in KafkaJSNumberOfRetriesExceeded or KafkaJSNonRetriableError (catalog §1.10).
 *
 * Behavior:
 * - KafkaJS picks {@link RETRY_TEST_DEFAULTS} when `NODE_ENV === 'test'`; kafkalite never reads
 *   the environment, so the caller picks with the `defaults` option.
 * - An option given as `undefined` keeps its default (KafkaJS's `Object.assign` lets `undefined`
 *   through, which for `retries` means "never retry").
 * - A synchronous throw from `fn` is handled like a rejection (in KafkaJS it escapes the retrier).
 * - `signal` (an addition) stops a pending retry and rejects with the signal's reason.
 */
import type { Clock, TimerHandle } from '../common/clock.js'
import type { KafkaJSErrorInput } from './errors.js'
import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } from './errors.js'
import type { RetryOptions } from './types.js'

/** Retry settings with every value resolved. */
export interface RetryConfig {
  /** Upper bound of one backoff, in ms. */
  readonly maxRetryTime: number
  /** Centre of the first backoff, in ms. */
  readonly initialRetryTime: number
  /** Randomization: each backoff is drawn from `time ± factor × time`. */
  readonly factor: number
  /** Growth of the backoff per retry. */
  readonly multiplier: number
  /** Retries after the first attempt. */
  readonly retries: number
}

/** KafkaJS's retry defaults. */
export const RETRY_DEFAULTS: RetryConfig = Object.freeze({
  maxRetryTime: 30_000,
  initialRetryTime: 300,
  factor: 0.2,
  multiplier: 2,
  retries: 5,
})

/** The defaults KafkaJS uses when `NODE_ENV === 'test'` (Jest sets it). */
export const RETRY_TEST_DEFAULTS: RetryConfig = Object.freeze({
  maxRetryTime: 1_000,
  initialRetryTime: 50,
  factor: 0.02,
  multiplier: 1.5,
  retries: 15,
})

/** Merges user retry options over `defaults`; options left undefined keep their default. */
export function resolveRetryConfig(
  options: RetryOptions = {},
  defaults: RetryConfig = RETRY_DEFAULTS,
): RetryConfig {
  return Object.freeze({
    maxRetryTime: options.maxRetryTime ?? defaults.maxRetryTime,
    initialRetryTime: options.initialRetryTime ?? defaults.initialRetryTime,
    factor: options.factor ?? defaults.factor,
    multiplier: options.multiplier ?? defaults.multiplier,
    retries: options.retries ?? defaults.retries,
  })
}

const unrecoverableNames: ReadonlySet<unknown> = new Set([
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
])

/**
 * KafkaJS's rule: an error is retried unless its `retriable` is `false` or its `name` is
 * RangeError, ReferenceError, SyntaxError or TypeError. A plain `Error` is retriable.
 */
export function isErrorRetriable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true
  const { retriable, name } = error as { retriable?: unknown; name?: unknown }
  return retriable !== false && !unrecoverableNames.has(name)
}

/** A backoff drawn from `retryTime ± factor × retryTime`, rounded up: `ceil(random in range)`. */
export function randomFromRetryTime(
  factor: number,
  retryTime: number,
  random: () => number = Math.random,
): number {
  const delta = factor * retryTime
  const min = retryTime - delta
  return Math.ceil(random() * (retryTime + delta - min) + min)
}

/** The backoff after one of `retryTime`: `min(randomFromRetryTime(...) × multiplier, maxRetryTime)`. */
export function nextRetryTime(
  retryTime: number,
  config: RetryConfig,
  random: () => number = Math.random,
): number {
  return Math.min(
    randomFromRetryTime(config.factor, retryTime, random) * config.multiplier,
    config.maxRetryTime,
  )
}

/** Rejects the retry promise with `error` unchanged (or `Error('Aborted')` when falsy). */
export type Bail = (error?: unknown) => void

/** One attempt; `retryCount` starts at 0 and `retryTime` is the wait before the next attempt. */
export type Attempt<T> = (bail: Bail, retryCount: number, retryTime: number) => Promise<T> | T

/** Options of {@link retry}: KafkaJS's retry options plus kafkalite's injection points. */
export interface RetryRunOptions extends RetryOptions {
  /** The set `RetryOptions` are merged over; default {@link RETRY_DEFAULTS}. */
  readonly defaults?: RetryConfig
  /** Returns a number in [0, 1); default `Math.random`. */
  readonly random?: () => number
  /** Timers; default the global `setTimeout`/`clearTimeout`, looked up at call time. */
  readonly clock?: Pick<Clock, 'setTimeout' | 'clearTimeout'>
  /** Aborting stops retrying and rejects with the signal's reason. */
  readonly signal?: AbortSignal
}

const globalTimers: Pick<Clock, 'setTimeout' | 'clearTimeout'> = Object.freeze({
  setTimeout: (callback: () => void, delayMs: number): TimerHandle =>
    globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle: TimerHandle) =>
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
})

function toErrorInput(error: unknown): KafkaJSErrorInput {
  if (typeof error === 'string' || error instanceof Error) return error
  const message = (error as { message?: unknown } | null)?.message
  return typeof message === 'string' && message !== '' ? (error as KafkaJSErrorInput) : String(error)
}

function causeOf(error: unknown): Error | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause || error
  return cause instanceof Error ? cause : undefined
}

/**
 * Runs `fn` until it resolves, retrying retriable failures after a randomized exponential backoff
 * (first wait `initialRetryTime ± factor`, then `× multiplier` up to `maxRetryTime`), at most
 * `retries` times.
 * @throws KafkaJSNumberOfRetriesExceeded (cause: the last error, with retryCount and retryTime)
 *   when retries run out; KafkaJSNonRetriableError (cause: the error's cause, else the error) for a
 *   non-retriable error; the bailed error as is after `bail(error)`.
 * @example
 * await retry(async (bail, retryCount) => { if (retryCount > 2) bail(new Error('give up')); return send() }, { retries: 3 })
 */
export function retry<T>(fn: Attempt<T>, options: RetryRunOptions = {}): Promise<T> {
  const config = resolveRetryConfig(options, options.defaults)
  const random = options.random ?? Math.random
  const timers = options.clock ?? globalTimers
  const { signal } = options
  return new Promise<T>((resolve, reject) => {
    let settled = false
    let timer: TimerHandle | undefined
    const finish = (outcome: () => void): void => {
      if (settled) return
      settled = true
      if (timer !== undefined) timers.clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      outcome()
    }
    const onAbort = (): void => finish(() => reject(signal?.reason))
    const bail: Bail = (error) => finish(() => reject(error || new Error('Aborted')))
    const onFailure = (error: unknown, retryCount: number, retryTime: number, next: number): void => {
      if (settled) return
      if (!isErrorRetriable(error)) {
        finish(() => reject(new KafkaJSNonRetriableError(toErrorInput(error), { cause: causeOf(error) })))
      } else if (retryCount < config.retries) {
        timer = timers.setTimeout(() => attempt(next, retryCount + 1), retryTime)
      } else {
        finish(() =>
          reject(new KafkaJSNumberOfRetriesExceeded(toErrorInput(error), { retryCount, retryTime })),
        )
      }
    }
    const attempt = (retryTime: number, retryCount: number): void => {
      timer = undefined
      if (settled) return
      const next = nextRetryTime(retryTime, config, random)
      let result: Promise<T> | T
      try {
        result = fn(bail, retryCount, retryTime)
      } catch (error) {
        onFailure(error, retryCount, retryTime, next)
        return
      }
      Promise.resolve(result).then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => onFailure(error, retryCount, retryTime, next),
      )
    }
    if (signal?.aborted) {
      onAbort()
      return
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    attempt(randomFromRetryTime(config.factor, config.initialRetryTime, random), 0)
  })
}

/** KafkaJS's `createRetry(options)`: a function that runs attempts with these options. */
export function createRetry(options: RetryRunOptions = {}): <T>(fn: Attempt<T>) => Promise<T> {
  return (fn) => retry(fn, options)
}
