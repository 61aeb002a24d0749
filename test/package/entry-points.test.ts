/**
 * The package as users load it: the built `dist/` through package.json's `exports`, from ESM and
 * from CommonJS (`require(esm)`, Node ≥ 20.19). test/global-setup.ts builds `dist/` when it is missing or stale.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')

function run(script: string, type: 'commonjs' | 'module'): string {
  return execFileSync(
    process.execPath,
    [type === 'module' ? '--input-type=module' : '--input-type=commonjs', '-e', script],
    {
      cwd: root,
      encoding: 'utf8',
    },
  ).trim()
}

describe('package entry points', () => {
  it('declares the three entry points with types, as ESM, for Node ≥ 20', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      type: string
      engines: { node: string }
      exports: Record<string, { types?: string; default?: string }>
    }
    expect(manifest.type).toBe('module')
    expect(manifest.engines.node).toBe('>=20')
    for (const entry of ['.', './kafkajs', './testing']) {
      expect(manifest.exports[entry]?.types).toMatch(/\.d\.ts$/)
      expect(existsSync(join(root, manifest.exports[entry]!.types!))).toBe(true)
    }
  })

  it('loads from CommonJS with require()', () => {
    const output = run(
      `const k = require('kafkalite'); const kj = require('kafkalite/kafkajs'); const t = require('kafkalite/testing');
       const b = new k.Broker(); b.createTopic('t'); b.append('t', 0, { records: [{ offsetDelta: 0, timestamp: 1, key: null, value: 'v', headers: null, sizeBytes: 22 }] });
       console.log([typeof kj.Kafka, typeof t.createTestBroker, b.log('t', 0).highWatermark].join(' '))`,
      'commonjs',
    )
    expect(output).toBe('function function 1')
  })

  it('has a default export with the named exports, as KafkaJS (CommonJS) has through `import kafkajs from`', () => {
    const output = run(
      `import kafkajs, * as named from 'kafkalite/kafkajs'
       const names = Object.keys(named).filter((name) => name !== 'default')
       const same = names.every((name) => kafkajs[name] === named[name])
       const kafka = new kafkajs.Kafka({ brokers: ['default-import:9092'], logLevel: kafkajs.logLevel.NOTHING })
       console.log([same, names.length > 40, typeof kafka.producer, kafkajs.KafkaJSError === named.KafkaJSError].join(' '))`,
      'module',
    )
    expect(output).toBe('true true function true')
  })

  it('loads from ESM with import, and kafkalite/kafkajs produces and consumes', () => {
    const output = run(
      `import { Kafka, logLevel } from 'kafkalite/kafkajs'
       const kafka = new Kafka({ brokers: ['esm-test:9092'], logLevel: logLevel.NOTHING })
       const producer = kafka.producer()
       await producer.connect()
       const [meta] = await producer.send({ topic: 'e', messages: [{ value: 'x' }] })
       await producer.disconnect()
       console.log(meta.baseOffset)`,
      'module',
    )
    expect(output).toBe('0')
  })
})
