import { describe, expect, it } from 'vitest'
import { cli, dataDirectory, ok } from './helpers.js'

// Each test runs the command line several times, a second or so each on a busy machine.
describe('kafkalite records --delete', { timeout: 60_000 }, () => {
  it('moves the log start offset, so reading from the beginning starts there', async () => {
    const dir = dataDirectory()
    await ok(['topics', '--create', '--topic', 't', '--dir', dir])
    await ok(['produce', '--topic', 't', '--dir', dir], '0\n1\n2\n3\n')
    expect(
      await ok(['records', '--delete', '--topic', 't', '--partition', '0', '--before', '2', '--dir', dir]),
    ).toBe('Records delete operation completed:\npartition: t-0\tlow_watermark: 2\n')
    expect(await ok(['consume', '--topic', 't', '--from-beginning', '--dir', dir])).toBe('2\n3\n')
    expect(await ok(['topics', '--describe', '--topic', 't', '--dir', dir])).toMatch(
      /LogStartOffset: 2\tLogEndOffset: 4/,
    )
    expect(
      await ok(['records', '--delete', '--topic', 't', '--partition', '0', '--before', '-1', '--dir', dir]),
    ).toMatch(/low_watermark: 4/)
    expect(await ok(['consume', '--topic', 't', '--from-beginning', '--dir', dir])).toBe('')
  })

  it('fails past the log end, on a bad partition or an unknown topic; exits with 2 on bad usage', async () => {
    const dir = dataDirectory()
    await ok(['topics', '--create', '--topic', 't', '--dir', dir])
    await ok(['produce', '--topic', 't', '--dir', dir], 'x\n')
    const failures: [string[], string][] = [
      [
        ['--topic', 't', '--partition', '0', '--before', '5'],
        'error: cannot delete records before 5 in t-0: the high watermark is 1\n',
      ],
      [['--topic', 't', '--partition', '3', '--before', '0'], 'error: topic "t" has no partition 3\n'],
      [['--topic', 'nope', '--partition', '0', '--before', '0'], 'error: topic "nope" does not exist\n'],
    ]
    for (const [args, stderr] of failures) {
      expect(await cli(['records', '--delete', ...args, '--dir', dir])).toEqual({
        code: 1,
        stdout: '',
        stderr,
      })
    }
    const usage = await Promise.all([
      cli(['records', '--topic', 't', '--partition', '0', '--before', '0', '--dir', dir]),
      cli(['records', '--delete', '--topic', 't', '--partition', '0', '--dir', dir]),
      cli(['records', '--delete', '--topic', 't', '--partition', '0', '--before', '-2', '--dir', dir]),
    ])
    expect(usage.map((result) => result.code)).toEqual([2, 2, 2])
    expect(usage[0]?.stderr).toMatch(/one of --delete is required/)
    expect(usage[1]?.stderr).toMatch(/required option '--before <offset>' not specified/)
    expect(usage[2]?.stderr).toMatch(/argument '-2' is invalid/)
  })
})
