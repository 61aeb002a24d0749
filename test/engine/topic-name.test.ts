import { describe, expect, it } from 'vitest'
import { INTERNAL_TOPICS, validateTopicName } from '../../src/engine/topic-name.js'
import { caught } from './test-records.js'

describe('validateTopicName', () => {
  it.each([
    'a',
    'orders',
    'Orders.v2',
    'user_events-2024',
    '...',
    '.hidden',
    '__consumer_offsets',
    '0',
    'a'.repeat(249),
  ])('accepts %j', (name) => {
    expect(() => validateTopicName(name)).not.toThrow()
  })

  it('rejects the empty name with INVALID_TOPIC_EXCEPTION, not retriable, carrying the value', () => {
    const error = caught(() => validateTopicName(''))
    expect(error.code).toBe('INVALID_TOPIC_EXCEPTION')
    expect(error.retriable).toBe(false)
    expect(error.value).toBe('')
  })

  it.each(['.', '..'])('rejects %j', (name) => {
    const error = caught(() => validateTopicName(name))
    expect(error.code).toBe('INVALID_TOPIC_EXCEPTION')
    expect(error.retriable).toBe(false)
    expect(error.value).toBe(name)
  })

  it('accepts 249 characters and rejects 250 naming the limit', () => {
    expect(() => validateTopicName('x'.repeat(249))).not.toThrow()
    const name = 'x'.repeat(250)
    const error = caught(() => validateTopicName(name))
    expect(error.code).toBe('INVALID_TOPIC_EXCEPTION')
    expect(error.value).toBe(name)
    expect(error.limitName).toBe('topicNameLengthMax')
    expect(error.limit).toBe(249)
  })

  it.each([
    'has space',
    'slash/name',
    'back\\slash',
    'colon:name',
    'star*',
    'ümlaut',
    'emoji🙂',
    'tab\tname',
    'new\nline',
    'comma,name',
    'plus+name',
  ])('rejects illegal characters in %j', (name) => {
    const error = caught(() => validateTopicName(name))
    expect(error.code).toBe('INVALID_TOPIC_EXCEPTION')
    expect(error.retriable).toBe(false)
    expect(error.value).toBe(name)
  })

  it.each([undefined, null, 42, {}])('rejects the non-string %j', (name) => {
    const error = caught(() => validateTopicName(name))
    expect(error.code).toBe('INVALID_TOPIC_EXCEPTION')
    expect(error.value).toBe(name)
  })

  it('lists the internal topics kafkalite maintains', () => {
    expect([...INTERNAL_TOPICS].sort()).toEqual(['__consumer_offsets', '__transaction_state'])
  })
})
