/**
 * `kafkalite consume`: Kafka's console consumer on a data directory.
 *
 * Behavior:
 * - Without `--group` it only reads: the directory is opened read-only, so it works beside a
 *   process that writes it, and nothing is committed. It starts at `--offset`, else at the log
 *   start with `--from-beginning`, else at the end (Kafka's default, `latest`), and stops at the
 *   end of what is there unless `--follow` is given.
 * - `--follow` keeps tailing: it polls the directory's files every `--poll-interval-ms`, and when
 *   any changed it reopens the directory read-only and reads on. New partitions are picked up; a
 *   position that fell out of the log (retention, deleted records) moves to the log start with
 *   `--from-beginning`, else to the end, as Kafka's auto.offset.reset does. Ctrl-C stops it.
 * - With `--group` it consumes as the group: it starts from the group's committed offsets (the
 *   reset policy applies where there are none), and commits its position after each round of
 *   reads and at the end, once the records are printed (at-least-once). Committing writes the
 *   directory, so it takes the writer lock, and it is refused while another process holds it.
 *   Holding the lock, it is the only possible member of the group, so it commits as the group's
 *   sole, unregistered member (Kafka's admin commit to an empty group) instead of joining; the
 *   offsets it leaves are the same. `--group` with `--follow` is refused: the lock would keep
 *   every producer out of the directory for as long as it tails.
 * - Records are printed round-robin across partitions, one read (up to 1 MiB) of each at a time;
 *   order within a partition is the log's.
 * - As Kafka's tool does, it ends with `Processed a total of N messages` on stderr.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Command } from 'commander'
import { KafkaliteError } from '../common/errors.js'
import type { StoredRecord } from '../common/record.js'
import { type Broker, IsolationLevel, type PartitionLog } from '../engine/index.js'
import { nonNegativeInteger, oneOf, positiveInteger, type StartOffset, startOffset } from './arguments.js'
import type { CliContext } from './context.js'
import { directoryFingerprint, openReadOnly, openWriter } from './directory.js'
import { LineOutput } from './output.js'
import { addDirectoryOption, usageError } from './program-helpers.js'
import {
  formatJson,
  formatText,
  RecordFormat,
  type RecordPosition,
  type TextFields,
} from './record-format.js'

interface ConsumeOptions {
  readonly dir: string
  readonly topic: string
  readonly fromBeginning?: true
  readonly group?: string
  readonly partition?: number
  readonly offset?: StartOffset
  readonly maxMessages?: number
  readonly format: RecordFormat
  readonly printKey?: true
  readonly printPartition?: true
  readonly printOffset?: true
  readonly printTimestamp?: true
  readonly printHeaders?: true
  readonly follow?: true
  readonly timeoutMs?: number
  readonly pollIntervalMs: number
  readonly isolationLevel: 'read_uncommitted' | 'read_committed'
}

/** Bytes of batches one read of one partition returns, at most (always at least one batch). */
const READ_BYTES_MAX = 1024 * 1024

/** Where one partition is being read. */
interface Cursor {
  readonly partition: number
  /** The next offset to print. */
  position: number
}

/** Adds `consume` to the program. */
export function addConsumeCommand(program: Command, context: CliContext): void {
  const command = program
    .command('consume')
    .description("print a topic's records (kafka-console-consumer.sh)")
    .requiredOption('--topic <name>', 'the topic')
    .option(
      '--from-beginning',
      'start at the log start where there is no committed offset (default: the end)',
    )
    .option(
      '--group <id>',
      'consume as this group: start from its committed offsets and commit (takes the writer lock)',
    )
    .option('--partition <number>', 'read only this partition', nonNegativeInteger)
    .option(
      '--offset <offset>',
      "with --partition: start here: an offset, 'earliest' or 'latest'",
      startOffset,
    )
    .option('--max-messages <count>', 'stop after this many records', positiveInteger)
    .option(
      '--format <format>',
      'text (Kafka’s console format) or json (one object per line)',
      oneOf(['text', 'json']),
      'text',
    )
    .option('--print-key', 'text: print the key')
    .option('--print-partition', 'text: print Partition:<n>')
    .option('--print-offset', 'text: print Offset:<n>')
    .option('--print-timestamp', 'text: print CreateTime:<ms> (or LogAppendTime:<ms>)')
    .option('--print-headers', 'text: print headers as key:value,… (NO_HEADERS when none)')
    .option('--follow', 'keep printing records as other processes append them (Ctrl-C stops)')
    .option('--timeout-ms <ms>', 'with --follow: stop when no record arrived for this long', positiveInteger)
    .option('--poll-interval-ms <ms>', 'with --follow: how often to look for new data', positiveInteger, 500)
    .option(
      '--isolation-level <level>',
      'read_uncommitted, or read_committed to skip open and aborted transactions',
      oneOf(['read_uncommitted', 'read_committed']),
      'read_uncommitted',
    )
  addDirectoryOption(command)
  command.addHelpText(
    'after',
    `
Keys, values and headers stored as bytes (the KafkaJS face, kafkalite produce) print as UTF-8
text; objects stored by the typed bus print as JSON.

Examples:
  kafkalite consume --topic orders --from-beginning --print-key --print-offset
  kafkalite consume --topic orders --partition 0 --offset 42 --max-messages 10 --format json
  kafkalite consume --topic orders --follow
  kafkalite consume --topic orders --group audit --from-beginning`,
  )
  command.action(async () => {
    const options = command.opts<ConsumeOptions>()
    checkUsage(command, options)
    const output = new LineOutput(context.stdout)
    const run = new ConsumeRun(options, output, context)
    try {
      if (options.group === undefined) await run.readOnly()
      else await run.asGroup(options.group)
    } finally {
      await output.flush()
    }
    context.stderr.write(`Processed a total of ${run.printed} messages\n`)
  })
}

