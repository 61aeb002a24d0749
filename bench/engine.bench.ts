/**
 * The engine's end-to-end cost per record, side by side in one run (issue 2):
 *
 * - floor: records pushed in batches of 100 into chunked arrays, handed to a reader that awaits
 *   one promise per batch;
 * - eventemitter3: each record emitted to one listener (what a user would pick instead; keeps nothing);
 * - engine: batches of 100 appended to an 8-partition topic, one waiting reader woken per batch
 *   reading them back by offset (broker.waitForData + log.read).
 *
 * Then the engine's cost as topics (1 / 10,000), partitions (1 / 1,000) and retained records
 * (10³ / 10⁷) grow, and heap bytes per retained record. Records are built before timing starts.
 *
 * Run: node --expose-gc --import tsx bench/engine.bench.ts
 */
import { spawnSync } from 'node:child_process'
import { getHeapStatistics } from 'node:v8'
import { EventEmitter } from 'eventemitter3'
import { RECORD_OVERHEAD_BYTES, type StoredRecord } from '../src/common/record.js'
import { Broker } from '../src/engine/broker.js'
import { IsolationLevel, type PartitionLog } from '../src/engine/partition-log.js'
import {
  type BenchResult,
  type BenchVariant,
  collectGarbage,
  consume,
  pairedRatio,
  printChecksum,
  printEnvironment,
  printResults,
  printTarget,
  retainedHeapBytes,
  runBench,
  variant,
} from './util/run-bench.js'

