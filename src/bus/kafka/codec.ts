/**
 * How the Kafka transport turns typed values, keys and headers into a record's bytes and back.
 *
 * Behavior: values are JSON (default) or msgpack. JSON keeps what JSON keeps: a `Date` arrives as
 * an ISO string (use `z.coerce.date()` in the schema) and `undefined` fields vanish. Keys are
 * strings as they are and anything else as JSON, the bytes the in-process partitioner hashes, so a
 * key lands on the same partition number on both transports. Headers are UTF-8 strings.
 */
import { Packr } from 'msgpackr'

/** The value formats of the Kafka transport. */
export const BusSerializer = { json: 'json', msgpack: 'msgpack' } as const
/** 'json' (default) or 'msgpack'. */
export type BusSerializer = (typeof BusSerializer)[keyof typeof BusSerializer]

/** Encodes and decodes record values in one format. */
export interface ValueCodec {
  readonly serializer: BusSerializer
  encode(value: unknown): Buffer | null
  /** @throws Error when the bytes are not of this format */
  decode(bytes: Buffer | null): unknown
}

/** A codec for one bus; the msgpack one owns its Packr, every option spelled out (STYLE rule 8). */
export function createValueCodec(serializer: BusSerializer): ValueCodec {
  if (serializer === 'json') {
    return {
      serializer,
      encode: (value) => (value === null || value === undefined ? null : Buffer.from(JSON.stringify(value))),
      decode: (bytes) => (bytes === null ? null : JSON.parse(bytes.toString('utf8'))),
    }
  }
  // The same choices as the file store's Packr: plain objects, no shared structures between
  // records (a consumer in another process could not know them), float64 numbers, undefined kept.
  const packr = new Packr({
    useRecords: false,
    structuredClone: false,
    sequential: false,
    maxSharedStructures: 0,
    mapsAsObjects: true,
    variableMapSize: true,
    coercibleKeyAsNumber: false,
    allowArraysInMapKeys: false,
    mapAsEmptyObject: false,
    setAsEmptyObject: false,
    moreTypes: false,
    useToJSON: false,
    useFloat32: 0,
    useTimestamp32: false,
    copyBuffers: true,
    bundleStrings: false,
    encodeUndefinedAsNil: false,
    int64AsType: 'bigint',
    largeBigIntToFloat: false,
    largeBigIntToString: false,
    useBigIntExtension: false,
  })
  return {
    serializer,
    encode: (value) => (value === null ? null : packr.pack(value)),
    decode: (bytes) => (bytes === null ? null : packr.unpack(bytes)),
  }
}

/** A key as Kafka stores it: strings as they are, other values as JSON, null for none. */
export function encodeKey(key: unknown): string | null {
  if (key === null || key === undefined) return null
  return typeof key === 'string' ? key : JSON.stringify(key)
}

/** Header values as strings; KafkaJS hands Buffers, strings or arrays (the last value wins, as in process). */
export function decodeHeaders(
  headers: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, string>> {
  const map: Record<string, string> = {}
  if (headers === undefined) return Object.freeze(map)
  for (const name of Object.keys(headers)) {
    const raw = headers[name]
    const last = Array.isArray(raw) ? raw[raw.length - 1] : raw
    if (last === undefined || last === null) continue
    map[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last)
  }
  return Object.freeze(map)
}
