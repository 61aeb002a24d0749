/**
 * Runs the command line as a subprocess (`node --import tsx src/cli/main.ts`, so no build is
 * needed) on temporary data directories.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll } from 'vitest'

/** The repository root: the working directory of every run. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MAIN = join(ROOT, 'src', 'cli', 'main.ts')
/** A run that takes longer than this has hung: it is killed and the test fails. */
const RUN_TIMEOUT_MS = 30_000

/** What one run printed and how it exited. */
export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Starts `kafkalite <args>` with piped standard streams. */
export function spawnCli(args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT })
}

/** Runs `kafkalite <args>` to completion, with `input` on standard input (empty by default). */
export function cli(args: readonly string[], input = ''): Promise<CliResult> {
  return finished(spawnCli(args), input)
}

/**
 * Collects a started run's output until it exits; with `input`, writes it to standard input and
 * closes it (without, standard input is left as it is: open, or piped from another run).
 */
export function finished(child: ChildProcessWithoutNullStreams, input?: string): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  child.stdin.on('error', () => {})
  if (input !== undefined) child.stdin.end(input)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`kafkalite ${child.spawnargs.slice(3).join(' ')} did not finish: ${stderr}`))
    }, RUN_TIMEOUT_MS)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

const created: string[] = []
afterAll(() => {
  for (const directory of created.splice(0)) rmSync(directory, { recursive: true, force: true })
})

/** A fresh path for a data directory (not created: the first writer creates it); removed after the file's tests. */
export function dataDirectory(): string {
  const parent = mkdtempSync(join(tmpdir(), 'kafkalite-cli-'))
  created.push(parent)
  return join(parent, 'data')
}

/** Runs a command that must succeed, and returns its standard output. */
export async function ok(args: readonly string[], input = ''): Promise<string> {
  const result = await cli(args, input)
  if (result.code !== 0)
    throw new Error(`kafkalite ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
  return result.stdout
}

/** Lines of a run's standard output. */
export function lines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line !== '')
}

/** Parses `consume --format json` output. */
export function jsonRecords(stdout: string): Record<string, unknown>[] {
  return lines(stdout).map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** Resolves once `predicate` holds, polling; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
