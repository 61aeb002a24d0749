/**
 * The file store beside the disk's floors, in one run on one directory (issue 5):
 *
 * - floor A: fs.writeSync of 64 KiB chunks, no fsync (page cache);
 * - floor B: the same with an fsync every 1 MiB; and p50/p99 of one 4 KiB write + fsync;
 * - floor C: batch-sized writes with an fdatasync on the thread pool every 100 ms (the ceiling of
 *   'interval' on this disk); floor D: rounds of 8 batch-sized writes + an awaited fdatasync (the
 *   ceiling of 'always' with 8 producers that each await their ack);
 * - sustained append of 200-byte Buffer values in batches of 100 (packed, as the KafkaJS producer
 *   hands them to the engine; one line with record objects for comparison), with fsync never / interval
 *   (100 ms) / always, 1 and 8 producers. A producer either awaits every ack (append, await
 *   flush()), pipelines (keeps up to 256 unacknowledged batches, awaiting the oldest ack when
 *   the window is full) or sustains (appends without waiting and awaits its acks at the end, as
 *   a producer with unbounded requests in flight); 'interval' can only be fast when acks are not
 *   awaited one by one, since an ack waits for the timer: with a window of W batches a producer
 *   moves at most W batches per ack latency (~100 ms + one fsync);
 * - typed objects (about 200 bytes as msgpack) appended with fsync never, beside msgpackr packing
 *   the same objects one by one (a Packr with msgpackr's defaults, and one with the store's options);
 * - reopen time of a large log (clean close, and after a crash: no recovery point, full scan);
 * - read-back throughput and peak RSS reading that log from a cold open (a fresh process).
 *
 * Variants run interleaved, round by round, with fixed amounts of data, each after a `sync` so
 * that none pays for another's writeback; results are consumed into a printed checksum.
 * MB = 10⁶ bytes of segment files on disk.
 *
 * Run: node --import tsx bench/storage.bench.ts
 * Env: KAFKALITE_BENCH_LOG_MB (size of the large log, default 256; the README figures use 1024),
 *      KAFKALITE_BENCH_DIR (default bench/.tmp), KAFKALITE_BENCH_ROUNDS (default 3; README: 5).
 */
import { spawnSync } from 'node:child_process'
import {
  closeSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Packr } from 'msgpackr'
import { PackedBatch, PackedRecords } from '../src/common/packed-records.js'
import { type BatchMetadata, type RecordBatch, recordBatch, type StoredRecord } from '../src/common/record.js'
import { packMessages } from '../src/kafkajs/pack.js'
import { type FsyncPolicy, fileStorage, type StorageLogger } from '../src/storage/files/index.js'
import type { PartitionStore } from '../src/storage/storage.js'

const MB = 1e6
const ROUNDS = Number(process.env.KAFKALITE_BENCH_ROUNDS ?? 3)
const LOG_MB = Number(process.env.KAFKALITE_BENCH_LOG_MB ?? 256)
const ROOT = process.env.KAFKALITE_BENCH_DIR ?? fileURLToPath(new URL('./.tmp/', import.meta.url))
const RECORDS_PER_BATCH = 100
const VALUE_BYTES = 200
const PIPELINE_BATCHES_MAX = 256
/** Batches a sustained run appends (and floor C writes). */
const SUSTAINED_BATCHES = 20_000
/** A sustained producer yields to the event loop after this many batches. */
const SUSTAINED_YIELD_BATCHES = 16
const quiet: StorageLogger = () => {}
let sink = 0

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

function directoryFor(name: string): string {
  const directory = join(ROOT, `storage-${process.pid}`, name)
  rmSync(directory, { recursive: true, force: true })
  mkdirSync(directory, { recursive: true })
  return directory
}

function logBytes(directory: string): number {
  let total = 0
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.log'))
      total += statSync(join(entry.parentPath, entry.name)).size
  }
  return total
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] ?? Number.NaN
}

function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  )
}

/**
 * One batch's 200-byte Buffer values as the KafkaJS producer hands them to the engine (packed:
 * common/packed-records.ts), built once and shared by every batch appended (records are immutable).
 */
function packedRecords(): PackedRecords {
  const messages = Array.from({ length: RECORDS_PER_BATCH }, (_, delta) => ({
    key: null,
    value: Buffer.alloc(VALUE_BYTES, delta),
  }))
  return packMessages(messages, () => 0, Date.now()).get(0) as PackedRecords
}

