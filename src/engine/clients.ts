import type { Clock, TimerHandle } from '../common/clock.js'
import { KafkaliteError } from '../common/errors.js'

/** One assigned partition of a running consumer. */
export interface ConsumerProgress {
  readonly topic: string
  readonly partition: number
  /** Next offset the consumer will deliver. */
  readonly position: number
}

/**
 * What a face's running consumer tells the broker about itself, so that tests can wait until
 * everything is processed (`settled`) and inspect positions and lag. Faces register; the engine
 * never calls into user code through this.
 */
export interface RegisteredConsumer {
  readonly groupId: string
  readonly memberId: () => string
  readonly readCommitted: boolean
  readonly autoCommit: boolean
  /** Subscribed topics. */
  topics(): readonly string[]
  /** Assigned partitions with their positions. */
  progress(): readonly ConsumerProgress[]
  /** No handler running and no join in progress. */
  isIdle(): boolean
}

/** Why the broker is not settled, for timeout messages. */
export type SettledCheck = { readonly settled: true } | { readonly settled: false; readonly reason: string }

interface SettledWaiter {
  resolve(): void
  reject(error: Error): void
}

/** The running consumers of one broker, and waiters for "everything is processed". */
export class ConsumerRegistry {
  readonly #consumers = new Set<RegisteredConsumer>()
  readonly #waiters = new Set<SettledWaiter>()
  readonly #check: () => SettledCheck
  readonly #clock: Clock
  readonly #changeListeners = new Set<() => void>()
  #scheduled = false

  constructor(clock: Clock, check: (consumers: ReadonlySet<RegisteredConsumer>) => SettledCheck) {
    this.#clock = clock
    this.#check = () => check(this.#consumers)
  }

  /** Adds a running consumer; returns its removal. */
  register(consumer: RegisteredConsumer): () => void {
    this.#consumers.add(consumer)
    this.notify()
    return () => {
      this.#consumers.delete(consumer)
      this.notify()
    }
  }

  consumers(): readonly RegisteredConsumer[] {
    return [...this.#consumers]
  }

  /** Something changed (append, commit, handler done, join): re-check waiters soon. */
  notify(): void {
    if ((this.#waiters.size === 0 && this.#changeListeners.size === 0) || this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      for (const listener of this.#changeListeners) listener()
      if (this.#waiters.size === 0 || !this.#check().settled) return
      for (const waiter of this.#waiters) waiter.resolve()
      this.#waiters.clear()
    })
  }

  /** Calls `listener` (batched per microtask) whenever consumers make progress or data arrives. */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener)
    return () => {
      this.#changeListeners.delete(listener)
    }
  }

  check(): SettledCheck {
    return this.#check()
  }

  /**
   * Resolves once every running consumer has processed (and, with auto-commit, committed)
   * everything up to the end of what it subscribes to, and no handler is running.
   * @throws KafkaliteError REQUEST_TIMED_OUT after timeoutMs, naming what is still pending
   */
  settled(timeoutMs: number): Promise<void> {
    if (this.#check().settled) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      let timer: TimerHandle | undefined
      const waiter: SettledWaiter = {
        resolve: () => {
          if (timer !== undefined) this.#clock.clearTimeout(timer)
          resolve()
        },
        reject,
      }
      this.#waiters.add(waiter)
      timer = this.#clock.setTimeout(() => {
        if (!this.#waiters.delete(waiter)) return
        const check = this.#check()
        if (check.settled) resolve()
        else
          reject(
            new KafkaliteError('REQUEST_TIMED_OUT', `not settled after ${timeoutMs} ms: ${check.reason}`, {
              value: timeoutMs,
            }),
          )
      }, timeoutMs)
    })
  }
}
