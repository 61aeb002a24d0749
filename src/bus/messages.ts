import type { BatchView } from '../client/group-consumer.js'
import type { Header, RecordBatch, StoredRecord } from '../common/record.js'

/** A consumed typed event with its metadata; offsets and timestamps are numbers. */
export interface BusMessage<Value = unknown, Key = unknown, Name extends string = string> {
  readonly topic: Name
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  readonly key: Key
  readonly value: Value
  readonly headers: Readonly<Record<string, string>>
  /** True when the record was written inside a (committed, or with readUncommitted, open) transaction. */
  readonly inTransaction: boolean
}

/** One partition's messages from one fetch, with Kafka's offset arithmetic in numbers. */
export class BusBatch<Message> implements BatchView<Message> {
  readonly topic: string
  readonly partition: number
  readonly highWatermark: number
  readonly messages: Message[]
  readonly fetchedOffset: number
  readonly #nextOffset: number

  constructor(
    topic: string,
    partition: number,
    highWatermark: number,
    messages: Message[],
    fetchedOffset: number,
    nextOffset: number,
  ) {
    this.topic = topic
    this.partition = partition
    this.highWatermark = highWatermark
    this.messages = messages
    this.fetchedOffset = fetchedOffset
    this.#nextOffset = nextOffset
  }

  isEmpty(): boolean {
    return this.messages.length === 0
  }

  /** Records were fetched but none is delivered (transaction markers or aborted records only). */
  isEmptyDueToFiltering(): boolean {
    return this.messages.length === 0 && this.#nextOffset > this.fetchedOffset
  }

  firstOffset(): number | null {
    return this.#nextOffset > this.fetchedOffset ? this.fetchedOffset : null
  }

  lastOffset(): number {
    return this.#nextOffset > this.fetchedOffset ? this.#nextOffset - 1 : this.highWatermark - 1
  }

  /** Records after this batch still to consume. */
  offsetLag(): number {
    return this.highWatermark - 1 - this.lastOffset()
  }

  offsetLagLow(): number {
    const first = this.firstOffset()
    return first === null ? 0 : this.highWatermark - 1 - first
  }
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})

/** Headers of a stored record as a frozen string map (the last value of a repeated key wins). */
export function toHeaderMap(headers: readonly Header[] | null): Readonly<Record<string, string>> {
  if (headers === null || headers.length === 0) return NO_HEADERS
  const map: Record<string, string> = {}
  for (const header of headers)
    map[header.key] = typeof header.value === 'string' ? header.value : String(header.value)
  return Object.freeze(map)
}

/** Builds the message for a record; `value` must already be this delivery's own copy. */
export function toBusMessage(
  topic: string,
  partition: number,
  record: StoredRecord,
  offset: number,
  batch: RecordBatch,
  value: unknown,
): BusMessage {
  return {
    topic,
    partition,
    offset,
    timestamp: record.timestamp,
    key: record.key,
    value,
    headers: toHeaderMap(record.headers),
    inTransaction: batch.isTransactional,
  }
}
