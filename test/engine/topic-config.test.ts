import { describe, expect, it } from 'vitest'
import { DEFAULTS } from '../../src/common/limits.js'
import {
  DEFAULT_TOPIC_CONFIG,
  describeTopicConfig,
  normalizeTopicConfigEntries,
  resolveTopicConfig,
  TOPIC_CONFIG_KEYS,
} from '../../src/engine/topic-config.js'
import { caught } from './test-records.js'

function resolve(entries: Record<string, string | number>) {
  return resolveTopicConfig(normalizeTopicConfigEntries(entries))
}

function invalid(entries: Record<string, string | number>) {
  const error = caught(() => normalizeTopicConfigEntries(entries))
  expect(error.code).toBe('INVALID_CONFIG')
  expect(error.retriable).toBe(false)
  return error
}

describe('topic config keys', () => {
  it('knows every key DESIGN.md lists', () => {
    expect([...TOPIC_CONFIG_KEYS].sort()).toEqual(
      [
        'cleanup.policy',
        'delete.retention.ms',
        'max.message.bytes',
        'message.timestamp.type',
        'min.compaction.lag.ms',
        'retention.bytes',
        'retention.ms',
        'segment.bytes',
        'segment.ms',
      ].sort(),
    )
  })

  it('resolves no entries to Kafka defaults', () => {
    expect(resolve({})).toEqual(DEFAULT_TOPIC_CONFIG)
    expect(DEFAULT_TOPIC_CONFIG).toEqual({
      retentionMs: 604_800_000,
      retentionBytes: -1,
      segmentBytes: 1_073_741_824,
      segmentMs: 604_800_000,
      cleanupPolicy: 'delete',
      maxMessageBytes: DEFAULTS.maxMessageBytes,
      timestampType: 'CreateTime',
      deleteRetentionMs: 86_400_000,
      minCompactionLagMs: 0,
    })
  })

  it('returns a frozen config and never writes to the caller entries', () => {
    const entries = { 'retention.ms': 5 }
    const config = resolve(entries)
    expect(Object.isFrozen(config)).toBe(true)
    expect(entries).toEqual({ 'retention.ms': 5 })
  })
})

describe.each([
  // key, field, smallest accepted, largest rejected below it
  ['retention.ms', 'retentionMs', -1, -2],
  ['retention.bytes', 'retentionBytes', -1, -2],
  ['segment.bytes', 'segmentBytes', 14, 13],
  ['segment.ms', 'segmentMs', 1, 0],
  ['max.message.bytes', 'maxMessageBytes', 0, -1],
  ['delete.retention.ms', 'deleteRetentionMs', 0, -1],
  ['min.compaction.lag.ms', 'minCompactionLagMs', 0, -1],
] as const)('%s', (key, field, minimum, belowMinimum) => {
  it(`accepts numbers and integer strings (${minimum} and up)`, () => {
    expect(resolve({ [key]: minimum })[field]).toBe(minimum)
    expect(resolve({ [key]: String(minimum + 1000) })[field]).toBe(minimum + 1000)
    expect(resolve({ [key]: ` ${minimum + 7} ` })[field]).toBe(minimum + 7)
  })

  it('stores the value normalised to a string', () => {
    expect(normalizeTopicConfigEntries({ [key]: minimum + 3 })).toEqual({ [key]: String(minimum + 3) })
  })

  it(`rejects ${belowMinimum} with INVALID_CONFIG naming the key and value`, () => {
    const error = invalid({ [key]: belowMinimum })
    expect(error.value).toBe(String(belowMinimum))
    expect(error.limitName).toBe(key)
    expect(error.message).toContain(key)
  })

  it.each(['abc', '1.5', '', '1e3', 'NaN', '0x10', '9007199254740993'])(
    'rejects the non-integer %j',
    (value) => {
      const error = invalid({ [key]: value })
      expect(error.value).toBe(value.trim())
      expect(error.limitName).toBe(key)
    },
  )

  it('rejects non-integer numbers', () => {
    expect(invalid({ [key]: 2.5 }).value).toBe('2.5')
    expect(invalid({ [key]: Number.NaN }).value).toBe('NaN')
  })
})

describe('cleanup.policy', () => {
  it.each([
    ['delete', 'delete'],
    ['compact', 'compact'],
    ['compact,delete', 'compact,delete'],
    ['delete,compact', 'compact,delete'],
    [' compact , delete ', 'compact,delete'],
    ['compact,compact', 'compact'],
  ])('accepts %j as %j', (value, policy) => {
    expect(resolve({ 'cleanup.policy': value }).cleanupPolicy).toBe(policy)
    expect(normalizeTopicConfigEntries({ 'cleanup.policy': value })['cleanup.policy']).toBe(policy)
  })

  it.each(['', 'Compact', 'remove', 'compact,remove', ','])('rejects %j with INVALID_CONFIG', (value) => {
    const error = invalid({ 'cleanup.policy': value })
    expect(error.limitName).toBe('cleanup.policy')
    expect(error.value).toBe(value.trim())
  })
})

describe('message.timestamp.type', () => {
  it.each(['CreateTime', 'LogAppendTime'])('accepts %s', (value) => {
    expect(resolve({ 'message.timestamp.type': value }).timestampType).toBe(value)
  })

  it.each(['createtime', 'AppendTime', ''])('rejects %j with INVALID_CONFIG', (value) => {
    const error = invalid({ 'message.timestamp.type': value })
    expect(error.limitName).toBe('message.timestamp.type')
    expect(error.value).toBe(value)
  })
})

describe('unknown and recorded-only keys', () => {
  it('rejects an unknown key with INVALID_CONFIG carrying the key', () => {
    const error = invalid({ 'retention.millis': 5 })
    expect(error.value).toBe('retention.millis')
    expect(error.message).toContain('retention.millis')
  })

  it('rejects camelCase engine names at the boundary', () => {
    expect(invalid({ retentionMs: 5 }).value).toBe('retentionMs')
  })

  it('accepts Kafka keys it records but does not act on, and describes them', () => {
    const entries = normalizeTopicConfigEntries({ 'min.insync.replicas': 2, 'compression.type': 'lz4' })
    expect(entries).toEqual({ 'min.insync.replicas': '2', 'compression.type': 'lz4' })
    const described = describeTopicConfig(entries, resolveTopicConfig(entries))
    expect(described).toContainEqual({ name: 'min.insync.replicas', value: '2', isDefault: false })
    expect(described).toContainEqual({ name: 'compression.type', value: 'lz4', isDefault: false })
  })
})

describe('describeTopicConfig', () => {
  it('lists every known key sorted, marking explicit ones as not default', () => {
    const entries = normalizeTopicConfigEntries({ 'retention.ms': 1000, 'cleanup.policy': 'delete,compact' })
    const described = describeTopicConfig(entries, resolveTopicConfig(entries))
    expect(described.map((entry) => entry.name)).toEqual([...TOPIC_CONFIG_KEYS].sort())
    expect(described).toContainEqual({ name: 'retention.ms', value: '1000', isDefault: false })
    expect(described).toContainEqual({ name: 'cleanup.policy', value: 'compact,delete', isDefault: false })
    expect(described).toContainEqual({ name: 'segment.ms', value: '604800000', isDefault: true })
    expect(described).toContainEqual({ name: 'message.timestamp.type', value: 'CreateTime', isDefault: true })
  })
})
