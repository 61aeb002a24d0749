import { describe, expect, it } from 'vitest'
import { Broker, fileStorage } from '../../src/index.js'
import { cli, dataDirectory, finished, jsonRecords, ok, spawnCli, until } from './helpers.js'

async function topic(partitions = 1): Promise<string> {
  const dir = dataDirectory()
  await ok(['topics', '--create', '--topic', 't', '--partitions', String(partitions), '--dir', dir])
  return dir
}

async function everything(dir: string): Promise<Record<string, unknown>[]> {
  return jsonRecords(
    await ok(['consume', '--topic', 't', '--from-beginning', '--format', 'json', '--dir', dir]),
  )
}

// Each test runs the command line several times, a second or so each on a busy machine.
describe('kafkalite produce', { timeout: 60_000 }, () => {
  it('appends one record per line, keeping empty lines, dropping \\r of \\r\\n, and taking a last line without a newline', async () => {
    const dir = await topic()
    expect(await cli(['produce', '--topic', 't', '--dir', dir], 'one\r\n\nthree\nfour')).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    })
    const records = await everything(dir)
    expect(records.map((record) => [record.offset, record.key, record.value])).toEqual([
      [0, null, 'one'],
      [1, null, ''],
      [2, null, 'three'],
      [3, null, 'four'],
    ])
  })

  it('splits keys at the first --key-separator and adds --header to every record', async () => {
    const dir = await topic()
    await ok(
      [
        'produce',
        '--topic',
        't',
        '--key-separator',
        '::',
        '--header',
        'source=cli',
        '--header',
        'tag=a',
        '--header',
        'tag=b',
        '--dir',
        dir,
      ],
      'alice::{"n":1}\nbob::x::y\n',
    )
    const records = await everything(dir)
    expect(records.map(({ key, value, headers }) => ({ key, value, headers }))).toEqual([
      { key: 'alice', value: '{"n":1}', headers: { source: 'cli', tag: ['a', 'b'] } },
      { key: 'bob', value: 'x::y', headers: { source: 'cli', tag: ['a', 'b'] } },
    ])
  })

  it('stops at a line without the key separator, naming the line, and appends nothing of its chunk', async () => {
    const dir = await topic()
    const result = await cli(
      ['produce', '--topic', 't', '--key-separator', ':', '--dir', dir],
      'a:1\nno separator\nc:3\n',
    )
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: line 2 has no key separator ":" (0 records were produced before it)\n',
    })
    expect(await everything(dir)).toEqual([])
  })

  it('fails on an unknown topic, an internal topic and a directory another process writes', async () => {
    const dir = await topic()
    expect(await cli(['produce', '--topic', 'nope', '--dir', dir], 'x\n')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: topic "nope" does not exist\n',
    })
    await ok(['consume', '--topic', 't', '--group', 'g', '--dir', dir])
    expect((await cli(['produce', '--topic', '__consumer_offsets', '--dir', dir], 'x\n')).stderr).toBe(
      'error: cannot produce to internal topic __consumer_offsets\n',
    )
    const writer = new Broker({ storage: fileStorage({ directory: dir, fsync: 'always' }) })
    try {
      const refused = await cli(['produce', '--topic', 't', '--dir', dir], 'x\n')
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(
        new RegExp(`^error: cannot produce to topic t: .* is locked by process ${process.pid} `),
      )
    } finally {
      await writer.close()
    }
  })

  it('exits with 2 without --topic or with an empty --key-separator', async () => {
    const dir = await topic()
    const [noTopic, emptySeparator] = await Promise.all([
      cli(['produce', '--dir', dir]),
      cli(['produce', '--topic', 't', '--key-separator', '', '--dir', dir]),
    ])
    expect(noTopic.code).toBe(2)
    expect(noTopic.stderr).toMatch(/error: required option '--topic <name>' not specified/)
    expect(emptySeparator.code).toBe(2)
    expect(emptySeparator.stderr).toMatch(/error: --key-separator must not be empty/)
  })

  it('spreads keyless lines over partitions and keeps a key on one partition', async () => {
    const dir = await topic(3)
    const input = Array.from({ length: 30 }, (_, index) => `same:${index}`).join('\n')
    await ok(['produce', '--topic', 't', '--key-separator', ':', '--dir', dir], input)
    await ok(
      ['produce', '--topic', 't', '--dir', dir],
      Array.from({ length: 30 }, (_, index) => `v${index}`).join('\n'),
    )
    const records = await everything(dir)
    const keyed = new Set(records.filter((record) => record.key === 'same').map((record) => record.partition))
    const keyless = new Set(records.filter((record) => record.key === null).map((record) => record.partition))
    expect(keyed.size).toBe(1)
    expect(keyless.size).toBe(3)
  })

  it('appends lines as they arrive and, on SIGINT, stops cleanly: what was read stays, the lock is released', async () => {
    const dir = await topic()
    const producer = spawnCli(['produce', '--topic', 't', '--dir', dir])
    producer.stdin.write('typed before Ctrl-C\n')
    const endOffset = () => {
      const reader = new Broker({ storage: fileStorage({ directory: dir, fsync: 'always', readOnly: true }) })
      const end = reader.log('t', 0).highWatermark
      void reader.close()
      return end
    }
    await until(() => endOffset() === 1)
    const exited = finished(producer)
    producer.kill('SIGINT')
    expect(await exited).toEqual({ code: 0, stdout: '', stderr: '' })
    expect((await everything(dir)).map((record) => record.value)).toEqual(['typed before Ctrl-C'])
    await ok(['produce', '--topic', 't', '--dir', dir], 'after\n')
  })
})
