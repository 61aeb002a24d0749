import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { type CliContext, progressAllowed } from '../../src/cli/context.js'
import { formatBytes, progressBar } from '../../src/cli/progress.js'

/** A terminal-like stream that records what is written. */
function terminal(columns = 80): Writable & { isTTY: boolean; columns: number; written: string[] } {
  const written: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      written.push(String(chunk))
      callback()
    },
  })
  return Object.assign(stream, { isTTY: true, columns, written })
}

describe('progressBar', () => {
  it('draws nothing before the delay, then at most once per redraw interval, and erases itself when done', () => {
    let nowMs = 0
    const stream = terminal()
    const progress = progressBar(stream, {
      label: 'opening',
      total: 10,
      delayMs: 300,
      redrawMs: 100,
      now: () => nowMs,
    })
    progress.advance()
    nowMs = 299
    progress.advance()
    expect(stream.written).toEqual([])
    nowMs = 300
    progress.advance()
    nowMs = 350
    progress.advance()
    expect(stream.written).toHaveLength(1)
    expect(stream.written[0]).toBe(`\r[${'#'.repeat(9)}${'-'.repeat(21)}] opening  30% 3/10\u001b[K`)
    nowMs = 400
    progress.advance(6)
    expect(stream.written[1]).toMatch(/\] opening 100% 10\/10/)
    progress.done()
    expect(stream.written[2]).toBe('\r\u001b[K')
    progress.done()
    expect(stream.written).toHaveLength(3)
  })

  it('never draws for an operation shorter than the delay, so done() writes nothing', () => {
    const stream = terminal()
    const progress = progressBar(stream, { label: 'x', total: 1, now: () => 0 })
    progress.advance()
    progress.done()
    expect(stream.written).toEqual([])
  })

  it('shows counts without a percentage until the total is known, and fits a narrow terminal', () => {
    let nowMs = 0
    const stream = terminal(20)
    const progress = progressBar(stream, {
      label: 'p',
      delayMs: 0,
      formatAmount: formatBytes,
      now: () => nowMs,
    })
    progress.advance(2048)
    expect(stream.written[0]).toBe('\r[----------] p   0% 2.0 KiB\u001b[K')
    nowMs = 1000
    progress.setTotal(4096)
    progress.advance(0)
    expect(stream.written[1]).toMatch(/^\r\[#{5}-{5}\] p {2}50% 2\.0 KiB\/4\.0 KiB/)
  })
})

describe('formatBytes', () => {
  it('uses binary units with one decimal above 1 KiB', () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.0 KiB',
      '1.5 KiB',
      '5.0 GiB',
    ])
  })
})

describe('progressAllowed', () => {
  it('allows a bar only when both stdout and stderr are terminals', () => {
    const context = (stdoutTTY: boolean, stderrTTY: boolean) =>
      ({ stdout: { isTTY: stdoutTTY }, stderr: { isTTY: stderrTTY } }) as unknown as CliContext
    expect(progressAllowed(context(true, true))).toBe(true)
    expect(progressAllowed(context(false, true))).toBe(false)
    expect(progressAllowed(context(true, false))).toBe(false)
  })
})
