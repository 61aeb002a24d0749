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

/** How many woken readers a deadline queue may hold before it is compacted (beyond its live readers). */
const STALE_READERS_MAX = 1024

/** Parked readers that share one timeout, in the order they parked, so deadlines only grow. */
interface DeadlineQueue {
  readonly timeoutMs: number
  readers: ParkedReader[]
  /** Index of the oldest reader not yet expired or skipped. */
  head: number
  /** Readers at or past `head` that already finished (woken or aborted), skipped lazily. */
  stale: number
}

/**
 * Parked readers. A reader waits on several partitions at once and is woken once, by the first
 * batch appended to any of them, by its timeout, or by its AbortSignal. Bounded by
 * LIMITS.fetchWaitersMax.
 *
 * Timeouts share one clock timer, armed for the earliest deadline. A timer per wait cost about a
 * microsecond per parked batch (Node deletes and recreates its timer list when the only timer is
 * cleared), and woken readers are dropped from the deadline queues lazily, so waking touches no
 * other reader. Deadlines assume a clock that does not run backwards.
 */
export class FetchWaiters {
  readonly #clock: Clock
  /** Deadline queues by timeout: a consumer parks with the same timeout every time. */
  readonly #queues = new Map<number, DeadlineQueue>()
  #timer: TimerHandle | undefined
  #timerAtMs = Number.POSITIVE_INFINITY
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
    const boundedMs = Math.min(timeoutMs, LIMITS.fetchWaitMaxMs)
    let queue = this.#queues.get(boundedMs)
    if (queue === undefined) {
      queue = { timeoutMs: boundedMs, readers: [], head: 0, stale: 0 }
      this.#queues.set(boundedMs, queue)
    }
    const deadlineMs = this.#clock.now() + boundedMs
    this.#count++
    const parkedQueue = queue
    return new Promise<WaitOutcome>((resolve) => {
      const reader = new ParkedReader(targets, resolve, signal, deadlineMs, parkedQueue, this.#finished)
      parkedQueue.readers.push(reader)
      if (deadlineMs < this.#timerAtMs) this.#arm(deadlineMs)
    })
  }

  /**
   * Times out every parked reader and drops the queues and the timer (the broker is closing), so
   * nothing here keeps the broker's logs alive.
   */
  close(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#timerAtMs = Number.POSITIVE_INFINITY
    const queues = [...this.#queues.values()]
    this.#queues.clear()
    for (const queue of queues) {
      for (let index = queue.head; index < queue.readers.length; index++) {
        const reader = queue.readers[index] as ParkedReader
        if (!reader.done) reader.finish('timeout')
      }
    }
  }

  /** A reader finished; one woken before its deadline stays in its queue until skipped or compacted. */
  readonly #finished = (reader: ParkedReader, expired: boolean): void => {
    this.#count--
    if (expired) return
    const queue = reader.queue
    queue.stale++
    const live = queue.readers.length - queue.head - queue.stale
    if (queue.stale > STALE_READERS_MAX && queue.stale > live) {
      queue.readers = queue.readers.filter((each, index) => index >= queue.head && !each.done)
      queue.head = 0
      queue.stale = 0
    }
  }

  #arm(atMs: number): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timerAtMs = atMs
    this.#timer = this.#clock.setTimeout(() => this.#expire(), Math.max(0, atMs - this.#clock.now()))
  }

  /** The shared timer fired: time out every reader whose deadline passed, then re-arm for the next. */
  #expire(): void {
    this.#timer = undefined
    this.#timerAtMs = Number.POSITIVE_INFINITY
    const nowMs = this.#clock.now()
    let nextMs = Number.POSITIVE_INFINITY
    for (const queue of this.#queues.values()) {
      const readers = queue.readers
      while (queue.head < readers.length) {
        const reader = readers[queue.head] as ParkedReader
        if (reader.done) {
          queue.head++
          queue.stale--
          continue
        }
        if (reader.deadlineMs > nowMs) break
        queue.head++
        reader.finish('timeout')
      }
      if (queue.head === readers.length) {
        this.#queues.delete(queue.timeoutMs)
        continue
      }
      nextMs = Math.min(nextMs, (readers[queue.head] as ParkedReader).deadlineMs)
    }
    if (nextMs !== Number.POSITIVE_INFINITY) this.#arm(nextMs)
  }
}

/**
 * One parked reader. A class rather than closures because a consumer parks once per batch: this
 * keeps a wait to one object and one wake function.
 */
class ParkedReader {
  readonly #targets: readonly WaitTarget[]
  readonly #resolve: (outcome: WaitOutcome) => void
  readonly #signal: AbortSignal | undefined
  readonly #finished: (reader: ParkedReader, expired: boolean) => void
  readonly deadlineMs: number
  readonly queue: DeadlineQueue
  done = false
  /** Registered in every target log's waiter set; the first append calls it. */
  readonly wake: () => void

  constructor(
    targets: readonly WaitTarget[],
    resolve: (outcome: WaitOutcome) => void,
    signal: AbortSignal | undefined,
    deadlineMs: number,
    queue: DeadlineQueue,
    finished: (reader: ParkedReader, expired: boolean) => void,
  ) {
    this.#targets = targets
    this.#resolve = resolve
    this.#signal = signal
    this.deadlineMs = deadlineMs
    this.queue = queue
    this.#finished = finished
    this.wake = () => this.finish('data')
    for (const target of targets) (target.log.waiters ??= new Set()).add(this.wake)
    signal?.addEventListener('abort', this, { once: true })
  }

  /** EventListener interface: the AbortSignal fired. */
  handleEvent(): void {
    this.finish('aborted')
  }

  finish(outcome: WaitOutcome): void {
    if (this.done) return
    this.done = true
    for (const target of this.#targets) target.log.waiters?.delete(this.wake)
    this.#signal?.removeEventListener('abort', this)
    this.#finished(this, outcome === 'timeout')
    this.#resolve(outcome)
  }
}

/** The error a cancelled wait surfaces as, where a caller wants one. */
export function abortedError(what: string): KafkaliteError {
  return new KafkaliteError('ABORTED', `${what} was aborted`)
}
