import { afterEach, describe, expect, it, vi } from 'vitest'
import { Broker } from '../../../src/engine/broker.js'
import type { JoinGroupRequest, JoinGroupResult } from '../../../src/engine/groups/group-coordinator.js'
import { memoryStorage } from '../../../src/storage/memory/memory-storage.js'
import { caught, ManualClock, rejected } from '../test-records.js'

afterEach(() => {
  vi.useRealTimers()
})

const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

function setup(options: { clock?: ManualClock } = {}) {
  const clock = options.clock ?? new ManualClock(0)
  let seed = 0
  const broker = new Broker({ clock, random: () => (seed = (seed * 9301 + 49297) % 233280) / 233280 })
  broker.createTopic('t', { partitions: 4 })
  return { broker, clock, groups: broker.groups }
}

function join(groups: Broker['groups'], overrides: Partial<JoinGroupRequest> = {}): Promise<JoinGroupResult> {
  return groups.joinGroup({
    groupId: 'g',
    memberId: '',
    clientId: 'client',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'roundrobin', metadata: { topics: ['t'] } }],
    ...overrides,
  })
}

/** One member joined and synced: the group is Stable at generation 1. */
async function stableOne(groups: Broker['groups']) {
  const joined = await join(groups)
  await groups.syncGroup({
    groupId: 'g',
    memberId: joined.memberId,
    generationId: joined.generationId,
    assignments: new Map([[joined.memberId, 'all']]),
  })
  return joined
}

