import { createRequire } from 'node:module'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } from '../../src/kafkajs/errors.js'
import {
  type Attempt,
  createRetry,
  isErrorRetriable,
  nextRetryTime,
  RETRY_DEFAULTS,
  RETRY_TEST_DEFAULTS,
  randomFromRetryTime,
  resolveRetryConfig,
  retry,
} from '../../src/kafkajs/retry.js'
import type { RetryOptions } from '../../src/kafkajs/types.js'

const require = createRequire(import.meta.url)
type Retrier = <T>(fn: Attempt<T>) => Promise<T>
const kafkajsCreateRetry = require('kafkajs/src/retry/index.js') as (options: object) => Retrier

const options = { maxRetryTime: 2_000, initialRetryTime: 100, factor: 0.2, multiplier: 2, retries: 4 }

/** A repeatable sequence of "random" numbers. */
function sequence(values: readonly number[]): () => number {
  let index = 0
  return () => values[index++ % values.length] as number
}
const draws = [0.1, 0.9, 0.3, 0.7, 0.5, 0.2, 0.8, 0.05]

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** Runs a retrier whose attempts all fail; returns each attempt's (count, retryTime, time) and the outcome. */
async function failEveryAttempt(retrier: Retrier, error: () => unknown) {
  const attempts: Array<[number, number, number]> = []
  const outcome = retrier(async (_bail, retryCount, retryTime) => {
    attempts.push([retryCount, retryTime, Date.now()])
    throw error()
  }).catch(
    (reason: unknown) => reason as Error & { retryCount?: number; retryTime?: number; cause?: unknown },
  )
  await vi.runAllTimersAsync()
  return { attempts, result: await outcome }
}

describe('defaults', () => {
  it('match kafkajs production and NODE_ENV=test defaults', () => {
    expect(RETRY_DEFAULTS).toEqual({ ...require('kafkajs/src/retry/defaults.js') })
    expect(RETRY_TEST_DEFAULTS).toEqual({ ...require('kafkajs/src/retry/defaults.test.js') })
  })

  it('merges options over the chosen defaults, keeping defaults for undefined values', () => {
    // JavaScript callers can pass undefined even where the type forbids it.
    const fromJavaScript = { retries: 1, factor: undefined } as unknown as RetryOptions
    expect(resolveRetryConfig(fromJavaScript)).toEqual({ ...RETRY_DEFAULTS, retries: 1 })
    expect(resolveRetryConfig({}, RETRY_TEST_DEFAULTS)).toEqual(RETRY_TEST_DEFAULTS)
  })
})

describe('isErrorRetriable', () => {
  it.each([
    ['a plain Error', new Error('x'), true],
    ['an error marked retriable', Object.assign(new Error('x'), { retriable: true }), true],
    ['an error marked non-retriable', Object.assign(new Error('x'), { retriable: false }), false],
    ['a TypeError', new TypeError('x'), false],
    ['a RangeError', new RangeError('x'), false],
    ['a ReferenceError', new ReferenceError('x'), false],
    ['a SyntaxError', new SyntaxError('x'), false],
    ['a retriable TypeError', Object.assign(new TypeError('x'), { retriable: true }), false],
    ['a thrown string', 'oops', true],
    ['a KafkaJSNonRetriableError', new KafkaJSNonRetriableError('x'), false],
  ])('says %s is %s', (_name, error, expected) => {
    expect(isErrorRetriable(error)).toBe(expected)
  })
})

describe('backoff', () => {
  it('draws around the retry time and rounds up', () => {
    expect(randomFromRetryTime(0.2, 300, () => 0)).toBe(240)
    expect(randomFromRetryTime(0.2, 300, () => 0.5)).toBe(300)
    expect(randomFromRetryTime(0.2, 300, () => 0.999)).toBe(360)
  })

  it('grows by the multiplier up to maxRetryTime', () => {
    expect(nextRetryTime(300, RETRY_DEFAULTS, () => 0.5)).toBe(600)
    expect(nextRetryTime(20_000, RETRY_DEFAULTS, () => 0.5)).toBe(30_000)
  })
})

