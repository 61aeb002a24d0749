import { createRequire } from 'node:module'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { logLevel } from '../../src/kafkajs/constants.js'
import { consoleLogCreator, createLogger, parseLogLevel } from '../../src/kafkajs/logger.js'
import type { LogEntry, logCreator } from '../../src/kafkajs/types.js'

const require = createRequire(import.meta.url)
const kafkajsLoggers = require('kafkajs/src/loggers/index.js') as {
  createLogger(options: { level?: number; logCreator: logCreator }): ReturnType<typeof createLogger>
}
const kafkajsConsole = require('kafkajs/src/loggers/console.js') as logCreator

const fixedNow = Date.parse('2024-05-06T07:08:09.010Z')

function recording(): { entries: LogEntry[]; creator: logCreator; levels: number[] } {
  const entries: LogEntry[] = []
  const levels: number[] = []
  return {
    entries,
    levels,
    creator: (level) => {
      levels.push(level)
      return (entry) => entries.push(entry)
    },
  }
}

afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

describe('createLogger', () => {
  it('calls logCreator once with the initial level and emits KafkaJS-shaped entries', () => {
    const { entries, creator, levels } = recording()
    const logger = createLogger({ level: logLevel.DEBUG, logCreator: creator, now: () => fixedNow })
    logger.namespace('Producer').info('connected', { clientId: 'app' })
    logger.debug('root message')
    expect(levels).toEqual([logLevel.DEBUG])
    expect(entries).toEqual([
      {
        namespace: 'Producer',
        level: logLevel.INFO,
        label: 'INFO',
        log: {
          timestamp: '2024-05-06T07:08:09.010Z',
          logger: 'kafkajs',
          message: 'connected',
          clientId: 'app',
        },
      },
      {
        namespace: undefined,
        level: logLevel.DEBUG,
        label: 'DEBUG',
        log: { timestamp: '2024-05-06T07:08:09.010Z', logger: 'kafkajs', message: 'root message' },
      },
    ])
  })

  it('produces the same entries as kafkajs for the same calls', () => {
    vi.useFakeTimers({ now: fixedNow })
    const mine = recording()
    const theirs = recording()
    for (const logger of [
      createLogger({ level: logLevel.WARN, logCreator: mine.creator }),
      kafkajsLoggers.createLogger({ level: logLevel.WARN, logCreator: theirs.creator }),
    ]) {
      logger.error('e1', { extra: true })
      logger.warn('w1')
      logger.info('dropped')
      logger.namespace('Consumer').error('e2', { message: 'overridden', timestamp: 'custom' })
      logger.namespace('Admin', logLevel.DEBUG).debug('d1')
      logger.setLogLevel(logLevel.NOTHING)
      logger.error('silenced')
      logger.namespace('Admin', logLevel.ERROR).error('kept by its own level')
    }
    expect(mine.levels).toEqual(theirs.levels)
    expect(mine.entries).toEqual(theirs.entries)
    expect(mine.entries).toHaveLength(5)
  })

  it('lets setLogLevel on a namespace change the root level', () => {
    const { entries, creator } = recording()
    const logger = createLogger({ level: logLevel.INFO, logCreator: creator })
    const consumer = logger.namespace('Consumer')
    consumer.debug('hidden')
    consumer.setLogLevel(logLevel.DEBUG)
    logger.debug('shown at root')
    consumer.debug('shown in namespace')
    logger.namespace('Pinned', logLevel.ERROR).info('hidden by own level')
    expect(entries.map((entry) => entry.log.message)).toEqual(['shown at root', 'shown in namespace'])
  })

  it('defaults to INFO', () => {
    const { entries, creator } = recording()
    const logger = createLogger({ logCreator: creator })
    logger.debug('hidden')
    logger.info('shown')
    expect(entries.map((entry) => entry.label)).toEqual(['INFO'])
  })
})

describe('consoleLogCreator', () => {
  it('prints the same JSON lines through the same console methods as kafkajs', () => {
    const spies = {
      info: vi.spyOn(console, 'info').mockImplementation(() => undefined),
      error: vi.spyOn(console, 'error').mockImplementation(() => undefined),
      warn: vi.spyOn(console, 'warn').mockImplementation(() => undefined),
      log: vi.spyOn(console, 'log').mockImplementation(() => undefined),
    }
    const entries: LogEntry[] = [
      {
        namespace: 'Producer',
        level: 4,
        label: 'INFO',
        log: { timestamp: 't', message: 'm', logger: 'kafkajs' },
      },
      { namespace: '', level: 1, label: 'ERROR', log: { timestamp: 't', message: 'boom', stack: 's' } },
      { namespace: 'Consumer', level: 2, label: 'WARN', log: { timestamp: 't', message: 'careful' } },
      { namespace: 'Admin', level: 5, label: 'DEBUG', log: { timestamp: 't', message: 'detail' } },
    ]
    const print = (creator: logCreator) => {
      const write = creator(logLevel.DEBUG)
      for (const entry of entries) write(entry)
      const calls = Object.fromEntries(
        Object.entries(spies).map(([name, spy]) => [name, spy.mock.calls.slice()]),
      )
      for (const spy of Object.values(spies)) spy.mockClear()
      return calls
    }
    const mine = print(consoleLogCreator)
    expect(mine).toEqual(print(kafkajsConsole))
    expect(mine.info).toEqual([
      ['{"level":"INFO","timestamp":"t","message":"[Producer] m","logger":"kafkajs"}'],
    ])
    expect(mine.log).toHaveLength(1)
  })
})

describe('parseLogLevel', () => {
  it('reads level names case-insensitively and rejects others', () => {
    expect(parseLogLevel('debug')).toBe(logLevel.DEBUG)
    expect(parseLogLevel('NOTHING')).toBe(logLevel.NOTHING)
    expect(parseLogLevel('verbose')).toBeUndefined()
    expect(parseLogLevel(undefined)).toBeUndefined()
    expect(parseLogLevel('constructor')).toBeUndefined()
  })
})
