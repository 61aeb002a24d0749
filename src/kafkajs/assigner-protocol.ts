/**
 * KafkaJS's `AssignerProtocol`: the consumer protocol's member metadata (JoinGroup) and member
 * assignment (SyncGroup), byte-compatible with KafkaJS and the Java client (catalog §1.6).
 *
 * Wire format, big-endian: a string is int16 length + UTF-8 (length -1 = null), bytes are int32
 * length + bytes (-1 = null), an array is int32 count + items (-1 = empty).
 * - MemberMetadata   = int16 version, array<string> topics, bytes userData
 * - MemberAssignment = int16 version, array<{ string topic, array<int32> partitions }>, bytes userData
 *
 * Behavior: as in KafkaJS, decoded `userData` is a view of the input Buffer, a missing `userData`
 * encodes as empty bytes, and a buffer that ends early throws Node's RangeError.
 */
import { Buffer } from 'node:buffer'
import type { Assignment, ISerializer, MemberAssignment, MemberMetadata } from './types.js'

/** `userData` as KafkaJS accepts it: a Buffer, a string (UTF-8), or null; omitted means empty. */
type UserDataInput = Buffer | string | null | undefined

/** What {@link AssignerProtocol}.MemberMetadata.encode accepts. */
export interface MemberMetadataInput {
  readonly version: number
  readonly topics: readonly string[]
  readonly userData?: UserDataInput
}

/** What {@link AssignerProtocol}.MemberAssignment.encode accepts. */
export interface MemberAssignmentInput {
  readonly version: number
  readonly assignment: Readonly<Record<string, readonly number[]>>
  readonly userData?: UserDataInput
}

const int16Bytes = 2
const int32Bytes = 4

function stringSize(value: string): number {
  return int16Bytes + Buffer.byteLength(value, 'utf8')
}

function userDataBytes(userData: UserDataInput): Buffer | null {
  if (userData === null) return null
  if (userData === undefined) return Buffer.alloc(0)
  return Buffer.isBuffer(userData) ? userData : Buffer.from(String(userData), 'utf8')
}

/** Writes big-endian values into a Buffer sized up front. */
class Writer {
  readonly buffer: Buffer
  #offset = 0

  constructor(size: number) {
    this.buffer = Buffer.alloc(size)
  }

  int16(value: number): this {
    this.#offset = this.buffer.writeInt16BE(value, this.#offset)
    return this
  }

  int32(value: number): this {
    this.#offset = this.buffer.writeInt32BE(value, this.#offset)
    return this
  }

  string(value: string): this {
    const length = Buffer.byteLength(value, 'utf8')
    this.int16(length)
    this.#offset += this.buffer.write(value, this.#offset, length, 'utf8')
    return this
  }

  bytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1)
    this.int32(value.length)
    this.#offset += value.copy(this.buffer, this.#offset)
    return this
  }
}

/** Reads big-endian values; reading past the end throws Node's RangeError (ERR_OUT_OF_RANGE). */
class Reader {
  readonly #buffer: Buffer
  #offset = 0

  constructor(buffer: Buffer) {
    this.#buffer = buffer
  }

  canReadInt16(): boolean {
    return this.#buffer.length - this.#offset >= int16Bytes
  }

  int16(): number {
    const value = this.#buffer.readInt16BE(this.#offset)
    this.#offset += int16Bytes
    return value
  }

  int32(): number {
    const value = this.#buffer.readInt32BE(this.#offset)
    this.#offset += int32Bytes
    return value
  }

  string(): string | null {
    const length = this.int16()
    if (length === -1) return null
    const value = this.#buffer.toString('utf8', this.#offset, this.#offset + length)
    this.#offset += length
    return value
  }

  bytes(): Buffer | null {
    const length = this.int32()
    if (length === -1) return null
    const value = this.#buffer.subarray(this.#offset, this.#offset + length)
    this.#offset += length
    return value
  }

  /** Reads `count` items; the count is bounded by the buffer, since every read consumes bytes. */
  array<T>(readItem: (reader: Reader) => T): T[] {
    const count = this.int32()
    if (count === -1) return []
    const items = new Array<T>(count)
    for (let index = 0; index < count; index++) items[index] = readItem(this)
    return items
  }
}

const readInt32 = (reader: Reader): number => reader.int32()

function encodeMemberMetadata({ version, topics, userData }: MemberMetadataInput): Buffer {
  const data = userDataBytes(userData)
  let size = int16Bytes + int32Bytes + int32Bytes + (data?.length ?? 0)
  for (const topic of topics) size += stringSize(topic)
  const writer = new Writer(size).int16(version).int32(topics.length)
  for (const topic of topics) writer.string(topic)
  return writer.bytes(data).buffer
}

function decodeMemberMetadata(buffer: Buffer): MemberMetadata {
  const reader = new Reader(buffer)
  const version = reader.int16()
  // KafkaJS returns null for null strings and bytes although its d.ts says string and Buffer.
  const topics = reader.array((item) => item.string()) as string[]
  const userData = reader.bytes() as Buffer
  return { version, topics, userData }
}

function encodeMemberAssignment({ version, assignment, userData }: MemberAssignmentInput): Buffer {
  const data = userDataBytes(userData)
  // Object.keys order (integer-like names first) is KafkaJS's order, so bytes match exactly.
  const topics = Object.keys(assignment)
  let size = int16Bytes + int32Bytes + int32Bytes + (data?.length ?? 0)
  for (const topic of topics) size += stringSize(topic) + int32Bytes * (1 + (assignment[topic]?.length ?? 0))
  const writer = new Writer(size).int16(version).int32(topics.length)
  for (const topic of topics) {
    const partitions = assignment[topic] ?? []
    writer.string(topic).int32(partitions.length)
    for (const partition of partitions) writer.int32(partition)
  }
  return writer.bytes(data).buffer
}

function decodeMemberAssignment(buffer: Buffer): MemberAssignment | null {
  const reader = new Reader(buffer)
  if (!reader.canReadInt16()) return null
  const version = reader.int16()
  const entries = reader.array((item) => ({
    topic: item.string() as string,
    partitions: item.array(readInt32),
  }))
  const assignment: Assignment = {}
  for (const { topic, partitions } of entries) assignment[topic] = partitions
  const userData = reader.bytes() as Buffer
  return { version, assignment, userData }
}

/**
 * Encoders and decoders of the consumer protocol's member metadata and member assignment.
 * `MemberAssignment.decode` returns null for a buffer shorter than two bytes (an empty assignment
 * from SyncGroup), as KafkaJS does.
 * @example AssignerProtocol.MemberAssignment.decode(description.members[0].memberAssignment)
 */
export const AssignerProtocol: {
  readonly MemberMetadata: ISerializer<MemberMetadata> & { encode(value: MemberMetadataInput): Buffer }
  readonly MemberAssignment: ISerializer<MemberAssignment> & { encode(value: MemberAssignmentInput): Buffer }
} = Object.freeze({
  MemberMetadata: Object.freeze({ encode: encodeMemberMetadata, decode: decodeMemberMetadata }),
  MemberAssignment: Object.freeze({ encode: encodeMemberAssignment, decode: decodeMemberAssignment }),
})
