import type { TimerHandle } from '../../common/clock.js'
import { KafkaliteError, limitExceeded } from '../../common/errors.js'
import { LIMITS } from '../../common/limits.js'
import type { StoredRecord } from '../../common/record.js'
import { TopicPartitionMap } from '../../common/topic-partition-map.js'
import type { Broker } from '../broker.js'
import { randomUuid } from '../ids.js'
import { GroupState, transitionGroupState } from './group-state.js'
import {
  CONSUMER_OFFSETS_TOPIC,
  type CommittedOffset,
  isCommittedOffset,
  isOffsetCommitKey,
  offsetCommitRecord,
} from './offset-commits.js'

/** One protocol a member supports, with its opaque metadata (KafkaJS: encoded MemberMetadata). */
export interface GroupProtocol {
  readonly name: string
  readonly metadata: unknown
}

export interface JoinGroupRequest {
  readonly groupId: string
  /** '' for a new member. */
  readonly memberId: string
  readonly clientId: string
  readonly clientHost?: string
  readonly sessionTimeoutMs: number
  readonly rebalanceTimeoutMs: number
  readonly protocolType: string
  readonly protocols: readonly GroupProtocol[]
  /** Called when this member must rejoin (a rebalance started): lets an idle reader wake at once. */
  readonly onRebalance?: () => void
}

export interface JoinGroupResult {
  readonly generationId: number
  readonly protocolName: string
  readonly leaderId: string
  readonly memberId: string
  /** Every member with its metadata for the chosen protocol, for the leader only. */
  readonly members: readonly { memberId: string; metadata: unknown }[]
}

export interface SyncGroupRequest {
  readonly groupId: string
  readonly memberId: string
  readonly generationId: number
  /** The leader's assignment, memberId → opaque assignment. Empty for followers. */
  readonly assignments?: ReadonlyMap<string, unknown>
}

export interface MemberDescription {
  readonly memberId: string
  readonly clientId: string
  readonly clientHost: string
  readonly metadata: unknown
  readonly assignment: unknown
}

export interface GroupDescription {
  readonly groupId: string
  readonly state: GroupState | 'Dead'
  readonly protocolType: string
  readonly protocol: string
  readonly generationId: number
  readonly leaderId: string
  readonly members: readonly MemberDescription[]
}

export interface OffsetCommitRequest {
  readonly groupId: string
  /** '' with generationId -1: a commit from outside the group (admin), allowed only while it is empty. */
  readonly memberId: string
  readonly generationId: number
  readonly offsets: readonly { topic: string; partition: number; offset: number; metadata?: string | null }[]
}

interface Member {
  readonly memberId: string
  readonly clientId: string
  readonly clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: readonly GroupProtocol[]
  assignment: unknown
  lastSeenMs: number
  expiryTimer: TimerHandle | undefined
  joinWaiter: { resolve: (result: JoinGroupResult) => void; reject: (error: Error) => void } | null
  syncWaiter: { resolve: (assignment: unknown) => void; reject: (error: Error) => void } | null
  onRebalance: (() => void) | undefined
}

interface Group {
  readonly groupId: string
  state: GroupState
  generationId: number
  protocolType: string
  protocolName: string
  leaderId: string
  readonly members: Map<string, Member>
  rebalanceTimer: TimerHandle | undefined
  readonly offsets: TopicPartitionMap<CommittedOffset>
}

/**
 * Kafka's group coordinator: JoinGroup / SyncGroup / Heartbeat / LeaveGroup with generations,
 * rebalance and session timeouts on the broker's clock, and committed offsets kept in
 * `__consumer_offsets`. Member metadata and assignments are opaque, so any client protocol
 * (KafkaJS's assigners, the typed bus) runs through the same coordinator.
 */
export class GroupCoordinator {
  readonly #broker: Broker
  readonly #groups = new Map<string, Group>()
  #closed = false

  constructor(broker: Broker) {
    this.#broker = broker
    this.#replayOffsets()
  }

  // ── membership ──────────────────────────────────────────────────────────────────────────

