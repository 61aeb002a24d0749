import { KafkaliteError } from '../common/errors.js'
import { DEFAULTS } from '../common/limits.js'

/** `cleanup.policy` values. */
export const CleanupPolicy = {
  Delete: 'delete',
  Compact: 'compact',
  CompactDelete: 'compact,delete',
} as const
export type CleanupPolicy = (typeof CleanupPolicy)[keyof typeof CleanupPolicy]

/** `message.timestamp.type` values. */
export const TimestampType = { CreateTime: 'CreateTime', LogAppendTime: 'LogAppendTime' } as const
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType]

/** A topic's configuration, resolved: every key present, units last. */
export interface TopicConfig {
  readonly retentionMs: number
  readonly retentionBytes: number
  readonly segmentBytes: number
  readonly segmentMs: number
  readonly cleanupPolicy: CleanupPolicy
  readonly maxMessageBytes: number
  readonly timestampType: TimestampType
  readonly deleteRetentionMs: number
  readonly minCompactionLagMs: number
}

type NumericKey = Exclude<keyof TopicConfig, 'cleanupPolicy' | 'timestampType'>

interface NumericSpec {
  readonly field: NumericKey
  readonly min: number
  readonly default: number
}

/** The Kafka keys kafkalite understands, with their bounds (Kafka's). */
const NUMERIC_KEYS: Readonly<Record<string, NumericSpec>> = Object.freeze({
  'retention.ms': { field: 'retentionMs', min: -1, default: DEFAULTS.retentionMs },
  'retention.bytes': { field: 'retentionBytes', min: -1, default: DEFAULTS.retentionBytes },
  'segment.bytes': { field: 'segmentBytes', min: 14, default: DEFAULTS.segmentBytes },
  'segment.ms': { field: 'segmentMs', min: 1, default: DEFAULTS.segmentMs },
  'max.message.bytes': { field: 'maxMessageBytes', min: 0, default: DEFAULTS.maxMessageBytes },
  'delete.retention.ms': { field: 'deleteRetentionMs', min: 0, default: DEFAULTS.deleteRetentionMs },
  'min.compaction.lag.ms': { field: 'minCompactionLagMs', min: 0, default: DEFAULTS.minCompactionLagMs },
})

/** Every config key kafkalite accepts, in Kafka's spelling. */
export const TOPIC_CONFIG_KEYS: readonly string[] = Object.freeze([
  ...Object.keys(NUMERIC_KEYS),
  'cleanup.policy',
  'message.timestamp.type',
])

/**
 * Kafka keys that real brokers accept and kafkalite records but does not act on (replication
 * and tuning settings). Accepting them keeps configs written for a cluster working here.
 */
const RECORDED_ONLY_KEYS: ReadonlySet<string> = new Set([
  'min.insync.replicas',
  'unclean.leader.election.enable',
  'compression.type',
  'flush.messages',
  'flush.ms',
  'index.interval.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'file.delete.delay.ms',
  'preallocate',
  'min.cleanable.dirty.ratio',
  'max.compaction.lag.ms',
  'message.downconversion.enable',
  'message.timestamp.difference.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.after.max.ms',
  'local.retention.ms',
  'local.retention.bytes',
  'remote.storage.enable',
  'follower.replication.throttled.replicas',
  'leader.replication.throttled.replicas',
])

export const DEFAULT_TOPIC_CONFIG: TopicConfig = Object.freeze({
  retentionMs: DEFAULTS.retentionMs,
  retentionBytes: DEFAULTS.retentionBytes,
  segmentBytes: DEFAULTS.segmentBytes,
  segmentMs: DEFAULTS.segmentMs,
  cleanupPolicy: CleanupPolicy.Delete,
  maxMessageBytes: DEFAULTS.maxMessageBytes,
  timestampType: TimestampType.CreateTime,
  deleteRetentionMs: DEFAULTS.deleteRetentionMs,
  minCompactionLagMs: DEFAULTS.minCompactionLagMs,
})

