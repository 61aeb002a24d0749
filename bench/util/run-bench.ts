/**
 * The one benchmark wrapper every bench/*.bench.ts uses: fixed iteration counts, warm-up rounds,
 * variants interleaved round by round (so drift in machine load hits every variant alike), and
 * every result consumed into a printed checksum so nothing is optimised away.
 *
 * Why not tinybench's runner: it runs one task to completion before starting the next, so a
 * slow minute on a shared machine lands on one variant only. Rounds of interleaved variants
 * need a loop of our own; the statistics below are the few tinybench would print.
 */
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'

/** One variant of a comparison. `run` does one timed iteration and returns a value to consume. */
export interface BenchVariant<State = unknown> {
  readonly name: string
  /** Records handled by one iteration: the unit of the ns/record figure. */
  readonly recordsPerIteration: number
  /** Untimed, once, before the warm-up. */
  readonly setup?: () => State | Promise<State>
  /** Timed: one iteration. Its result is folded into the checksum. */
  readonly run: (state: State) => number | Promise<number>
  /** Untimed, after every iteration (e.g. trimming what the iteration appended). */
  readonly afterEach?: (state: State) => void | Promise<void>
  /** Untimed, once, at the end. */
  readonly teardown?: (state: State) => void | Promise<void>
}

export interface BenchOptions {
  readonly title: string
  readonly iterations: number
  readonly warmupIterations: number
}

/** Timing of one variant over all its timed iterations. */
export interface BenchResult {
  readonly name: string
  readonly recordsPerIteration: number
  /** ns per record of each timed iteration, in run order. */
  readonly samplesNsPerRecord: readonly number[]
  readonly medianNsPerRecord: number
  readonly minNsPerRecord: number
  readonly maxNsPerRecord: number
  /** Half the interquartile range over the median, in percent: the "±" printed. */
  readonly spreadPercent: number
  readonly recordsPerSecond: number
}

let sink = 0

/** Everything a bench prints first: node version, platform, CPU and load average. */
export function printEnvironment(): void {
  const cpu = cpus()[0]?.model ?? 'unknown cpu'
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')
  console.log(`node ${process.version} ${process.platform}/${process.arch}, ${cpus().length} × ${cpu}`)
  console.log(`load average ${load}; gc exposed: ${typeof globalThis.gc === 'function'}`)
}

/** Erases a variant's state type so variants with different states share one list. */
export function variant<State>(spec: BenchVariant<State>): BenchVariant<unknown> {
  const { setup, afterEach, teardown } = spec
  return {
    name: spec.name,
    recordsPerIteration: spec.recordsPerIteration,
    setup: () => setup?.(),
    run: (state) => spec.run(state as State),
    afterEach: (state) => afterEach?.(state as State),
    teardown: (state) => teardown?.(state as State),
  }
}

/** Runs the variants interleaved: each round runs every variant once, in a rotating order. */
export async function runBench(
  options: BenchOptions,
  variants: readonly BenchVariant<unknown>[],
): Promise<BenchResult[]> {
  const typed = variants
  const states: unknown[] = []
  for (const variant of typed) states.push(await variant.setup?.())
  const samples: number[][] = typed.map(() => [])
  const rounds = options.warmupIterations + options.iterations
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < typed.length; step++) {
      const index = (round + step) % typed.length
      const variant = typed[index]!
      const state = states[index]
      const started = performance.now()
      sink += await variant.run(state)
      const elapsedMs = performance.now() - started
      await variant.afterEach?.(state)
      if (round >= options.warmupIterations)
        samples[index]!.push((elapsedMs * 1e6) / variant.recordsPerIteration)
    }
  }
  for (let index = 0; index < typed.length; index++) await typed[index]!.teardown?.(states[index])
  return typed.map((variant, index) => summarize(variant, samples[index]!))
}

function summarize(variant: BenchVariant<unknown>, samplesNsPerRecord: number[]): BenchResult {
  const sorted = [...samplesNsPerRecord].sort((a, b) => a - b)
  const quantile = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))]!
  const median = quantile(0.5)
  return {
    name: variant.name,
    recordsPerIteration: variant.recordsPerIteration,
    samplesNsPerRecord,
    medianNsPerRecord: median,
    minNsPerRecord: sorted[0]!,
    maxNsPerRecord: sorted[sorted.length - 1]!,
    spreadPercent: ((quantile(0.75) - quantile(0.25)) / 2 / median) * 100,
    recordsPerSecond: 1e9 / median,
  }
}

/**
 * The median over rounds of `numerator[round] / denominator[round]`. Variants run in the same
 * rounds, so pairing their samples cancels load that hits a whole round: on a shared machine this
 * is steadier than a ratio of medians.
 */
export function pairedRatio(numerator: BenchResult, denominator: BenchResult): number {
  const ratios = numerator.samplesNsPerRecord.map(
    (sample, round) => sample / denominator.samplesNsPerRecord[round]!,
  )
  ratios.sort((a, b) => a - b)
  return ratios[Math.floor(ratios.length / 2)]!
}

/** Prints one table of results: records/s, ns/record (median ± half-IQR, min–max). */
export function printResults(title: string, results: readonly BenchResult[]): void {
  console.log(`\n${title}`)
  const width = Math.max(...results.map((result) => result.name.length))
  for (const result of results) {
    const rate = formatRate(result.recordsPerSecond)
    const ns = result.medianNsPerRecord.toFixed(1).padStart(8)
    const spread = `±${result.spreadPercent.toFixed(1)}%`.padStart(7)
    const range = `${result.minNsPerRecord.toFixed(1)}–${result.maxNsPerRecord.toFixed(1)}`
    console.log(
      `  ${result.name.padEnd(width)}  ${rate.padStart(12)} records/s  ${ns} ns/record ${spread}  (min–max ${range})`,
    )
  }
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k`
  return perSecond.toFixed(0)
}

/** Runs a full garbage collection; requires --expose-gc. */
export function collectGarbage(): void {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')
  globalThis.gc()
  globalThis.gc()
}

/**
 * Heap bytes that stay reachable after `build()` returns, per unit of `count`: full GC, heapUsed,
 * build, full GC, heapUsed again. The built value is kept alive until measured.
 */
export function retainedHeapBytes(count: number, build: () => unknown): number {
  collectGarbage()
  const before = process.memoryUsage().heapUsed
  const retained = build()
  collectGarbage()
  const after = process.memoryUsage().heapUsed
  consume(retained === undefined ? 0 : 1)
  return (after - before) / count
}

/** Folds a value into the checksum printed by printChecksum(). */
export function consume(value: number): void {
  sink += value
}

/** Prints the checksum of every consumed result, so no timed work is dead code. */
export function printChecksum(): void {
  console.log(`\n(checksum ${sink})`)
}

/** A target line: PASS or MISS with the measured value and the bound. */
export function printTarget(description: string, pass: boolean, detail: string): void {
  console.log(`  ${pass ? 'PASS' : 'MISS'}  ${description}: ${detail}`)
}
