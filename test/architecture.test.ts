/**
 * Enforces STYLE.md's dependency rules over the import specifiers of src/**.ts: an arrow in
 * STYLE.md's table means "may import", anything not listed fails.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

interface SourceFile {
  /** Path from the repository root, with forward slashes: `src/engine/broker.ts`. */
  readonly path: string
  readonly source: string
}

const FACES = ['kafkajs', 'bus', 'testing', 'streams', 'connect']
const FRONT_DOORS = ['cli', 'console', 'wire']

/** The layer a src/ path belongs to, or null when STYLE.md names no layer for it. */
function layerOf(path: string): string | null {
  if (path === 'src/index.ts') return 'index'
  if (path === 'src/storage/storage.ts') return 'storage-interface'
  const match = /^src\/(common|engine|registry|storage\/memory|storage\/files|[a-z-]+)\//.exec(path)
  const folder = match?.[1]
  if (folder === undefined) return null
  if (FACES.includes(folder)) return `face:${folder}`
  if (FRONT_DOORS.includes(folder)) return `door:${folder}`
  return ['common', 'engine', 'registry', 'client'].includes(folder)
    ? folder
    : folder.startsWith('storage/')
      ? folder.replace('/', '-')
      : null
}

/** Which src layers each layer may import (its own layer always). */
function mayImportLayer(from: string, to: string): boolean {
  if (from === to || to === 'common') return true
  if (from === 'index') return to !== 'face:testing'
  if (from.startsWith('door:')) return to.startsWith('face:')
  if (from.startsWith('face:'))
    return (
      ['registry', 'engine', 'storage-interface', 'client'].includes(to) ||
      (from === 'face:testing' && to === 'storage-files')
    )
  if (from === 'registry') return to === 'engine'
  // The shared client layer: the consumer-group run loop both faces use (one implementation of groups).
  if (from === 'client') return to === 'engine' || to === 'registry' || to === 'storage-interface'
  if (from === 'engine') return to === 'storage-interface' || to === 'storage-memory'
  if (from === 'storage-files' || from === 'storage-memory') return to === 'storage-interface'
  return false
}

/**
 * Front doors are Node-only programs on top of everything (DESIGN.md), and the CLI works on a data
 * directory: it needs the engine and file storage, which no face exposes. They may use those two
 * through their public entry points only, never their internals.
 */
const DOOR_ENTRY_POINTS: ReadonlySet<string> = new Set(['src/engine/index.ts', 'src/storage/files/index.ts'])

/** Packages and node: modules each layer may import; type-only node: imports are allowed in faces and doors. */
const EXTERNALS: Readonly<Record<string, readonly string[]>> = {
  'storage-files': ['msgpackr', 'node:fs', 'node:fs/promises', 'node:path', 'node:zlib'],
  // Buffer is KafkaJS's API; zlib/util implement its GZIP codec; diagnostics_channel is STYLE rule 13's tracing;
  // process gives KafkaJS's environment variables (KAFKAJS_LOG_LEVEL, KAFKAJS_NO_PARTITIONER_WARNING).
  'face:kafkajs': [
    'node:buffer',
    'node:zlib',
    'node:util',
    'node:diagnostics_channel',
    'node:process',
    'eventemitter3',
  ],
  // The bus's Kafka transport (src/bus/kafka/): KafkaJS is an optional peer dependency, so it is
  // imported only as types or with import() when that transport is used (checked below); msgpackr
  // is its `serializer: 'msgpack'`.
  'face:bus': ['zod', 'node:diagnostics_channel', 'eventemitter3', 'kafkajs', 'msgpackr'],
  // kafkalite/testing is a Node-only subpath for test suites: unique names come from node:crypto.
  'face:testing': ['node:buffer', 'node:crypto', 'node:diagnostics_channel', 'eventemitter3'],
  'door:cli': ['commander'],
}

const STATIC_IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^;'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm
const DYNAMIC_IMPORT = /^(?!\s*(?:\*|\/\/)).*?\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/gm

/** Every import specifier of a file, with whether the whole statement is type-only. */
function importsOf(source: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = []
  for (const match of source.matchAll(STATIC_IMPORT))
    found.push({ specifier: match[3]!, typeOnly: match[2] !== undefined })
  for (const match of source.matchAll(DYNAMIC_IMPORT)) found.push({ specifier: match[1]!, typeOnly: false })
  return found
}

/** The rule violations in `files`, one line each; empty when the layering holds. */
function checkArchitecture(files: readonly SourceFile[]): string[] {
  const violations: string[] = []
  for (const file of files) {
    const from = layerOf(file.path)
    if (from === null) {
      violations.push(`${file.path}: in no layer STYLE.md names`)
      continue
    }
    for (const { specifier, typeOnly } of importsOf(file.source)) {
      if (specifier.startsWith('.')) {
        const target = posix.join(posix.dirname(file.path), specifier).replace(/\.js$/, '.ts')
        const to = target.startsWith('src/') ? layerOf(target) : null
        const doorEntry = from.startsWith('door:') && DOOR_ENTRY_POINTS.has(target)
        if (to === null || !(mayImportLayer(from, to) || doorEntry))
          violations.push(`${file.path}: ${from} must not import ${specifier} (${to ?? target})`)
      } else {
        const nodeTypeOnly =
          typeOnly && specifier.startsWith('node:') && (from.startsWith('face:') || from.startsWith('door:'))
        const doorNode = from.startsWith('door:') && specifier.startsWith('node:')
        if (!nodeTypeOnly && !doorNode && !(EXTERNALS[from] ?? []).includes(specifier)) {
          violations.push(`${file.path}: ${from} must not import '${specifier}'`)
        }
      }
    }
  }
  return violations
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function sourceFiles(directory: string): SourceFile[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => {
      const absolute = join(entry.parentPath, entry.name)
      return { path: relative(root, absolute).split('\\').join('/'), source: readFileSync(absolute, 'utf8') }
    })
}