describe('GroupCoordinator join and sync', () => {
  it('completes a lone member join at generation 1 with it as leader', async () => {
    const { groups } = setup()
    const joined = await join(groups)
    expect(joined.generationId).toBe(1)
    expect(joined.leaderId).toBe(joined.memberId)
    expect(joined.memberId).toMatch(/^client-[0-9a-f-]{36}$/)
    expect(joined.protocolName).toBe('roundrobin')
    expect(joined.members).toEqual([{ memberId: joined.memberId, metadata: { topics: ['t'] } }])
    expect(groups.describeGroup('g').state).toBe('CompletingRebalance')
  })

  it('becomes Stable when the leader syncs, handing each member its assignment', async () => {
    const { groups } = setup()
    const joined = await join(groups)
    const assignment = await groups.syncGroup({
      groupId: 'g',
      memberId: joined.memberId,
      generationId: 1,
      assignments: new Map([[joined.memberId, { t: [0, 1, 2, 3] }]]),
    })
    expect(assignment).toEqual({ t: [0, 1, 2, 3] })
    const described = groups.describeGroup('g')
    expect(described).toMatchObject({
      state: 'Stable',
      generationId: 1,
      protocol: 'roundrobin',
      protocolType: 'consumer',
    })
    expect(described.members).toEqual([
      {
        memberId: joined.memberId,
        clientId: 'client',
        clientHost: '/127.0.0.1',
        metadata: { topics: ['t'] },
        assignment: { t: [0, 1, 2, 3] },
      },
    ])
  })

  it('rebalances when a second member joins: the first is notified and both get generation 2', async () => {
    const { groups } = setup()
    const onRebalance = vi.fn()
    const first = await join(groups, { onRebalance })
    await groups.syncGroup({
      groupId: 'g',
      memberId: first.memberId,
      generationId: 1,
      assignments: new Map(),
    })
    const secondJoin = join(groups, { clientId: 'other' })
    await flush()
    expect(onRebalance).toHaveBeenCalledTimes(1)
    expect(groups.describeGroup('g').state).toBe('PreparingRebalance')
    const heartbeatError = caught(() => groups.heartbeat('g', first.memberId, 1))
    expect(heartbeatError.code).toBe('REBALANCE_IN_PROGRESS')
    expect(heartbeatError.retriable).toBe(true)
    const firstRejoin = join(groups, { memberId: first.memberId, onRebalance })
    const [rejoined, second] = await Promise.all([firstRejoin, secondJoin])
    expect(rejoined.generationId).toBe(2)
    expect(second.generationId).toBe(2)
    expect(rejoined.leaderId).toBe(first.memberId)
    expect(second.leaderId).toBe(first.memberId)
    expect(rejoined.members.map((member) => member.memberId).sort()).toEqual(
      [first.memberId, second.memberId].sort(),
    )
    expect(second.members).toEqual([])
  })

  it('holds a follower sync until the leader syncs, then both are Stable', async () => {
    const { groups } = setup()
    const first = await join(groups)
    const secondJoin = join(groups)
    const [leader, follower] = await Promise.all([join(groups, { memberId: first.memberId }), secondJoin])
    let followerAssignment: unknown = 'pending'
    const followerSync = groups
      .syncGroup({ groupId: 'g', memberId: follower.memberId, generationId: 2 })
      .then((assignment) => (followerAssignment = assignment))
    await flush()
    expect(followerAssignment).toBe('pending')
    const leaderAssignment = await groups.syncGroup({
      groupId: 'g',
      memberId: leader.memberId,
      generationId: 2,
      assignments: new Map([
        [leader.memberId, 'L'],
        [follower.memberId, 'F'],
      ]),
    })
    await followerSync
    expect(leaderAssignment).toBe('L')
    expect(followerAssignment).toBe('F')
    expect(groups.describeGroup('g').state).toBe('Stable')
    await expect(
      groups.syncGroup({ groupId: 'g', memberId: follower.memberId, generationId: 2 }),
    ).resolves.toBe('F')
  })

  it('gives a member left out of the leader assignment null', async () => {
    const { groups } = setup()
    const joined = await join(groups)
    await expect(
      groups.syncGroup({ groupId: 'g', memberId: joined.memberId, generationId: 1, assignments: new Map() }),
    ).resolves.toBeNull()
  })

  it('rejects a pending sync with REBALANCE_IN_PROGRESS when a new member joins before the leader syncs', async () => {
    const { groups } = setup()
    const first = await join(groups)
    const secondJoin = join(groups)
    const [leader, follower] = await Promise.all([join(groups, { memberId: first.memberId }), secondJoin])
    const followerSync = groups.syncGroup({ groupId: 'g', memberId: follower.memberId, generationId: 2 })
    void join(groups, { clientId: 'third' })
    expect((await rejected(followerSync)).code).toBe('REBALANCE_IN_PROGRESS')
    expect(leader.generationId).toBe(2)
  })

  it('rejects sync and heartbeat with an old generation as ILLEGAL_GENERATION', async () => {
    const { groups } = setup()
    const first = await stableOne(groups)
    const secondJoin = join(groups)
    await Promise.all([join(groups, { memberId: first.memberId }), secondJoin])
    const heartbeatError = caught(() => groups.heartbeat('g', first.memberId, 1))
    expect(heartbeatError.code).toBe('ILLEGAL_GENERATION')
    expect(heartbeatError.retriable).toBe(false)
    expect(heartbeatError.groupId).toBe('g')
    const syncError = await rejected(
      groups.syncGroup({ groupId: 'g', memberId: first.memberId, generationId: 1 }),
    )
    expect(syncError.code).toBe('ILLEGAL_GENERATION')
  })

  it('rejects unknown members with UNKNOWN_MEMBER_ID on join, sync and heartbeat', async () => {
    const { groups } = setup()
    await stableOne(groups)
    const joinError = await rejected(join(groups, { memberId: 'nobody' }))
    expect(joinError.code).toBe('UNKNOWN_MEMBER_ID')
    expect(joinError.retriable).toBe(false)
    expect(joinError.memberId).toBe('nobody')
    expect(
      (await rejected(groups.syncGroup({ groupId: 'g', memberId: 'nobody', generationId: 1 }))).code,
    ).toBe('UNKNOWN_MEMBER_ID')
    expect(caught(() => groups.heartbeat('g', 'nobody', 1)).code).toBe('UNKNOWN_MEMBER_ID')
    expect(caught(() => groups.heartbeat('no-such-group', 'nobody', 1)).code).toBe('UNKNOWN_MEMBER_ID')
  })

  it('accepts heartbeats of the current generation while Stable and CompletingRebalance', async () => {
    const { groups } = setup()
    const joined = await join(groups)
    expect(() => groups.heartbeat('g', joined.memberId, 1)).not.toThrow()
    await groups.syncGroup({
      groupId: 'g',
      memberId: joined.memberId,
      generationId: 1,
      assignments: new Map(),
    })
    expect(() => groups.heartbeat('g', joined.memberId, 1)).not.toThrow()
  })

  it('rejects an empty group id with INVALID_GROUP_ID', async () => {
    const { groups } = setup()
    const error = await rejected(join(groups, { groupId: '' }))
    expect(error.code).toBe('INVALID_GROUP_ID')
    expect(error.value).toBe('')
  })

  it.each([0, 3_600_001, Number.NaN])(
    'rejects session timeout %d with INVALID_SESSION_TIMEOUT',
    async (sessionTimeoutMs) => {
      const { groups } = setup()
      const error = await rejected(join(groups, { sessionTimeoutMs }))
      expect(error.code).toBe('INVALID_SESSION_TIMEOUT')
      expect(error.value).toBe(sessionTimeoutMs)
    },
  )

  it('rejects a member with another protocol type or no common protocol with INCONSISTENT_GROUP_PROTOCOL', async () => {
    const { groups } = setup()
    await stableOne(groups)
    expect((await rejected(join(groups, { protocolType: 'connect' }))).code).toBe(
      'INCONSISTENT_GROUP_PROTOCOL',
    )
    expect((await rejected(join(groups, { protocols: [{ name: 'range', metadata: null }] }))).code).toBe(
      'INCONSISTENT_GROUP_PROTOCOL',
    )
  })

  it('chooses the protocol every member supports with the most first-choice votes', async () => {
    const { groups } = setup()
    const first = join(groups, {
      protocols: [
        { name: 'range', metadata: 'r1' },
        { name: 'roundrobin', metadata: 'rr1' },
      ],
    })
    const firstJoined = await first
    const second = join(groups, {
      protocols: [
        { name: 'roundrobin', metadata: 'rr2' },
        { name: 'range', metadata: 'r2' },
      ],
    })
    const third = join(groups, { protocols: [{ name: 'roundrobin', metadata: 'rr3' }] })
    const results = await Promise.all([
      join(groups, {
        memberId: firstJoined.memberId,
        protocols: [
          { name: 'range', metadata: 'r1' },
          { name: 'roundrobin', metadata: 'rr1' },
        ],
      }),
      second,
      third,
    ])
    expect(results.map((result) => result.protocolName)).toEqual(['roundrobin', 'roundrobin', 'roundrobin'])
    expect(results[0]?.members.map((member) => member.metadata).sort()).toEqual(['rr1', 'rr2', 'rr3'])
  })
})

