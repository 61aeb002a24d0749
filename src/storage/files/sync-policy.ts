/**
 * When appended bytes are fsynced, and when `flush()` resolves.
 *
 * - `'always'`: `flush()` resolves once an fsync that started after every earlier append has
 *   finished. Appends made while an fsync runs wait for the next one, so concurrent producers share
 *   fsyncs (group commit): one round of fsyncs acknowledges every append made before it started.
 *   A round starts on `setImmediate` after the first waiting `flush()`, so appends of the same turn
 *   of the event loop join it.
 * - `'interval'`: a round runs `intervalMs` after the first unsynced append; `flush()` resolves
 *   when the round covering it finishes (at most about `intervalMs` plus one fsync later).
 * - `'never'`: `flush()` resolves at once: the bytes are in the OS, which survives a crash of the
 *   process but not of the machine. Files are still fsynced when the store closes.
 *
 * A failed fsync fails the store for good (a later fsync could succeed without the lost pages ever
 * reaching the disk): every waiting and later `flush()` and every append rejects with
 * STORAGE_ERROR until the directory is opened again, which recovers from what is on disk.
 * Timers are looked up on globalThis at call time, so fake timers drive 'interval'.
 */
import { KafkaliteError, limitExceeded } from '../../common/errors.js'
import { FILE_STORAGE_LIMITS } from './limits.js'
import type { SegmentFile } from './segment-file.js'

/** The three fsync policies. */
export const FsyncPolicy = { Always: 'always', Interval: 'interval', Never: 'never' } as const
export type FsyncPolicy = (typeof FsyncPolicy)[keyof typeof FsyncPolicy]

interface FlushWaiter {
  /** The write generation this waiter needs synced. */
  readonly generation: number
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

type TimerHandle = ReturnType<typeof globalThis.setTimeout>

/** Tracks unsynced segment files and resolves flushes according to one policy. */
export class SyncPolicy {
  readonly mode: FsyncPolicy
  readonly #intervalMs: number
  /** Files written since the round that last captured them. */
  #dirty = new Set<SegmentFile>()
  /** Incremented by every write; a round syncs everything written up to the generation it captured. */
  #writtenGeneration = 0
  #syncedGeneration = 0
  /** Waiters in the order flush() was called (so their generations never decrease). */
  #waiters: FlushWaiter[] = []
  /** The round of fsyncs in flight, if any (one at a time). */
  #round: Promise<void> | null = null
  #roundScheduled = false
  #timer: TimerHandle | null = null
  #failure: KafkaliteError | null = null

  constructor(mode: FsyncPolicy, intervalMs: number) {
    this.mode = mode
    this.#intervalMs = intervalMs
  }

  /** The fsync failure that failed the store, or null. */
  get failure(): KafkaliteError | null {
    return this.#failure
  }

  /** Records that `file` was written (called after every append). */
  written(file: SegmentFile): void {
    this.#writtenGeneration++
    this.#dirty.add(file)
    if (this.mode === FsyncPolicy.Interval && this.#timer === null && this.#round === null) this.#armTimer()
  }

  /** Forgets a file that was fsynced by other means or is being deleted. */
  forget(file: SegmentFile): void {
    this.#dirty.delete(file)
  }

  /** Resolves once every write so far is as durable as the policy promises. */
  flush(): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure)
    const generation = this.#writtenGeneration
    if (this.mode === FsyncPolicy.Never || generation <= this.#syncedGeneration) return Promise.resolve()
    if (this.#waiters.length >= FILE_STORAGE_LIMITS.flushWaitersMax) {
      return Promise.reject(
        limitExceeded('flushWaitersMax', FILE_STORAGE_LIMITS.flushWaitersMax, 'callers waiting in flush()'),
      )
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ generation, resolve, reject })
      if (this.mode === FsyncPolicy.Always) this.#scheduleRound()
      else this.#refTimer()
    })
  }

  /** Fsyncs everything written so far now, whatever the policy (closing the store). */
  async syncEverything(): Promise<void> {
    this.#clearTimer()
    while (
      this.#failure === null &&
      (this.#round !== null || this.#syncedGeneration < this.#writtenGeneration)
    ) {
      await (this.#round ?? this.#runRound())
    }
    if (this.#failure !== null) throw this.#failure
  }

  /** Stops timers and rejects whoever still waits (the store is closing or failed). */
  stop(error: KafkaliteError): void {
    this.#clearTimer()
    const waiters = this.#waiters
    this.#waiters = []
    for (const waiter of waiters) waiter.reject(error)
  }

  #scheduleRound(): void {
    if (this.#round !== null || this.#roundScheduled) return
    this.#roundScheduled = true
    globalThis.setImmediate(() => {
      this.#roundScheduled = false
      void this.#runRound()
    })
  }

  #runRound(): Promise<void> {
    if (this.#round !== null) return this.#round
    if (this.#failure !== null) return Promise.resolve()
    this.#clearTimer()
    const round = this.#syncDirtyFiles().finally(() => {
      this.#round = null
      this.#settleWaiters()
    })
    this.#round = round
    return round
  }

  async #syncDirtyFiles(): Promise<void> {
    const generation = this.#writtenGeneration
    const files = this.#dirty
    this.#dirty = new Set()
    try {
      const syncs: Promise<void>[] = []
      for (const file of files) syncs.push(file.syncData())
      await Promise.all(syncs)
      this.#syncedGeneration = generation
    } catch (error) {
      this.#failure =
        error instanceof KafkaliteError
          ? error
          : new KafkaliteError('STORAGE_ERROR', 'fsync failed', { cause: error, retriable: false })
    }
  }

  #settleWaiters(): void {
    if (this.#failure !== null) {
      this.stop(this.#failure)
      return
    }
    let settled = 0
    const waiters = this.#waiters
    while (settled < waiters.length && (waiters[settled] as FlushWaiter).generation <= this.#syncedGeneration)
      settled++
    const done = waiters.splice(0, settled)
    for (const waiter of done) waiter.resolve()
    if (this.#dirty.size === 0 && this.#waiters.length === 0) return
    if (this.mode === FsyncPolicy.Always && this.#waiters.length > 0) this.#scheduleRound()
    else if (this.mode === FsyncPolicy.Interval && this.#dirty.size > 0) this.#armTimer()
  }

  #armTimer(): void {
    if (this.#timer !== null) return
    this.#timer = globalThis.setTimeout(() => {
      this.#timer = null
      void this.#runRound()
    }, this.#intervalMs)
    // Unsynced bytes alone do not keep the process alive; a caller waiting in flush() does.
    if (this.#waiters.length === 0) this.#timer.unref?.()
  }

  #refTimer(): void {
    if (this.#timer === null) this.#armTimer()
    this.#timer?.ref?.()
  }

  #clearTimer(): void {
    if (this.#timer === null) return
    globalThis.clearTimeout(this.#timer)
    this.#timer = null
  }
}
