/**
 * The `kafkalite` program: commander parses the command line (usage errors exit with 2), each
 * command runs on a data directory, and a failure prints its one-line message (a KafkaliteError's
 * message: no stack trace) and exits with 1.
 */
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { InvariantError } from '../common/assert.js'
import { addConsumeCommand } from './consume.js'
import { type CliContext, ExitCode } from './context.js'
import { addGroupsCommand } from './groups.js'
import { addProduceCommand } from './produce.js'
import { addRecordsCommand } from './records.js'
import { addTopicsCommand } from './topics.js'

/**
 * Runs the command line with `argv` (the arguments after the program name) and returns the exit
 * code; it never throws and never exits the process.
 * @example process.exitCode = await runCli(process.argv.slice(2), context)
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  const program = new Command('kafkalite')
    .description(
      "Look inside and change a kafkalite data directory, the way Kafka's command-line tools do with a cluster.\nReading works beside a process that writes the directory; changes need its writer lock.",
    )
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
  addTopicsCommand(program, context)
  addProduceCommand(program, context)
  addConsumeCommand(program, context)
  addGroupsCommand(program, context)
  addRecordsCommand(program, context)
  program.addHelpText(
    'after',
    `
Every command takes --dir <path> (default ./data) and --help.
Exit codes: 0 success, 1 failure, 2 usage error.`,
  )
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return ExitCode.Success
  } catch (error) {
    // Commander has already printed its message (or the help); only the code is left to choose.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage
    context.stderr.write(`error: ${describeError(error)}\n`)
    return ExitCode.Failure
  }
}

function describeError(error: unknown): string {
  if (error instanceof InvariantError)
    return `${error.message} (an internal error in kafkalite: please report it)`
  if (error instanceof Error) return error.message
  return String(error)
}

function packageVersion(): string {
  // ../../package.json from both src/cli/ and dist/cli/.
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}
