/**
 * `kafkalite groups`: Kafka's kafka-consumer-groups.sh on a data directory.
 *
 * Behavior:
 * - A group's members live in the process that runs its consumers; what the directory keeps is
 *   the committed offsets. `--describe` opens the directory read-only and shows those offsets with
 *   the log end and lag. When a live process holds the directory, the group's members (if any)
 *   run there and cannot be listed from outside: describe says so and names the process; when
 *   none holds it, no member can be running, and describe says the group has no active members.
 * - `--reset-offsets` applies the change unless `--dry-run` is given (Kafka's tool only shows the
 *   plan unless `--execute` is given; `--execute` is accepted). As Kafka, it is refused while the
 *   group may have running members: here, while another live process holds the directory (named
 *   in the message). `--to-offset` is clamped to the log, with a warning, as Kafka does.
 */
import type { Command } from 'commander'
import { KafkaliteError } from '../common/errors.js'
import type { Broker } from '../engine/index.js'
import { nonNegativeInteger } from './arguments.js'
import type { CliContext } from './context.js'
import { lockHolder, openReadOnly, openWriter } from './directory.js'
import { tableLines } from './format.js'
import { LineOutput } from './output.js'
import { addDirectoryOption, exactlyOneAction, usageError } from './program-helpers.js'

interface GroupsOptions {
  readonly dir: string
  readonly list?: true
  readonly describe?: true
  readonly resetOffsets?: true
  readonly group?: string
  readonly topic?: string
  readonly toEarliest?: true
  readonly toLatest?: true
  readonly toOffset?: number
  readonly dryRun?: true
  readonly execute?: true
}

const ACTIONS = ['list', 'describe', 'reset-offsets'] as const
const TARGETS = ['to-earliest', 'to-latest', 'to-offset'] as const

/** Adds `groups` to the program. */
export function addGroupsCommand(program: Command, context: CliContext): void {
  const command = program
    .command('groups')
    .description('list and describe consumer groups, reset their offsets (kafka-consumer-groups.sh)')
    .option('--list', 'list group ids, one per line')
    .option('--describe', 'show --group: committed offset, log end and lag per partition')
    .option('--reset-offsets', "move --group's committed offsets on --topic")
    .option('--group <id>', 'the group')
    .option('--topic <topic[:partitions]>', 'with --reset-offsets: a topic, or topic:0,2 for some partitions')
    .option('--to-earliest', 'reset to the log start')
    .option('--to-latest', 'reset to the log end')
    .option('--to-offset <offset>', 'reset to this offset (clamped to the log)', nonNegativeInteger)
    .option('--dry-run', 'show the new offsets without committing them')
    .option('--execute', 'commit the new offsets (the default; accepted for Kafka compatibility)')
  addDirectoryOption(command)
  command.addHelpText(
    'after',
    `
Examples:
  kafkalite groups --list
  kafkalite groups --describe --group billing
  kafkalite groups --reset-offsets --group billing --topic orders --to-earliest
  kafkalite groups --reset-offsets --group billing --topic orders:0 --to-offset 42 --dry-run`,
  )
  command.action(async () => {
    const options = command.opts<GroupsOptions>()
    const action = exactlyOneAction(command, options, ACTIONS)
    if (action !== 'list' && options.group === undefined) usageError(command, `--${action} needs --group`)
    const output = new LineOutput(context.stdout)
    if (action === 'reset-offsets') await resetOffsets(command, options, output, context)
    else {
      const broker = openReadOnly({ directory: options.dir, context })
      try {
        if (action === 'list') {
          const ids = broker.groups.listGroups().map((group) => group.groupId)
          for (const id of ids.sort()) output.line(id)
        } else describe(broker, options.group as string, options.dir, output)
      } finally {
        await broker.close()
      }
    }
    await output.flush()
  })
}

