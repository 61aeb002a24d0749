/**
 * A one-line progress bar on stderr for long operations: opening (recovering) a large data
 * directory, producing a large file. It is drawn only on a terminal (see `progressAllowed`), only
 * once the operation has run for `delayMs` (quick operations never flash a bar), at most every
 * `redrawMs`, and erased when done.
 *
 * Why not cli-progress: it redraws from a timer, and the slow parts here (the engine opening every
 * partition) are synchronous loops in which no timer fires. Writes to a terminal are synchronous in
 * Node, so drawing from `advance()` shows progress during such a loop.
 */
import type { CliOutput } from './context.js'

/** Progress of one operation. */
export interface Progress {
  /** Adds `amount` (default 1) to the work done. */
  advance(amount?: number): void
  /** Sets the total when it becomes known. */
  setTotal(total: number): void
  /** Erases the bar, if one was drawn. */
  done(): void
}

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  readonly label: string
  /** Units of work; 0 until known. */
  readonly total?: number
  /** How an amount prints (default: as a count). */
  readonly formatAmount?: (amount: number) => string
  /** Nothing is drawn before this much time has passed (default 300 ms). */
  readonly delayMs?: number
  /** Shortest time between two redraws (default 100 ms). */
  readonly redrawMs?: number
  /** Milliseconds from a fixed point (default performance.now). */
  readonly now?: () => number
}

/** A Progress that draws nothing. */
export const NO_PROGRESS: Progress = Object.freeze({ advance() {}, setTotal() {}, done() {} })

const BAR_WIDTH_MAX = 30
const BAR_WIDTH_MIN = 10

/** A progress bar drawn on `stream`, which should be a terminal. */
export function progressBar(stream: CliOutput, options: ProgressBarOptions): Progress {
  const now = options.now ?? (() => performance.now())
  const delayMs = options.delayMs ?? 300
  const redrawMs = options.redrawMs ?? 100
  const format = options.formatAmount ?? String
  const startedMs = now()
  let total = options.total ?? 0
  let amount = 0
  let drawnMs = Number.NEGATIVE_INFINITY
  let drawn = false
  const draw = () => {
    const fraction = total > 0 ? Math.min(1, amount / total) : 0
    const columns = stream.columns ?? 80
    const counts = total > 0 ? `${format(amount)}/${format(total)}` : format(amount)
    const text = `${options.label} ${Math.floor(fraction * 100)
      .toString()
      .padStart(3)}% ${counts}`
    const width = Math.max(BAR_WIDTH_MIN, Math.min(BAR_WIDTH_MAX, columns - text.length - 4))
    const filled = Math.round(fraction * width)
    stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}\u001b[K`)
    drawn = true
  }
  return {
    advance(by = 1) {
      amount += by
      const nowMs = now()
      if (nowMs - startedMs < delayMs || nowMs - drawnMs < redrawMs) return
      drawnMs = nowMs
      draw()
    },
    setTotal(value) {
      total = value
    },
    done() {
      if (drawn) stream.write('\r\u001b[K')
      drawn = false
    },
  }
}

/** Bytes as KiB/MiB/GiB with one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`
}
