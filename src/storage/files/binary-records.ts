/**
 * The fast record layout, for batches whose keys, values and header values are all Buffers or null
 * (what the KafkaJS face produces): lengths and bytes, no msgpack, so encoding is a copy and
 * decoding makes views. Batches with anything else (the typed bus's objects) use msgpack instead;
 * codec.ts chooses and marks the choice in the batch's flags.
 *
 * Per record, little-endian:
 * ```
 * u32 offsetDelta, f64 timestamp, f64 sizeBytes,
 * i32 key length (-1: null) + key bytes, i32 value length (-1: null) + value bytes,
 * i32 header count (-1: null), then per header: u16 key length + UTF-8 key,
 *                                               i32 value length (-1: null) + value bytes
 * ```
 */
import type { Header, StoredRecord } from '../../common/record.js'

const RECORD_FIXED_BYTES = 4 + 8 + 8 + 4 + 4 + 4
const HEADER_KEY_BYTES_MAX = 0xffff

function isBytes(value: unknown): value is Buffer | null {
  return value === null || Buffer.isBuffer(value)
}

function bytesLength(value: Buffer | null): number {
  return value === null ? 0 : value.length
}

/** Bytes the records take in the binary layout, or -1 when some value is not a Buffer or null. */
export function binaryRecordsBytes(records: readonly StoredRecord[]): number {
  let total = 0
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as StoredRecord
    const { key, value, headers } = record
    if (!isBytes(key) || !isBytes(value)) return -1
    total += RECORD_FIXED_BYTES + bytesLength(key) + bytesLength(value)
    if (headers === null) continue
    for (let headerIndex = 0; headerIndex < headers.length; headerIndex++) {
      const header = headers[headerIndex] as Header
      if (!isBytes(header.value)) return -1
      const keyBytes = Buffer.byteLength(header.key, 'utf8')
      if (keyBytes > HEADER_KEY_BYTES_MAX) return -1
      total += 2 + keyBytes + 4 + bytesLength(header.value)
    }
  }
  return total
}

function writeBytes(target: Buffer, position: number, bytes: Buffer | null): number {
  if (bytes === null) {
    target.writeInt32LE(-1, position)
    return position + 4
  }
  target.writeInt32LE(bytes.length, position)
  target.set(bytes, position + 4)
  return position + 4 + bytes.length
}

/** Writes records measured by {@link binaryRecordsBytes} at `position`; returns the end position. */
export function writeBinaryRecords(
  target: Buffer,
  position: number,
  records: readonly StoredRecord[],
): number {
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as StoredRecord
    target.writeUInt32LE(record.offsetDelta, position)
    target.writeDoubleLE(record.timestamp, position + 4)
    target.writeDoubleLE(record.sizeBytes, position + 12)
    position = writeBytes(target, position + 20, record.key as Buffer | null)
    position = writeBytes(target, position, record.value as Buffer | null)
    const headers = record.headers
    if (headers === null) {
      target.writeInt32LE(-1, position)
      position += 4
      continue
    }
    target.writeInt32LE(headers.length, position)
    position += 4
    for (let headerIndex = 0; headerIndex < headers.length; headerIndex++) {
      const header = headers[headerIndex] as Header
      const keyBytes = target.write(header.key, position + 2, 'utf8')
      target.writeUInt16LE(keyBytes, position)
      position = writeBytes(target, position + 2 + keyBytes, header.value as Buffer | null)
    }
  }
  return position
}

/** Thrown by {@link readBinaryRecords} when the bytes do not hold `count` records. */
export class MalformedRecordsError extends Error {
  constructor(why: string) {
    super(why)
    this.name = 'MalformedRecordsError'
  }
}

/**
 * Reads `count` records from `source` (which the caller owns: keys and values are views of it).
 * @throws MalformedRecordsError when a length runs past the end or bytes are left over
 */
export function readBinaryRecords(source: Buffer, count: number): StoredRecord[] {
  const records: StoredRecord[] = new Array(count)
  const reader = { source, position: 0 }
  for (let index = 0; index < count; index++) {
    need(reader, 20)
    const offsetDelta = source.readUInt32LE(reader.position)
    const timestamp = source.readDoubleLE(reader.position + 4)
    const sizeBytes = source.readDoubleLE(reader.position + 12)
    reader.position += 20
    const key = readBytes(reader)
    const value = readBytes(reader)
    need(reader, 4)
    const headerCount = source.readInt32LE(reader.position)
    reader.position += 4
    let headers: Header[] | null = null
    if (headerCount >= 0) {
      headers = new Array(headerCount)
      for (let headerIndex = 0; headerIndex < headerCount; headerIndex++) {
        need(reader, 2)
        const keyBytes = source.readUInt16LE(reader.position)
        need(reader, 2 + keyBytes)
        const headerKey = source.toString('utf8', reader.position + 2, reader.position + 2 + keyBytes)
        reader.position += 2 + keyBytes
        headers[headerIndex] = { key: headerKey, value: readBytes(reader) }
      }
    }
    records[index] = { offsetDelta, timestamp, key, value, headers, sizeBytes }
  }
  if (reader.position !== source.length)
    throw new MalformedRecordsError('bytes are left after the last record')
  return records
}

interface Reader {
  readonly source: Buffer
  position: number
}

function need(reader: Reader, bytes: number): void {
  if (reader.position + bytes > reader.source.length)
    throw new MalformedRecordsError('a record runs past the end of its batch')
}

function readBytes(reader: Reader): Buffer | null {
  need(reader, 4)
  const length = reader.source.readInt32LE(reader.position)
  reader.position += 4
  if (length < 0) return null
  need(reader, length)
  const bytes = reader.source.subarray(reader.position, reader.position + length)
  reader.position += length
  return bytes
}
