/**
 * KafkaJS's logger: a root logger built from a `logCreator`, namespaced children, and the default
 * console log creator that prints one JSON object per entry.
 *
 * Behavior:
 * - As in KafkaJS, the `KAFKAJS_LOG_LEVEL` environment variable (a level name, any case) takes
 *   precedence over the configured level, for the root logger and for each namespace, read when
 *   each is created.
 * - As in KafkaJS, entries of the root logger carry `namespace: undefined` (its d.ts says string),
 *   and a namespace given its own level ignores later `setLogLevel` calls.
 */
import { env } from 'node:process'
import { logLevel } from './constants.js'
import type { LogEntry, Logger, logCreator } from './types.js'

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** The root level; default `logLevel.INFO`. */
  readonly level?: logLevel
  /** Builds the log function; default {@link consoleLogCreator}. */
  readonly logCreator?: logCreator
  /** Milliseconds since the epoch for entry timestamps; default `Date.now` looked up at call time. */
  readonly now?: () => number
}

const labels = Object.freeze({
  [logLevel.ERROR]: 'ERROR',
  [logLevel.WARN]: 'WARN',
  [logLevel.INFO]: 'INFO',
  [logLevel.DEBUG]: 'DEBUG',
} as const)

type EntryLevel = keyof typeof labels

/**
 * Creates a root logger. `logCreator(level)` is called once, here. `setLogLevel` on the root or on
 * any namespace changes the root level, which every namespace without its own level follows.
 * An entry is emitted when its level is at most the current level; its `log` is
 * `{ timestamp, logger: 'kafkajs', message, ...extra }` (extra fields may override the first three).
 * @example
 * const logger = createLogger({ level: logLevel.DEBUG })
 * logger.namespace('Producer').info('connected', { clientId: 'app' })
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const now = options.now ?? (() => Date.now())
  const root = { level: levelFromEnvironment() ?? options.level ?? logLevel.INFO }
  const write = (options.logCreator ?? consoleLogCreator)(root.level)

  const build = (namespace: string | undefined, ownLevel: logLevel | undefined): Logger => {
    const emit = (level: EntryLevel, message: string, extra: object | undefined): void => {
      if (level > (ownLevel ?? root.level)) return
      const log = Object.assign(
        { timestamp: new Date(now()).toISOString(), logger: 'kafkajs', message },
        extra,
      )
      // KafkaJS passes the root's undefined namespace through; LogEntry declares it a string.
      write({ namespace: namespace as string, level, label: labels[level], log })
    }
    return {
      info: (message, extra) => emit(logLevel.INFO, message, extra),
      error: (message, extra) => emit(logLevel.ERROR, message, extra),
      warn: (message, extra) => emit(logLevel.WARN, message, extra),
      debug: (message, extra) => emit(logLevel.DEBUG, message, extra),
      namespace: (name, level) => build(name, levelFromEnvironment() ?? level),
      setLogLevel: (level) => {
        root.level = level
      },
    }
  }
  return build(undefined, undefined)
}

/**
 * KafkaJS's default log creator: prints
 * `JSON.stringify({ level: label, ...log, message: '[Namespace] message' })` with `console.info`,
 * `console.error`, `console.warn` or `console.log` (for DEBUG), looked up at call time.
 */
export const consoleLogCreator: logCreator = () => (entry: LogEntry) => {
  const prefix = entry.namespace ? `[${entry.namespace}] ` : ''
  const line = JSON.stringify(
    Object.assign({ level: entry.label }, entry.log, { message: `${prefix}${entry.log.message}` }),
  )
  switch (entry.level) {
    case logLevel.INFO:
      return console.info(line)
    case logLevel.ERROR:
      return console.error(line)
    case logLevel.WARN:
      return console.warn(line)
    case logLevel.DEBUG:
      return console.log(line)
    default:
      return undefined
  }
}

/** The level `KAFKAJS_LOG_LEVEL` names, or undefined when it is unset or names no level. */
function levelFromEnvironment(): logLevel | undefined {
  return parseLogLevel(env.KAFKAJS_LOG_LEVEL)
}

/**
 * The level named by `name`, case-insensitively (`'debug'` → `logLevel.DEBUG`), or undefined: the
 * rule KafkaJS applies to `KAFKAJS_LOG_LEVEL`, for callers that choose to read it.
 */
export function parseLogLevel(name: string | undefined): logLevel | undefined {
  const key = (name ?? '').toUpperCase()
  return Object.hasOwn(logLevel, key) ? logLevel[key as keyof typeof logLevel] : undefined
}
