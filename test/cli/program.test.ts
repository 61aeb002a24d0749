import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, ROOT } from './helpers.js'

// Each test runs the command line several times, a second or so each on a busy machine.
describe('kafkalite', { timeout: 60_000 }, () => {
  it('prints help for the program and every command, and exits with 0', async () => {
    const commands = ['topics', 'produce', 'consume', 'groups', 'records']
    const [program, ...each] = await Promise.all([
      cli(['--help']),
      ...commands.map((command) => cli([command, '--help'])),
    ])
    expect(program?.code).toBe(0)
    for (const command of commands) expect(program?.stdout).toContain(`  ${command} [options]`)
    expect(program?.stdout).toContain('Exit codes: 0 success, 1 failure, 2 usage error.')
    each.forEach((result, index) => {
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(new RegExp(`^Usage: kafkalite ${commands[index]} \\[options\\]`))
      expect(result.stdout).toContain('--dir <path>')
    })
  })

  it('exits with 2 and help on stderr without a command, and on an unknown command', async () => {
    const [none, unknown] = await Promise.all([cli([]), cli(['topic'])])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/^Usage: kafkalite/)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^error: unknown command 'topic'/)
  })

  it("prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })
})
