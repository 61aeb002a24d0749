/**
 * `npm start`'s quickstart, run the way a newcomer runs it (twice, in an empty directory): it
 * exits 0 within seconds, and the second run finds the first run's events and group offsets.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const directory = mkdtempSync(join(tmpdir(), 'kafkalite-quickstart-'))

afterAll(() => rmSync(directory, { recursive: true, force: true }))

function quickstart(): string {
  const tsx = fileURLToPath(import.meta.resolve('tsx'))
  return execFileSync(process.execPath, ['--import', tsx, join(root, 'examples', 'quickstart.ts')], {
    cwd: directory,
    encoding: 'utf8',
    timeout: 30_000,
  })
}

describe('quickstart', () => {
  it('creates the topic, places keys, rebalances a group of three and shows lag, on files in ./data', () => {
    const output = quickstart()
    expect(output).toContain('1. Created topic quickstart-events')
    expect(output).toMatch(/alice\s+0\s+0/)
    expect(output).toContain('member-c left; the group rebalanced')
    expect(output).toContain('6 events processed this run, 0 more than once.')
    expect(existsSync(join(directory, 'data'))).toBe(true)
  }, 60_000)

  it('on a second run finds the data and resumes the group from its committed offsets', () => {
    const output = quickstart()
    expect(output).toContain('Found topic quickstart-events from an earlier run')
    expect(output).toContain('The group resumed from the offsets it committed last run')
    expect(output).toContain('./data holds 12 events')
  }, 60_000)
})
