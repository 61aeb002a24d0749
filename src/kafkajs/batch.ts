import type { KafkaMessage } from './types.js'

/**
 * KafkaJS's Batch: one partition's messages from one fetch, with its offset arithmetic. The fetch
 * examined offsets `[fetchedOffset, nextOffset)`; control records and aborted transactions in
 * that range are examined but not delivered, as in KafkaJS.
 */
export class Batch {
  readonly topic: string
  readonly partition: number
  readonly highWatermark: string
  readonly messages: KafkaMessage[]
  readonly fetchedOffset: string
  readonly #fetchedOffset: number
  readonly #nextOffset: number
  readonly #highWatermark: number

  constructor(
    topic: string,
    partition: number,
    highWatermark: number,
    messages: KafkaMessage[],
    fetchedOffset: number,
    nextOffset: number,
  ) {
    this.topic = topic
    this.partition = partition
    this.#highWatermark = highWatermark
    this.highWatermark = String(highWatermark)
    this.messages = messages
    this.#fetchedOffset = fetchedOffset
    this.fetchedOffset = String(fetchedOffset)
    this.#nextOffset = nextOffset
  }

  isEmpty(): boolean {
    return this.messages.length === 0
  }

  /** Nothing in the fetched range at all. */
  isEmptyIncludingFiltered(): boolean {
    return this.#nextOffset <= this.#fetchedOffset
  }

  /** Records were fetched but none is delivered (control records or aborted transactions). */
  isEmptyDueToFiltering(): boolean {
    return this.messages.length === 0 && !this.isEmptyIncludingFiltered()
  }

  isEmptyControlRecord(): boolean {
    return this.isEmptyDueToFiltering()
  }

  isEmptyDueToLogCompactedMessages(): boolean {
    return false
  }

  firstOffset(): string | null {
    return this.isEmptyIncludingFiltered() ? null : this.fetchedOffset
  }

  lastOffset(): string {
    if (this.isEmptyIncludingFiltered()) return String(this.#highWatermark - 1)
    return String(this.#nextOffset - 1)
  }

  offsetLag(): string {
    return String(this.#highWatermark - 1 - Number(this.lastOffset()))
  }

  offsetLagLow(): string {
    if (this.isEmptyIncludingFiltered()) return '0'
    return String(this.#highWatermark - 1 - this.#fetchedOffset)
  }
}
