/**
 * `kafkalite topics`: Kafka's kafka-topics.sh on a data directory.
 *
 * Behavior (differences from kafka-topics.sh):
 * - There is one broker and one replica: `--replication-factor` accepts only 1, and describe shows
 *   each partition's log start, log end and size instead of leader, replicas and ISR.
 * - `--delete` and `--alter` print a confirmation line; Kafka's tool prints nothing.
 */
import type { Command } from 'commander'
import type { Broker } from '../engine/index.js'
import { keyValuePairs, positiveInteger } from './arguments.js'
import type { CliContext } from './context.js'
import { openReadOnly, openWriter } from './directory.js'
import { LineOutput } from './output.js'
import { addDirectoryOption, exactlyOneAction, usageError } from './program-helpers.js'

interface TopicsOptions {
  readonly dir: string
  readonly list?: true
  readonly describe?: true
  readonly create?: true
  readonly delete?: true
  readonly alter?: true
  readonly topic?: string
  readonly partitions?: number
  readonly replicationFactor?: number
  readonly config?: readonly (readonly [string, string])[]
  readonly ifNotExists?: true
  readonly ifExists?: true
  readonly excludeInternal?: true
}

const ACTIONS = ['list', 'describe', 'create', 'delete', 'alter'] as const

/** Adds `topics` to the program. */
export function addTopicsCommand(program: Command, context: CliContext): void {
  const command = program
    .command('topics')
    .description('list, describe, create, delete and grow topics (kafka-topics.sh)')
    .option('--list', 'list topic names, one per line')
    .option('--describe', 'describe every topic, or the one --topic names')
    .option('--create', 'create --topic with --partitions and --config')
    .option('--delete', 'delete --topic and its data')
    .option('--alter', 'grow --topic to --partitions partitions')
    .option('--topic <name>', 'the topic')
    .option(
      '--partitions <count>',
      'number of partitions (--create: default 1; --alter: the new, larger count)',
      positiveInteger,
    )
    .option(
      '--replication-factor <count>',
      'accepted for compatibility; only 1 (one broker)',
      positiveInteger,
    )
    .option(
      '--config <key=value>',
      "a topic config (Kafka's keys, e.g. retention.ms=60000); repeatable",
      keyValuePairs,
    )
    .option('--if-not-exists', 'with --create: succeed when the topic exists')
    .option('--if-exists', 'with --delete or --alter: succeed when the topic does not exist')
    .option('--exclude-internal', 'with --list or --describe: leave out internal topics (__consumer_offsets)')
  addDirectoryOption(command)
  command.addHelpText(
    'after',
    `
Examples:
  kafkalite topics --create --topic orders --partitions 3 --config retention.ms=86400000
  kafkalite topics --list
  kafkalite topics --describe --topic orders
  kafkalite topics --alter --topic orders --partitions 6
  kafkalite topics --delete --topic orders`,
  )
  command.action(async () => {
    const options = command.opts<TopicsOptions>()
    const action = exactlyOneAction(command, options, ACTIONS)
    checkUsage(command, action, options)
    const output = new LineOutput(context.stdout)
    if (action === 'list' || action === 'describe') {
      const broker = openReadOnly({ directory: options.dir, context })
      try {
        if (action === 'list') list(broker, options, output)
        else describe(broker, options, output)
      } finally {
        await broker.close()
      }
    } else {
      const broker = openWriter({
        directory: options.dir,
        context,
        purpose: `${action} topic ${options.topic}`,
        create: action === 'create',
      })
      try {
        change(broker, action, options, output, context)
        await broker.flush()
      } finally {
        await broker.close()
      }
    }
    await output.flush()
  })
}

function checkUsage(command: Command, action: (typeof ACTIONS)[number], options: TopicsOptions): void {
  const needsTopic = action === 'create' || action === 'delete' || action === 'alter'
  if (needsTopic && options.topic === undefined) usageError(command, `--${action} needs --topic`)
  if (action === 'alter' && options.partitions === undefined)
    usageError(command, '--alter needs --partitions')
  if (options.partitions !== undefined && action !== 'create' && action !== 'alter')
    usageError(command, '--partitions goes with --create or --alter')
  if ((options.config !== undefined || options.replicationFactor !== undefined) && action !== 'create')
    usageError(command, '--config and --replication-factor go with --create')
  if (options.replicationFactor !== undefined && options.replicationFactor !== 1)
    usageError(
      command,
      `--replication-factor must be 1: kafkalite is one broker (got ${options.replicationFactor})`,
    )
}

function list(broker: Broker, options: TopicsOptions, output: LineOutput): void {
  for (const name of broker.listTopics({ includeInternal: options.excludeInternal !== true }))
    output.line(name)
}

function describe(broker: Broker, options: TopicsOptions, output: LineOutput): void {
  const names =
    options.topic === undefined
      ? broker.listTopics({ includeInternal: options.excludeInternal !== true })
      : [broker.topic(options.topic).name]
  for (const name of names) {
    const topic = broker.describeTopic(name)
    const configs = Object.entries(topic.entries)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => `${key}=${value}`)
      .join(',')
    output.line(
      `Topic: ${topic.name}\tTopicId: ${topic.topicId}\tPartitionCount: ${topic.partitions.length}\tReplicationFactor: 1\tConfigs: ${configs}`,
    )
    for (const partition of topic.partitions) {
      output.line(
        `\tTopic: ${topic.name}\tPartition: ${partition.partition}\tLogStartOffset: ${partition.logStartOffset}\tLogEndOffset: ${partition.highWatermark}\tSize: ${partition.sizeBytes}`,
      )
    }
  }
}

function change(
  broker: Broker,
  action: 'create' | 'delete' | 'alter',
  options: TopicsOptions,
  output: LineOutput,
  context: CliContext,
): void {
  const name = options.topic as string
  if (action === 'create') {
    if (options.ifNotExists === true && broker.hasTopic(name)) return
    broker.createTopic(name, {
      partitions: options.partitions ?? broker.numPartitions,
      config: Object.fromEntries(options.config ?? []),
    })
    output.line(`Created topic ${name}.`)
    return
  }
  if (options.ifExists === true && !broker.hasTopic(name)) return
  if (action === 'delete') {
    broker.deleteTopic(name)
    output.line(`Deleted topic ${name}.`)
    return
  }
  const partitions = options.partitions as number
  broker.createPartitions(name, partitions)
  context.stderr.write(
    'WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected\n',
  )
  output.line(`Topic ${name} now has ${partitions} partitions.`)
}
