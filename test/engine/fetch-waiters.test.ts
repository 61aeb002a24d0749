import { getEventListeners } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { systemClock } from '../../src/common/clock.js'
import { LIMITS } from '../../src/common/limits.js'
import { ControlType } from '../../src/common/record.js'
import { Broker } from '../../src/engine/broker.js'
import { FetchWaiters, type WaitOutcome } from '../../src/engine/fetch-waiters.js'
import { ManualClock, partitionLog, records, rejected } from './test-records.js'

function settled(promise: Promise<WaitOutcome>): { outcome: WaitOutcome | undefined } {
  const state: { outcome: WaitOutcome | undefined } = { outcome: undefined }
  void promise.then((outcome) => {
    state.outcome = outcome
  })
  return state
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

afterEach(() => {
  vi.useRealTimers()
})

describe('FetchWaiters', () => {
  it('close() times out every parked reader and holds no timer or reader afterwards', async () => {
    const clock = new ManualClock()
    const waiters = new FetchWaiters(clock)
    const log = partitionLog()
    const first = waiters.wait([{ log, offset: 0, readCommitted: false }], 1000)
    const second = waiters.wait([{ log, offset: 0, readCommitted: false }], 5000)
    expect(waiters.size).toBe(2)
    waiters.close()
    await expect(first).resolves.toBe('timeout')
    await expect(second).resolves.toBe('timeout')
    expect(waiters.size).toBe(0)
    expect(clock.pendingTimers).toBe(0)
  })

  it('resolves data at once when the log already has data past the offset, without parking', async () => {
    const clock = new ManualClock()
    const waiters = new FetchWaiters(clock)
    const log = partitionLog()
    log.append({ records: records(2) }, 0)
    await expect(waiters.wait([{ log, offset: 1, readCommitted: false }], 1000)).resolves.toBe('data')
    expect(waiters.size).toBe(0)
    expect(clock.pendingTimers).toBe(0)
    expect(log.waiters).toBeNull()
  })

  it('parks at the end of the log and wakes on the next append', async () => {
    const clock = new ManualClock()
    const waiters = new FetchWaiters(clock)
    const log = partitionLog()
    const state = settled(waiters.wait([{ log, offset: 0, readCommitted: false }], 1000))
    await flush()
    expect(state.outcome).toBeUndefined()
    expect(waiters.size).toBe(1)
    log.append({ records: records(3) }, 0)
    await flush()
    expect(state.outcome).toBe('data')
    expect(waiters.size).toBe(0)
    // The shared timer lingers to its deadline, finds nobody to time out, and is not re-armed.
    clock.advance(1000)
    expect(clock.pendingTimers).toBe(0)
    expect(state.outcome).toBe('data')
  })

  it('wakes a parked reader once per appended batch, however many records it holds', () => {
    const log = partitionLog()
    const wake = vi.fn()
    log.waiters = new Set([wake])
    log.append({ records: records(100) }, 0)
    expect(wake).toHaveBeenCalledTimes(1)
    log.append({ records: records(100) }, 0)
    expect(wake).toHaveBeenCalledTimes(1)
    expect(log.waiters).toBeNull()
  })

  it('resolves timeout when nothing arrives in time, on an injected clock', async () => {
    const clock = new ManualClock()
    const waiters = new FetchWaiters(clock)
    const log = partitionLog()
    const state = settled(waiters.wait([{ log, offset: 0, readCommitted: false }], 500))
    clock.advance(499)
    await flush()
    expect(state.outcome).toBeUndefined()
    clock.advance(1)
    await flush()
    expect(state.outcome).toBe('timeout')
    expect(waiters.size).toBe(0)
    expect(log.waiters?.size ?? 0).toBe(0)
    log.append({ records: records(1) }, 0)
    await flush()
    expect(state.outcome).toBe('timeout')
  })

  it('resolves timeout under vitest fake timers with the system clock', async () => {
    vi.useFakeTimers()
    const waiters = new FetchWaiters(systemClock)
    const log = partitionLog()
    const outcome = waiters.wait([{ log, offset: 0, readCommitted: false }], 250)
    await vi.advanceTimersByTimeAsync(250)
    await expect(outcome).resolves.toBe('timeout')
  })

  it('resolves timeout at once for a zero or negative timeout', async () => {
    const waiters = new FetchWaiters(new ManualClock())
    const log = partitionLog()
    await expect(waiters.wait([{ log, offset: 0, readCommitted: false }], 0)).resolves.toBe('timeout')
    await expect(waiters.wait([{ log, offset: 0, readCommitted: false }], -5)).resolves.toBe('timeout')
    expect(waiters.size).toBe(0)
  })

  it('resolves aborted when the signal aborts, and cleans up', async () => {
    const clock = new ManualClock()
    const waiters = new FetchWaiters(clock)
    const log = partitionLog()
    const controller = new AbortController()
    const outcome = waiters.wait([{ log, offset: 0, readCommitted: false }], 10_000, controller.signal)
    controller.abort()
    await expect(outcome).resolves.toBe('aborted')
    expect(waiters.size).toBe(0)
    expect(log.waiters?.size ?? 0).toBe(0)
    clock.advance(10_000)
    expect(clock.pendingTimers).toBe(0)
  })

  it('removes its abort listener when woken by data, so a long-lived signal collects nothing', async () => {
    const clock = new ManualClock()
    const waiters = new FetchWaiters(clock)
    const log = partitionLog()
    const controller = new AbortController()
    for (let round = 0; round < 20; round++) {
      const outcome = waiters.wait(
        [{ log, offset: log.highWatermark, readCommitted: false }],
        10_000,
        controller.signal,
      )
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
      log.append({ records: records(1) }, 0)
      await expect(outcome).resolves.toBe('data')
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    expect(log.waiters?.size ?? 0).toBe(0)
  })

  it('shares one clock timer among readers parked with the same timeout', async () => {
    const clock = new ManualClock()
    const waiters = new FetchWaiters(clock)
    const logs = [partitionLog(), partitionLog(), partitionLog()]
    const outcomes = logs.map((log, index) => {
      clock.advance(index * 10)
      return settled(waiters.wait([{ log, offset: 0, readCommitted: false }], 1000))
    })
    expect(clock.pendingTimers).toBe(1)
    logs[1]?.append({ records: records(1) }, 0)
    clock.advance(980) // t = 1000: the first reader's deadline
    await flush()
    expect(outcomes.map((state) => state.outcome)).toEqual(['timeout', 'data', undefined])
    expect(clock.pendingTimers).toBe(1)
    clock.advance(20) // t = 1020: the third reader's deadline
    await flush()
    expect(outcomes.map((state) => state.outcome)).toEqual(['timeout', 'data', 'timeout'])
    expect(clock.pendingTimers).toBe(0)
    expect(waiters.size).toBe(0)
  })

  it('times out readers with different timeouts each at its own deadline, shortest first', async () => {
    const clock = new ManualClock()
    const waiters = new FetchWaiters(clock)
    const log = partitionLog()
    const long = settled(waiters.wait([{ log, offset: 0, readCommitted: false }], 5000))
    const short = settled(waiters.wait([{ log, offset: 0, readCommitted: false }], 100))
    clock.advance(100)
    await flush()
    expect([short.outcome, long.outcome]).toEqual(['timeout', undefined])
    clock.advance(4899)
    await flush()
    expect(long.outcome).toBeUndefined()
    clock.advance(1)
    await flush()
    expect(long.outcome).toBe('timeout')
    expect(clock.pendingTimers).toBe(0)
  })

  it('times out the right reader after thousands of readers parked and woken on one queue', async () => {
    const clock = new ManualClock()
    const waiters = new FetchWaiters(clock)
    const log = partitionLog()
    const idle = partitionLog()
    const parkedIdle = settled(waiters.wait([{ log: idle, offset: 0, readCommitted: false }], 60_000))
    for (let round = 0; round < 5000; round++) {
      const outcome = waiters.wait([{ log, offset: log.highWatermark, readCommitted: false }], 60_000)
      log.append({ records: records(1) }, 0)
      await outcome
      clock.advance(1)
    }
    expect(waiters.size).toBe(1)
    clock.advance(60_000 - 5000)
    await flush()
    expect(parkedIdle.outcome).toBe('timeout')
    expect(waiters.size).toBe(0)
    clock.advance(60_000)
    expect(clock.pendingTimers).toBe(0)
  })

  it('resolves aborted at once for an already aborted signal, even with data available', async () => {
    const waiters = new FetchWaiters(new ManualClock())
    const log = partitionLog()
    log.append({ records: records(1) }, 0)
    await expect(
      waiters.wait([{ log, offset: 0, readCommitted: false }], 1000, AbortSignal.abort()),
    ).resolves.toBe('aborted')
  })

  it('wakes on any of several partitions and leaves none of them holding the reader', async () => {
    const waiters = new FetchWaiters(new ManualClock())
    const first = partitionLog()
    const second = partitionLog()
    const outcome = waiters.wait(
      [
        { log: first, offset: 0, readCommitted: false },
        { log: second, offset: 0, readCommitted: false },
      ],
      1000,
    )
    second.append({ records: records(1) }, 0)
    await expect(outcome).resolves.toBe('data')
    expect(first.waiters?.size ?? 0).toBe(0)
  })

  it('compares read_committed targets against the last stable offset', async () => {
    const waiters = new FetchWaiters(new ManualClock())
    const log = partitionLog()
    log.append({ records: records(1), producerId: 1, producerEpoch: 0, isTransactional: true }, 0)
    const state = settled(waiters.wait([{ log, offset: 0, readCommitted: true }], 1000))
    await flush()
    expect(state.outcome).toBeUndefined()
    log.appendControl(1, 0, ControlType.Commit, 0)
    await flush()
    expect(state.outcome).toBe('data')
  })

  it(`rejects with LIMIT_EXCEEDED once fetchWaitersMax (${LIMITS.fetchWaitersMax}) readers are parked`, async () => {
    const clock = new ManualClock()
    const waiters = new FetchWaiters(clock)
    const log = partitionLog()
    const target = [{ log, offset: 0, readCommitted: false }]
    const parked: Promise<WaitOutcome>[] = []
    for (let index = 0; index < LIMITS.fetchWaitersMax; index++) parked.push(waiters.wait(target, 1000))
    expect(waiters.size).toBe(LIMITS.fetchWaitersMax)
    const error = await rejected(waiters.wait(target, 1000))
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(error.limitName).toBe('fetchWaitersMax')
    expect(error.limit).toBe(LIMITS.fetchWaitersMax)
    log.append({ records: records(1) }, 0)
    const outcomes = await Promise.all(parked)
    expect(outcomes.every((outcome) => outcome === 'data')).toBe(true)
    expect(waiters.size).toBe(0)
    await expect(waiters.wait([{ log, offset: 1, readCommitted: false }], 0)).resolves.toBe('timeout')
  })
})

describe('Broker.waitForData', () => {
  it('wakes a reader waiting on a topic partition when a batch is appended through the broker', async () => {
    const broker = new Broker({ clock: new ManualClock() })
    broker.createTopic('t', { partitions: 2 })
    const outcome = broker.waitForData([{ log: broker.log('t', 1), offset: 0, readCommitted: false }], 1000)
    broker.append('t', 1, { records: records(5) })
    await expect(outcome).resolves.toBe('data')
    await broker.close()
  })

  it('wakes parked readers when the broker closes, and answers aborted afterwards', async () => {
    const broker = new Broker({ clock: new ManualClock() })
    broker.createTopic('t')
    const target = [{ log: broker.log('t', 0), offset: 0, readCommitted: false }]
    const outcome = broker.waitForData(target, 1000)
    await broker.close()
    await expect(outcome).resolves.toBe('data')
    await expect(broker.waitForData(target, 1000)).resolves.toBe('aborted')
  })

  it('wakes parked readers when their topic is deleted', async () => {
    const broker = new Broker({ clock: new ManualClock() })
    broker.createTopic('t')
    const outcome = broker.waitForData([{ log: broker.log('t', 0), offset: 0, readCommitted: false }], 1000)
    broker.deleteTopic('t')
    await expect(outcome).resolves.toBe('data')
    await broker.close()
  })
})
