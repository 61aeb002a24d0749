/**
 * `kafkalite produce`: Kafka's console producer on a data directory. Each line of standard input
 * becomes one record, stored as the KafkaJS face stores them (Buffers, partitioned by Java's
 * murmur2 of the key, round-robin without one), so KafkaJS consumers of the directory read them as
 * usual.
 *
 * Behavior:
 * - The topic must exist (Kafka's console producer may auto-create it; a data directory has no
 *   broker setting that would allow it).
 * - Lines are appended as they arrive: each chunk of standard input is one atomic request and is
 *   durable (fsync) before the next chunk is read. A failure stops the command; the lines of
 *   earlier chunks stay produced, and the message says how many.
 * - `--header` adds the same headers to every record (Kafka's `parse.headers` per line is not
 *   supported).
 */
import { Buffer } from 'node:buffer'
import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import type { Command } from 'commander'
import { KafkaliteError } from '../common/errors.js'
import type { StoredRecord } from '../common/record.js'
import type { Broker, ProduceRequestPart } from '../engine/index.js'
import { toStoredRecord } from '../kafkajs/convert.js'
import { createDefaultPartitioner, type PartitionerFunction } from '../kafkajs/partitioners.js'
import type { IHeaders, Message, PartitionMetadata } from '../kafkajs/types.js'
import { keyValuePairs } from './arguments.js'
import { type CliContext, progressAllowed } from './context.js'
import { openWriter } from './directory.js'
import { addDirectoryOption, usageError } from './program-helpers.js'
import { formatBytes, NO_PROGRESS, progressBar } from './progress.js'

interface ProduceOptions {
  readonly dir: string
  readonly topic: string
  readonly keySeparator?: string
  readonly header?: readonly (readonly [string, string])[]
}

/** Records in one appended batch, at most. */
const BATCH_RECORDS_MAX = 1_000
/** Record bytes in one appended batch, at most: well under the default max.message.bytes (1 MiB). */
const BATCH_BYTES_MAX = 256 * 1024

/** Adds `produce` to the program. */
export function addProduceCommand(program: Command, context: CliContext): void {
  const command = program
    .command('produce')
    .description('append one record per line of standard input (kafka-console-producer.sh)')
    .requiredOption('--topic <name>', 'the topic (it must exist)')
    .option(
      '--key-separator <text>',
      'split each line at the first <text>: the part before is the key, the rest the value (every line must contain it)',
    )
    .option('--header <key=value>', 'a header on every record; repeatable', keyValuePairs)
  addDirectoryOption(command)
  command.addHelpText(
    'after',
    `
Examples:
  echo 'hello' | kafkalite produce --topic orders
  printf 'alice:{"n":1}\\nbob:{"n":2}\\n' | kafkalite produce --topic orders --key-separator :
  kafkalite produce --topic orders --header source=cli < events.txt`,
  )
  command.action(async () => {
    const options = command.opts<ProduceOptions>()
    if (options.keySeparator === '') usageError(command, '--key-separator must not be empty')
    await produce(options, context)
  })
}

async function produce(options: ProduceOptions, context: CliContext): Promise<void> {
  const broker = openWriter({ directory: options.dir, context, purpose: `produce to topic ${options.topic}` })
  const size = context.stdinSizeBytes
  const progress =
    size !== null && size > 0 && progressAllowed(context)
      ? progressBar(context.stderr, {
          label: `producing to ${options.topic}`,
          total: size,
          formatAmount: formatBytes,
        })
      : NO_PROGRESS
  try {
    const topic = broker.topic(options.topic)
    if (topic.internal) {
      throw new KafkaliteError('INVALID_TOPIC_EXCEPTION', `cannot produce to internal topic ${topic.name}`, {
        topic: topic.name,
      })
    }
    const appender = new LineAppender(broker, topic.name, topic.partitions.length, options)
    const lines = new LineSplitter()
    if (context.stdin.isTTY === true) context.stderr.write('Type one record per line; Ctrl-D ends.\n')
    for await (const chunk of chunksUntilAborted(context.stdin, context.signal)) {
      appender.append(lines.push(chunk))
      await broker.flush()
      progress.advance(chunk.length)
    }
    appender.append(lines.end())
    await broker.flush()
    progress.done()
    if (context.stderr.isTTY === true)
      context.stderr.write(`Produced ${appender.produced} records to ${topic.name}.\n`)
  } finally {
    progress.done()
    await broker.close()
  }
}