function describe(broker: Broker, groupId: string, directory: string, output: LineOutput): void {
  if (!broker.groups.listGroups().some((group) => group.groupId === groupId)) {
    throw new KafkaliteError('GROUP_ID_NOT_FOUND', `consumer group "${groupId}" does not exist`, { groupId })
  }
  const holder = lockHolder(directory)
  const members = broker.groups.describeGroup(groupId).members
  if (holder !== null) {
    output.line(
      `Consumer group '${groupId}': its members, if any, run in process ${holder.pid}, which holds ${directory}; shown are the offsets committed so far.`,
    )
  } else if (members.length === 0) output.line(`Consumer group '${groupId}' has no active members.`)
  output.line('')
  const rows: (string | number)[][] = [
    [
      'GROUP',
      'TOPIC',
      'PARTITION',
      'CURRENT-OFFSET',
      'LOG-END-OFFSET',
      'LAG',
      'CONSUMER-ID',
      'HOST',
      'CLIENT-ID',
    ],
  ]
  const offsets = [...broker.groups.fetchOffsets(groupId).entries()].sort(
    ([topicA, partitionA], [topicB, partitionB]) =>
      topicA === topicB ? partitionA - partitionB : topicA < topicB ? -1 : 1,
  )
  for (const [topic, partition, committed] of offsets) {
    const log = broker.findTopic(topic)?.partitions[partition]
    const end = log === undefined ? '-' : log.highWatermark
    const lag = log === undefined ? '-' : Math.max(0, log.highWatermark - committed.offset)
    rows.push([groupId, topic, partition, committed.offset, end, lag, '-', '-', '-'])
  }
  for (const line of tableLines(rows)) output.line(line)
}

async function resetOffsets(
  command: Command,
  options: GroupsOptions,
  output: LineOutput,
  context: CliContext,
) {
  const target = exactlyOneAction(command, options, TARGETS)
  if (options.topic === undefined) usageError(command, '--reset-offsets needs --topic')
  const { topic, partitions } = parseTopicPartitions(command, options.topic)
  const groupId = options.group as string
  const broker =
    options.dryRun === true
      ? openReadOnly({ directory: options.dir, context })
      : openWriter({
          directory: options.dir,
          context,
          purpose: `reset offsets of group ${groupId} while its members may be running`,
        })
  try {
    const members = broker.groups.describeGroup(groupId).members.length
    if (members > 0) {
      throw new KafkaliteError(
        'NON_EMPTY_GROUP',
        `cannot reset offsets of group ${groupId}: it has ${members} running members`,
        {
          groupId,
        },
      )
    }
    const logs = (partitions ?? broker.topic(topic).partitions.map((log) => log.partition)).map((partition) =>
      broker.log(topic, partition),
    )
    const offsets = logs.map((log) => {
      let offset =
        target === 'to-earliest'
          ? log.logStartOffset
          : target === 'to-latest'
            ? log.highWatermark
            : (options.toOffset as number)
      if (offset > log.highWatermark || offset < log.logStartOffset) {
        const bound = offset > log.highWatermark ? log.highWatermark : log.logStartOffset
        context.stderr.write(
          `New offset (${offset}) is ${offset > bound ? 'higher than latest' : 'lower than earliest'} offset for topic partition ${topic}-${log.partition}. Value will be set to ${bound}\n`,
        )
        offset = bound
      }
      return { topic, partition: log.partition, offset }
    })
    if (options.dryRun !== true) {
      broker.groups.commitOffsets({ groupId, memberId: '', generationId: -1, offsets })
      await broker.flush()
    }
    const rows: (string | number)[][] = [['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']]
    for (const entry of offsets) rows.push([groupId, entry.topic, entry.partition, entry.offset])
    for (const line of tableLines(rows)) output.line(line)
  } finally {
    await broker.close()
  }
}

/** `orders` (every partition) or `orders:0,2`. */
function parseTopicPartitions(
  command: Command,
  spec: string,
): { topic: string; partitions: number[] | null } {
  const colon = spec.lastIndexOf(':')
  if (colon < 0) return { topic: spec, partitions: null }
  const list = spec.slice(colon + 1).split(',')
  if (list.some((part) => !/^\d+$/.test(part)))
    usageError(command, `--topic ${spec}: partitions must be numbers, as in orders:0,2`)
  return { topic: spec.slice(0, colon), partitions: [...new Set(list.map(Number))] }
}