describe('GroupCoordinator leaving and timeouts', () => {
  it('rebalances the rest when a member leaves', async () => {
    const { groups } = setup()
    const first = await join(groups)
    const secondJoin = join(groups)
    const [leader, follower] = await Promise.all([join(groups, { memberId: first.memberId }), secondJoin])
    await Promise.all([
      groups.syncGroup({ groupId: 'g', memberId: follower.memberId, generationId: 2 }),
      groups.syncGroup({ groupId: 'g', memberId: leader.memberId, generationId: 2, assignments: new Map() }),
    ])
    groups.leaveGroup('g', leader.memberId)
    expect(groups.describeGroup('g').state).toBe('PreparingRebalance')
    const rejoined = await join(groups, { memberId: follower.memberId })
    expect(rejoined.generationId).toBe(3)
    expect(rejoined.leaderId).toBe(follower.memberId)
  })

  it('goes back to Empty when the last member of a Stable group leaves', async () => {
    const { groups } = setup()
    const joined = await stableOne(groups)
    groups.leaveGroup('g', joined.memberId)
    const described = groups.describeGroup('g')
    expect(described.state).toBe('Empty')
    expect(described.members).toEqual([])
    expect(described.generationId).toBe(2)
    const again = await join(groups)
    expect(again.generationId).toBe(3)
  })

  it('goes back to Empty when the last member leaves before syncing', async () => {
    const { groups } = setup()
    const joined = await join(groups)
    groups.leaveGroup('g', joined.memberId)
    expect(groups.describeGroup('g').state).toBe('Empty')
  })

  it('ignores leaving an unknown group or member', () => {
    const { groups } = setup()
    expect(() => groups.leaveGroup('none', 'nobody')).not.toThrow()
  })

  it('removes members that do not rejoin within the rebalance timeout', async () => {
    const { groups, clock } = setup()
    const first = await join(groups, { rebalanceTimeoutMs: 5000, sessionTimeoutMs: 60_000 })
    await groups.syncGroup({
      groupId: 'g',
      memberId: first.memberId,
      generationId: 1,
      assignments: new Map(),
    })
    let secondResult: JoinGroupResult | undefined
    void join(groups, { rebalanceTimeoutMs: 1000, sessionTimeoutMs: 60_000 }).then(
      (result) => (secondResult = result),
    )
    clock.advance(4999)
    await flush()
    expect(secondResult).toBeUndefined()
    clock.advance(1)
    await flush()
    expect(secondResult?.generationId).toBe(2)
    expect(secondResult?.leaderId).toBe(secondResult?.memberId)
    expect(secondResult?.members.map((member) => member.memberId)).toEqual([secondResult?.memberId])
    expect(caught(() => groups.heartbeat('g', first.memberId, 1)).code).toBe('UNKNOWN_MEMBER_ID')
  })

  it('evicts a member that stops heartbeating for the session timeout, under vitest fake timers', async () => {
    vi.useFakeTimers({ now: 0 })
    const broker = new Broker({ random: () => 0.25 })
    broker.createTopic('t')
    const groups = broker.groups
    const joined = await stableOne(groups)
    for (let beat = 0; beat < 5; beat++) {
      vi.advanceTimersByTime(9_000)
      groups.heartbeat('g', joined.memberId, 1)
    }
    expect(groups.describeGroup('g').members).toHaveLength(1)
    vi.advanceTimersByTime(9_999)
    expect(groups.describeGroup('g').members).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(groups.describeGroup('g').members).toHaveLength(0)
    expect(groups.describeGroup('g').state).toBe('Empty')
    expect(caught(() => groups.heartbeat('g', joined.memberId, 1)).code).toBe('UNKNOWN_MEMBER_ID')
    await broker.close()
  })

  it('evicts an idle member while keeping a heartbeating one, which then rebalances alone', async () => {
    const { groups, clock } = setup()
    const first = await join(groups)
    const secondJoin = join(groups)
    const [leader, follower] = await Promise.all([join(groups, { memberId: first.memberId }), secondJoin])
    await Promise.all([
      groups.syncGroup({ groupId: 'g', memberId: follower.memberId, generationId: 2 }),
      groups.syncGroup({ groupId: 'g', memberId: leader.memberId, generationId: 2, assignments: new Map() }),
    ])
    for (let beat = 0; beat < 2; beat++) {
      clock.advance(4000)
      groups.heartbeat('g', follower.memberId, 2)
    }
    clock.advance(2000)
    expect(caught(() => groups.heartbeat('g', leader.memberId, 2)).code).toBe('UNKNOWN_MEMBER_ID')
    expect(caught(() => groups.heartbeat('g', follower.memberId, 2)).code).toBe('REBALANCE_IN_PROGRESS')
    const alone = await join(groups, { memberId: follower.memberId })
    expect(alone.generationId).toBe(3)
    expect(alone.members).toHaveLength(1)
  })

  it('rejects pending joins with BROKER_CLOSED when the broker closes', async () => {
    const { groups, broker } = setup()
    await stableOne(groups)
    const pending = join(groups)
    await broker.close()
    expect((await rejected(pending)).code).toBe('BROKER_CLOSED')
    expect((await rejected(join(groups))).code).toBe('BROKER_CLOSED')
  })
})

