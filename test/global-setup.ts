/**
 * Builds `dist/` once before the suite when it is missing or older than the sources, for the
 * tests that load the package as users do (entry points, quickstart). `.ci/run` builds first, so
 * there this is a no-op; `npm install && npm test` on a fresh clone builds here.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

function newestSourceMs(directory: string): number {
  let newest = 0
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs)
  }
  return newest
}

export default function setup(): void {
  const built = join(root, 'dist', 'index.js')
  if (existsSync(built) && statSync(built).mtimeMs >= newestSourceMs(join(root, 'src'))) return
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )
}
