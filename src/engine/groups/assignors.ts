/** A member's subscription as the assignors see it. */
export interface AssignorMember {
  readonly memberId: string
  readonly topics: readonly string[]
}

/** memberId → topic → partitions. */
export type Assignment = Map<string, Map<string, number[]>>

function emptyAssignment(members: readonly AssignorMember[]): Assignment {
  const assignment: Assignment = new Map()
  for (const member of members) assignment.set(member.memberId, new Map())
  return assignment
}

function give(assignment: Assignment, memberId: string, topic: string, partition: number): void {
  const topics = assignment.get(memberId)!
  let partitions = topics.get(topic)
  if (partitions === undefined) {
    partitions = []
    topics.set(topic, partitions)
  }
  partitions.push(partition)
}

const byMemberId = (a: AssignorMember, b: AssignorMember): number =>
  a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0

/**
 * Round-robin over every (topic, partition) in topic-name order, to the members sorted by id that
 * subscribe to the topic (Kafka's RoundRobinAssignor). Pure.
 */
export function roundRobinAssign(
  members: readonly AssignorMember[],
  partitionCounts: ReadonlyMap<string, number>,
): Assignment {
  const assignment = emptyAssignment(members)
  const sorted = [...members].sort(byMemberId)
  const topics = [...new Set(sorted.flatMap((member) => member.topics))]
    .filter((topic) => partitionCounts.has(topic))
    .sort()
  let cursor = 0
  for (const topic of topics) {
    const count = partitionCounts.get(topic) ?? 0
    for (let partition = 0; partition < count; partition++) {
      for (let tries = 0; tries < sorted.length; tries++) {
        const member = sorted[cursor % sorted.length] as AssignorMember
        cursor++
        if (member.topics.includes(topic)) {
          give(assignment, member.memberId, topic, partition)
          break
        }
      }
    }
  }
  return assignment
}

/**
 * Per topic, contiguous ranges of partitions to the subscribed members sorted by id, the first
 * members taking one extra when the count does not divide (Kafka's RangeAssignor). Pure.
 */
export function rangeAssign(
  members: readonly AssignorMember[],
  partitionCounts: ReadonlyMap<string, number>,
): Assignment {
  const assignment = emptyAssignment(members)
  const sorted = [...members].sort(byMemberId)
  const topics = [...new Set(sorted.flatMap((member) => member.topics))].sort()
  for (const topic of topics) {
    const count = partitionCounts.get(topic) ?? 0
    const subscribers = sorted.filter((member) => member.topics.includes(topic))
    if (subscribers.length === 0) continue
    const base = Math.floor(count / subscribers.length)
    const extra = count % subscribers.length
    let partition = 0
    subscribers.forEach((member, index) => {
      const take = base + (index < extra ? 1 : 0)
      for (let taken = 0; taken < take; taken++) give(assignment, member.memberId, topic, partition++)
    })
  }
  return assignment
}