describe('retry', () => {
  it('waits, counts and gives up exactly like kafkajs for the same random draws', async () => {
    vi.spyOn(Math, 'random').mockImplementation(sequence(draws))
    const theirs = await failEveryAttempt(kafkajsCreateRetry(options), () => new Error('flaky'))
    vi.setSystemTime(0)
    const mine = await failEveryAttempt(
      createRetry({ ...options, random: sequence(draws) }),
      () => new Error('flaky'),
    )
    expect(mine.attempts).toEqual(theirs.attempts)
    expect(mine.attempts).toHaveLength(options.retries + 1)
    expect(mine.result).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded)
    expect([mine.result.name, mine.result.message, mine.result.retryCount, mine.result.retryTime]).toEqual([
      theirs.result.name,
      theirs.result.message,
      theirs.result.retryCount,
      theirs.result.retryTime,
    ])
    expect((mine.result.cause as Error).message).toBe('flaky')
  })

  it('stops at a non-retriable error with KafkaJSNonRetriableError caused by it, like kafkajs', async () => {
    const theirs = await failEveryAttempt(kafkajsCreateRetry(options), () => new TypeError('bug'))
    const mine = await failEveryAttempt(createRetry(options), () => new TypeError('bug'))
    expect(mine.attempts).toHaveLength(1)
    expect(mine.result).toBeInstanceOf(KafkaJSNonRetriableError)
    expect([mine.result.name, mine.result.message, (mine.result.cause as Error).name]).toEqual([
      theirs.result.name,
      theirs.result.message,
      (theirs.result.cause as Error).name,
    ])
  })

  it("uses the error's own cause as the non-retriable cause", async () => {
    const root = new Error('root')
    const { result } = await failEveryAttempt(createRetry(options), () =>
      Object.assign(new Error('wrapper', { cause: root }), { retriable: false }),
    )
    expect(result.cause).toBe(root)
  })

  it('resolves with the first successful attempt', async () => {
    let calls = 0
    const outcome = retry(
      async () => {
        calls++
        if (calls < 3) throw new Error('not yet')
        return 'done'
      },
      { ...options, random: () => 0.5 },
    )
    await vi.runAllTimersAsync()
    await expect(outcome).resolves.toBe('done')
    expect(calls).toBe(3)
    expect(Date.now()).toBe(100 + 200)
  })

  it('rejects with the bailed error unchanged and stops retrying', async () => {
    const reason = new Error('give up')
    let calls = 0
    const outcome = retry(async (bail) => {
      calls++
      bail(reason)
      throw new Error('ignored after bail')
    }, options)
    const rejected = expect(outcome).rejects.toBe(reason)
    await vi.runAllTimersAsync()
    await rejected
    expect(calls).toBe(1)
  })

  it("rejects with Error('Aborted') when bail has no error", async () => {
    const outcome = retry(async (bail) => bail(), options)
    await expect(outcome).rejects.toThrow('Aborted')
  })

  it('treats a synchronous throw like a rejection', async () => {
    let calls = 0
    const outcome = retry(
      () => {
        calls++
        if (calls === 1) throw new Error('sync')
        return 7
      },
      { ...options, random: () => 0.5 },
    )
    await vi.runAllTimersAsync()
    await expect(outcome).resolves.toBe(7)
  })

  it('stops a pending retry when its signal aborts', async () => {
    const controller = new AbortController()
    let calls = 0
    const outcome = retry(
      async () => {
        calls++
        throw new Error('flaky')
      },
      { ...options, signal: controller.signal },
    )
    const rejected = expect(outcome).rejects.toThrow('stopped')
    await vi.advanceTimersByTimeAsync(0)
    controller.abort(new Error('stopped'))
    await vi.runAllTimersAsync()
    await rejected
    expect(calls).toBe(1)
  })
})
