/**
 * KafkaJS's runtime enums and the compression codec registry.
 *
 * Each enum is a frozen plain object with KafkaJS's exact keys and numbers (no TypeScript reverse
 * mapping, so `Object.keys(logLevel)` and deep equality match KafkaJS), merged with a type of the
 * same name and a namespace of member types. That gives what KafkaJS's `enum` declarations give:
 * `logLevel.INFO` as a value, `logLevel` as a parameter type, and `logLevel.INFO` as a type.
 *
 * Behavior: `CompressionCodecs` is module-level mutable state on purpose: it is KafkaJS's public
 * registry (`CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec`), shared process-wide as in
 * KafkaJS. kafkalite stores records uncompressed, so a registered codec is only looked up, to
 * reproduce KafkaJS's errors for unregistered codecs.
 */
import { Buffer } from 'node:buffer'
import { promisify } from 'node:util'
import { gzip, unzip } from 'node:zlib'
import { KafkaJSNotImplemented } from './errors.js'

/** Log levels; an entry is emitted when its level is at most the logger's level. There is no 3. */
export const logLevel = Object.freeze({ NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const)
/** One of the {@link logLevel} values. */
export type logLevel = (typeof logLevel)[keyof typeof logLevel]
/** Member types, so `logLevel.INFO` works as a type as with KafkaJS's enum. */
export declare namespace logLevel {
  type NOTHING = 0
  type ERROR = 1
  type WARN = 2
  type INFO = 4
  type DEBUG = 5
}

/** Compression of produced batches. */
export const CompressionTypes = Object.freeze({ None: 0, GZIP: 1, Snappy: 2, LZ4: 3, ZSTD: 4 } as const)
/** One of the {@link CompressionTypes} values. */
export type CompressionTypes = (typeof CompressionTypes)[keyof typeof CompressionTypes]
/** Member types of {@link CompressionTypes}. */
export declare namespace CompressionTypes {
  type None = 0
  type GZIP = 1
  type Snappy = 2
  type LZ4 = 3
  type ZSTD = 4
}

/** Config resource types for describeConfigs/alterConfigs. */
export const ConfigResourceTypes = Object.freeze({
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
} as const)
/** One of the {@link ConfigResourceTypes} values. */
export type ConfigResourceTypes = (typeof ConfigResourceTypes)[keyof typeof ConfigResourceTypes]
/** Member types of {@link ConfigResourceTypes}. */
export declare namespace ConfigResourceTypes {
  type UNKNOWN = 0
  type TOPIC = 2
  type BROKER = 4
  type BROKER_LOGGER = 8
}

/** Where a config value comes from, as describeConfigs reports it. */
export const ConfigSource = Object.freeze({
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const)
/** One of the {@link ConfigSource} values. */
export type ConfigSource = (typeof ConfigSource)[keyof typeof ConfigSource]
/** Member types of {@link ConfigSource}. */
export declare namespace ConfigSource {
  type UNKNOWN = 0
  type TOPIC_CONFIG = 1
  type DYNAMIC_BROKER_CONFIG = 2
  type DYNAMIC_DEFAULT_BROKER_CONFIG = 3
  type STATIC_BROKER_CONFIG = 4
  type DEFAULT_CONFIG = 5
  type DYNAMIC_BROKER_LOGGER_CONFIG = 6
}

/** ACL resource types. */
export const AclResourceTypes = Object.freeze({
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
} as const)
/** One of the {@link AclResourceTypes} values. */
export type AclResourceTypes = (typeof AclResourceTypes)[keyof typeof AclResourceTypes]
/** Member types of {@link AclResourceTypes}. */
export declare namespace AclResourceTypes {
  type UNKNOWN = 0
  type ANY = 1
  type TOPIC = 2
  type GROUP = 3
  type CLUSTER = 4
  type TRANSACTIONAL_ID = 5
  type DELEGATION_TOKEN = 6
}

/** ACL operations. */
export const AclOperationTypes = Object.freeze({
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const)
/** One of the {@link AclOperationTypes} values. */
export type AclOperationTypes = (typeof AclOperationTypes)[keyof typeof AclOperationTypes]
/** Member types of {@link AclOperationTypes}. */
export declare namespace AclOperationTypes {
  type UNKNOWN = 0
  type ANY = 1
  type ALL = 2
  type READ = 3
  type WRITE = 4
  type CREATE = 5
  type DELETE = 6
  type ALTER = 7
  type DESCRIBE = 8
  type CLUSTER_ACTION = 9
  type DESCRIBE_CONFIGS = 10
  type ALTER_CONFIGS = 11
  type IDEMPOTENT_WRITE = 12
}

/** ACL permission types. */
export const AclPermissionTypes = Object.freeze({ UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const)
/** One of the {@link AclPermissionTypes} values. */
export type AclPermissionTypes = (typeof AclPermissionTypes)[keyof typeof AclPermissionTypes]
/** Member types of {@link AclPermissionTypes}. */
export declare namespace AclPermissionTypes {
  type UNKNOWN = 0
  type ANY = 1
  type DENY = 2
  type ALLOW = 3
}

/** ACL resource pattern types. */
export const ResourcePatternTypes = Object.freeze({
  UNKNOWN: 0,
  ANY: 1,
  MATCH: 2,
  LITERAL: 3,
  PREFIXED: 4,
} as const)
/** One of the {@link ResourcePatternTypes} values. */
export type ResourcePatternTypes = (typeof ResourcePatternTypes)[keyof typeof ResourcePatternTypes]
/** Member types of {@link ResourcePatternTypes}. */
export declare namespace ResourcePatternTypes {
  type UNKNOWN = 0
  type ANY = 1
  type MATCH = 2
  type LITERAL = 3
  type PREFIXED = 4
}

/**
 * A codec as KafkaJS calls it: `compress` receives an encoder whose `buffer` holds the bytes, and
 * both methods resolve to the transformed bytes.
 */
export interface CompressionCodec {
  compress(encoder: { readonly buffer: Buffer }): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

/**
 * A registry entry: called at each lookup, it returns the codec or throws if unavailable. Typed
 * `() => unknown` so any codec package KafkaJS accepts (its d.ts says `() => any`) can be assigned.
 */
export type CompressionCodecFactory = () => unknown

const gzipAsync = promisify(gzip)
const unzipAsync = promisify(unzip)

const gzipCodec: CompressionCodec = Object.freeze({
  compress: async (encoder: { readonly buffer: Buffer }) => Buffer.from(await gzipAsync(encoder.buffer)),
  decompress: async (buffer: Buffer) => Buffer.from(await unzipAsync(buffer)),
})

function notImplemented(name: string): CompressionCodecFactory {
  return () => {
    throw new KafkaJSNotImplemented(`${name} compression not implemented`)
  }
}

/**
 * KafkaJS's mutable codec registry, keyed by {@link CompressionTypes} value. GZIP works out of the
 * box (node:zlib); Snappy, LZ4 and ZSTD throw KafkaJSNotImplemented('<Name> compression not
 * implemented') until a user registers a codec factory, exactly as in KafkaJS.
 * @example CompressionCodecs[CompressionTypes.Snappy] = () => snappyCodec
 */
export const CompressionCodecs: Record<number, CompressionCodecFactory> = {
  [CompressionTypes.GZIP]: () => gzipCodec,
  [CompressionTypes.Snappy]: notImplemented('Snappy'),
  [CompressionTypes.LZ4]: notImplemented('LZ4'),
  [CompressionTypes.ZSTD]: notImplemented('ZSTD'),
}

/**
 * Looks a codec up the way KafkaJS does before it compresses a batch: `null` for None or an
 * unknown type, otherwise whatever the registered factory returns (for GZIP, a
 * {@link CompressionCodec}).
 * @throws KafkaJSNotImplemented for Snappy, LZ4 or ZSTD when no codec was registered.
 */
export function lookupCodec(type: number): unknown {
  const factory = CompressionCodecs[type]
  return factory === undefined ? null : factory()
}
