import { RECORD_OVERHEAD_BYTES } from '../common/record.js'

/** Deepest nesting `immutableCopy` follows; deeper values are a typed error, not a stack overflow. */
export const IMMUTABLE_DEPTH_MAX = 256

/**
 * A deep, frozen copy of a JSON-like value and an estimate of its encoded size, in one walk.
 * Plain objects and arrays are copied and frozen; Uint8Arrays are copied (typed arrays cannot be
 * frozen, so consumers get their own copy on read — see the bus consumer); other objects
 * (Date, Map, …) go through structuredClone and are frozen when they can be.
 * Records are immutable this way: a producer mutating its object after send, or a consumer
 * mutating what it received, changes nothing anyone else sees.
 */
export function immutableCopy(value: unknown): { copy: unknown; sizeBytes: number } {
  const size = { bytes: RECORD_OVERHEAD_BYTES }
  const copy = copyValue(value, size, 0)
  return { copy, sizeBytes: size.bytes }
}

function copyValue(value: unknown, size: { bytes: number }, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      size.bytes += value.length + 1
      return value
    case 'number':
    case 'bigint':
      size.bytes += 9
      return value
    case 'boolean':
    case 'undefined':
      size.bytes += 1
      return value
    case 'object':
      break
    default:
      throw new TypeError(`cannot store a ${typeof value} in a record`)
  }
  if (value === null) {
    size.bytes += 1
    return null
  }
  if (depth > IMMUTABLE_DEPTH_MAX)
    throw new RangeError(`value nests deeper than ${IMMUTABLE_DEPTH_MAX} levels`)
  if (Array.isArray(value)) {
    const copy = new Array(value.length)
    for (let index = 0; index < value.length; index++) copy[index] = copyValue(value[index], size, depth + 1)
    size.bytes += 2
    return Object.freeze(copy)
  }
  if (value instanceof Uint8Array) {
    size.bytes += value.byteLength + 4
    return value.slice()
  }
  const prototype = Object.getPrototypeOf(value)
  if (prototype === Object.prototype || prototype === null) {
    const copy: Record<string, unknown> = {}
    for (const key of Object.keys(value)) {
      size.bytes += key.length + 1
      copy[key] = copyValue((value as Record<string, unknown>)[key], size, depth + 1)
    }
    return Object.freeze(copy)
  }
  size.bytes += 16
  const cloned = structuredClone(value)
  return Object.isFrozen(cloned) ? cloned : Object.freeze(cloned)
}

/** A Uint8Array in a stored value is copied again for each reader, since it cannot be frozen. */
export function hasBytes(value: unknown, depth = 0): boolean {
  if (value instanceof Uint8Array) return true
  if (typeof value !== 'object' || value === null || depth > IMMUTABLE_DEPTH_MAX) return false
  for (const child of Array.isArray(value) ? value : Object.values(value))
    if (hasBytes(child, depth + 1)) return true
  return false
}