describe('GroupCoordinator offsets', () => {
  it('commits offsets for a member of the current generation and fetches them with metadata', async () => {
    const { groups, clock } = setup()
    const joined = await stableOne(groups)
    clock.advance(50)
    groups.commitOffsets({
      groupId: 'g',
      memberId: joined.memberId,
      generationId: 1,
      offsets: [
        { topic: 't', partition: 0, offset: 5, metadata: 'm' },
        { topic: 't', partition: 3, offset: 7 },
      ],
    })
    expect(groups.committedOffset('g', 't', 0)).toEqual({ offset: 5, metadata: 'm', commitTimestamp: 50 })
    expect(groups.committedOffset('g', 't', 3)).toEqual({ offset: 7, metadata: null, commitTimestamp: 50 })
    expect(
      [...groups.fetchOffsets('g').entries()].map(([topic, partition, value]) => [
        topic,
        partition,
        value.offset,
      ]),
    ).toEqual([
      ['t', 0, 5],
      ['t', 3, 7],
    ])
    expect(groups.fetchOffsets('g', ['other']).size).toBe(0)
    expect(groups.fetchOffsets('none').size).toBe(0)
  })

  it('lets the latest commit win', async () => {
    const { groups } = setup()
    groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 't', partition: 0, offset: 1 }],
    })
    groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 't', partition: 0, offset: 9 }],
    })
    expect(groups.committedOffset('g', 't', 0)?.offset).toBe(9)
  })

  it('rejects a member commit with an old generation as ILLEGAL_GENERATION and from a stranger as UNKNOWN_MEMBER_ID', async () => {
    const { groups } = setup()
    const joined = await stableOne(groups)
    const offsets = [{ topic: 't', partition: 0, offset: 1 }]
    expect(
      caught(() =>
        groups.commitOffsets({ groupId: 'g', memberId: joined.memberId, generationId: 0, offsets }),
      ).code,
    ).toBe('ILLEGAL_GENERATION')
    expect(
      caught(() => groups.commitOffsets({ groupId: 'g', memberId: 'nobody', generationId: 1, offsets })).code,
    ).toBe('UNKNOWN_MEMBER_ID')
    expect(
      caught(() => groups.commitOffsets({ groupId: 'none', memberId: 'nobody', generationId: 1, offsets }))
        .code,
    ).toBe('UNKNOWN_MEMBER_ID')
    expect(groups.committedOffset('g', 't', 0)).toBeUndefined()
  })

  it('rejects a member commit while the group completes a rebalance with REBALANCE_IN_PROGRESS', async () => {
    const { groups } = setup()
    const joined = await join(groups)
    const error = caught(() =>
      groups.commitOffsets({
        groupId: 'g',
        memberId: joined.memberId,
        generationId: 1,
        offsets: [{ topic: 't', partition: 0, offset: 1 }],
      }),
    )
    expect(error.code).toBe('REBALANCE_IN_PROGRESS')
  })

  it('accepts commits from outside the group only while it has no members', async () => {
    const { groups } = setup()
    const offsets = [{ topic: 't', partition: 1, offset: 3 }]
    groups.commitOffsets({ groupId: 'g', memberId: '', generationId: -1, offsets })
    expect(groups.committedOffset('g', 't', 1)?.offset).toBe(3)
    const joined = await stableOne(groups)
    const error = caught(() =>
      groups.commitOffsets({
        groupId: 'g',
        memberId: '',
        generationId: -1,
        offsets: [{ ...offsets[0]!, offset: 4 }],
      }),
    )
    expect(error.code).toBe('UNKNOWN_MEMBER_ID')
    expect(groups.committedOffset('g', 't', 1)?.offset).toBe(3)
    groups.leaveGroup('g', joined.memberId)
    groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [{ ...offsets[0]!, offset: 4 }],
    })
    expect(groups.committedOffset('g', 't', 1)?.offset).toBe(4)
  })

  it('rejects commits for unknown partitions with UNKNOWN_TOPIC_OR_PARTITION, storing none of the request', () => {
    const { groups } = setup()
    const error = caught(() =>
      groups.commitOffsets({
        groupId: 'g',
        memberId: '',
        generationId: -1,
        offsets: [
          { topic: 't', partition: 0, offset: 1 },
          { topic: 't', partition: 4, offset: 1 },
        ],
      }),
    )
    expect(error.code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(groups.committedOffset('g', 't', 0)).toBeUndefined()
  })

  it('rejects a commit with an empty group id with INVALID_GROUP_ID', () => {
    const { groups } = setup()
    expect(
      caught(() => groups.commitOffsets({ groupId: '', memberId: '', generationId: -1, offsets: [] })).code,
    ).toBe('INVALID_GROUP_ID')
  })

  it('writes commits to the compacted __consumer_offsets topic', () => {
    const { groups, broker } = setup()
    groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 't', partition: 0, offset: 1 }],
    })
    expect(broker.describeTopic('__consumer_offsets').config.cleanupPolicy).toBe('compact')
    expect(broker.log('__consumer_offsets', 0).highWatermark).toBe(1)
  })

  it('replays committed offsets when a new Broker opens the same Storage', async () => {
    const storage = memoryStorage()
    const clock = new ManualClock(0)
    const first = new Broker({ clock, storage })
    first.createTopic('t', { partitions: 2 })
    first.groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [
        { topic: 't', partition: 0, offset: 1, metadata: 'x' },
        { topic: 't', partition: 1, offset: 2 },
      ],
    })
    first.groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 't', partition: 0, offset: 8 }],
    })
    first.groups.commitOffsets({
      groupId: 'gone',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 't', partition: 0, offset: 3 }],
    })
    first.groups.deleteGroup('gone')
    const second = new Broker({ clock, storage })
    expect(second.groups.committedOffset('g', 't', 0)).toEqual({
      offset: 8,
      metadata: null,
      commitTimestamp: 0,
    })
    expect(second.groups.committedOffset('g', 't', 1)).toEqual({
      offset: 2,
      metadata: null,
      commitTimestamp: 0,
    })
    expect(second.groups.committedOffset('gone', 't', 0)).toBeUndefined()
    expect(second.groups.listGroups().map((group) => group.groupId)).toEqual(['g'])
    expect(second.groups.describeGroup('g').state).toBe('Empty')
  })
})