/** The same records as objects (what the engine kept before packing, and what other faces store). */
function bufferRecords(): StoredRecord[] {
  const records: StoredRecord[] = []
  for (let delta = 0; delta < RECORDS_PER_BATCH; delta++) {
    const value = Buffer.alloc(VALUE_BYTES, delta)
    records.push({
      offsetDelta: delta,
      timestamp: Date.now(),
      key: null,
      value,
      headers: null,
      sizeBytes: 21 + VALUE_BYTES,
    })
  }
  return records
}

function typedEvent(index: number): Record<string, unknown> {
  return {
    type: 'order.created',
    orderId: `order-${index}`,
    customer: { id: index % 1000, name: 'Zoë Example', tier: 'gold' },
    items: [
      { sku: 'sku-1', quantity: 2, price: 9.99 },
      { sku: 'sku-22', quantity: 1, price: 24.5 },
    ],
    total: 44.48,
    createdAt: '2026-01-01T00:00:00.000Z',
  }
}

function typedRecords(): StoredRecord[] {
  const records: StoredRecord[] = []
  for (let delta = 0; delta < RECORDS_PER_BATCH; delta++) {
    records.push({
      offsetDelta: delta,
      timestamp: Date.now(),
      key: `order-${delta}`,
      value: typedEvent(delta),
      headers: null,
      sizeBytes: 250,
    })
  }
  return records
}

function batchAt(baseOffset: number, records: readonly StoredRecord[] | PackedRecords): RecordBatch {
  const now = Date.now()
  const packed = records instanceof PackedRecords
  const metadata: BatchMetadata = {
    baseOffset,
    lastOffsetDelta: (packed ? records.count : records.length) - 1,
    firstTimestamp: now,
    maxTimestamp: now,
    appendTimeMs: now,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    isTransactional: false,
    isControl: false,
    controlType: null,
    sizeBytes: packed ? records.sizeBytes : records.length * (records[0] as StoredRecord).sizeBytes,
  }
  return packed ? new PackedBatch(metadata, records) : recordBatch(metadata, records)
}

/** Waits for the kernel to write back every dirty page, so no variant pays for the one before (untimed). */
function settleDisk(): void {
  spawnSync('sync')
}

// ── floors ───────────────────────────────────────────────────────────────────────────────────

/** Floor A (syncEveryBytes 0) or B: writes `bytes` in 64 KiB chunks; returns MB/s. */
function floorWrite(bytes: number, syncEveryBytes: number): number {
  const path = join(directoryFor('floor'), 'floor.bin')
  const chunk = Buffer.alloc(64 * 1024, 7)
  const fd = openSync(path, 'w')
  const started = performance.now()
  let sinceSync = 0
  for (let written = 0; written < bytes; written += chunk.length) {
    writeSync(fd, chunk, 0, chunk.length, written)
    sinceSync += chunk.length
    if (syncEveryBytes > 0 && sinceSync >= syncEveryBytes) {
      fsyncSync(fd)
      sinceSync = 0
    }
  }
  if (syncEveryBytes > 0) fsyncSync(fd)
  const seconds = (performance.now() - started) / 1000
  closeSync(fd)
  unlinkSync(path)
  return bytes / MB / seconds
}

/** About the bytes one packed batch of 100 200-byte values takes in a segment. */
const BATCH_DISK_BYTES = 23_300

const fdatasyncOnPool = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fdatasync(fd, (error) => (error === null ? resolve() : reject(error))))

/**
 * Floor C, what `interval` can reach on this disk: `chunks` batch-sized writeSync calls (yielding
 * every 16, as the sustained producers do) with an fdatasync on the thread pool started at most
 * every `intervalMs` and overlapping the writes; MB/s until the last byte is synced.
 */
