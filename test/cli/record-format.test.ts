import { Buffer } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { displayText, tableLines, toJson } from '../../src/cli/format.js'
import { formatJson, formatText } from '../../src/cli/record-format.js'
import type { StoredRecord } from '../../src/common/record.js'

function record(fields: Partial<StoredRecord>): StoredRecord {
  return {
    offsetDelta: 0,
    timestamp: 1_700_000_000_000,
    key: null,
    value: null,
    headers: null,
    sizeBytes: 0,
    ...fields,
  }
}

const position = { topic: 't', partition: 2, offset: 41, timestampType: 'CreateTime' }
const allFields = { timestamp: true, partition: true, offset: true, headers: true, key: true }
const valueOnly = { timestamp: false, partition: false, offset: false, headers: false, key: false }

describe('formatText', () => {
  it("prints Kafka's console fields in its order: timestamp, partition, offset, headers, key, value", () => {
    const stored = record({
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      headers: [
        { key: 'a', value: Buffer.from('1') },
        { key: 'a', value: Buffer.from('2') },
      ],
    })
    expect(formatText(stored, position, allFields)).toBe(
      'CreateTime:1700000000000\tPartition:2\tOffset:41\ta:1,a:2\tk\tv',
    )
    expect(formatText(stored, position, valueOnly)).toBe('v')
  })

  it('prints null for a missing key or value and NO_HEADERS without headers', () => {
    expect(formatText(record({}), position, { ...valueOnly, key: true, headers: true })).toBe(
      'NO_HEADERS\tnull\tnull',
    )
  })

  it('prints bytes as UTF-8 text and typed-bus objects as JSON', () => {
    expect(formatText(record({ value: Buffer.from('héllo') }), position, valueOnly)).toBe('héllo')
    expect(
      formatText(record({ key: 'id-1', value: { id: 1, tags: ['x'] } }), position, {
        ...valueOnly,
        key: true,
      }),
    ).toBe('id-1\t{"id":1,"tags":["x"]}')
  })
})

describe('formatJson', () => {
  it('prints every field; bytes become text, objects stay objects, repeated headers become arrays', () => {
    const line = formatJson(
      record({
        key: Buffer.from('k'),
        value: { amount: 5 },
        headers: [
          { key: 'a', value: Buffer.from('1') },
          { key: 'a', value: Buffer.from('2') },
          { key: 'b', value: 'text' },
        ],
      }),
      position,
    )
    expect(JSON.parse(line)).toEqual({
      topic: 't',
      partition: 2,
      offset: 41,
      timestamp: 1_700_000_000_000,
      timestampType: 'CreateTime',
      key: 'k',
      value: { amount: 5 },
      headers: { a: ['1', '2'], b: 'text' },
    })
  })
})

describe('displayText and toJson', () => {
  it('turns bytes nested in objects into text and bigints into decimal strings', () => {
    expect(toJson({ bytes: Buffer.from('x'), nested: [new Uint8Array([121])], big: 10n })).toBe(
      '{"bytes":"x","nested":["y"],"big":"10"}',
    )
    expect(displayText(undefined)).toBeNull()
    expect(displayText(42)).toBe('42')
  })
})

describe('tableLines', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(
      tableLines([
        ['GROUP', 'LAG', 'ID'],
        ['billing', 12, '-'],
      ]),
    ).toEqual(['GROUP    LAG  ID', 'billing  12   -'])
  })
})
