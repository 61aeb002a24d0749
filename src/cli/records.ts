/**
 * `kafkalite records --delete`: Kafka's kafka-delete-records.sh for one partition, given on the
 * command line instead of in a JSON file. Moves the partition's log start offset to `--before`
 * (records below it are no longer readable; whole segments below it are deleted from disk).
 */
import type { Command } from 'commander'
import { deleteBeforeOffset, nonNegativeInteger } from './arguments.js'
import type { CliContext } from './context.js'
import { openWriter } from './directory.js'
import { LineOutput } from './output.js'
import { addDirectoryOption, exactlyOneAction } from './program-helpers.js'

interface RecordsOptions {
  readonly dir: string
  readonly delete?: true
  readonly topic: string
  readonly partition: number
  readonly before: number
}

/** Adds `records` to the program. */
export function addRecordsCommand(program: Command, context: CliContext): void {
  const command = program
    .command('records')
    .description("delete a partition's records before an offset (kafka-delete-records.sh)")
    .option('--delete', 'delete records before --before')
    .requiredOption('--topic <name>', 'the topic')
    .requiredOption('--partition <number>', 'the partition', nonNegativeInteger)
    .requiredOption(
      '--before <offset>',
      'the new log start offset; -1 for the log end (deletes everything)',
      deleteBeforeOffset,
    )
  addDirectoryOption(command)
  command.addHelpText(
    'after',
    '\nExample:\n  kafkalite records --delete --topic orders --partition 0 --before 1000',
  )
  command.action(async () => {
    const options = command.opts<RecordsOptions>()
    exactlyOneAction(command, options, ['delete'])
    const output = new LineOutput(context.stdout)
    const broker = openWriter({
      directory: options.dir,
      context,
      purpose: `delete records of ${options.topic}-${options.partition}`,
    })
    try {
      const logStartOffset = broker.deleteRecords(options.topic, options.partition, options.before)
      await broker.flush()
      output.line('Records delete operation completed:')
      output.line(`partition: ${options.topic}-${options.partition}\tlow_watermark: ${logStartOffset}`)
    } finally {
      await broker.close()
    }
    await output.flush()
  })
}