describe('architecture', () => {
  it('src/ follows the dependency rules of STYLE.md', () => {
    const files = sourceFiles(join(root, 'src'))
    expect(files.length).toBeGreaterThan(10)
    expect(checkArchitecture(files)).toEqual([])
  })

  it('kafkajs is imported only as types or with import(), so loading kafkalite never needs it', () => {
    const staticValueImport = /^\s*(?:import|export)\s+(?!type\b)[^;'"]*?\bfrom\s+['"]kafkajs['"]/m
    const offenders = sourceFiles(join(root, 'src'))
      .filter((file) => staticValueImport.test(file.source))
      .map((file) => file.path)
    expect(offenders).toEqual([])
    expect(staticValueImport.test("import { Kafka } from 'kafkajs'")).toBe(true)
    expect(staticValueImport.test("import type { Kafka } from 'kafkajs'")).toBe(false)
  })

  it('the checker itself catches planted violations', () => {
    const planted: SourceFile[] = [
      { path: 'src/engine/bad-node.ts', source: "import { readFileSync } from 'node:fs'\n" },
      { path: 'src/engine/bad-type.ts', source: "import type { Buffer } from 'node:buffer'\n" },
      { path: 'src/engine/bad-zod.ts', source: "import { z } from 'zod'\n" },
      { path: 'src/engine/bad-msgpackr.ts', source: "import {\n  Packr,\n} from 'msgpackr'\n" },
      { path: 'src/engine/bad-face.ts', source: "import { Kafka } from '../kafkajs/kafka.js'\n" },
      {
        path: 'src/engine/bad-registry.ts',
        source: "export { brokerFor } from '../registry/broker-registry.js'\n",
      },
      {
        path: 'src/engine/bad-files.ts',
        source: "const files = await import('../storage/files/index.js')\n",
      },
      { path: 'src/common/bad.ts', source: "import type { Broker } from '../engine/broker.js'\n" },
      { path: 'src/storage/memory/bad.ts', source: "import { Broker } from '../../engine/broker.js'\n" },
      { path: 'src/storage/storage-bad.ts', source: "import { x } from './memory/memory-storage.js'\n" },
      { path: 'src/kafkajs/bad-bus.ts', source: "import { createBus } from '../bus/bus.js'\n" },
      { path: 'src/bus/bad-kafkajs.ts', source: "import { Kafka } from '../kafkajs/index.js'\n" },
      {
        path: 'src/kafkajs/bad-testing.ts',
        source: "import { createTestKafka } from '../testing/index.js'\n",
      },
      { path: 'src/index.ts', source: "export * from './testing/index.js'\n" },
      { path: 'src/registry/bad.ts', source: "import { Kafka } from '../kafkajs/kafka.js'\n" },
      { path: 'src/storage/files/bad.ts', source: "import { Broker } from '../../engine/broker.js'\n" },
      { path: 'src/cli/bad.ts', source: "import { Broker } from '../engine/broker.js'\n" },
      {
        path: 'src/cli/bad-files.ts',
        source: "import { FileStorage } from '../storage/files/file-storage.js'\n",
      },
      { path: 'src/cli/bad-package.ts', source: "import chalk from 'chalk'\n" },
      { path: 'src/kafkajs/bad-door.ts', source: "import { runCli } from '../cli/program.js'\n" },
    ]
    const violations = checkArchitecture(planted)
    for (const file of planted)
      expect(
        violations.some((line) => line.startsWith(`${file.path}:`)),
        file.path,
      ).toBe(true)
    expect(violations).toHaveLength(planted.length)
  })

  it('the checker accepts allowed imports and ignores specifiers in comments', () => {
    const allowed: SourceFile[] = [
      {
        path: 'src/engine/good.ts',
        source: [
          "import type { Storage } from '../storage/storage.js'",
          "import { memoryStorage } from '../storage/memory/memory-storage.js'",
          "import { assert } from '../common/assert.js'",
          "import { Broker } from './broker.js'",
          '/**',
          " * @example import { Kafka } from 'kafkalite/kafkajs'",
          " * const x = await import('node:fs')",
          ' */',
          "// import { z } from 'zod'",
        ].join('\n'),
      },
      {
        path: 'src/kafkajs/good.ts',
        source: "import { Buffer } from 'node:buffer'\nimport type { Socket } from 'node:net'\n",
      },
      {
        path: 'src/testing/good.ts',
        source: "import type { FileSystem } from '../storage/files/file-system.js'\n",
      },
      {
        path: 'src/index.ts',
        source:
          "export { fileStorage } from './storage/files/index.js'\nexport { Kafka } from './kafkajs/index.js'\n",
      },
      { path: 'src/storage/memory/good.ts', source: "import type { Storage } from '../storage.js'\n" },
      {
        path: 'src/cli/good.ts',
        source: [
          "import { Command } from 'commander'",
          "import { Broker } from '../engine/index.js'",
          "import { fileStorage } from '../storage/files/index.js'",
          "import { toStoredRecord } from '../kafkajs/convert.js'",
        ].join('\n'),
      },
      {
        path: 'src/wire/good.ts',
        source: "import { createServer } from 'node:net'\nimport { Kafka } from '../kafkajs/index.js'\n",
      },
    ]
    expect(checkArchitecture(allowed)).toEqual([])
  })
})
