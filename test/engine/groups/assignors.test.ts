import { describe, expect, it } from 'vitest'
import { type Assignment, rangeAssign, roundRobinAssign } from '../../../src/engine/groups/assignors.js'

function plain(assignment: Assignment): Record<string, Record<string, number[]>> {
  const result: Record<string, Record<string, number[]>> = {}
  for (const [memberId, topics] of assignment) result[memberId] = Object.fromEntries(topics)
  return result
}

const counts = (entries: Record<string, number>) => new Map(Object.entries(entries))

describe('roundRobinAssign', () => {
  it('deals every partition in topic order to members sorted by id', () => {
    const members = [
      { memberId: 'c', topics: ['t0', 't1'] },
      { memberId: 'a', topics: ['t1', 't0'] },
      { memberId: 'b', topics: ['t0', 't1'] },
    ]
    expect(plain(roundRobinAssign(members, counts({ t0: 3, t1: 2 })))).toEqual({
      a: { t0: [0], t1: [0] },
      b: { t0: [1], t1: [1] },
      c: { t0: [2] },
    })
  })

  it("skips members not subscribed to a topic (Kafka's RoundRobinAssignor example)", () => {
    // C0 subscribes t0; C1 t0 and t1; C2 t0, t1 and t2; t0 has 1 partition, t1 2, t2 3.
    const members = [
      { memberId: 'C0', topics: ['t0'] },
      { memberId: 'C1', topics: ['t0', 't1'] },
      { memberId: 'C2', topics: ['t0', 't1', 't2'] },
    ]
    expect(plain(roundRobinAssign(members, counts({ t0: 1, t1: 2, t2: 3 })))).toEqual({
      C0: { t0: [0] },
      C1: { t1: [0] },
      C2: { t1: [1], t2: [0, 1, 2] },
    })
  })

  it('leaves extra members empty and ignores topics with no metadata', () => {
    const members = [
      { memberId: 'm1', topics: ['t', 'unknown'] },
      { memberId: 'm2', topics: ['t'] },
      { memberId: 'm3', topics: ['t'] },
    ]
    expect(plain(roundRobinAssign(members, counts({ t: 2 })))).toEqual({
      m1: { t: [0] },
      m2: { t: [1] },
      m3: {},
    })
  })

  it('gives every partition exactly once', () => {
    const members = Array.from({ length: 7 }, (_, index) => ({
      memberId: `m${index}`,
      topics: ['a', 'b', 'c'],
    }))
    const assignment = roundRobinAssign(members, counts({ a: 10, b: 1, c: 33 }))
    const seen: string[] = []
    for (const topics of assignment.values()) {
      for (const [topic, partitions] of topics)
        for (const partition of partitions) seen.push(`${topic}-${partition}`)
    }
    expect(seen.sort()).toEqual(
      [
        ...Array.from({ length: 10 }, (_, index) => `a-${index}`),
        'b-0',
        ...Array.from({ length: 33 }, (_, index) => `c-${index}`),
      ].sort(),
    )
    const sizes = [...assignment.values()].map((topics) =>
      [...topics.values()].reduce((sum, list) => sum + list.length, 0),
    )
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
  })

  it('returns an empty map for every member when there are no partitions', () => {
    expect(plain(roundRobinAssign([{ memberId: 'a', topics: ['t'] }], counts({})))).toEqual({ a: {} })
  })
})

describe('rangeAssign', () => {
  it("gives contiguous ranges per topic, the first members one extra (Kafka's RangeAssignor example)", () => {
    // Two consumers, two topics of three partitions: C0 gets t0p0, t0p1, t1p0, t1p1; C1 gets t0p2, t1p2.
    const members = [
      { memberId: 'C1', topics: ['t0', 't1'] },
      { memberId: 'C0', topics: ['t0', 't1'] },
    ]
    expect(plain(rangeAssign(members, counts({ t0: 3, t1: 3 })))).toEqual({
      C0: { t0: [0, 1], t1: [0, 1] },
      C1: { t0: [2], t1: [2] },
    })
  })

  it('divides each topic only among its own subscribers', () => {
    const members = [
      { memberId: 'a', topics: ['x'] },
      { memberId: 'b', topics: ['x', 'y'] },
      { memberId: 'c', topics: ['y'] },
    ]
    expect(plain(rangeAssign(members, counts({ x: 5, y: 2 })))).toEqual({
      a: { x: [0, 1, 2] },
      b: { x: [3, 4], y: [0] },
      c: { y: [1] },
    })
  })

  it('leaves members past the partition count empty', () => {
    const members = ['a', 'b', 'c'].map((memberId) => ({ memberId, topics: ['t'] }))
    expect(plain(rangeAssign(members, counts({ t: 2 })))).toEqual({ a: { t: [0] }, b: { t: [1] }, c: {} })
  })

  it('assigns nothing for a subscribed topic without metadata', () => {
    expect(plain(rangeAssign([{ memberId: 'a', topics: ['missing'] }], counts({})))).toEqual({ a: {} })
  })
})
