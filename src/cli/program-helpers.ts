/** Option and usage-error helpers shared by the commands. */
import type { Command } from 'commander'
import { ExitCode } from './context.js'

/** The data directory option every command takes. */
export function addDirectoryOption(command: Command): void {
  command.option('--dir <path>', 'the data directory', './data')
}

/**
 * Reports a usage error through commander: it prints `error: <message>` and the help hint, and
 * the command line exits with code 2.
 */
export function usageError(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: ExitCode.Usage, code: 'kafkalite.usage' })
}

/**
 * The one action flag given among `actions` (spelled as on the command line, `reset-offsets`);
 * a usage error when none or several are.
 */
export function exactlyOneAction<const A extends string>(
  command: Command,
  options: object,
  actions: readonly A[],
): A {
  const values = options as Readonly<Record<string, unknown>>
  const given = actions.filter(
    (action) => values[camelCase(action)] !== undefined && values[camelCase(action)] !== false,
  )
  const flags = actions.map((action) => `--${action}`).join(', ')
  if (given.length !== 1) {
    usageError(
      command,
      given.length === 0
        ? `one of ${flags} is required`
        : `only one of ${flags} at a time (got ${given.map((a) => `--${a}`).join(', ')})`,
    )
  }
  return given[0] as A
}

/** Commander's property name for a flag: `reset-offsets` → `resetOffsets`. */
function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
}
