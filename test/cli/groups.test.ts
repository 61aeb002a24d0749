import { describe, expect, it } from 'vitest'
import { Broker, fileStorage } from '../../src/index.js'
import { cli, dataDirectory, lines, ok } from './helpers.js'

/** A topic `t` of two partitions with 3 records each, and group `g` that consumed 4 of them. */
async function consumedGroup(): Promise<string> {
  const dir = dataDirectory()
  await ok(['topics', '--create', '--topic', 't', '--partitions', '2', '--dir', dir])
  await ok(['produce', '--topic', 't', '--dir', dir], 'a\nb\nc\nd\ne\nf\n')
  await ok([
    'consume',
    '--topic',
    't',
    '--group',
    'g',
    '--from-beginning',
    '--max-messages',
    '4',
    '--dir',
    dir,
  ])
  return dir
}

/** group → "topic-partition committed end lag" rows of `groups --describe`. */
function offsetRows(described: string): string[] {
  return lines(described)
    .filter((line) => line.startsWith('g '))
    .map((line) => {
      const [, topic, partition, current, end, lag] = line.split(/\s+/)
      return `${topic}-${partition} ${current} ${end} ${lag}`
    })
}

// Each test runs the command line several times, a second or so each on a busy machine.
describe('kafkalite groups', { timeout: 60_000 }, () => {
  it('lists groups and describes committed offsets, log end and lag per partition', async () => {
    const dir = await consumedGroup()
    expect(await ok(['groups', '--list', '--dir', dir])).toBe('g\n')
    const described = await ok(['groups', '--describe', '--group', 'g', '--dir', dir])
    expect(lines(described)[0]).toBe("Consumer group 'g' has no active members.")
    expect(lines(described)[1]).toMatch(
      /^GROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +CONSUMER-ID +HOST +CLIENT-ID$/,
    )
    const rows = offsetRows(described)
    expect(rows).toHaveLength(2)
    const lag = rows.reduce((sum, row) => sum + Number(row.split(' ')[3]), 0)
    expect(lag).toBe(2)
  })

  it('fails on an unknown group and exits with 2 on bad usage', async () => {
    const dir = await consumedGroup()
    const [unknown, noGroup, noAction, noTarget, twoTargets, noTopic] = await Promise.all([
      cli(['groups', '--describe', '--group', 'nope', '--dir', dir]),
      cli(['groups', '--describe', '--dir', dir]),
      cli(['groups', '--group', 'g', '--dir', dir]),
      cli(['groups', '--reset-offsets', '--group', 'g', '--topic', 't', '--dir', dir]),
      cli([
        'groups',
        '--reset-offsets',
        '--group',
        'g',
        '--topic',
        't',
        '--to-latest',
        '--to-offset',
        '1',
        '--dir',
        dir,
      ]),
      cli(['groups', '--reset-offsets', '--group', 'g', '--to-latest', '--dir', dir]),
    ])
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'error: consumer group "nope" does not exist\n' })
    expect(noGroup).toMatchObject({ code: 2, stderr: expect.stringMatching(/--describe needs --group/) })
    expect(noAction).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/one of --list, --describe, --reset-offsets/),
    })
    expect(noTarget).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/one of --to-earliest, --to-latest, --to-offset/),
    })
    expect(twoTargets).toMatchObject({ code: 2, stderr: expect.stringMatching(/only one of --to-earliest/) })
    expect(noTopic).toMatchObject({ code: 2, stderr: expect.stringMatching(/--reset-offsets needs --topic/) })
  })

  it('resets offsets to the earliest, the latest, or a given offset clamped to the log; --dry-run changes nothing', async () => {
    const dir = await consumedGroup()
    const before = offsetRows(await ok(['groups', '--describe', '--group', 'g', '--dir', dir]))
    const dry = await ok([
      'groups',
      '--reset-offsets',
      '--group',
      'g',
      '--topic',
      't',
      '--to-earliest',
      '--dry-run',
      '--dir',
      dir,
    ])
    expect(lines(dry)).toEqual([
      expect.stringMatching(/^GROUP +TOPIC +PARTITION +NEW-OFFSET$/),
      expect.stringMatching(/^g +t +0 +0$/),
      expect.stringMatching(/^g +t +1 +0$/),
    ])
    expect(offsetRows(await ok(['groups', '--describe', '--group', 'g', '--dir', dir]))).toEqual(before)

    await ok([
      'groups',
      '--reset-offsets',
      '--group',
      'g',
      '--topic',
      't',
      '--to-earliest',
      '--execute',
      '--dir',
      dir,
    ])
    expect(
      offsetRows(await ok(['groups', '--describe', '--group', 'g', '--dir', dir])).map(
        (row) => row.split(' ')[1],
      ),
    ).toEqual(['0', '0'])

    await ok(['groups', '--reset-offsets', '--group', 'g', '--topic', 't', '--to-latest', '--dir', dir])
    expect(
      offsetRows(await ok(['groups', '--describe', '--group', 'g', '--dir', dir])).map(
        (row) => row.split(' ')[3],
      ),
    ).toEqual(['0', '0'])

    const clamped = await cli([
      'groups',
      '--reset-offsets',
      '--group',
      'g',
      '--topic',
      't:1',
      '--to-offset',
      '99',
      '--dir',
      dir,
    ])
    expect(clamped.code).toBe(0)
    expect(clamped.stderr).toMatch(
      /^New offset \(99\) is higher than latest offset for topic partition t-1\. Value will be set to \d+\n$/,
    )
    await ok([
      'groups',
      '--reset-offsets',
      '--group',
      'g',
      '--topic',
      't:0',
      '--to-offset',
      '1',
      '--dir',
      dir,
    ])
    const after = offsetRows(await ok(['groups', '--describe', '--group', 'g', '--dir', dir]))
    expect(after[0]).toMatch(/^t-0 1 /)
    // The consumer resumes from the reset offsets.
    const resumed = await ok(['consume', '--topic', 't', '--group', 'g', '--dir', dir])
    expect(lines(resumed)).toHaveLength(Number(after[0]?.split(' ')[2]) - 1)
  })

  it('refuses to reset offsets while another process holds the directory, naming it; describe says where members run', async () => {
    const dir = await consumedGroup()
    const writer = new Broker({ storage: fileStorage({ directory: dir, fsync: 'always' }) })
    try {
      const refused = await cli([
        'groups',
        '--reset-offsets',
        '--group',
        'g',
        '--topic',
        't',
        '--to-earliest',
        '--dir',
        dir,
      ])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(
        new RegExp(
          `^error: cannot reset offsets of group g while its members may be running: .* is locked by process ${process.pid} \\(since [^)]+\\)`,
        ),
      )
      const described = await ok(['groups', '--describe', '--group', 'g', '--dir', dir])
      expect(lines(described)[0]).toBe(
        `Consumer group 'g': its members, if any, run in process ${process.pid}, which holds ${dir}; shown are the offsets committed so far.`,
      )
      expect(offsetRows(described)).toHaveLength(2)
    } finally {
      await writer.close()
    }
  })
})