  /**
   * Joins (or rejoins) a group; resolves when the rebalance completes.
   * @throws KafkaliteError INVALID_GROUP_ID, UNKNOWN_MEMBER_ID, INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT, LIMIT_EXCEEDED
   */
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResult> {
    try {
      this.#checkOpen()
      validateGroupId(request.groupId)
      if (!(request.sessionTimeoutMs >= 1 && request.sessionTimeoutMs <= 3_600_000)) {
        throw new KafkaliteError(
          'INVALID_SESSION_TIMEOUT',
          `session timeout ${request.sessionTimeoutMs} ms is outside 1..3600000`,
          {
            groupId: request.groupId,
            value: request.sessionTimeoutMs,
          },
        )
      }
      // As Kafka: only a new member (empty id) creates a group; a known id for a missing group is unknown.
      if (request.memberId !== '' && !this.#groups.has(request.groupId)) {
        throw unknownMember(request.groupId, request.memberId)
      }
      const group = this.#groupForJoin(request.groupId)
      const member = this.#memberForJoin(group, request)
      return new Promise<JoinGroupResult>((resolve, reject) => {
        member.joinWaiter = { resolve, reject }
        if (group.state === GroupState.PreparingRebalance) this.#maybeCompleteJoin(group)
        else this.#prepareRebalance(group)
      })
    } catch (error) {
      return Promise.reject(error)
    }
  }

  #groupForJoin(groupId: string): Group {
    let group = this.#groups.get(groupId)
    if (group === undefined) {
      if (this.#groups.size >= LIMITS.groupsMax) throw limitExceeded('groupsMax', LIMITS.groupsMax)
      group = newGroup(groupId)
      this.#groups.set(groupId, group)
    }
    return group
  }