describe('GroupCoordinator groups', () => {
  it('lists groups with their state and protocol type', async () => {
    const { groups } = setup()
    await stableOne(groups)
    groups.commitOffsets({
      groupId: 'idle',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 't', partition: 0, offset: 1 }],
    })
    expect(groups.listGroups()).toEqual([
      { groupId: 'g', protocolType: 'consumer', state: 'Stable' },
      { groupId: 'idle', protocolType: 'consumer', state: 'Empty' },
    ])
  })

  it('describes an unknown group as Dead', () => {
    expect(setup().groups.describeGroup('none')).toMatchObject({
      state: 'Dead',
      members: [],
      generationId: -1,
    })
  })

  it('deletes an empty group and its offsets', () => {
    const { groups } = setup()
    groups.commitOffsets({
      groupId: 'g',
      memberId: '',
      generationId: -1,
      offsets: [{ topic: 't', partition: 0, offset: 1 }],
    })
    groups.deleteGroup('g')
    expect(groups.describeGroup('g').state).toBe('Dead')
    expect(groups.committedOffset('g', 't', 0)).toBeUndefined()
  })

  it('refuses to delete a group with members (NON_EMPTY_GROUP) or an unknown one (GROUP_ID_NOT_FOUND)', async () => {
    const { groups } = setup()
    await stableOne(groups)
    const nonEmpty = caught(() => groups.deleteGroup('g'))
    expect(nonEmpty.code).toBe('NON_EMPTY_GROUP')
    expect(nonEmpty.retriable).toBe(false)
    expect(nonEmpty.groupId).toBe('g')
    const missing = caught(() => groups.deleteGroup('none'))
    expect(missing.code).toBe('GROUP_ID_NOT_FOUND')
    expect(missing.groupId).toBe('none')
  })
})
