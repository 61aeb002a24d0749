#!/usr/bin/env node
/**
 * The `kafkalite` executable (package.json `bin`): wires the process's streams and signals to
 * `runCli`. The first SIGINT or SIGTERM asks the running command to stop cleanly (flush, commit,
 * release the directory's lock); a second one exits at once.
 */
import { fstatSync } from 'node:fs'
import process from 'node:process'
import { runCli } from './program.js'

const controller = new AbortController()
let signalsReceived = 0
const onSignal = (): void => {
  signalsReceived++
  if (signalsReceived > 1) process.exit(130)
  controller.abort()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)
// A reader that goes away (`kafkalite consume | head -1`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.exitCode = 1
    controller.abort()
  })
}

const exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdinSizeBytes: regularFileSize(0),
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
})
process.exitCode ??= exitCode
process.off('SIGINT', onSignal)
process.off('SIGTERM', onSignal)

/** The size of the file behind a descriptor when it is a regular file, else null (a pipe, a terminal). */
function regularFileSize(descriptor: number): number | null {
  try {
    const stat = fstatSync(descriptor)
    return stat.isFile() ? stat.size : null
  } catch {
    return null
  }
}