  #memberForJoin(group: Group, request: JoinGroupRequest): Member {
    if (group.members.size > 0 && group.protocolType !== request.protocolType) {
      throw new KafkaliteError(
        'INCONSISTENT_GROUP_PROTOCOL',
        `group ${group.groupId} uses protocol type ${group.protocolType}, not ${request.protocolType}`,
        { groupId: group.groupId },
      )
    }
    if (group.members.size > 0 && !this.#sharesProtocol(group, request.protocols, request.memberId)) {
      throw new KafkaliteError(
        'INCONSISTENT_GROUP_PROTOCOL',
        `member supports none of group ${group.groupId}'s protocols`,
        { groupId: group.groupId },
      )
    }
    let member: Member | undefined
    if (request.memberId === '') {
      if (group.members.size >= LIMITS.groupMembersMax)
        throw limitExceeded('groupMembersMax', LIMITS.groupMembersMax)
      member = {
        memberId: `${request.clientId}-${randomUuid(this.#broker.random)}`,
        clientId: request.clientId,
        clientHost: request.clientHost ?? '/127.0.0.1',
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocolType: request.protocolType,
        protocols: request.protocols,
        assignment: null,
        lastSeenMs: this.#broker.clock.now(),
        expiryTimer: undefined,
        joinWaiter: null,
        syncWaiter: null,
        onRebalance: request.onRebalance,
      }
      group.members.set(member.memberId, member)
      if (group.members.size === 1) group.protocolType = request.protocolType
    } else {
      member = group.members.get(request.memberId)
      if (member === undefined) throw unknownMember(group.groupId, request.memberId)
      member.protocols = request.protocols
      member.sessionTimeoutMs = request.sessionTimeoutMs
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs
      member.onRebalance = request.onRebalance
      member.joinWaiter?.reject(unknownMember(group.groupId, member.memberId))
      member.syncWaiter?.reject(rebalancing(group.groupId))
      member.syncWaiter = null
    }
    this.#touch(group, member)
    return member
  }

  #sharesProtocol(group: Group, protocols: readonly GroupProtocol[], memberId: string): boolean {
    const names = new Set(protocols.map((protocol) => protocol.name))
    for (const other of group.members.values()) {
      if (other.memberId === memberId) continue
      if (!other.protocols.some((protocol) => names.has(protocol.name))) return false
    }
    return true
  }

  /**
   * Completes a member's part of the rebalance. The leader passes every member's assignment.
   * @throws KafkaliteError UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS
   */
  syncGroup(request: SyncGroupRequest): Promise<unknown> {
    try {
      this.#checkOpen()
      const group = this.#existingGroup(request.groupId, request.memberId)
      const member = this.#checkMember(group, request.memberId, request.generationId)
      this.#touch(group, member)
      if (group.state === GroupState.PreparingRebalance) throw rebalancing(group.groupId)
      if (group.state === GroupState.Stable) return Promise.resolve(member.assignment)
      return new Promise<unknown>((resolve, reject) => {
        member.syncWaiter = { resolve, reject }
        if (member.memberId === group.leaderId && request.assignments !== undefined) {
          for (const each of group.members.values())
            each.assignment = request.assignments.get(each.memberId) ?? null
          group.state = transitionGroupState(group.state, GroupState.Stable)
          this.#broker.consumers.notify()
          for (const each of group.members.values()) {
            const waiter = each.syncWaiter
            each.syncWaiter = null
            waiter?.resolve(each.assignment)
          }
        }
      })
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * Keeps a member alive; tells it when it must rejoin.
   * @throws KafkaliteError UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS
   */
  heartbeat(groupId: string, memberId: string, generationId: number): void {
    this.#checkOpen()
    const group = this.#existingGroup(groupId, memberId)
    const member = group.members.get(memberId)
    if (member === undefined) throw unknownMember(groupId, memberId)
    this.#touch(group, member)
    if (group.state === GroupState.PreparingRebalance) throw rebalancing(groupId)
    if (generationId !== group.generationId)
      throw illegalGeneration(groupId, generationId, group.generationId)
  }

  /** Makes a group rebalance now (a test fault): every member is told to rejoin. */
  forceRebalance(groupId: string): void {
    const group = this.#groups.get(groupId)
    if (group === undefined || group.members.size === 0) return
    this.#broker.faults.report({
      kind: 'rebalance',
      phase: 'fired',
      groupId,
      detail: `generation ${group.generationId}`,
    })
    if (group.state === GroupState.PreparingRebalance) return
    this.#prepareRebalance(group)
  }

  /** Removes a member at once and rebalances the rest. Unknown members are ignored. */
  leaveGroup(groupId: string, memberId: string): void {
    const group = this.#groups.get(groupId)
    const member = group?.members.get(memberId)
    if (group === undefined || member === undefined) return
    this.#removeMember(group, member, unknownMember(groupId, memberId))
  }

  #removeMember(group: Group, member: Member, reason: KafkaliteError): void {
    group.members.delete(member.memberId)
    if (member.expiryTimer !== undefined) this.#broker.clock.clearTimeout(member.expiryTimer)
    member.joinWaiter?.reject(reason)
    member.syncWaiter?.reject(reason)
    member.joinWaiter = null
    member.syncWaiter = null
    if (group.state === GroupState.PreparingRebalance) this.#maybeCompleteJoin(group)
    else if (group.state === GroupState.Stable || group.state === GroupState.CompletingRebalance)
      this.#prepareRebalance(group)
  }

  #prepareRebalance(group: Group): void {
    if (group.state === GroupState.CompletingRebalance) {
      for (const member of group.members.values()) {
        const waiter = member.syncWaiter
        member.syncWaiter = null
        waiter?.reject(rebalancing(group.groupId))
      }
    }
    if (group.state !== GroupState.Empty)
      group.state = transitionGroupState(group.state, GroupState.PreparingRebalance)
    if (group.members.size === 0) {
      this.#toEmpty(group)
      return
    }
    if (group.state === GroupState.Empty)
      group.state = transitionGroupState(group.state, GroupState.PreparingRebalance)
    let timeoutMs = 0
    for (const member of group.members.values()) {
      if (member.rebalanceTimeoutMs > timeoutMs) timeoutMs = member.rebalanceTimeoutMs
      if (member.joinWaiter === null) notify(member)
    }
    if (group.rebalanceTimer !== undefined) this.#broker.clock.clearTimeout(group.rebalanceTimer)
    group.rebalanceTimer = this.#broker.clock.setTimeout(() => this.#rebalanceTimedOut(group), timeoutMs)
    this.#maybeCompleteJoin(group)
  }

  #rebalanceTimedOut(group: Group): void {
    group.rebalanceTimer = undefined
    if (group.state !== GroupState.PreparingRebalance) return
    for (const member of [...group.members.values()]) {
      if (member.joinWaiter === null) {
        group.members.delete(member.memberId)
        if (member.expiryTimer !== undefined) this.#broker.clock.clearTimeout(member.expiryTimer)
      }
    }
    this.#maybeCompleteJoin(group)
  }

  #maybeCompleteJoin(group: Group): void {
    if (group.state !== GroupState.PreparingRebalance) return
    for (const member of group.members.values()) if (member.joinWaiter === null) return
    if (group.rebalanceTimer !== undefined) this.#broker.clock.clearTimeout(group.rebalanceTimer)
    group.rebalanceTimer = undefined
    if (group.members.size === 0) {
      this.#toEmpty(group)
      return
    }
    group.generationId++
    group.protocolName = chooseProtocol(group)
    if (!group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value as string
    group.state = transitionGroupState(group.state, GroupState.CompletingRebalance)
    const everyone = [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      metadata: member.protocols.find((protocol) => protocol.name === group.protocolName)?.metadata ?? null,
    }))
    for (const member of group.members.values()) {
      const waiter = member.joinWaiter
      member.joinWaiter = null
      this.#touch(group, member)
      waiter?.resolve({
        generationId: group.generationId,
        protocolName: group.protocolName,
        leaderId: group.leaderId,
        memberId: member.memberId,
        members: member.memberId === group.leaderId ? everyone : [],
      })
    }
  }

  #toEmpty(group: Group): void {
    if (group.state !== GroupState.Empty) {
      group.generationId++
      group.state = transitionGroupState(group.state, GroupState.Empty)
    }
    group.protocolName = ''
    group.leaderId = ''
  }

  /** Records activity and (re)arms the session timer. */
  #touch(group: Group, member: Member): void {
    member.lastSeenMs = this.#broker.clock.now()
    if (member.expiryTimer !== undefined) return
    this.#armExpiry(group, member, member.sessionTimeoutMs)
  }

  #armExpiry(group: Group, member: Member, delayMs: number): void {
    const clock = this.#broker.clock
    member.expiryTimer = clock.setTimeout(() => {
      member.expiryTimer = undefined
      if (group.members.get(member.memberId) !== member || this.#closed) return
      const idleMs = clock.now() - member.lastSeenMs
      if (member.joinWaiter !== null || idleMs < member.sessionTimeoutMs) {
        this.#armExpiry(group, member, Math.max(1, member.sessionTimeoutMs - idleMs))
        return
      }
      this.#broker.logLine(
        'info',
        `member ${member.memberId} of group ${group.groupId} expired after ${idleMs} ms without a heartbeat`,
      )
      this.#removeMember(group, member, unknownMember(group.groupId, member.memberId))
    }, delayMs)
  }

  // ── offsets ─────────────────────────────────────────────────────────────────────────────

  /**
   * Commits offsets (the next offset to read) for a group member, or from outside while the group is empty.
   * @throws KafkaliteError UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, UNKNOWN_TOPIC_OR_PARTITION, INVALID_GROUP_ID
   */
  commitOffsets(request: OffsetCommitRequest): void {
    this.#checkOpen()
    validateGroupId(request.groupId)
    let group = this.#groups.get(request.groupId)
    if (request.generationId < 0 && request.memberId === '') {
      if (group !== undefined && group.members.size > 0) {
        throw new KafkaliteError(
          'UNKNOWN_MEMBER_ID',
          `group ${request.groupId} has active members; commit as one of them`,
          { groupId: request.groupId },
        )
      }
    } else {
      if (group === undefined) throw unknownMember(request.groupId, request.memberId)
      const member = this.#checkMember(group, request.memberId, request.generationId)
      if (group.state === GroupState.CompletingRebalance) throw rebalancing(group.groupId)
      this.#touch(group, member)
    }
    for (const entry of request.offsets) this.#broker.log(entry.topic, entry.partition)
    group ??= this.#groupForJoin(request.groupId)
    this.storeOffsets(group.groupId, request.offsets)
  }

  /** Stores offsets without membership checks (transactions use this when they commit). */
  storeOffsets(groupId: string, offsets: OffsetCommitRequest['offsets']): void {
    const group = this.#groupForJoin(groupId)
    const nowMs = this.#broker.clock.now()
    const records: StoredRecord[] = []
    for (const entry of offsets) {
      const committed: CommittedOffset = {
        offset: entry.offset,
        metadata: entry.metadata ?? null,
        commitTimestamp: nowMs,
      }
      group.offsets.set(entry.topic, entry.partition, committed)
      records.push(
        offsetCommitRecord(
          { group: groupId, topic: entry.topic, partition: entry.partition },
          committed,
          records.length,
          nowMs,
        ),
      )
    }
    this.#writeOffsetRecords(records)
    this.#broker.consumers.notify()
  }

  /** The group's committed offsets, for some topics or all. */
  fetchOffsets(groupId: string, topics?: readonly string[]): TopicPartitionMap<CommittedOffset> {
    const result = new TopicPartitionMap<CommittedOffset>()
    const group = this.#groups.get(groupId)
    if (group === undefined) return result
    for (const [topic, partition, committed] of group.offsets.entries()) {
      if (topics === undefined || topics.includes(topic)) result.set(topic, partition, committed)
    }
    return result
  }

  /** One committed offset, or undefined. */
  committedOffset(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.#groups.get(groupId)?.offsets.get(topic, partition)
  }

  // ── groups ──────────────────────────────────────────────────────────────────────────────

  listGroups(): { groupId: string; protocolType: string; state: GroupState }[] {
    return [...this.#groups.values()].map((group) => ({
      groupId: group.groupId,
      protocolType: group.protocolType === '' ? 'consumer' : group.protocolType,
      state: group.state,
    }))
  }

  describeGroup(groupId: string): GroupDescription {
    const group = this.#groups.get(groupId)
    if (group === undefined) {
      return {
        groupId,
        state: 'Dead',
        protocolType: '',
        protocol: '',
        generationId: -1,
        leaderId: '',
        members: [],
      }
    }
    const stable = group.state === GroupState.Stable
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType,
      protocol: group.protocolName,
      generationId: group.generationId,
      leaderId: group.leaderId,
      members: [...group.members.values()].map((member) => ({
        memberId: member.memberId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        metadata: member.protocols.find((protocol) => protocol.name === group.protocolName)?.metadata ?? null,
        assignment: stable ? member.assignment : null,
      })),
    }
  }

  /**
   * Deletes an empty group and its offsets.
   * @throws KafkaliteError GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP
   */
  deleteGroup(groupId: string): void {
    const group = this.#groups.get(groupId)
    if (group === undefined)
      throw new KafkaliteError('GROUP_ID_NOT_FOUND', `group ${groupId} does not exist`, { groupId })
    if (group.members.size > 0)
      throw new KafkaliteError('NON_EMPTY_GROUP', `group ${groupId} has ${group.members.size} members`, {
        groupId,
      })
    const nowMs = this.#broker.clock.now()
    const records: StoredRecord[] = []
    for (const [topic, partition] of group.offsets.entries()) {
      records.push(offsetCommitRecord({ group: groupId, topic, partition }, null, records.length, nowMs))
    }
    this.#writeOffsetRecords(records)
    group.state = GroupState.Dead
    this.#groups.delete(groupId)
  }

  /** Drops every group's committed offsets for a deleted topic. */
  forgetTopic(topic: string): void {
    const nowMs = this.#broker.clock.now()
    const records: StoredRecord[] = []
    for (const group of this.#groups.values()) {
      const partitions = group.offsets.topic(topic)
      if (partitions === undefined) continue
      // Tombstones, as Kafka writes them, so a replay of __consumer_offsets does not bring these back.
      for (const partition of partitions.keys()) {
        records.push(
          offsetCommitRecord({ group: group.groupId, topic, partition }, null, records.length, nowMs),
        )
      }
      group.offsets.deleteTopic(topic)
    }
    this.#writeOffsetRecords(records)
  }

  close(): void {
    this.#closed = true
    const closed = new KafkaliteError('BROKER_CLOSED', 'the broker is closed')
    for (const group of this.#groups.values()) {
      if (group.rebalanceTimer !== undefined) this.#broker.clock.clearTimeout(group.rebalanceTimer)
      for (const member of group.members.values()) {
        if (member.expiryTimer !== undefined) this.#broker.clock.clearTimeout(member.expiryTimer)
        member.joinWaiter?.reject(closed)
        member.syncWaiter?.reject(closed)
      }
    }
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  #existingGroup(groupId: string, memberId: string): Group {
    const group = this.#groups.get(groupId)
    if (group === undefined) throw unknownMember(groupId, memberId)
    return group
  }

  #checkMember(group: Group, memberId: string, generationId: number): Member {
    const member = group.members.get(memberId)
    if (member === undefined) throw unknownMember(group.groupId, memberId)
    if (generationId !== group.generationId)
      throw illegalGeneration(group.groupId, generationId, group.generationId)
    return member
  }

  #writeOffsetRecords(records: StoredRecord[]): void {
    this.#broker.appendInternal(CONSUMER_OFFSETS_TOPIC, records)
  }

  #replayOffsets(): void {
    const topic = this.#broker.findTopic(CONSUMER_OFFSETS_TOPIC)
    if (topic === undefined) return
    for (const log of topic.partitions) {
      log.forEachRecord((record) => {
        if (!isOffsetCommitKey(record.key)) return
        const key = record.key
        const group = this.#groupForJoin(key.group)
        if (isCommittedOffset(record.value)) group.offsets.set(key.topic, key.partition, record.value)
        else group.offsets.delete(key.topic, key.partition)
      })
    }
    for (const group of this.#groups.values())
      if (group.offsets.size === 0) this.#groups.delete(group.groupId)
  }

  #checkOpen(): void {
    if (this.#closed) throw new KafkaliteError('BROKER_CLOSED', 'the broker is closed')
  }
}

