/**
 * Appends whose producer has not seen its answer yet. A face registers one when its produce
 * request appends, and settles it once the producer's caller has resumed; a consumer woken by
 * those records waits for them first. So `await producer.send()` resumes before any handler sees
 * the records it sent, as with a broker, where the fetch response follows the produce response.
 */
export class PendingAnswers {
  readonly #pending = new Set<Promise<void>>()

  /** Registers an answer; `seen` must settle (a face settles it when its send settles, either way). */
  add(seen: Promise<void>): void {
    this.#pending.add(seen)
    void seen.then(() => this.#pending.delete(seen))
  }

  /** Resolves once every answer pending now has been seen; null when none is pending. */
  allSeen(): Promise<unknown> | null {
    return this.#pending.size === 0 ? null : Promise.all(this.#pending)
  }
}