/** Turns lines into records and appends them, one atomic request per call. */
class LineAppender {
  readonly #broker: Broker
  readonly #topic: string
  readonly #partitionMetadata: PartitionMetadata[]
  readonly #partitioner: PartitionerFunction = createDefaultPartitioner()
  readonly #keySeparator: string | undefined
  readonly #headers: IHeaders | undefined
  #lineNumber = 0
  /** Records appended so far. */
  produced = 0

  constructor(broker: Broker, topic: string, partitionCount: number, options: ProduceOptions) {
    this.#broker = broker
    this.#topic = topic
    this.#partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    }))
    this.#keySeparator = options.keySeparator
    this.#headers = options.header === undefined ? undefined : toHeaders(options.header)
  }

  /** @throws KafkaliteError INVALID_RECORD for a line without the key separator; the engine's errors for the append */
  append(lines: readonly string[]): void {
    if (lines.length === 0) return
    const firstLine = this.#lineNumber + 1
    const nowMs = this.#broker.clock.now()
    const open = new Map<number, { records: StoredRecord[]; sizeBytes: number }>()
    const parts: ProduceRequestPart[] = []
    for (const line of lines) {
      const message = this.#message(line, ++this.#lineNumber)
      const partition = this.#partitioner({
        topic: this.#topic,
        partitionMetadata: this.#partitionMetadata,
        message,
      })
      let batch = open.get(partition)
      if (batch === undefined) open.set(partition, (batch = { records: [], sizeBytes: 0 }))
      const record = toStoredRecord(message, batch.records.length, nowMs)
      batch.records.push(record)
      batch.sizeBytes += record.sizeBytes
      if (batch.records.length >= BATCH_RECORDS_MAX || batch.sizeBytes >= BATCH_BYTES_MAX) {
        parts.push({ topic: this.#topic, partition, batch: { records: batch.records } })
        open.delete(partition)
      }
    }
    for (const [partition, batch] of open)
      parts.push({ topic: this.#topic, partition, batch: { records: batch.records } })
    try {
      this.#broker.produce(parts)
    } catch (error) {
      if (!(error instanceof KafkaliteError)) throw error
      throw new KafkaliteError(
        error.code,
        `${error.message} (lines ${firstLine}-${this.#lineNumber}; ${this.produced} records were produced before them)`,
        { cause: error, topic: this.#topic },
      )
    }
    this.produced += lines.length
  }

  #message(line: string, lineNumber: number): Message {
    const headers = this.#headers === undefined ? {} : { headers: this.#headers }
    const separator = this.#keySeparator
    if (separator === undefined) return { value: line, ...headers }
    const at = line.indexOf(separator)
    if (at < 0) {
      throw new KafkaliteError(
        'INVALID_RECORD',
        `line ${lineNumber} has no key separator "${separator}" (${this.produced} records were produced before it)`,
        { value: line },
      )
    }
    return { key: line.slice(0, at), value: line.slice(at + separator.length), ...headers }
  }
}

/** Splits a byte stream into lines (UTF-8, `\n` or `\r\n`), keeping a partial last line for later. */
class LineSplitter {
  readonly #decoder = new StringDecoder('utf8')
  #partial = ''

  push(chunk: Buffer): string[] {
    const lines = (this.#partial + this.#decoder.write(chunk)).split('\n')
    this.#partial = lines.pop() ?? ''
    return lines.map(withoutCarriageReturn)
  }

  /** The last line when standard input did not end with a newline. */
  end(): string[] {
    const rest = this.#partial + this.#decoder.end()
    this.#partial = ''
    return rest === '' ? [] : [withoutCarriageReturn(rest)]
  }
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

/** Repeated keys become arrays, as KafkaJS headers allow. */
function toHeaders(pairs: readonly (readonly [string, string])[]): IHeaders {
  const headers: Record<string, string | string[]> = {}
  for (const [key, value] of pairs) {
    const existing = headers[key]
    if (existing === undefined) headers[key] = value
    else if (Array.isArray(existing)) existing.push(value)
    else headers[key] = [existing, value]
  }
  return headers
}

/** The stream's chunks until it ends or `signal` aborts (then the stream is destroyed). */
async function* chunksUntilAborted(stream: Readable, signal: AbortSignal): AsyncGenerator<Buffer> {
  if (signal.aborted) return
  const iterator: AsyncIterator<unknown> = stream[Symbol.asyncIterator]()
  let onAbort: () => void = () => {}
  const aborted = new Promise<IteratorResult<unknown>>((resolve) => {
    onAbort = () => resolve({ done: true, value: undefined })
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted])
      if (next.done === true) return
      const chunk = next.value
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
    if (signal.aborted) stream.destroy()
  }
}
