/**
 * How the Kafka transport turns typed values, keys and headers into a record's bytes and back.
 *
 * Behavior: values are JSON (default) or msgpack. JSON keeps what JSON keeps: a `Date` arrives as
 * an ISO string (use `z.coerce.date()` in the schema) and `undefined` fields vanish. Keys are
 * strings as they are and anything else as JSON, the bytes the in-process partitioner hashes, so a
 * key lands on the same partition number on both transports. Headers are UTF-8 strings.
 */

import { Packr } from 'msgpackr'
import { MSGPACK_OPTIONS } from '../../common/msgpack-options.js'

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
  // kafkalite's msgpack options (as the file store's); decoded Buffers are copies of the message.
  const packr = new Packr({ ...MSGPACK_OPTIONS, copyBuffers: true })
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
