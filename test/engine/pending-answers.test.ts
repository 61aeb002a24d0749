import { describe, expect, it } from 'vitest'
import { PendingAnswers } from '../../src/engine/pending-answers.js'

describe('PendingAnswers', () => {
  it('has nothing to wait for until an answer is added, and again once every answer is seen', async () => {
    const answers = new PendingAnswers()
    expect(answers.allSeen()).toBeNull()
    let first!: () => void
    let second!: () => void
    answers.add(new Promise<void>((resolve) => (first = resolve)))
    answers.add(new Promise<void>((resolve) => (second = resolve)))
    let seen = false
    const waiting = answers.allSeen()
    void waiting?.then(() => (seen = true))
    first()
    await Promise.resolve()
    await Promise.resolve()
    expect(seen).toBe(false)
    second()
    await waiting
    expect(seen).toBe(true)
    expect(answers.allSeen()).toBeNull()
  })

  it('waits only for the answers pending when asked', async () => {
    const answers = new PendingAnswers()
    let first!: () => void
    answers.add(new Promise<void>((resolve) => (first = resolve)))
    const waiting = answers.allSeen()
    answers.add(new Promise<void>(() => {}))
    first()
    await expect(waiting).resolves.toBeDefined()
  })
})