async function floorInterval(chunks: number, intervalMs: number): Promise<number> {
  const path = join(directoryFor('floor'), 'floor-interval.bin')
  const chunk = Buffer.alloc(BATCH_DISK_BYTES, 7)
  const fd = openSync(path, 'w')
  const started = performance.now()
  let syncing: Promise<void> | null = null
  let lastSync = started
  for (let index = 0; index < chunks; index++) {
    writeSync(fd, chunk, 0, chunk.length, index * chunk.length)
    if (syncing === null && performance.now() - lastSync >= intervalMs) {
      lastSync = performance.now()
      syncing = fdatasyncOnPool(fd).then(() => {
        syncing = null
      })
    }
    if (index % SUSTAINED_YIELD_BATCHES === SUSTAINED_YIELD_BATCHES - 1) await new Promise(setImmediate)
  }
  await syncing
  await fdatasyncOnPool(fd)
  const seconds = (performance.now() - started) / 1000
  closeSync(fd)
  unlinkSync(path)
  return (chunks * BATCH_DISK_BYTES) / MB / seconds
}

/**
 * Floor D, what `always` with `writers` producers that each await their ack can reach: rounds of
 * `writers` batch-sized writeSync calls followed by one fdatasync on the thread pool, awaited
 * (a perfect group commit with no store in between). Returns MB/s and each round's latency.
 */
async function floorGroupCommit(
  rounds: number,
  writers: number,
): Promise<{ mbPerSecond: number; roundsUs: number[] }> {
  const path = join(directoryFor('floor'), 'floor-group.bin')
  const chunk = Buffer.alloc(BATCH_DISK_BYTES, 7)
  const fd = openSync(path, 'w')
  const roundsUs: number[] = []
  const started = performance.now()
  let position = 0
  for (let round = 0; round < rounds; round++) {
    const roundStarted = performance.now()
    for (let writer = 0; writer < writers; writer++) {
      writeSync(fd, chunk, 0, chunk.length, position)
      position += chunk.length
    }
    await fdatasyncOnPool(fd)
    roundsUs.push((performance.now() - roundStarted) * 1000)
  }
  const seconds = (performance.now() - started) / 1000
  closeSync(fd)
  unlinkSync(path)
  return { mbPerSecond: position / MB / seconds, roundsUs }
}

/** Latencies in µs of `count` single 4 KiB write + fsync. */
function fsyncLatenciesUs(count: number): number[] {
  const path = join(directoryFor('latency'), 'latency.bin')
  const chunk = Buffer.alloc(4096, 3)
  const fd = openSync(path, 'w')
  const latencies: number[] = []
  for (let index = 0; index < count; index++) {
    const started = performance.now()
    writeSync(fd, chunk, 0, chunk.length, index * chunk.length)
    fsyncSync(fd)
    latencies.push((performance.now() - started) * 1000)
  }
  closeSync(fd)
  return latencies.sort((a, b) => a - b)
}

// ── sustained append ─────────────────────────────────────────────────────────────────────────

interface AppendVariant {
  readonly name: string
  readonly fsync: FsyncPolicy
  readonly producers: number
  readonly partitions: number
  /** Unacknowledged batches a producer keeps at most: 1 awaits each ack, Infinity awaits all at the end. */
  readonly window: number
  readonly batches: number
  readonly records: () => StoredRecord[] | PackedRecords
}

interface AppendResult {
  readonly mbPerSecond: number
  readonly recordsPerSecond: number
  readonly ackLatenciesUs: number[]
}

async function runAppend(variant: AppendVariant): Promise<AppendResult> {
  const directory = directoryFor('append')
  const storage = fileStorage({ directory, fsync: variant.fsync, fsyncIntervalMs: 100, logger: quiet })
  storage.open()
  const partitions: PartitionStore[] = []
  for (let index = 0; index < variant.partitions; index++)
    partitions.push(storage.openPartition('bench', index))
  const records = variant.records()
  const latencies: number[] = []
  let remaining = variant.batches
  const producer = async (index: number): Promise<void> => {
    const partition = partitions[index % partitions.length] as PartitionStore
    const inFlight: Promise<void>[] = []
    while (remaining > 0) {
      remaining--
      partition.append(batchAt(partition.nextOffset(), records))
      const appendedAt = performance.now()
      const acknowledged = storage.flush().then(() => {
        latencies.push((performance.now() - appendedAt) * 1000)
      })
      if (variant.window === 1) await acknowledged
      else {
        inFlight.push(acknowledged)
        if (inFlight.length >= variant.window) await inFlight.shift()
        // A sustained producer still gives the event loop a turn now and then, as one whose
        // sends go through the network or other async code does; else the whole run would be
        // one synchronous burst and no fsync timer could run during it.
        else if (inFlight.length % SUSTAINED_YIELD_BATCHES === 0) await new Promise(setImmediate)
      }
    }
    await Promise.all(inFlight)
  }
  const started = performance.now()
  const producers: Promise<void>[] = []
  for (let index = 0; index < variant.producers; index++) producers.push(producer(index))
  await Promise.all(producers)
  const seconds = (performance.now() - started) / 1000
  for (const partition of partitions) sink += partition.nextOffset()
  await storage.close()
  const bytes = logBytes(directory)
  rmSync(directory, { recursive: true, force: true })
  return {
    mbPerSecond: bytes / MB / seconds,
    recordsPerSecond: (variant.batches * RECORDS_PER_BATCH) / seconds,
    ackLatenciesUs: latencies,
  }
}

