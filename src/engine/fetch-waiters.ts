import type { Clock, TimerHandle } from '../common/clock.js'
import { KafkaliteError, limitExceeded } from '../common/errors.js'
import { LIMITS } from '../common/limits.js'
import type { PartitionLog } from './partition-log.js'

/** Why a wait ended. */
export type WaitOutcome = 'data' | 'timeout' | 'aborted'

/** A partition to watch and the offset past which data counts as new. */
export interface WaitTarget {
  readonly log: PartitionLog
  /** Wake when this log's end (high watermark, or LSO for read_committed) passes this offset. */
  readonly offset: number
  readonly readCommitted: boolean
}

/**
 * Parked readers. A reader waits on several partitions at once and is woken once, by the first
 * batch appended to any of them, by its timeout, or by its AbortSignal. Bounded by
 * LIMITS.fetchWaitersMax.
 */
export class FetchWaiters {
  readonly #clock: Clock
  #count = 0

  constructor(clock: Clock) {
    this.#clock = clock
  }

  get size(): number {
    return this.#count
  }

  /**
   * Resolves 'data' at once if any target already has data past its offset, else parks.
   * @throws KafkaliteError LIMIT_EXCEEDED when fetchWaitersMax readers are already parked
   */
  wait(targets: readonly WaitTarget[], timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome> {
    if (signal?.aborted) return Promise.resolve('aborted')
    for (const target of targets) {
      const end = target.readCommitted ? target.log.lastStableOffset : target.log.highWatermark
      if (end > target.offset) return Promise.resolve('data')
    }
    if (timeoutMs <= 0) return Promise.resolve('timeout')
    if (this.#count >= LIMITS.fetchWaitersMax) {
      return Promise.reject(limitExceeded('fetchWaitersMax', LIMITS.fetchWaitersMax, 'too many parked readers'))
    }
    return new Promise<WaitOutcome>((resolve) => {
      let timer: TimerHandle | undefined
      const finish = (outcome: WaitOutcome): void => {
        this.#count--
        for (const target of targets) target.log.waiters?.delete(wake)
        if (timer !== undefined) this.#clock.clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        resolve(outcome)
      }
      let done = false
      const wake = (): void => {
        if (done) return
        done = true
        finish('data')
      }
      const onAbort = (): void => {
        if (done) return
        done = true
        finish('aborted')
      }
      this.#count++
      for (const target of targets) (target.log.waiters ??= new Set()).add(wake)
      timer = this.#clock.setTimeout(
        () => {
          if (done) return
          done = true
          finish('timeout')
        },
        Math.min(timeoutMs, LIMITS.fetchWaitMaxMs),
      )
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}

/** The error a cancelled wait surfaces as, where a caller wants one. */
export function abortedError(what: string): KafkaliteError {
  return new KafkaliteError('ABORTED', `${what} was aborted`)
}
