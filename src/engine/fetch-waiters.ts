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
      return Promise.reject(
        limitExceeded('fetchWaitersMax', LIMITS.fetchWaitersMax, 'too many parked readers'),
      )
    }
    this.#count++
    return new Promise<WaitOutcome>((resolve) => {
      const reader = new ParkedReader(targets, resolve, signal, this.#clock, this.#release)
      reader.timer = this.#clock.setTimeout(
        () => reader.finish('timeout'),
        Math.min(timeoutMs, LIMITS.fetchWaitMaxMs),
      )
    })
  }

  readonly #release = (): void => {
    this.#count--
  }
}

/**
 * One parked reader. A class rather than closures because a consumer parks once per batch: this
 * keeps a wait to one object, one wake function and one timer callback.
 */
class ParkedReader {
  readonly #targets: readonly WaitTarget[]
  readonly #resolve: (outcome: WaitOutcome) => void
  readonly #signal: AbortSignal | undefined
  readonly #clock: Clock
  readonly #release: () => void
  #done = false
  timer: TimerHandle | undefined
  /** Registered in every target log's waiter set; the first append calls it. */
  readonly wake: () => void

  constructor(
    targets: readonly WaitTarget[],
    resolve: (outcome: WaitOutcome) => void,
    signal: AbortSignal | undefined,
    clock: Clock,
    release: () => void,
  ) {
    this.#targets = targets
    this.#resolve = resolve
    this.#signal = signal
    this.#clock = clock
    this.#release = release
    this.wake = () => this.finish('data')
    for (const target of targets) (target.log.waiters ??= new Set()).add(this.wake)
    signal?.addEventListener('abort', this, { once: true })
  }

  /** EventListener interface: the AbortSignal fired. */
  handleEvent(): void {
    this.finish('aborted')
  }

  finish(outcome: WaitOutcome): void {
    if (this.#done) return
    this.#done = true
    this.#release()
    for (const target of this.#targets) target.log.waiters?.delete(this.wake)
    if (this.timer !== undefined) this.#clock.clearTimeout(this.timer)
    this.#signal?.removeEventListener('abort', this)
    this.#resolve(outcome)
  }
}

/** The error a cancelled wait surfaces as, where a caller wants one. */
export function abortedError(what: string): KafkaliteError {
  return new KafkaliteError('ABORTED', `${what} was aborted`)
}
