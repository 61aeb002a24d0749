/** Thrown when an invariant does not hold: this is a bug in kafkalite, never an operating error. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`invariant violated (this is a bug in kafkalite): ${message}`)
    this.name = 'InvariantError'
  }
}

/** Asserts a programmer-error invariant; `why` says what should have held. */
export function assert(condition: unknown, why: string): asserts condition {
  if (!condition) throw new InvariantError(why)
}

/** Marks a switch as exhaustive. */
export function assertNever(value: never, what = 'value'): never {
  throw new InvariantError(`unexpected ${what}: ${String(value)}`)
}
