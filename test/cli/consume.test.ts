import { describe, expect, it } from 'vitest'
import { Broker, fileStorage } from '../../src/index.js'
import { toStoredRecord } from '../../src/kafkajs/convert.js'
import { cli, dataDirectory, finished, jsonRecords, lines, ok, spawnCli, until } from './helpers.js'

async function topicWith(values: string[], partitions = 1): Promise<string> {
  const dir = dataDirectory()
  await ok(['topics', '--create', '--topic', 't', '--partitions', String(partitions), '--dir', dir])
  if (values.length > 0)
    await ok(['produce', '--topic', 't', '--key-separator', ':', '--dir', dir], values.join('\n'))
  return dir
}

function writerOn(dir: string): Broker {
  return new Broker({ storage: fileStorage({ directory: dir, fsync: 'always' }) })
}

function append(broker: Broker, partition: number, ...values: string[]): void {
  const nowMs = Date.now()
  broker.append('t', partition, {
    records: values.map((value, index) => toStoredRecord({ value }, index, nowMs)),
  })
}

// Each test runs the command line several times, a second or so each on a busy machine.
describe('kafkalite consume', { timeout: 60_000 }, () => {
  it('round-trips records through pipes: produce reads stdin, consume writes stdout, and one pipes into the other', async () => {
    const dir = dataDirectory()
    await ok(['topics', '--create', '--topic', 't', '--partitions', '2', '--dir', dir])
    await ok(['topics', '--create', '--topic', 'copy', '--partitions', '2', '--dir', dir])
    const input = ['alice\tone', 'bob\ttwo', 'carol\tthree', 'alice\tfour']
    await ok(['produce', '--topic', 't', '--key-separator', '\t', '--dir', dir], `${input.join('\n')}\n`)

    // consume | produce: copies topic t, keys and all, into topic copy.
    const consumer = spawnCli(['consume', '--topic', 't', '--from-beginning', '--print-key', '--dir', dir])
    const producer = spawnCli(['produce', '--topic', 'copy', '--key-separator', '\t', '--dir', dir])
    consumer.stdout.pipe(producer.stdin)
    const [consumed, produced] = await Promise.all([finished(consumer), finished(producer)])
    expect(consumed.code).toBe(0)
    expect(consumed.stderr).toBe('Processed a total of 4 messages\n')
    expect(produced).toEqual({ code: 0, stdout: '', stderr: '' })

    const copied = await ok([
      'consume',
      '--topic',
      'copy',
      '--from-beginning',
      '--print-key',
      '--print-partition',
      '--dir',
      dir,
    ])
    const original = await ok([
      'consume',
      '--topic',
      't',
      '--from-beginning',
      '--print-key',
      '--print-partition',
      '--dir',
      dir,
    ])
    expect(lines(copied).sort()).toEqual(lines(original).sort())
    expect(
      lines(original)
        .map((line) => line.split('\t').slice(1).join('\t'))
        .sort(),
    ).toEqual([...input].sort())
    // A key stays on one partition, in order.
    const alice = lines(original).filter((line) => line.includes('\talice\t'))
    expect(alice.map((line) => line.split('\t')[2])).toEqual(['one', 'four'])
    expect(new Set(alice.map((line) => line.split('\t')[0])).size).toBe(1)
  })

  it('prints the fields asked for, in the order of Kafka’s console consumer, and everything as JSON', async () => {
    const dir = await topicWith([])
    await ok(
      ['produce', '--topic', 't', '--key-separator', ':', '--header', 'h=v', '--dir', dir],
      'k:value\n',
    )
    await ok(['produce', '--topic', 't', '--dir', dir], 'keyless\n')
    const text = await ok([
      'consume',
      '--topic',
      't',
      '--from-beginning',
      ...['--print-timestamp', '--print-partition', '--print-offset', '--print-headers', '--print-key'],
      '--dir',
      dir,
    ])
    expect(lines(text)).toEqual([
      expect.stringMatching(/^CreateTime:\d{13}\tPartition:0\tOffset:0\th:v\tk\tvalue$/),
      expect.stringMatching(/^CreateTime:\d{13}\tPartition:0\tOffset:1\tNO_HEADERS\tnull\tkeyless$/),
    ])
    expect(await ok(['consume', '--topic', 't', '--from-beginning', '--dir', dir])).toBe('value\nkeyless\n')
    expect(
      jsonRecords(
        await ok(['consume', '--topic', 't', '--from-beginning', '--format', 'json', '--dir', dir]),
      ),
    ).toEqual([
      {
        topic: 't',
        partition: 0,
        offset: 0,
        timestamp: expect.any(Number),
        timestampType: 'CreateTime',
        key: 'k',
        value: 'value',
        headers: { h: 'v' },
      },
      expect.objectContaining({ offset: 1, key: null, value: 'keyless', headers: {} }),
    ])
  })

  it('starts at the end by default, at --offset of --partition when given, and stops after --max-messages', async () => {
    const dir = await topicWith(['a:0', 'a:1', 'a:2', 'a:3', 'a:4'])
    expect(await cli(['consume', '--topic', 't', '--dir', dir])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'Processed a total of 0 messages\n',
    })
    expect(await ok(['consume', '--topic', 't', '--partition', '0', '--offset', '3', '--dir', dir])).toBe(
      '3\n4\n',
    )
    expect(
      await ok([
        'consume',
        '--topic',
        't',
        '--partition',
        '0',
        '--offset',
        'earliest',
        '--max-messages',
        '2',
        '--dir',
        dir,
      ]),
    ).toBe('0\n1\n')
    expect(
      await ok(['consume', '--topic', 't', '--partition', '0', '--offset', 'latest', '--dir', dir]),
    ).toBe('')
  })

  it('fails with one line on an unknown topic, a bad partition and an offset outside the log', async () => {
    const dir = await topicWith(['a:0'])
    const [unknown, partition, offset] = await Promise.all([
      cli(['consume', '--topic', 'nope', '--dir', dir]),
      cli(['consume', '--topic', 't', '--partition', '4', '--dir', dir]),
      cli(['consume', '--topic', 't', '--partition', '0', '--offset', '9', '--dir', dir]),
    ])
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'error: topic "nope" does not exist\n' })
    expect(partition).toEqual({ code: 1, stdout: '', stderr: 'error: topic "t" has no partition 4\n' })
    expect(offset).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: offset 9 is out of range for t-0: valid offsets are 0..1\n',
    })
  })

  it('exits with 2 on options that do not go together, as Kafka’s console consumer does', async () => {
    const dir = await topicWith([])
    const cases: [string[], RegExp][] = [
      [['--offset', '1'], /--offset needs --partition/],
      [
        ['--partition', '0', '--offset', '1', '--from-beginning'],
        /--from-beginning and --offset cannot be used together/,
      ],
      [['--group', 'g', '--partition', '0'], /--group and --partition cannot be used together/],
      [
        ['--group', 'g', '--follow'],
        /--group and --follow cannot be used together: committing needs the writer lock/,
      ],
      [['--format', 'xml'], /argument 'xml' is invalid. Expected one of text, json/],
      [['--max-messages', '0'], /argument '0' is invalid. Expected an integer ≥ 1/],
    ]
    const results = await Promise.all(
      cases.map(([args]) => cli(['consume', '--topic', 't', '--dir', dir, ...args])),
    )
    for (const [index, [args, message]] of cases.entries()) {
      expect(results[index]?.code, args.join(' ')).toBe(2)
      expect(results[index]?.stderr, args.join(' ')).toMatch(message)
    }
  })

  it('with --group, resumes from the committed offsets and commits what it printed', async () => {
    const dir = await topicWith(['a:0', 'b:1', 'c:2', 'd:3'], 2)
    const first = await ok([
      'consume',
      '--topic',
      't',
      '--group',
      'g',
      '--from-beginning',
      '--max-messages',
      '3',
      '--dir',
      dir,
    ])
    const second = await ok(['consume', '--topic', 't', '--group', 'g', '--from-beginning', '--dir', dir])
    expect(lines(first)).toHaveLength(3)
    expect([...lines(first), ...lines(second)].sort()).toEqual(['0', '1', '2', '3'])
    expect(await ok(['consume', '--topic', 't', '--group', 'g', '--from-beginning', '--dir', dir])).toBe('')
    const described = await ok(['groups', '--describe', '--group', 'g', '--dir', dir])
    expect(described).toMatch(/^g +t +0 +\d+ +\d+ +0 /m)
    expect(described).toMatch(/^g +t +1 +\d+ +\d+ +0 /m)
    // Without --from-beginning a new group starts at the end, and commits that position.
    expect(await ok(['consume', '--topic', 't', '--group', 'late', '--dir', dir])).toBe('')
    expect(await ok(['groups', '--list', '--dir', dir])).toBe('g\nlate\n')
  })

  it('reads a directory another process is writing, but refuses --group there, naming the process', async () => {
    const dir = await topicWith(['a:before'])
    const writer = writerOn(dir)
    try {
      append(writer, 0, 'while locked')
      await writer.flush()
      expect(await ok(['consume', '--topic', 't', '--from-beginning', '--dir', dir])).toBe(
        'before\nwhile locked\n',
      )
      const refused = await cli(['consume', '--topic', 't', '--group', 'g', '--dir', dir])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(
        new RegExp(
          `^error: cannot consume as group g \\(it commits offsets\\): .* is locked by process ${process.pid} `,
        ),
      )
    } finally {
      await writer.close()
    }
  })

  it('--follow prints what another process appends, including to new partitions, and stops cleanly on SIGINT', async () => {
    const dir = await topicWith(['a:old'])
    const writer = writerOn(dir)
    const follower = spawnCli([
      ...[
        'consume',
        '--topic',
        't',
        '--from-beginning',
        '--follow',
        '--poll-interval-ms',
        '50',
        '--print-partition',
      ],
      ...['--dir', dir],
    ])
    let stdout = ''
    follower.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
    try {
      await until(() => stdout.includes('old'))
      append(writer, 0, 'new 1', 'new 2')
      await writer.flush()
      await until(() => stdout.includes('new 2'))
      writer.createPartitions('t', 2)
      append(writer, 1, 'on partition 1')
      await writer.flush()
      await until(() => stdout.includes('on partition 1'))
    } finally {
      await writer.close()
    }
    const exited = finished(follower)
    follower.kill('SIGINT')
    const result = await exited
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('Processed a total of 4 messages\n')
    expect(stdout).toBe(
      'Partition:0\told\nPartition:0\tnew 1\nPartition:0\tnew 2\nPartition:1\ton partition 1\n',
    )
  })

  it('--follow with --timeout-ms stops by itself when nothing arrives', async () => {
    const dir = await topicWith(['a:x'])
    const result = await cli([
      'consume',
      '--topic',
      't',
      '--from-beginning',
      '--follow',
      '--timeout-ms',
      '300',
      '--poll-interval-ms',
      '50',
      '--dir',
      dir,
    ])
    expect(result).toEqual({ code: 0, stdout: 'x\n', stderr: 'Processed a total of 1 messages\n' })
  })
})