function appendVariants(): AppendVariant[] {
  const variants: AppendVariant[] = []
  const buffers = { records: packedRecords, partitions: 1 }
  const windows = [
    { window: 1, label: 'await each ack' },
    { window: PIPELINE_BATCHES_MAX, label: 'pipelined' },
    { window: Number.POSITIVE_INFINITY, label: 'sustained' },
  ]
  for (const { window, label } of windows) {
    for (const producers of [1, 8]) {
      if (window === Number.POSITIVE_INFINITY && producers === 1) continue
      const mode = `${producers} producer${producers > 1 ? 's' : ''}, ${label}`
      // Sustained runs last seconds, so that the last interval's wait does not dominate them.
      const sustained = window === Number.POSITIVE_INFINITY ? SUSTAINED_BATCHES : 0
      variants.push({
        ...buffers,
        name: `never    ${mode}`,
        fsync: 'never',
        producers,
        window,
        batches: sustained || 4000,
      })
      variants.push({
        ...buffers,
        name: `interval ${mode}`,
        fsync: 'interval',
        producers,
        window,
        batches: sustained || (window === 1 ? producers * 20 : 4000),
      })
      variants.push({
        ...buffers,
        name: `always   ${mode}`,
        fsync: 'always',
        producers,
        window,
        batches: sustained || 1000 * producers,
      })
    }
  }
  // Kafka's producer keeps up to 5 requests in flight per connection by default
  // (max.in.flight.requests.per.connection).
  variants.push({
    ...buffers,
    name: 'always   8 producers, 5 in flight each',
    fsync: 'always',
    producers: 8,
    window: 5,
    batches: 8000,
  })
  variants.push({
    ...buffers,
    name: 'always   8 producers on 8 partitions, await each ack',
    fsync: 'always',
    producers: 8,
    partitions: 8,
    window: 1,
    batches: 8000,
  })
  variants.push({
    records: bufferRecords,
    partitions: 1,
    name: 'never    1 producer, pipelined, record objects',
    fsync: 'never',
    producers: 1,
    window: PIPELINE_BATCHES_MAX,
    batches: 4000,
  })
  variants.push({
    records: typedRecords,
    partitions: 1,
    name: 'typed objects, never, 1 producer',
    fsync: 'never',
    producers: 1,
    window: PIPELINE_BATCHES_MAX,
    batches: 2000,
  })
  return variants
}

// ── msgpackr's own rate ──────────────────────────────────────────────────────────────────────

function msgpackrRecordsPerSecond(packr: Packr, count: number): number {
  const events: Record<string, unknown>[] = []
  for (let index = 0; index < RECORDS_PER_BATCH; index++) events.push(typedEvent(index))
  const started = performance.now()
  for (let index = 0; index < count; index++) sink += packr.pack(events[index % events.length]).length
  return count / ((performance.now() - started) / 1000)
}

const STORE_OPTIONS_PACKR = new Packr({
  useRecords: false,
  structuredClone: false,
  sequential: false,
  maxSharedStructures: 0,
  mapsAsObjects: true,
  variableMapSize: true,
  moreTypes: false,
  useFloat32: 0,
  copyBuffers: false,
  bundleStrings: false,
  encodeUndefinedAsNil: false,
})
const DEFAULT_PACKR = new Packr()

// ── a large log: reopen and read back ───────────────────────────────────────────────────────

interface LargeLog {
  readonly directory: string
  readonly segmentBytes: number
  readonly bytes: number
}

