import { describe, expect, it } from 'vitest'
import { Broker, fileStorage } from '../../src/index.js'
import { cli, dataDirectory, ok } from './helpers.js'

// Each test runs the command line several times, a second or so each on a busy machine.
describe('kafkalite topics', { timeout: 60_000 }, () => {
  it('creates, lists, describes, grows and deletes a topic', async () => {
    const dir = dataDirectory()
    expect(
      await ok([
        'topics',
        '--create',
        '--topic',
        'orders',
        '--partitions',
        '3',
        '--config',
        'retention.ms=60000',
        '--dir',
        dir,
      ]),
    ).toBe('Created topic orders.\n')
    await ok(['topics', '--create', '--topic', 'audit', '--dir', dir])
    expect(await ok(['topics', '--list', '--dir', dir])).toBe('audit\norders\n')

    const described = (await ok(['topics', '--describe', '--topic', 'orders', '--dir', dir])).split('\n')
    expect(described[0]).toMatch(
      /^Topic: orders\tTopicId: \S+\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention\.ms=60000$/,
    )
    expect(described[1]).toBe('\tTopic: orders\tPartition: 0\tLogStartOffset: 0\tLogEndOffset: 0\tSize: 0')
    expect(described.filter((line) => line.startsWith('\tTopic: orders'))).toHaveLength(3)

    const altered = await cli(['topics', '--alter', '--topic', 'orders', '--partitions', '5', '--dir', dir])
    expect(altered).toMatchObject({ code: 0, stdout: 'Topic orders now has 5 partitions.\n' })
    expect(altered.stderr).toMatch(/WARNING: If partitions are increased/)
    expect(await ok(['topics', '--describe', '--dir', dir])).toMatch(/Topic: orders\t.*PartitionCount: 5/)

    expect(await ok(['topics', '--delete', '--topic', 'audit', '--dir', dir])).toBe('Deleted topic audit.\n')
    expect(await ok(['topics', '--list', '--dir', dir])).toBe('orders\n')
  })

  it('honours --if-not-exists and --if-exists', async () => {
    const dir = dataDirectory()
    await ok(['topics', '--create', '--topic', 't', '--dir', dir])
    expect(await cli(['topics', '--create', '--topic', 't', '--if-not-exists', '--dir', dir])).toMatchObject({
      code: 0,
      stdout: '',
    })
    expect(await cli(['topics', '--delete', '--topic', 'gone', '--if-exists', '--dir', dir])).toMatchObject({
      code: 0,
      stdout: '',
    })
  })

  it('fails with one line and exit code 1 on an unknown topic, an existing topic, a bad config and a smaller partition count', async () => {
    const dir = dataDirectory()
    await ok(['topics', '--create', '--topic', 't', '--partitions', '2', '--dir', dir])
    const cases: [string[], string][] = [
      [['topics', '--describe', '--topic', 'nope'], 'error: topic "nope" does not exist\n'],
      [['topics', '--delete', '--topic', 'nope'], 'error: topic "nope" does not exist\n'],
      [['topics', '--create', '--topic', 't'], 'error: topic "t" already exists\n'],
      [
        ['topics', '--create', '--topic', 'x', '--config', 'no.such.key=1'],
        'error: unknown topic config key "no.such.key"\n',
      ],
      [
        ['topics', '--create', '--topic', 'x', '--config', 'retention.ms=soon'],
        'error: invalid value "soon" for config retention.ms: must be an integer\n',
      ],
      [
        ['topics', '--alter', '--topic', 't', '--partitions', '1'],
        'error: topic "t" has 2 partitions; the new count 1 must be larger\n',
      ],
      [
        ['topics', '--create', '--topic', 'bad/name'],
        expect.stringMatching(/^error: .*bad\/name.*\n$/) as unknown as string,
      ],
    ]
    for (const [args, stderr] of cases) {
      expect(await cli([...args, '--dir', dir]), args.join(' ')).toEqual({ code: 1, stdout: '', stderr })
    }
    expect(await ok(['topics', '--list', '--dir', dir])).toBe('t\n')
  })

  it('exits with 2 and a usage message on bad usage', async () => {
    const dir = dataDirectory()
    const cases: [string[], RegExp][] = [
      [['topics'], /error: one of --list, --describe, --create, --delete, --alter is required/],
      [['topics', '--list', '--describe'], /error: only one of .* at a time/],
      [['topics', '--create'], /error: --create needs --topic/],
      [['topics', '--alter', '--topic', 't'], /error: --alter needs --partitions/],
      [['topics', '--list', '--bogus'], /error: unknown option '--bogus'/],
      [
        ['topics', '--create', '--topic', 't', '--partitions'],
        /error: option '--partitions <count>' argument missing/,
      ],
      [['topics', '--create', '--topic', 't', '--partitions', 'zero'], /argument 'zero' is invalid/],
      [['topics', '--create', '--topic', 't', '--config', 'retention.ms'], /Expected key=value/],
      [['topics', '--create', '--topic', 't', '--replication-factor', '3'], /--replication-factor must be 1/],
    ]
    // Usage errors stop before the directory is opened, so the runs need not take turns.
    const results = await Promise.all(
      cases.map(([args]) => cli([args[0] as string, '--dir', dir, ...args.slice(1)])),
    )
    for (const [index, [args, stderr]] of cases.entries()) {
      const result = results[index]!
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr, args.join(' ')).toMatch(stderr)
      expect(result.stdout).toBe('')
    }
  })

  it('lists and describes a directory another process is writing, and refuses changes naming that process', async () => {
    const dir = dataDirectory()
    const writer = new Broker({ storage: fileStorage({ directory: dir, fsync: 'always' }) })
    try {
      writer.createTopic('live', { partitions: 2 })
      expect(await ok(['topics', '--list', '--dir', dir])).toBe('live\n')
      expect(await ok(['topics', '--describe', '--dir', dir])).toMatch(/^Topic: live\t.*PartitionCount: 2/)
      const refused = await cli(['topics', '--create', '--topic', 'other', '--dir', dir])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(
        new RegExp(
          `^error: cannot create topic other: .*data is locked by process ${process.pid} \\(since [^)]+\\), its one writer; stop that process first \\(reading works beside it\\)\\n$`,
        ),
      )
    } finally {
      await writer.close()
    }
    await ok(['topics', '--create', '--topic', 'other', '--dir', dir])
  })

  it('refuses to read a directory that does not exist', async () => {
    const result = await cli(['topics', '--list', '--dir', dataDirectory()])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error: no data directory at .*data \(pass --dir, or create a topic first/)
  })
})