const HEAP_NEEDED_MB = 8192
if (
  getHeapStatistics().heap_size_limit < (HEAP_NEEDED_MB / 2) * 2 ** 20 * 1.5 &&
  process.env.KAFKALITE_BENCH_CHILD !== '1'
) {
  // 10⁷ retained records need a bigger heap than Node's default: run again with one.
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${HEAP_NEEDED_MB}`, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, KAFKALITE_BENCH_CHILD: '1' } },
  )
  process.exit(child.status ?? 1)
}

const BATCH_SIZE = 100
const RECORDS_PER_ITERATION = 200_000
const ITERATIONS = 25
const WARMUP_ITERATIONS = 3
const VALUE = 'small-event-value'
const READ_OPTIONS = { maxBytes: 1 << 20, isolation: IsolationLevel.ReadUncommitted } as const
const WAIT_MS = 60_000

/** Batches of small records, built before any timing. */
function buildBatches(recordCount: number): StoredRecord[][] {
  const batches: StoredRecord[][] = []
  const timestamp = Date.now()
  for (let first = 0; first < recordCount; first += BATCH_SIZE) {
    const batch: StoredRecord[] = []
    for (let delta = 0; delta < BATCH_SIZE; delta++) {
      batch.push({
        offsetDelta: delta,
        timestamp,
        key: null,
        value: VALUE,
        headers: null,
        sizeBytes: RECORD_OVERHEAD_BYTES + VALUE.length,
      })
    }
    batches.push(batch)
  }
  return batches
}

const yieldToReader = (): Promise<void> => Promise.resolve()

// ── floor ────────────────────────────────────────────────────────────────────────────────────

const CHUNK_RECORDS = 4096

/** The minimal log: records pushed into fixed-size chunk arrays; a reader parked on one promise. */
async function floorIteration(batches: readonly StoredRecord[][]): Promise<number> {
  const chunks: StoredRecord[][] = [[]]
  let written = 0
  let wake: (() => void) | null = null
  const total = batches.length * BATCH_SIZE
  const reader = (async () => {
    let read = 0
    let sum = 0
    while (read < total) {
      if (read === written) await new Promise<void>((resolve) => (wake = resolve))
      while (read < written) {
        const record = chunks[Math.floor(read / CHUNK_RECORDS)]![read % CHUNK_RECORDS]!
        sum += record.offsetDelta
        read++
      }
    }
    return sum
  })()
  let chunk = chunks[0]!
  for (const batch of batches) {
    for (const record of batch) {
      if (chunk.length === CHUNK_RECORDS) chunks.push((chunk = []))
      chunk.push(record)
    }
    written += batch.length
    const resume = wake as (() => void) | null
    wake = null
    resume?.()
    await yieldToReader()
  }
  return reader
}

/** One floor log of a fleet: chunked arrays and the position of its parked reader. */
interface FloorLog {
  chunks: StoredRecord[][]
  written: number
  read: number
  wake: (() => void) | null
}

interface FloorFleet {
  readonly logs: readonly FloorLog[]
  cursor: number
  read: number
  sum: number
  onRead: (() => void) | null
}

/** `count` floor logs, a reader parked on each: the floor of the "traffic spread over N" runs. */
function floorFleet(count: number): FloorFleet {
  const logs: FloorLog[] = []
  for (let index = 0; index < count; index++) logs.push({ chunks: [[]], written: 0, read: 0, wake: null })
  const fleet: FloorFleet = { logs, cursor: 0, read: 0, sum: 0, onRead: null }
  for (const log of logs) void floorReader(fleet, log)
  return fleet
}

async function floorReader(fleet: FloorFleet, log: FloorLog): Promise<void> {
  for (;;) {
    if (log.read === log.written) {
      await new Promise<void>((resolve) => (log.wake = resolve))
      continue
    }
    while (log.read < log.written) {
      const record = log.chunks[Math.floor(log.read / CHUNK_RECORDS)]![log.read % CHUNK_RECORDS]!
      fleet.sum += record.offsetDelta
      log.read++
      fleet.read++
    }
    fleet.onRead?.()
  }
}

async function floorFleetIteration(fleet: FloorFleet, batches: readonly StoredRecord[][]): Promise<number> {
  const target = fleet.read + batches.length * BATCH_SIZE
  const done = new Promise<void>((resolve) => {
    fleet.onRead = () => {
      if (fleet.read >= target) resolve()
    }
  })
  for (const batch of batches) {
    const log = fleet.logs[fleet.cursor]!
    fleet.cursor = (fleet.cursor + 1) % fleet.logs.length
    let chunk = log.chunks[log.chunks.length - 1]!
    for (const record of batch) {
      if (chunk.length === CHUNK_RECORDS) log.chunks.push((chunk = []))
      chunk.push(record)
    }
    log.written += batch.length
    const resume = log.wake
    log.wake = null
    resume?.()
    await yieldToReader()
  }
  await done
  return fleet.sum
}

/** Empties every floor log between rounds, as trim() does for the engine. */
function trimFloorFleet(fleet: FloorFleet): void {
  for (const log of fleet.logs) {
    if (log.written === 0) continue
    log.chunks = [[]]
    log.written = 0
    log.read = 0
  }
}

function floorFleetVariant(name: string, count: number, batches: StoredRecord[][]): BenchVariant<unknown> {
  return variant<FloorFleet>({
    name,
    recordsPerIteration: RECORDS_PER_ITERATION,
    setup: () => floorFleet(count),
    run: (fleet) => floorFleetIteration(fleet, batches),
    afterEach: trimFloorFleet,
  })
}

// ── eventemitter3 ────────────────────────────────────────────────────────────────────────────

function emitterIteration(
  emitter: EventEmitter,
  batches: readonly StoredRecord[][],
  state: { sum: number },
): number {
  state.sum = 0
  for (const batch of batches) for (const record of batch) emitter.emit('record', record)
  return state.sum
}

// ── engine ───────────────────────────────────────────────────────────────────────────────────

interface EngineState {
  readonly broker: Broker
  readonly topic: string
  readonly logs: readonly PartitionLog[]
  /** Records to leave in each partition after an iteration (retained-records runs). */
  readonly retainPerPartition: number
}

function engineState(options: {
  partitions: number
  prefillRecords?: number
  config?: Record<string, string | number>
}): EngineState {
  const broker = new Broker({ random: () => 0.5 })
  const topic = 'bench'
  broker.createTopic(topic, {
    partitions: options.partitions,
    config: { 'retention.ms': -1, ...options.config },
  })
  const logs = broker
    .describeTopic(topic)
    .partitions.map((partition) => broker.log(topic, partition.partition))
  const prefill = options.prefillRecords ?? 0
  if (prefill > 0) {
    const batches = buildBatches(prefill)
    for (let index = 0; index < batches.length; index++)
      broker.append(topic, index % options.partitions, { records: batches[index]! })
  }
  return { broker, topic, logs, retainPerPartition: Math.floor(prefill / options.partitions) }
}

/** Drops what an iteration appended, keeping `retainPerPartition` records (whole segments only). */
function trim(state: EngineState): void {
  for (const log of state.logs) {
    const keepFrom = log.highWatermark - state.retainPerPartition
    if (keepFrom > log.logStartOffset) state.broker.deleteRecords(state.topic, log.partition, keepFrom)
  }
}

/** Reads every record in [offset, highWatermark) of one log; returns [next offset, checksum, records]. */
function drain(log: PartitionLog, offset: number): [number, number, number] {
  const result = log.read(offset, READ_OPTIONS)
  let sum = 0
  let count = 0
  for (const batch of result.batches) {
    const records = batch.records
    for (let index = 0; index < records.length; index++) {
      const record = records[index]!
      if (batch.baseOffset + record.offsetDelta < offset) continue
      sum += record.offsetDelta
      count++
    }
  }
  return [result.nextOffset, sum, count]
}

/** One reader over every partition: waits, reads each partition that has data, waits again. */
async function engineIteration(state: EngineState, batches: readonly StoredRecord[][]): Promise<number> {
  const { broker, logs, topic } = state
  const total = batches.length * BATCH_SIZE
  const offsets = logs.map((log) => log.highWatermark)
  const reader = (async () => {
    let read = 0
    let sum = 0
    while (read < total) {
      let found = false
      for (let partition = 0; partition < logs.length; partition++) {
        const log = logs[partition]!
        while (offsets[partition]! < log.highWatermark) {
          const [next, partial, count] = drain(log, offsets[partition]!)
          offsets[partition] = next
          sum += partial
          read += count
          found = true
        }
      }
      if (!found) {
        await broker.waitForData(
          logs.map((log, partition) => ({ log, offset: offsets[partition]!, readCommitted: false })),
          WAIT_MS,
        )
      }
    }
    return sum
  })()
  const partitions = logs.length
  for (let index = 0; index < batches.length; index++) {
    broker.append(topic, index % partitions, { records: batches[index]! })
    await yieldToReader()
  }
  return reader
}

// ── one parked reader per partition (scale runs) ─────────────────────────────────────────────

interface FleetState {
  readonly broker: Broker
  readonly targets: readonly { topic: string; log: PartitionLog }[]
  /** How many of the targets (from the first) receive the traffic; the rest only hold parked readers. */
  readonly active: number
  cursor: number
  read: number
  sum: number
  onRead: (() => void) | null
  /** Set at teardown; closing the broker then wakes every parked reader so it can see this. */
  stopped: boolean
}

/**
 * `topics` topics of `partitions` partitions each, a reader parked on every partition; traffic
 * goes round-robin to the first `active` partitions (all by default).
 */
function fleetState(topics: number, partitions: number, active = topics * partitions): FleetState {
  const broker = new Broker({ random: () => 0.5 })
  const targets: { topic: string; log: PartitionLog }[] = []
  for (let index = 0; index < topics; index++) {
    const topic = `bench-${index}`
    broker.createTopic(topic, { partitions, config: { 'retention.ms': -1 } })
    for (let partition = 0; partition < partitions; partition++)
      targets.push({ topic, log: broker.log(topic, partition) })
  }
  const state: FleetState = {
    broker,
    targets,
    active,
    cursor: 0,
    read: 0,
    sum: 0,
    onRead: null,
    stopped: false,
  }
  for (const target of targets) void partitionReader(state, target.log)
  return state
}

async function partitionReader(state: FleetState, log: PartitionLog): Promise<void> {
  let offset = log.highWatermark
  while (!state.stopped) {
    if (offset >= log.highWatermark) {
      await state.broker.waitForData([{ log, offset, readCommitted: false }], WAIT_MS)
      continue
    }
    const [next, partial, count] = drain(log, offset)
    offset = next
    state.sum += partial
    state.read += count
    state.onRead?.()
  }
}

/** Appends round-robin over the active partitions; resolves when the readers have read it all. */
async function fleetIteration(state: FleetState, batches: readonly StoredRecord[][]): Promise<number> {
  const target = state.read + batches.length * BATCH_SIZE
  const done = new Promise<void>((resolve) => {
    state.onRead = () => {
      if (state.read >= target) resolve()
    }
  })
  const targets = state.targets
  for (const batch of batches) {
    const next = targets[state.cursor]!
    state.cursor = (state.cursor + 1) % state.active
    state.broker.append(next.topic, next.log.partition, { records: batch })
    await yieldToReader()
  }
  await done
  return state.sum
}

function trimFleet(state: FleetState): void {
  for (const { topic, log } of state.targets) {
    if (log.highWatermark > log.logStartOffset) state.broker.deleteRecords(topic, log.partition, -1)
  }
}

// ── runs ─────────────────────────────────────────────────────────────────────────────────────

function engineVariant(
  name: string,
  make: () => EngineState,
  batches: StoredRecord[][],
): BenchVariant<unknown> {
  return variant<EngineState>({
    name,
    recordsPerIteration: RECORDS_PER_ITERATION,
    setup: make,
    run: (state) => engineIteration(state, batches),
    afterEach: trim,
    teardown: (state) => state.broker.close(),
  })
}

function fleetVariant(
  name: string,
  shape: { topics: number; partitions: number; active?: number },
  batches: StoredRecord[][],
): BenchVariant<unknown> {
  return variant<FleetState>({
    name,
    recordsPerIteration: RECORDS_PER_ITERATION,
    setup: () => fleetState(shape.topics, shape.partitions, shape.active),
    run: (state) => fleetIteration(state, batches),
    afterEach: trimFleet,
    teardown: async (state) => {
      state.stopped = true
      await state.broker.close()
    },
  })
}

function flatness(description: string, results: readonly BenchResult[]): void {
  const small = results[0]!
  const big = results[1]!
  const change = pairedRatio(big, small) - 1
  const ofMedians = big.medianNsPerRecord / small.medianNsPerRecord - 1
  printTarget(
    description,
    Math.abs(change) <= 0.25,
    `${percent(change)} per record, paired by round (ratio of medians ${percent(ofMedians)}; target within ±25 %)`,
  )
}

function percent(change: number): string {
  return `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`
}

async function main(): Promise<void> {
  printEnvironment()
  const options = { iterations: ITERATIONS, warmupIterations: WARMUP_ITERATIONS }
  console.log(
    `${RECORDS_PER_ITERATION} records per iteration in batches of ${BATCH_SIZE}; ${WARMUP_ITERATIONS} warm-up + ${ITERATIONS} timed rounds, variants interleaved`,
  )
  const batches = buildBatches(RECORDS_PER_ITERATION)

  const emitter = new EventEmitter()
  const emitterState = { sum: 0 }
  emitter.on('record', (record: StoredRecord) => {
    emitterState.sum += record.offsetDelta
  })
  const main = await runBench({ title: 'end to end', ...options }, [
    {
      name: 'floor (chunked arrays, 1 promise per batch)',
      recordsPerIteration: RECORDS_PER_ITERATION,
      run: () => floorIteration(batches),
    },
    {
      name: 'eventemitter3 (emit per record, keeps nothing)',
      recordsPerIteration: RECORDS_PER_ITERATION,
      run: () => emitterIteration(emitter, batches, emitterState),
    },
    engineVariant('engine (8 partitions, waiting reader)', () => engineState({ partitions: 8 }), batches),
  ])
  printResults('End to end: append in batches of 100, read back by a reader woken per batch', main)

  // Two questions per dimension. "Idle": does the mere existence of N topics (each with a parked
  // reader) slow the traffic on 8 of them? That is the engine's own scaling. "Spread": the same
  // traffic round-robin over all N, so every batch lands on a cold topic; this adds CPU-cache
  // misses that any store pays, and is reported alongside.
  const topicsIdle = await runBench({ title: 'topics idle', ...options }, [
    fleetVariant('8 topics, traffic on all 8', { topics: 8, partitions: 1 }, batches),
    fleetVariant('10,000 topics, traffic on 8', { topics: 10_000, partitions: 1, active: 8 }, batches),
  ])
  printResults(
    'Engine cost vs topics existing (1 partition each, a parked reader on every partition)',
    topicsIdle,
  )
  const topicsSpread = await runBench({ title: 'topics spread', ...options }, [
    fleetVariant('1 topic, traffic on it', { topics: 1, partitions: 1 }, batches),
    fleetVariant('10,000 topics, traffic spread over all', { topics: 10_000, partitions: 1 }, batches),
  ])
  printResults(
    'Engine cost vs topics receiving traffic (round-robin, a parked reader on every partition)',
    topicsSpread,
  )

  const floorSpread = await runBench({ title: 'floor spread', ...options }, [
    floorFleetVariant('floor: 1 log, traffic on it', 1, batches),
    floorFleetVariant('floor: 10,000 logs, traffic spread over all', 10_000, batches),
  ])
  printResults(
    'For scale: the floor with traffic spread over 10,000 logs (a parked reader on each)',
    floorSpread,
  )

  const partitionsIdle = await runBench({ title: 'partitions idle', ...options }, [
    fleetVariant('8 partitions, traffic on all 8', { topics: 1, partitions: 8 }, batches),
    fleetVariant('1,000 partitions, traffic on 8', { topics: 1, partitions: 1_000, active: 8 }, batches),
  ])
  printResults(
    'Engine cost vs partitions existing (one topic, a parked reader on every partition)',
    partitionsIdle,
  )
  const partitionsSpread = await runBench({ title: 'partitions spread', ...options }, [
    fleetVariant('1 partition, traffic on it', { topics: 1, partitions: 1 }, batches),
    fleetVariant('1,000 partitions, traffic spread over all', { topics: 1, partitions: 1_000 }, batches),
  ])
  printResults(
    'Engine cost vs partitions receiving traffic (round-robin, a parked reader on every partition)',
    partitionsSpread,
  )

  const segmentConfig = { 'segment.bytes': 65_536 }
  const retained = await runBench({ title: 'retained', ...options }, [
    engineVariant(
      '10³ records retained',
      () => engineState({ partitions: 8, prefillRecords: 1_000, config: segmentConfig }),
      batches,
    ),
    engineVariant(
      '10⁷ records retained',
      () => engineState({ partitions: 8, prefillRecords: 10_000_000, config: segmentConfig }),
      batches,
    ),
  ])
  printResults(
    'Engine cost vs retained records (8 partitions, 64 KiB segments, trimmed back after each round)',
    retained,
  )

  collectGarbage()
  const heapRecords = 1_000_000
  const plainBytes = retainedHeapBytes(heapRecords, () => buildBatches(heapRecords))
  let heapBroker: Broker | undefined
  const engineBytes = retainedHeapBytes(heapRecords, () => {
    const state = engineState({ partitions: 8 })
    const built = buildBatches(heapRecords)
    for (let index = 0; index < built.length; index++)
      state.broker.append(state.topic, index % 8, { records: built[index]! })
    heapBroker = state.broker
    return state
  })
  consume(heapBroker?.log('bench', 0).highWatermark ?? 0)
  const overhead = engineBytes - plainBytes
  console.log(`\nHeap per retained record (${heapRecords.toLocaleString('en')} records, 8 partitions)`)
  console.log(`  record objects in plain arrays of 100: ${plainBytes.toFixed(1)} bytes/record`)
  console.log(`  the same records retained by the engine: ${engineBytes.toFixed(1)} bytes/record`)
  console.log(`  engine overhead: ${overhead.toFixed(1)} bytes/record`)

  console.log('\nTargets')
  const floor = main[0]!
  const engine = main[2]!
  const share = pairedRatio(floor, engine)
  const shareOfMedians = floor.medianNsPerRecord / engine.medianNsPerRecord
  printTarget(
    'engine end to end ≥ 1/3 of the floor rate',
    share >= 1 / 3,
    `${(share * 100).toFixed(0)} % of the floor's rate, paired by round (ratio of medians ${(shareOfMedians * 100).toFixed(0)} %; target ≥ 33 %)`,
  )
  printTarget(
    'heap overhead ≤ 64 bytes per retained record',
    overhead <= 64,
    `${overhead.toFixed(1)} bytes/record`,
  )
  flatness('per-record cost 8 → 10,000 topics existing, traffic on 8', topicsIdle)
  flatness('per-record cost 8 → 1,000 partitions existing, traffic on 8', partitionsIdle)
  flatness('per-record cost 1 → 10,000 topics, traffic spread over all (cache-bound)', topicsSpread)
  flatness('per-record cost 1 → 1,000 partitions, traffic spread over all (cache-bound)', partitionsSpread)
  const floorChange = pairedRatio(floorSpread[1]!, floorSpread[0]!) - 1
  console.log(
    `        for scale, the floor's own cost 1 → 10,000 logs, traffic spread over all: ${percent(floorChange)}`,
  )
  flatness('per-record cost 10³ → 10⁷ retained records', retained)
  printChecksum()
}

await main()
