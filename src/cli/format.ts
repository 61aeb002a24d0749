/**
 * How stored values print. The KafkaJS face stores keys, values and header values as bytes
 * (Buffers); the typed bus stores JSON-like objects. Bytes print as UTF-8 text (invalid sequences
 * become U+FFFD, as Kafka's StringDeserializer does), strings as they are, anything else as JSON.
 */

const utf8 = new TextDecoder('utf-8')

/** A stored key, value or header value as one line of text; null when there is none. */
export function displayText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (value instanceof Uint8Array) return utf8.decode(value)
  if (typeof value === 'string') return value
  return toJson(value)
}

/** A stored value for a JSON document: bytes become their UTF-8 text, anything else stays as is. */
export function jsonValue(value: unknown): unknown {
  if (value === undefined) return null
  return value instanceof Uint8Array ? utf8.decode(value) : value
}

/** JSON on one line; bytes anywhere inside become UTF-8 text and bigints decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, function replace(this: Record<string, unknown>, key, converted: unknown) {
    const raw = this[key]
    if (raw instanceof Uint8Array) return utf8.decode(raw)
    if (typeof converted === 'bigint') return converted.toString()
    return converted
  })
}

/** Rows as lines of left-aligned columns, two spaces apart (the shape of Kafka's tools' tables). */
export function tableLines(rows: readonly (readonly (string | number)[])[]): string[] {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, String(cell).length)
    })
  }
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? String(cell) : String(cell).padEnd(widths[column] ?? 0),
      )
      .join('  '),
  )
}
