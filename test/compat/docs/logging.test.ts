/**
 * KafkaJS docs: CustomLogger.md and Configuration.md "Logging", against kafkalite/kafkajs.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { Kafka, type LogEntry, logLevel } from '../../../src/kafkajs/index.js'
import { docsCluster } from './helpers.js'

let cluster: ReturnType<typeof docsCluster>
beforeEach(() => {
  cluster = docsCluster()
})
afterEach(() => cluster.cleanup())

function recorder() {
  const creatorCalls: logLevel[] = []
  const entries: LogEntry[] = []
  const MyLogCreator = (level: logLevel) => {
    creatorCalls.push(level)
    return ({ namespace, level, label, log }: LogEntry) => {
      entries.push({ namespace, level, label, log })
    }
  }
  return { creatorCalls, entries, MyLogCreator }
}

it('logCreator receives the log level once, then { namespace, level, label, log } entries', () => {
  const { creatorCalls, entries, MyLogCreator } = recorder()
  const kafka = new Kafka({
    clientId: 'my-app',
    brokers: cluster.test.brokers,
    logLevel: logLevel.INFO,
    logCreator: MyLogCreator,
  })
  expect(creatorCalls).toEqual([logLevel.INFO])

  kafka.logger().info('test', { extra_data: true })
  expect(entries).toHaveLength(1)
  const entry = entries[0]!
  expect(entry).toMatchObject({ level: 4, label: 'INFO' })
  expect(entry.log).toEqual({
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    logger: 'kafkajs',
    message: 'test',
    extra_data: true,
  })
  // KafkaJS src/loggers/index.js: the root logger is created with no namespace
  expect(entry.namespace).toBeUndefined()
})

it('winston-style creator: labels map ERROR/WARN/INFO/DEBUG, levels 1/2/4/5', () => {
  const { entries, MyLogCreator } = recorder()
  const kafka = new Kafka({
    clientId: 'my-app',
    brokers: cluster.test.brokers,
    logLevel: logLevel.DEBUG,
    logCreator: MyLogCreator,
  })
  const logger = kafka.logger()
  logger.error('e')
  logger.warn('w')
  logger.info('i')
  logger.debug('d')
  expect(entries.map(({ level, label, log }) => [level, label, log.message])).toEqual([
    [1, 'ERROR', 'e'],
    [2, 'WARN', 'w'],
    [4, 'INFO', 'i'],
    [5, 'DEBUG', 'd'],
  ])
})

it('logLevel ERROR filters INFO/WARN/DEBUG entries before the log function', () => {
  const { entries, MyLogCreator } = recorder()
  const kafka = new Kafka({
    clientId: 'my-app',
    brokers: cluster.test.brokers,
    logLevel: logLevel.ERROR,
    logCreator: MyLogCreator,
  })
  kafka.logger().info('no')
  kafka.logger().warn('no')
  kafka.logger().debug('no')
  kafka.logger().error('yes')
  expect(entries.map((e) => e.log.message)).toEqual(['yes'])
})

it('consumer/producer/admin logger() are namespaced Consumer/Producer/Admin', () => {
  const { entries, MyLogCreator } = recorder()
  const kafka = new Kafka({ clientId: 'my-app', brokers: cluster.test.brokers, logCreator: MyLogCreator })
  kafka.consumer({ groupId: 'g' }).logger().info('from consumer')
  kafka
    .producer({ createPartitioner: () => () => 0 })
    .logger()
    .info('from producer')
  kafka.admin().logger().info('from admin')
  expect(entries.map((e) => [e.namespace, e.log.message])).toEqual([
    ['Consumer', 'from consumer'],
    ['Producer', 'from producer'],
    ['Admin', 'from admin'],
  ])
})

it('setLogLevel: the documented per-client calls change one shared level (as in KafkaJS)', () => {
  const { entries, MyLogCreator } = recorder()
  const kafka = new Kafka({
    clientId: 'my-app',
    brokers: cluster.test.brokers,
    logLevel: logLevel.ERROR,
    logCreator: MyLogCreator,
  })
  kafka.logger().setLogLevel(logLevel.WARN)
  const producer = kafka.producer({ createPartitioner: () => () => 0 })
  const consumer = kafka.consumer({ groupId: 'g' })
  const admin = kafka.admin()

  producer.logger().setLogLevel(logLevel.INFO)
  producer.logger().info('producer info at INFO')
  consumer.logger().setLogLevel(logLevel.DEBUG)
  consumer.logger().debug('consumer debug at DEBUG')
  // KafkaJS src/loggers/index.js: setLogLevel assigns the root's `logLevel` whatever the
  // namespace, so the last call (NOTHING) silences every client, not only the admin
  admin.logger().setLogLevel(logLevel.NOTHING)
  admin.logger().error('admin error at NOTHING')
  consumer.logger().error('consumer error at NOTHING')
  kafka.logger().error('root error at NOTHING')
  expect(entries.map((e) => e.log.message)).toEqual(['producer info at INFO', 'consumer debug at DEBUG'])
})

it('default logger: JSON on the console with level label, logger, timestamp and namespaced message', () => {
  const info = vi.spyOn(console, 'info').mockImplementation(() => {})
  try {
    const kafka = new Kafka({ clientId: 'my-app', brokers: cluster.test.brokers })
    kafka.logger().info('Started', { extra: 1 })
    kafka.consumer({ groupId: 'g' }).logger().info('Joined')
    expect(info).toHaveBeenCalledTimes(2)
    const first = JSON.parse(String(info.mock.calls[0]![0]))
    expect(first).toEqual({
      level: 'INFO',
      timestamp: expect.any(String),
      logger: 'kafkajs',
      message: 'Started',
      extra: 1,
    })
    expect(JSON.parse(String(info.mock.calls[1]![0])).message).toBe('[Consumer] Joined')
  } finally {
    info.mockRestore()
  }
})

// Configuration.md: KAFKAJS_LOG_LEVEL has precedence over the configured level (KafkaJS
// src/loggers/index.js evaluateLogLevel reads process.env.KAFKAJS_LOG_LEVEL).
it('KAFKAJS_LOG_LEVEL=info overrides logLevel: ERROR', () => {
  const { creatorCalls, entries, MyLogCreator } = recorder()
  process.env.KAFKAJS_LOG_LEVEL = 'info'
  try {
    const kafka = new Kafka({
      clientId: 'my-app',
      brokers: cluster.test.brokers,
      logLevel: logLevel.ERROR,
      logCreator: MyLogCreator,
    })
    kafka.logger().info('shown')
  } finally {
    delete process.env.KAFKAJS_LOG_LEVEL
  }
  expect(creatorCalls).toEqual([logLevel.INFO])
  expect(entries.map((e) => e.log.message)).toEqual(['shown'])
})