function newGroup(groupId: string): Group {
  return {
    groupId,
    state: GroupState.Empty,
    generationId: 0,
    protocolType: '',
    protocolName: '',
    leaderId: '',
    members: new Map(),
    rebalanceTimer: undefined,
    offsets: new TopicPartitionMap(),
  }
}

/** Kafka picks the protocol every member supports with the most first-choice votes. */
function chooseProtocol(group: Group): string {
  const members = [...group.members.values()]
  const first = members[0]!
  const candidates = first.protocols
    .map((protocol) => protocol.name)
    .filter((name) => members.every((member) => member.protocols.some((protocol) => protocol.name === name)))
  let best = candidates[0] ?? ''
  let bestVotes = -1
  for (const name of candidates) {
    const votes = members.filter(
      (member) => member.protocols.find((protocol) => candidates.includes(protocol.name))?.name === name,
    ).length
    if (votes > bestVotes) {
      best = name
      bestVotes = votes
    }
  }
  return best
}

function notify(member: Member): void {
  try {
    member.onRebalance?.()
  } catch {
    // A client's notification hook must never break the coordinator.
  }
}

function validateGroupId(groupId: unknown): void {
  if (typeof groupId !== 'string' || groupId === '') {
    throw new KafkaliteError(
      'INVALID_GROUP_ID',
      `group id must be a non-empty string, got ${String(groupId)}`,
      { value: groupId },
    )
  }
}

function unknownMember(groupId: string, memberId: string): KafkaliteError {
  return new KafkaliteError(
    'UNKNOWN_MEMBER_ID',
    `member ${memberId === '' ? '(none)' : memberId} is not in group ${groupId}`,
    { groupId, memberId },
  )
}

function rebalancing(groupId: string): KafkaliteError {
  return new KafkaliteError('REBALANCE_IN_PROGRESS', `group ${groupId} is rebalancing`, { groupId })
}

function illegalGeneration(groupId: string, given: number, current: number): KafkaliteError {
  return new KafkaliteError(
    'ILLEGAL_GENERATION',
    `generation ${given} is not group ${groupId}'s current generation ${current}`,
    { groupId },
  )
}
