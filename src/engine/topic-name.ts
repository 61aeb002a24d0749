import { KafkaliteError } from '../common/errors.js'
import { LIMITS } from '../common/limits.js'

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/

/**
 * Checks Kafka's topic-name rules: 1–249 characters of `[a-zA-Z0-9._-]`, never `.` or `..`.
 * @throws KafkaliteError INVALID_TOPIC_EXCEPTION naming the rule that failed
 */
export function validateTopicName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new KafkaliteError(
      'INVALID_TOPIC_EXCEPTION',
      `topic name must be a non-empty string, got ${describe(name)}`,
      {
        value: name,
      },
    )
  }
  if (name === '.' || name === '..') {
    throw new KafkaliteError('INVALID_TOPIC_EXCEPTION', `topic name cannot be "." or ".."`, { value: name })
  }
  if (name.length > LIMITS.topicNameLengthMax) {
    throw new KafkaliteError(
      'INVALID_TOPIC_EXCEPTION',
      `topic name is ${name.length} characters, the limit is ${LIMITS.topicNameLengthMax}`,
      { value: name, limitName: 'topicNameLengthMax', limit: LIMITS.topicNameLengthMax },
    )
  }
  if (!LEGAL_TOPIC_NAME.test(name)) {
    throw new KafkaliteError(
      'INVALID_TOPIC_EXCEPTION',
      `topic name "${name}" is illegal: it may contain only ASCII alphanumerics, '.', '_' and '-'`,
      { value: name },
    )
  }
}

/** Internal topics kafkalite maintains itself. */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state'])

function describe(value: unknown): string {
  return typeof value === 'string' ? '""' : `${typeof value} ${String(value)}`
}