function checkUsage(command: Command, options: ConsumeOptions): void {
  if (options.offset !== undefined && options.partition === undefined)
    usageError(command, '--offset needs --partition')
  if (options.offset !== undefined && options.fromBeginning === true)
    usageError(command, '--from-beginning and --offset cannot be used together')
  if (options.group !== undefined && options.partition !== undefined)
    usageError(command, '--group and --partition cannot be used together')
  if (options.group !== undefined && options.follow === true) {
    usageError(
      command,
      '--group and --follow cannot be used together: committing needs the writer lock, which would keep producers out while it tails',
    )
  }
}

/** One run of `consume`: its cursors, its output and what it has printed. */
class ConsumeRun {
  readonly #options: ConsumeOptions
  readonly #output: LineOutput
  readonly #context: CliContext
  readonly #isolation: IsolationLevel
  readonly #fields: TextFields
  #remaining: number
  #lastRecordMs = performance.now()
  /** Records printed so far. */
  printed = 0

  constructor(options: ConsumeOptions, output: LineOutput, context: CliContext) {
    this.#options = options
    this.#output = output
    this.#context = context
    this.#isolation =
      options.isolationLevel === 'read_committed'
        ? IsolationLevel.ReadCommitted
        : IsolationLevel.ReadUncommitted
    this.#fields = {
      timestamp: options.printTimestamp === true,
      partition: options.printPartition === true,
      offset: options.printOffset === true,
      headers: options.printHeaders === true,
      key: options.printKey === true,
    }
    this.#remaining = options.maxMessages ?? Number.POSITIVE_INFINITY
  }

  /** Reads without a group, read-only; tails with --follow. */
  async readOnly(): Promise<void> {
    const options = this.#options
    let fingerprint = options.follow === true ? directoryFingerprint(options.dir) : ''
    let broker = openReadOnly({ directory: options.dir, context: this.#context })
    try {
      let topicId = broker.topic(options.topic).topicId
      const cursors = this.#partitions(broker).map((partition) => ({
        partition,
        position: this.#start(broker.log(options.topic, partition), options.offset ?? this.#resetPolicy()),
      }))
      for (;;) {
        await this.#drain(broker, cursors)
        if (this.#finished() || options.follow !== true) return
        await this.#output.flush()
        const changed = await this.#waitForChange(fingerprint)
        if (changed === null) return
        // Taken before the reopen: a change made while reopening shows up at the next poll.
        fingerprint = changed
        await broker.close()
        broker = openReadOnly({ directory: options.dir, context: this.#context, progress: false })
        topicId = this.#reconcile(broker, cursors, topicId)
      }
    } finally {
      await broker.close()
    }
  }

  /** Reads as `groupId`, committing positions; needs the writer lock. */
  async asGroup(groupId: string): Promise<void> {
    const options = this.#options
    const broker = openWriter({
      directory: options.dir,
      context: this.#context,
      purpose: `consume as group ${groupId} (it commits offsets)`,
    })
    try {
      const committed = new Map<number, number>()
      const cursors = this.#partitions(broker).map((partition) => {
        const log = broker.log(options.topic, partition)
        const offset = broker.groups.committedOffset(groupId, options.topic, partition)?.offset
        const inRange = offset !== undefined && offset >= log.logStartOffset && offset <= log.highWatermark
        if (inRange) committed.set(partition, offset)
        return { partition, position: inRange ? offset : this.#start(log, this.#resetPolicy()) }
      })
      const commit = async (all: boolean) => {
        // Printed before committed: a crash in between re-prints, never skips (at-least-once).
        await this.#output.flush()
        const offsets = cursors
          .filter((cursor) => all || committed.get(cursor.partition) !== cursor.position)
          .map((cursor) => ({ topic: options.topic, partition: cursor.partition, offset: cursor.position }))
        if (offsets.length === 0) return
        broker.groups.commitOffsets({ groupId, memberId: '', generationId: -1, offsets })
        for (const cursor of cursors) committed.set(cursor.partition, cursor.position)
        await broker.flush()
      }
      await this.#drain(broker, cursors, () => commit(false))
      await commit(true)
    } finally {
      await broker.close()
    }
  }

  #finished(): boolean {
    return this.#remaining <= 0 || this.#context.signal.aborted || this.#output.closed
  }

  #resetPolicy(): 'earliest' | 'latest' {
    return this.#options.fromBeginning === true ? 'earliest' : 'latest'
  }

  /** The partitions to read: the one --partition names, or all. */
  #partitions(broker: Broker): number[] {
    const topic = broker.topic(this.#options.topic)
    if (this.#options.partition === undefined) return topic.partitions.map((log) => log.partition)
    return [broker.log(topic.name, this.#options.partition).partition]
  }

  /** @throws KafkaliteError OFFSET_OUT_OF_RANGE for an explicit offset outside the log */
  #start(log: PartitionLog, start: StartOffset): number {
    if (start === 'earliest') return log.logStartOffset
    if (start === 'latest') {
      return this.#isolation === IsolationLevel.ReadCommitted ? log.lastStableOffset : log.highWatermark
    }
    log.checkOffset(start)
    return start
  }

  /**
   * Prints every cursor's records up to the end visible now, one read per partition per round,
   * until the budget runs out. Bounded: each read moves its cursor forward or retires it.
   */
  async #drain(broker: Broker, cursors: readonly Cursor[], afterRound?: () => Promise<void>): Promise<void> {
    const topic = broker.topic(this.#options.topic)
    let active = cursors.slice()
    while (active.length > 0 && !this.#finished()) {
      const next: Cursor[] = []
      for (const cursor of active) {
        if (this.#readOnce(broker.log(topic.name, cursor.partition), cursor, topic.config.timestampType)) {
          next.push(cursor)
        }
        if (this.#finished()) break
      }
      await this.#output.flushIfFull()
      await afterRound?.()
      active = next
    }
  }

  /** One read of one partition; true when there is more to read now. */
  #readOnce(log: PartitionLog, cursor: Cursor, timestampType: string): boolean {
    const before = cursor.position
    const read = log.read(before, { maxBytes: READ_BYTES_MAX, isolation: this.#isolation })
    const position: RecordPosition = { topic: log.topic, partition: log.partition, offset: 0, timestampType }
    for (const batch of read.batches) {
      for (const record of batch.records) {
        const offset = batch.baseOffset + record.offsetDelta
        if (offset < before) continue
        this.#print(record, { ...position, offset })
        if (this.#remaining <= 0) {
          cursor.position = offset + 1
          return false
        }
      }
    }
    cursor.position = read.nextOffset
    const end = this.#isolation === IsolationLevel.ReadCommitted ? read.lastStableOffset : read.highWatermark
    return read.nextOffset > before && read.nextOffset < end
  }

  #print(record: StoredRecord, position: RecordPosition): void {
    this.#output.line(
      this.#options.format === RecordFormat.Json
        ? formatJson(record, position)
        : formatText(record, position, this.#fields),
    )
    this.printed++
    this.#remaining--
    this.#lastRecordMs = performance.now()
  }

  /** Sleeps until the directory's files change and returns their new fingerprint; null when stopped (signal, --timeout-ms). */
  async #waitForChange(fingerprint: string): Promise<string | null> {
    const options = this.#options
    for (;;) {
      try {
        await sleep(options.pollIntervalMs, undefined, { signal: this.#context.signal })
      } catch {
        return null
      }
      if (options.timeoutMs !== undefined && performance.now() - this.#lastRecordMs >= options.timeoutMs)
        return null
      const current = directoryFingerprint(options.dir)
      if (current !== fingerprint) return current
    }
  }

  /**
   * After a reopen: the topic must still exist; positions that left the log move by the reset
   * policy; partitions that appeared (or every partition of a topic deleted and created again) are
   * read from their log start, since everything in them is new to this reader.
   * @throws KafkaliteError UNKNOWN_TOPIC_OR_PARTITION when the topic was deleted
   */
  #reconcile(broker: Broker, cursors: Cursor[], topicId: string): string {
    const topic = broker.findTopic(this.#options.topic)
    if (topic === undefined) {
      throw new KafkaliteError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${this.#options.topic}" was deleted`, {
        topic: this.#options.topic,
      })
    }
    if (topic.topicId !== topicId) cursors.length = 0
    for (const cursor of cursors) {
      const log = broker.log(topic.name, cursor.partition)
      if (cursor.position < log.logStartOffset || cursor.position > log.highWatermark) {
        cursor.position = this.#start(log, this.#resetPolicy())
      }
    }
    const known = new Set(cursors.map((cursor) => cursor.partition))
    for (const partition of this.#partitions(broker)) {
      if (!known.has(partition))
        cursors.push({ partition, position: broker.log(topic.name, partition).logStartOffset })
    }
    return topic.topicId
  }
}
