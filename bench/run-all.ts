/**
 * Runs every bench/*.bench.ts in sequence, each in its own child process (a fresh heap and JIT
 * per file, so one benchmark's garbage never lands in another's timings). `npm run bench` runs
 * this: node --expose-gc --import tsx bench/run-all.ts
 *
 * Exits non-zero if any benchmark fails to run; a missed target is printed, not a failure.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const directory = dirname(fileURLToPath(import.meta.url))
const files = readdirSync(directory)
  .filter((name) => name.endsWith('.bench.ts'))
  .sort()

const failed: string[] = []
for (const name of files) {
  console.log(`\n━━ ${name} ${'━'.repeat(Math.max(0, 72 - name.length))}`)
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(directory, name)], {
    stdio: 'inherit',
    cwd: join(directory, '..'),
  })
  if (child.status !== 0) failed.push(`${name} (exit ${child.status ?? child.signal})`)
}

console.log(
  `\n${files.length - failed.length} of ${files.length} benchmarks ran${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}`,
)
process.exitCode = failed.length > 0 ? 1 : 0
