import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lastIndexWhere } from '../../src/common/search.js'

describe('lastIndexWhere', () => {
  it('returns -1 for an empty range or a predicate that holds nowhere', () => {
    expect(lastIndexWhere(0, () => true)).toBe(-1)
    expect(lastIndexWhere(5, () => false)).toBe(-1)
  })

  it('finds the last index of a sorted array at or below a target, as a linear scan does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 })),
        fc.integer({ min: -5, max: 55 }),
        (values, target) => {
          const sorted = [...values].sort((a, b) => a - b)
          let expected = -1
          for (let index = 0; index < sorted.length; index++)
            if ((sorted[index] as number) <= target) expected = index
          expect(lastIndexWhere(sorted.length, (index) => (sorted[index] as number) <= target)).toBe(expected)
        },
      ),
    )
  })
})
