import { KafkaliteError } from '../common/errors.js'

/** One schema problem: where in the value, and what is wrong. */
export interface ValidationIssue {
  /** Dotted path inside the value ('' for the value itself), e.g. 'items.0.price'. */
  readonly path: string
  readonly message: string
}

/**
 * A typed-bus value that failed its topic's schema, on send (nothing is appended) or when read
 * back from storage. Code EVENT_VALIDATION_FAILED; `issues` lists every problem.
 */
export class EventValidationError extends KafkaliteError {
  readonly issues: readonly ValidationIssue[]
  /** Index of the failing event in the batch given to send (on send only). */
  readonly index: number | undefined
  /** Which part failed: the value or the key. */
  readonly part: 'value' | 'key'

  constructor(
    topic: string,
    part: 'value' | 'key',
    issues: readonly ValidationIssue[],
    context: { index?: number; partition?: number; offset?: number; cause?: unknown } = {},
  ) {
    const where =
      context.index === undefined
        ? context.offset === undefined
          ? ''
          : ` at offset ${context.offset}`
        : ` (event ${context.index})`
    const first = issues[0]
    const detail =
      first === undefined
        ? 'invalid'
        : `${first.path === '' ? `${part}` : `${part}.${first.path}`}: ${first.message}`
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
    super('EVENT_VALIDATION_FAILED', `invalid ${part} for topic ${topic}${where}: ${detail}${more}`, {
      topic,
      retriable: false,
      ...(context.partition === undefined ? {} : { partition: context.partition }),
      ...(context.offset === undefined ? {} : { offset: context.offset }),
      ...(context.cause === undefined ? {} : { cause: context.cause }),
    })
    this.name = 'EventValidationError'
    this.issues = issues
    this.index = context.index
    this.part = part
  }
}