/** Kafka-keyed config as users write it. Values may be strings (as on the wire) or numbers. */
export type TopicConfigEntries = Readonly<Record<string, string | number>>

/**
 * Checks Kafka-keyed entries and returns them normalised to strings (what is stored and described).
 * @throws KafkaliteError INVALID_CONFIG naming the key, the value and the rule
 */
export function normalizeTopicConfigEntries(entries: TopicConfigEntries): Readonly<Record<string, string>> {
  const normalized: Record<string, string> = {}
  for (const [key, raw] of Object.entries(entries)) {
    if (raw === undefined) continue
    const value = String(raw).trim()
    validateEntry(key, value)
    normalized[key] = key === 'cleanup.policy' ? normalizeCleanupPolicy(value) : value
  }
  return Object.freeze(normalized)
}

/** Resolves normalised entries over the defaults into a frozen TopicConfig. */
export function resolveTopicConfig(
  entries: Readonly<Record<string, string>>,
  defaults: TopicConfig = DEFAULT_TOPIC_CONFIG,
): TopicConfig {
  const config: { -readonly [K in keyof TopicConfig]: TopicConfig[K] } = { ...defaults }
  for (const [key, value] of Object.entries(entries)) {
    const spec = NUMERIC_KEYS[key]
    if (spec !== undefined) config[spec.field] = Number(value)
    else if (key === 'cleanup.policy') config.cleanupPolicy = value as CleanupPolicy
    else if (key === 'message.timestamp.type') config.timestampType = value as TimestampType
  }
  return Object.freeze(config)
}

/** Describes every known key's effective value in Kafka's spelling, with whether it is a default. */
export function describeTopicConfig(
  entries: Readonly<Record<string, string>>,
  config: TopicConfig,
): readonly { name: string; value: string; isDefault: boolean }[] {
  const described: { name: string; value: string; isDefault: boolean }[] = []
  for (const [key, spec] of Object.entries(NUMERIC_KEYS)) {
    described.push({ name: key, value: String(config[spec.field]), isDefault: !(key in entries) })
  }
  described.push({
    name: 'cleanup.policy',
    value: config.cleanupPolicy,
    isDefault: !('cleanup.policy' in entries),
  })
  described.push({
    name: 'message.timestamp.type',
    value: config.timestampType,
    isDefault: !('message.timestamp.type' in entries),
  })
  for (const [key, value] of Object.entries(entries)) {
    if (RECORDED_ONLY_KEYS.has(key)) described.push({ name: key, value, isDefault: false })
  }
  return described.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function validateEntry(key: string, value: string): void {
  const spec = NUMERIC_KEYS[key]
  if (spec !== undefined) {
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw invalidConfig(key, value, 'must be an integer')
    }
    if (Number(value) < spec.min) throw invalidConfig(key, value, `must be at least ${spec.min}`)
    return
  }
  if (key === 'cleanup.policy') {
    normalizeCleanupPolicy(value)
    return
  }
  if (key === 'message.timestamp.type') {
    if (value !== TimestampType.CreateTime && value !== TimestampType.LogAppendTime) {
      throw invalidConfig(key, value, 'must be CreateTime or LogAppendTime')
    }
    return
  }
  if (RECORDED_ONLY_KEYS.has(key)) return
  throw new KafkaliteError('INVALID_CONFIG', `unknown topic config key "${key}"`, { value: key })
}

function normalizeCleanupPolicy(value: string): CleanupPolicy {
  const parts = [
    ...new Set(
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    ),
  ].sort()
  const joined = parts.join(',')
  if (joined === 'delete' || joined === 'compact' || joined === 'compact,delete') return joined
  throw invalidConfig('cleanup.policy', value, 'must be delete, compact or compact,delete')
}

function invalidConfig(key: string, value: string, rule: string): KafkaliteError {
  return new KafkaliteError('INVALID_CONFIG', `invalid value "${value}" for config ${key}: ${rule}`, {
    value,
    limitName: key,
  })
}
