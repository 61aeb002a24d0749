/** Deepest nesting a value may have; deeper values are a RangeError, not a stack overflow. */
export const VALUE_DEPTH_MAX = 256

/**
 * Records are immutable by copying, not freezing: a value is copied when sent (so the producer's
 * later mutation changes nothing) and again for every delivery (so no consumer can change what
 * another reads). Object.freeze costs V8 far more than a copy (see bench/bus.bench.ts), so the
 * guarantee is two cheap copies. Plain objects and arrays are copied deeply, Uint8Arrays sliced,
 * other objects (Date, Map, …) go through structuredClone.
 */
export function detachedCopy(value: unknown): unknown {
  return deliveryCopy(value)
}

/** A deep copy for one delivery (see {@link detachedCopy}). */
export function deliveryCopy(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (depth > VALUE_DEPTH_MAX) throw new RangeError(`value nests deeper than ${VALUE_DEPTH_MAX} levels`)
  if (Array.isArray(value)) {
    const copy = new Array(value.length)
    for (let index = 0; index < value.length; index++) copy[index] = deliveryCopy(value[index], depth + 1)
    return copy
  }
  // Uint8Array.prototype.slice copies; a Buffer's own slice() would return a view of the same bytes.
  if (value instanceof Uint8Array) return Uint8Array.prototype.slice.call(value)
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value)
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  for (const key in copy) {
    const child = copy[key]
    if (typeof child === 'object' && child !== null) copy[key] = deliveryCopy(child, depth + 1)
  }
  return copy
}

/**
 * Estimated encoded size of a value, without allocating (for max.message.bytes and retention.bytes).
 */
export function sizeOfValue(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length + 1
  if (typeof value !== 'object' || value === null) return 9
  if (depth > VALUE_DEPTH_MAX) throw new RangeError(`value nests deeper than ${VALUE_DEPTH_MAX} levels`)
  if (value instanceof Uint8Array) return value.byteLength + 4
  let bytes = 2
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) bytes += sizeOfValue(value[index], depth + 1)
    return bytes
  }
  for (const key in value as Record<string, unknown>)
    bytes += key.length + 1 + sizeOfValue((value as Record<string, unknown>)[key], depth + 1)
  return bytes
}

/** The zod node types whose parse output is always a fresh value (never the input object passed through). */
const FRESH_OUTPUT_TYPES: ReadonlySet<string> = new Set([
  'string',
  'number',
  'boolean',
  'bigint',
  'null',
  'undefined',
  'literal',
  'enum',
  'nan',
  'int',
  'date',
  'object',
  'array',
  'tuple',
  'optional',
  'nullable',
  'default',
  'union',
  'readonly',
  'nonoptional',
  'catch',
])

interface ZodNode {
  readonly _zod?: { readonly def?: Record<string, unknown> & { readonly type?: string } }
}

/**
 * Whether parsing with this schema always yields a value sharing nothing with the input, so the
 * parse output can be stored without another copy. Schemas with any/unknown/record/custom/
 * transform/lazy parts may pass input objects through: those values are copied after parsing.
 */
export function parseOutputIsFresh(schema: unknown, depth = 0): boolean {
  const def = (schema as ZodNode)?._zod?.def
  if (def === undefined || typeof def.type !== 'string' || depth > 64) return false
  if (!FRESH_OUTPUT_TYPES.has(def.type)) return false
  if (def.type === 'date') return false
  const children: unknown[] = []
  if (def.type === 'object') children.push(...Object.values((def.shape ?? {}) as Record<string, unknown>))
  if (def.type === 'object' && def.catchall !== undefined) children.push(def.catchall)
  if (def.type === 'array') children.push(def.element)
  if (def.type === 'tuple')
    children.push(
      ...((def.items ?? []) as unknown[]),
      ...(def.rest === undefined || def.rest === null ? [] : [def.rest]),
    )
  if (def.type === 'union') children.push(...((def.options ?? []) as unknown[]))
  if ('innerType' in def) children.push(def.innerType)
  return children.every((child) => parseOutputIsFresh(child, depth + 1))
}
