/**
 * How `kafkalite consume` prints a record. Text follows Kafka's console consumer
 * (DefaultMessageFormatter): tab-separated, in the order timestamp, partition, offset, headers,
 * key, value, each only when asked for, the value always; a missing key or value prints `null`.
 * JSON prints one object per line with every field.
 */
import type { Header, StoredRecord } from '../common/record.js'
import { displayText, jsonValue, toJson } from './format.js'

/** What a text line shows besides the value. */
export interface TextFields {
  readonly timestamp: boolean
  readonly partition: boolean
  readonly offset: boolean
  readonly headers: boolean
  readonly key: boolean
}

/** Output format of `consume`. */
export const RecordFormat = { Text: 'text', Json: 'json' } as const
export type RecordFormat = (typeof RecordFormat)[keyof typeof RecordFormat]

/** Where a record was read. */
export interface RecordPosition {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  /** `CreateTime` or `LogAppendTime`, from the topic's message.timestamp.type. */
  readonly timestampType: string
}

/** One record as a text line. */
export function formatText(record: StoredRecord, position: RecordPosition, fields: TextFields): string {
  const parts: string[] = []
  if (fields.timestamp) parts.push(`${position.timestampType}:${record.timestamp}`)
  if (fields.partition) parts.push(`Partition:${position.partition}`)
  if (fields.offset) parts.push(`Offset:${position.offset}`)
  if (fields.headers) parts.push(headersText(record.headers))
  if (fields.key) parts.push(displayText(record.key) ?? 'null')
  parts.push(displayText(record.value) ?? 'null')
  return parts.join('\t')
}

/** One record as a JSON line: topic, partition, offset, timestamp, timestampType, key, value, headers. */
export function formatJson(record: StoredRecord, position: RecordPosition): string {
  const headers: Record<string, unknown> = {}
  for (const header of record.headers ?? []) {
    const value = jsonValue(header.value)
    const existing = headers[header.key]
    if (existing === undefined) headers[header.key] = value
    else if (Array.isArray(existing)) existing.push(value)
    else headers[header.key] = [existing, value]
  }
  return toJson({
    topic: position.topic,
    partition: position.partition,
    offset: position.offset,
    timestamp: record.timestamp,
    timestampType: position.timestampType,
    key: jsonValue(record.key),
    value: jsonValue(record.value),
    headers,
  })
}

function headersText(headers: readonly Header[] | null): string {
  if (headers === null || headers.length === 0) return 'NO_HEADERS'
  return headers.map((header) => `${header.key}:${displayText(header.value) ?? 'null'}`).join(',')
}