/** Writes about LOG_MB of log, rolling as the engine would at `segmentBytes`, and closes it cleanly. */
async function writeLargeLog(name: string, segmentBytes: number): Promise<LargeLog> {
  const directory = directoryFor(name)
  const storage = fileStorage({ directory, fsync: 'never', logger: quiet })
  storage.open()
  const partition = storage.openPartition('large', 0)
  const records = bufferRecords()
  let segmentSizeBytes = 0
  for (let bytes = 0; bytes < LOG_MB * MB; ) {
    const batch = batchAt(partition.nextOffset(), records)
    if (segmentSizeBytes + batch.sizeBytes > segmentBytes) {
      partition.roll(Date.now())
      segmentSizeBytes = 0
    }
    partition.append(batch)
    segmentSizeBytes += batch.sizeBytes
    bytes += batch.sizeBytes
  }
  await storage.close()
  return { directory, segmentBytes, bytes: logBytes(directory) }
}

/** ms to open the store and its partition (recovery included). */
async function reopenMs(log: LargeLog): Promise<number> {
  const started = performance.now()
  const storage = fileStorage({ directory: log.directory, fsync: 'never', logger: quiet })
  storage.open()
  sink += storage.openPartition('large', 0).nextOffset()
  const elapsed = performance.now() - started
  await storage.close()
  return elapsed
}

/** Removes the active segment's index: what an unclean shutdown leaves (no recovery point). */
function dropRecoveryPoint(log: LargeLog): void {
  const partitionDirectory = join(log.directory, 'large-0')
  const indexes = readdirSync(partitionDirectory)
    .filter((name) => name.endsWith('.index'))
    .sort()
  const active = indexes[indexes.length - 1]
  if (active !== undefined) unlinkSync(join(partitionDirectory, active))
}

interface ReadBack {
  readonly seconds: number
  readonly bytes: number
  readonly records: number
  readonly rssBaselineMb: number
  readonly rssPeakMb: number
}

