/** Shared builders for engine tests: records, batches and standalone partition logs. */
import { expect } from 'vitest'
import type { Clock, TimerHandle } from '../../src/common/clock.js'
import { KafkaliteError } from '../../src/common/errors.js'
import { RECORD_OVERHEAD_BYTES, type StoredRecord } from '../../src/common/record.js'
import { PartitionLog } from '../../src/engine/partition-log.js'
import {
  normalizeTopicConfigEntries,
  resolveTopicConfig,
  type TopicConfigEntries,
} from '../../src/engine/topic-config.js'
import { MemoryPartitionStore } from '../../src/storage/memory/memory-storage.js'

/** Options for one built record. */
export interface RecordSpec {
  readonly key?: unknown
  readonly value?: unknown
  readonly timestamp?: number
  readonly sizeBytes?: number
}

/** One record at `offsetDelta`; size defaults to the overhead plus the value's length. */
export function record(offsetDelta: number, spec: RecordSpec = {}): StoredRecord {
  const value = spec.value === undefined ? `v${offsetDelta}` : spec.value
  return {
    offsetDelta,
    timestamp: spec.timestamp ?? 1_000,
    key: spec.key === undefined ? null : spec.key,
    value,
    headers: null,
    sizeBytes: spec.sizeBytes ?? RECORD_OVERHEAD_BYTES + (typeof value === 'string' ? value.length : 0),
  }
}

/** `count` records with offset deltas 0..count-1, each built from `spec(index)`. */
export function records(count: number, spec: (index: number) => RecordSpec = () => ({})): StoredRecord[] {
  const built: StoredRecord[] = []
  for (let index = 0; index < count; index++) built.push(record(index, spec(index)))
  return built
}

/** A standalone partition log over a memory store, with Kafka-keyed config. */
export function partitionLog(config: TopicConfigEntries = {}, topic = 'topic'): PartitionLog {
  return partitionLogWithStore(config, topic).log
}

/** A standalone partition log and the memory store under it, to inspect segments. */
export function partitionLogWithStore(
  config: TopicConfigEntries = {},
  topic = 'topic',
): { log: PartitionLog; store: MemoryPartitionStore } {
  const store = new MemoryPartitionStore()
  const log = new PartitionLog(topic, 0, store, resolveTopicConfig(normalizeTopicConfigEntries(config)))
  return { log, store }
}

/** Every record a log holds from its start, as [offset, value] pairs, read with read_uncommitted. */
export function readAll(log: PartitionLog, from = log.logStartOffset): [number, unknown][] {
  const seen: [number, unknown][] = []
  let offset = from
  for (let guard = 0; guard < 1_000_000 && offset < log.highWatermark; guard++) {
    const result = log.read(offset, { maxBytes: 1 << 20, isolation: 0 })
    for (const batch of result.batches) {
      for (const each of batch.records) {
        const at = batch.baseOffset + each.offsetDelta
        if (at >= offset) seen.push([at, each.value])
      }
    }
    if (result.nextOffset <= offset) break
    offset = result.nextOffset
  }
  return seen
}

/** Runs `action` and returns the KafkaliteError it throws, failing the test if it throws anything else or nothing. */
export function caught(action: () => unknown): KafkaliteError {
  try {
    action()
  } catch (error) {
    expect(error).toBeInstanceOf(KafkaliteError)
    return error as KafkaliteError
  }
  throw new Error('expected a KafkaliteError, but nothing was thrown')
}

/** Awaits `promise` and returns the KafkaliteError it rejects with. */
export async function rejected(promise: Promise<unknown>): Promise<KafkaliteError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(KafkaliteError)
    return error as KafkaliteError
  }
  throw new Error('expected a rejection with a KafkaliteError, but the promise resolved')
}

/** A Clock driven by hand: `advance(ms)` fires due timers in time order. */
export class ManualClock implements Clock {
  #nowMs: number
  #nextHandle = 1
  readonly #timers = new Map<number, { atMs: number; callback: () => void }>()

  constructor(startMs = 0) {
    this.#nowMs = startMs
  }

  now(): number {
    return this.#nowMs
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle = this.#nextHandle++
    this.#timers.set(handle, { atMs: this.#nowMs + Math.max(0, delayMs), callback })
    return handle
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number)
  }

  /** Timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.size
  }

  /** Moves time forward by `ms`, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const targetMs = this.#nowMs + ms
    for (;;) {
      let dueHandle = -1
      let dueAtMs = Number.POSITIVE_INFINITY
      for (const [handle, timer] of this.#timers) {
        if (timer.atMs <= targetMs && timer.atMs < dueAtMs) {
          dueHandle = handle
          dueAtMs = timer.atMs
        }
      }
      if (dueHandle === -1) break
      const timer = this.#timers.get(dueHandle)!
      this.#timers.delete(dueHandle)
      this.#nowMs = Math.max(this.#nowMs, timer.atMs)
      timer.callback()
    }
    this.#nowMs = targetMs
  }
}
