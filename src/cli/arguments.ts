/**
 * Parsers for option values, in commander's argParser shape: a bad value throws commander's
 * InvalidArgumentError, which commander reports as a usage error (exit code 2) naming the option.
 */
import { InvalidArgumentError } from 'commander'

/** A decimal integer ≥ 0. */
export function nonNegativeInteger(value: string): number {
  const parsed = integer(value)
  if (parsed < 0) throw new InvalidArgumentError('Expected an integer ≥ 0.')
  return parsed
}

/** A decimal integer ≥ 1. */
export function positiveInteger(value: string): number {
  const parsed = integer(value)
  if (parsed < 1) throw new InvalidArgumentError('Expected an integer ≥ 1.')
  return parsed
}

/** Where to start reading a partition, as Kafka's console consumer spells it. */
export type StartOffset = number | 'earliest' | 'latest'

/** `earliest`, `latest` or an offset ≥ 0 (Kafka's console consumer `--offset`). */
export function startOffset(value: string): StartOffset {
  if (value === 'earliest' || value === 'latest') return value
  const parsed = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError("Expected an offset ≥ 0, 'earliest' or 'latest'.")
  }
  return parsed
}

/** An offset to delete records before: ≥ 0, or -1 for the end of the log (Kafka's convention). */
export function deleteBeforeOffset(value: string): number {
  const parsed = integer(value)
  if (parsed < -1) throw new InvalidArgumentError('Expected an offset ≥ 0, or -1 for the end of the log.')
  return parsed
}

/** Collects a repeatable `key=value` option into a list of pairs, in order. */
export function keyValuePairs(value: string, previous: readonly (readonly [string, string])[] = []) {
  const separator = value.indexOf('=')
  if (separator <= 0) throw new InvalidArgumentError(`Expected key=value, got "${value}".`)
  const pair: readonly [string, string] = [value.slice(0, separator), value.slice(separator + 1)]
  return [...previous, pair]
}

/** One of a closed set of words. */
export function oneOf<const T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    const found = choices.find((choice) => choice === value)
    if (found === undefined) throw new InvalidArgumentError(`Expected one of ${choices.join(', ')}.`)
    return found
  }
}

function integer(value: string): number {
  const parsed = Number(value)
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError('Expected an integer.')
  }
  return parsed
}
