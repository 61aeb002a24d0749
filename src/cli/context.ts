/**
 * What every command runs with: the process's streams, passed in rather than read from `process`
 * in each command, and a signal that SIGINT and SIGTERM abort so that long commands (produce from
 * a terminal, consume --follow) stop cleanly: flushing, committing and releasing the lock.
 */
import type { Readable, Writable } from 'node:stream'

/** A stream the command line writes to: stdout or stderr. */
export type CliOutput = Writable & { readonly isTTY?: boolean; readonly columns?: number }

/** The streams and cancellation of one run of the command line. */
export interface CliContext {
  readonly stdin: Readable & { readonly isTTY?: boolean }
  /** Bytes standard input holds when it is a regular file (its size is known), else null. */
  readonly stdinSizeBytes: number | null
  readonly stdout: CliOutput
  readonly stderr: CliOutput
  /** Aborted on SIGINT or SIGTERM. */
  readonly signal: AbortSignal
}

/** Exit codes: Kafka's tools and most Unix programs use the same three. */
export const ExitCode = { Success: 0, Failure: 1, Usage: 2 } as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** Whether a progress bar may be drawn: only when both output streams are terminals, never when piped. */
export function progressAllowed(context: CliContext): boolean {
  return context.stderr.isTTY === true && context.stdout.isTTY === true
}