/** In this (fresh) process: reads the whole log back, 1 MiB per read, sampling RSS. */
function readBackHere(directory: string): ReadBack {
  const rssBaselineMb = process.memoryUsage().rss / MB
  let rssPeak = process.memoryUsage().rss
  const started = performance.now()
  const storage = fileStorage({ directory, fsync: 'never', readOnly: true, logger: quiet })
  storage.open()
  const partition = storage.openPartition('large', 0)
  let offset = 0
  let records = 0
  for (let reads = 0; reads < 10_000_000; reads++) {
    const batches = partition.read(offset, 1024 * 1024)
    if (batches.length === 0) break
    for (const batch of batches) records += batch.lastOffsetDelta + 1
    const last = batches[batches.length - 1] as RecordBatch
    offset = last.baseOffset + last.lastOffsetDelta + 1
    if (reads % 16 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
  }
  const seconds = (performance.now() - started) / 1000
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
  return { seconds, bytes: logBytes(directory), records, rssBaselineMb, rssPeakMb: rssPeak / MB }
}

function readBackInChild(directory: string): ReadBack {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--read-back', directory],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  )
  if (child.status !== 0) throw new Error(`read-back child failed: ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as ReadBack
}

// ── main ─────────────────────────────────────────────────────────────────────────────────────

function printEnvironment(): void {
  console.log(
    `node ${process.version} ${process.platform}/${process.arch}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}`,
  )
  console.log(
    `load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}; directory ${ROOT}; ${ROUNDS} rounds; large log ${LOG_MB} MB`,
  )
}

function target(description: string, pass: boolean, detail: string): void {
  console.log(`  ${pass ? 'PASS' : 'MISS'}  ${description}: ${detail}`)
}

async function main(): Promise<void> {
  printEnvironment()
  const variants = appendVariants()
  const floorA: number[] = []
  const floorB: number[] = []
  const floorC: number[] = []
  const floorD: number[] = []
  const floorDRoundsUs: number[] = []
  const packDefaultRates: number[] = []
  const packStoreRates: number[] = []
  const results = new Map<string, AppendResult[]>()
  for (let round = 0; round < ROUNDS; round++) {
    settleDisk()
    floorA.push(floorWrite(256 * MB, 0))
    settleDisk()
    floorB.push(floorWrite(256 * MB, 1024 * 1024))
    settleDisk()
    floorC.push(await floorInterval(SUSTAINED_BATCHES, 100))
    settleDisk()
    const groupCommit = await floorGroupCommit(1000, 8)
    floorD.push(groupCommit.mbPerSecond)
    floorDRoundsUs.push(...groupCommit.roundsUs)
    packDefaultRates.push(msgpackrRecordsPerSecond(DEFAULT_PACKR, 200_000))
    packStoreRates.push(msgpackrRecordsPerSecond(STORE_OPTIONS_PACKR, 200_000))
    for (let step = 0; step < variants.length; step++) {
      const variant = variants[(round + step) % variants.length] as AppendVariant
      const list = results.get(variant.name) ?? []
      settleDisk()
      list.push(await runAppend(variant))
      results.set(variant.name, list)
    }
  }
  const latencies = fsyncLatenciesUs(1000)
  const rawP99Us = quantile(latencies, 0.99)
  console.log('\nfloors (same directory)')
  console.log(`  A  writeSync 64 KiB, no fsync          ${median(floorA).toFixed(0).padStart(7)} MB/s`)
  console.log(`  B  writeSync 64 KiB, fsync every 1 MiB ${median(floorB).toFixed(0).padStart(7)} MB/s`)
  console.log(
    `     one 4 KiB write + fsync: p50 ${quantile(latencies, 0.5).toFixed(0)} µs, p99 ${rawP99Us.toFixed(0)} µs`,
  )
  console.log(
    `  C  batch-sized writes, fdatasync on the pool every 100 ms (interval's ceiling) ${median(floorC).toFixed(0).padStart(5)} MB/s`,
  )
  floorDRoundsUs.sort((a, b) => a - b)
  console.log(
    `  D  rounds of 8 batch-sized writes + fdatasync, awaited (8 producers awaiting acks, ceiling) ${median(floorD).toFixed(0).padStart(5)} MB/s, round p50 ${(quantile(floorDRoundsUs, 0.5) / 1000).toFixed(2)} ms p99 ${(quantile(floorDRoundsUs, 0.99) / 1000).toFixed(2)} ms`,
  )
  console.log('\nsustained append, 200-byte values in batches of 100 (median of rounds)')
  const summary = new Map<
    string,
    { mbPerSecond: number; recordsPerSecond: number; p50Us: number; p99Us: number }
  >()
  for (const variant of variants) {
    const runs = results.get(variant.name) ?? []
    const acks = runs.flatMap((run) => run.ackLatenciesUs).sort((a, b) => a - b)
    const line = {
      mbPerSecond: median(runs.map((run) => run.mbPerSecond)),
      recordsPerSecond: median(runs.map((run) => run.recordsPerSecond)),
      p50Us: quantile(acks, 0.5),
      p99Us: quantile(acks, 0.99),
    }
    summary.set(variant.name, line)
    console.log(
      `  ${variant.name.padEnd(54)} ${line.mbPerSecond.toFixed(1).padStart(7)} MB/s ${(line.recordsPerSecond / 1e3).toFixed(0).padStart(6)} k rec/s  ack p50 ${(line.p50Us / 1000).toFixed(2)} ms p99 ${(line.p99Us / 1000).toFixed(2)} ms`,
    )
  }
  const packDefault = median(packDefaultRates)
  const packStore = median(packStoreRates)
  console.log(
    `\nmsgpackr pack of the same objects, one by one: ${(packDefault / 1e3).toFixed(0)} k/s (defaults), ${(packStore / 1e3).toFixed(0)} k/s (the store's options)`,
  )
  await largeLogSection(summary, {
    floorA: median(floorA),
    floorB: median(floorB),
    floorC: median(floorC),
    floorD: median(floorD),
    floorDP99Us: quantile(floorDRoundsUs, 0.99),
    rawP99Us,
    packDefault,
  })
  rmSync(join(ROOT, `storage-${process.pid}`), { recursive: true, force: true })
  console.log(`\n(checksum ${sink})`)
}

