import { type ErrorCode, KafkaliteError } from '../common/errors.js'
import { Listeners } from './listeners.js'

/** A fault that was injected or that fired, as the `fault` event reports it. */
export interface FaultEvent {
  readonly kind: 'produce-error' | 'handler-crash' | 'rebalance' | 'redeliver' | 'partition-delay'
  readonly phase: 'armed' | 'fired'
  readonly topic?: string
  readonly partition?: number
  readonly groupId?: string
  readonly detail: string
}

interface ProduceFault {
  readonly code: ErrorCode
  readonly message: string
  remaining: number
}

interface HandlerCrash {
  readonly groupId: string | undefined
  readonly topic: string | undefined
  /** Messages delivered before the crash, within the next batch. */
  afterMessages: number
  readonly error: Error
}

/**
 * Fault injection for tests: what Kafka can do to an application, on demand. The engine consults
 * it on produce; faces consult it before calling handlers and when fetching. Every fault is
 * reported on `events` when armed and when it fires.
 */
export class Faults {
  readonly events = new Listeners<{ fault: FaultEvent }>()
  readonly #produce = new Map<string, ProduceFault[]>()
  readonly #crashes: HandlerCrash[] = []
  readonly #delays = new Map<string, number>()

  /** The next `count` produce requests touching `topic` fail with Kafka error `code`. */
  failNextProduce(topic: string, code: ErrorCode, options: { count?: number; message?: string } = {}): void {
    const fault: ProduceFault = {
      code,
      message: options.message ?? `injected fault: ${code} for topic ${topic}`,
      remaining: options.count ?? 1,
    }
    const list = this.#produce.get(topic) ?? []
    list.push(fault)
    this.#produce.set(topic, list)
    this.#emit({ kind: 'produce-error', phase: 'armed', topic, detail: `${code} × ${fault.remaining}` })
  }

  /** Throws the armed produce fault for `topic`, if any. Called by the broker before appending. */
  checkProduce(topic: string): void {
    if (this.#produce.size === 0) return
    const list = this.#produce.get(topic)
    const fault = list?.[0]
    if (fault === undefined) return
    fault.remaining--
    if (fault.remaining <= 0) list!.shift()
    if (list!.length === 0) this.#produce.delete(topic)
    this.#emit({ kind: 'produce-error', phase: 'fired', topic, detail: fault.code })
    throw new KafkaliteError(fault.code, fault.message, { topic })
  }

  /** The next handler call of a consumer (of `groupId`, on `topic`, if given) throws `error` after `afterMessages` messages. */
  crashNextHandler(
    options: { groupId?: string; topic?: string; afterMessages?: number; error?: Error } = {},
  ): void {
    this.#crashes.push({
      groupId: options.groupId,
      topic: options.topic,
      afterMessages: options.afterMessages ?? 0,
      error: options.error ?? new Error('injected handler crash'),
    })
    this.#emit({
      kind: 'handler-crash',
      phase: 'armed',
      ...(options.groupId === undefined ? {} : { groupId: options.groupId }),
      ...(options.topic === undefined ? {} : { topic: options.topic }),
      detail: `after ${options.afterMessages ?? 0} messages`,
    })
  }

  /** Faces call this before each handler call; returns the error to throw instead, if a crash is due. */
  takeHandlerCrash(groupId: string, topic: string, partition: number): Error | null {
    if (this.#crashes.length === 0) return null
    const index = this.#crashes.findIndex(
      (crash) =>
        (crash.groupId === undefined || crash.groupId === groupId) &&
        (crash.topic === undefined || crash.topic === topic),
    )
    if (index === -1) return null
    const crash = this.#crashes[index]!
    if (crash.afterMessages > 0) {
      crash.afterMessages--
      return null
    }
    this.#crashes.splice(index, 1)
    this.#emit({
      kind: 'handler-crash',
      phase: 'fired',
      groupId,
      topic,
      partition,
      detail: crash.error.message,
    })
    return crash.error
  }

  /** Consumers do not receive records of this partition until `delayMs` has passed on the broker's clock. */
  delayPartition(topic: string, partition: number, untilMs: number): void {
    this.#delays.set(`${topic}\u0000${partition}`, untilMs)
    this.#emit({ kind: 'partition-delay', phase: 'armed', topic, partition, detail: `until ${untilMs}` })
  }

  /** When a delayed partition becomes readable again (0 when it is not delayed). */
  delayedUntil(topic: string, partition: number): number {
    if (this.#delays.size === 0) return 0
    return this.#delays.get(`${topic}\u0000${partition}`) ?? 0
  }

  /** Reports a fault another component carried out (rebalance, redelivery). */
  report(event: FaultEvent): void {
    this.#emit(event)
  }

  #emit(event: FaultEvent): void {
    if (this.events.has('fault')) this.events.emit('fault', event)
  }
}