async function largeLogSection(
  summary: Map<string, { mbPerSecond: number; recordsPerSecond: number; p50Us: number; p99Us: number }>,
  floors: {
    floorA: number
    floorB: number
    floorC: number
    floorD: number
    floorDP99Us: number
    rawP99Us: number
    packDefault: number
  },
): Promise<void> {
  console.log(`\nlarge log: ${LOG_MB} MB`)
  const reopen: Record<string, number> = {}
  let readBack: ReadBack | null = null
  for (const segmentBytes of [1024 * 1024 * 1024, 128 * 1024 * 1024]) {
    const log = await writeLargeLog(`large-${segmentBytes}`, segmentBytes)
    const clean = median([await reopenMs(log), await reopenMs(log), await reopenMs(log)])
    dropRecoveryPoint(log)
    const crashed = await reopenMs(log)
    const label = `segment.bytes ${segmentBytes / 1024 / 1024} MiB`
    console.log(
      `  ${label}: ${(log.bytes / MB).toFixed(0)} MB on disk; reopen after clean close ${clean.toFixed(1)} ms, after a crash (full scan of the active segment) ${crashed.toFixed(0)} ms`,
    )
    reopen[label] = clean
    if (readBack === null) {
      readBack = readBackInChild(log.directory)
      console.log(
        `  read back from a cold open (fresh process, page cache warm): ${(readBack.bytes / MB / readBack.seconds).toFixed(0)} MB/s, ${(readBack.records / readBack.seconds / 1e6).toFixed(2)} M records/s; RSS ${readBack.rssBaselineMb.toFixed(0)} MB before, ${readBack.rssPeakMb.toFixed(0)} MB peak`,
      )
    }
    rmSync(log.directory, { recursive: true, force: true })
  }
  const get = (name: string): number => summary.get(name)?.mbPerSecond ?? Number.NaN
  const never = get('never    8 producers, sustained')
  const interval = get('interval 8 producers, sustained')
  const always8 = summary.get('always   8 producers, await each ack')
  const typed = summary.get('typed objects, never, 1 producer')?.recordsPerSecond ?? Number.NaN
  console.log('\ntargets')
  target(
    "'never' ≥ 25 % of floor A",
    never >= 0.25 * floors.floorA,
    `${((never / floors.floorA) * 100).toFixed(0)} % (${never.toFixed(0)} of ${floors.floorA.toFixed(0)} MB/s)`,
  )
  target(
    "'interval' (100 ms) ≥ 80 % of 'never' (sustained)",
    interval >= 0.8 * never,
    `${((interval / never) * 100).toFixed(0)} %; the disk's ceiling for it (floor C) is ${((floors.floorC / never) * 100).toFixed(0)} % of 'never', and 'interval' reaches ${((interval / floors.floorC) * 100).toFixed(0)} % of floor C`,
  )
  const always8Mb = always8?.mbPerSecond ?? Number.NaN
  target(
    "'always', 8 producers ≥ 50 % of floor B",
    always8Mb >= 0.5 * floors.floorB,
    `${((always8Mb / floors.floorB) * 100).toFixed(0)} % (${always8Mb.toFixed(0)} of ${floors.floorB.toFixed(0)} MB/s); the ceiling for producers awaiting each ack (floor D) is ${((floors.floorD / floors.floorB) * 100).toFixed(0)} % of floor B, and the store reaches ${((always8Mb / floors.floorD) * 100).toFixed(0)} % of floor D`,
  )
  const ackP99 = always8?.p99Us ?? Number.NaN
  target(
    "'always', 8 producers: ack p99 ≤ 3 × raw fsync p99",
    ackP99 <= 3 * floors.rawP99Us,
    `${(ackP99 / 1000).toFixed(2)} ms vs 3 × ${(floors.rawP99Us / 1000).toFixed(2)} ms; floor D's round (8 batches + fdatasync) p99 ${(floors.floorDP99Us / 1000).toFixed(2)} ms`,
  )
  target(
    'typed objects ≥ 70 % of msgpackr pack rate',
    typed >= 0.7 * floors.packDefault,
    `${((typed / floors.packDefault) * 100).toFixed(0)} %`,
  )
  const reopen1g = reopen['segment.bytes 1024 MiB'] ?? Number.NaN
  target(`reopen of ${LOG_MB} MB ≤ 1 s (clean close)`, reopen1g <= 1000, `${reopen1g.toFixed(1)} ms`)
  if (readBack !== null)
    target(
      `RSS reading ${LOG_MB} MB back ≤ 200 MB`,
      readBack.rssPeakMb <= 200,
      `${readBack.rssPeakMb.toFixed(0)} MB peak`,
    )
}

if (process.argv[2] === '--read-back') {
  console.log(JSON.stringify(readBackHere(process.argv[3] as string)))
} else {
  await main()
}
