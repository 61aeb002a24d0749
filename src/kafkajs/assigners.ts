/**
 * KafkaJS's built-in partition assigner, `PartitionAssigners.roundRobin` (protocol name
 * 'RoundRobinAssigner', version 0).
 *
 * Algorithm (KafkaJS's): sort member ids (default string sort), list every partition of every
 * topic in the given topic order and in partition-metadata order, and give the i-th partition to
 * sorted member `i % memberCount`. Members that get no partition are left out of the result; the
 * group coordinator hands them an empty assignment.
 */
import { AssignerProtocol } from './assigner-protocol.js'
import type { Assigner, GroupMember, GroupMemberAssignment, Logger, PartitionMetadata } from './types.js'

/** The part of KafkaJS's `Cluster` the built-in assigner uses. */
export interface AssignerCluster {
  findTopicPartitionMetadata(topic: string): PartitionMetadata[]
}

/** What an assigner factory receives; KafkaJS passes all three, roundRobin only reads `cluster`. */
export interface AssignerContext {
  readonly cluster: AssignerCluster
  readonly groupId?: string
  readonly logger?: Logger
}

const roundRobinName = 'RoundRobinAssigner'
const roundRobinVersion = 0

/**
 * Creates KafkaJS's round-robin assigner for a group.
 * @example const assigner = PartitionAssigners.roundRobin({ cluster, groupId, logger })
 */
export function roundRobin({ cluster }: AssignerContext): Assigner {
  return {
    name: roundRobinName,
    version: roundRobinVersion,
    async assign({ members, topics }: { members: GroupMember[]; topics: string[] }) {
      return assignRoundRobin(cluster, members, topics)
    },
    protocol({ topics }: { topics: string[] }) {
      return {
        name: roundRobinName,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: roundRobinVersion, topics }),
      }
    },
  }
}

function assignRoundRobin(
  cluster: AssignerCluster,
  members: readonly GroupMember[],
  topics: readonly string[],
): GroupMemberAssignment[] {
  if (members.length === 0) return []
  const sortedMemberIds = members.map(({ memberId }) => memberId).sort()
  // Null-prototype records iterated with Object.keys reproduce KafkaJS's output order exactly.
  const byMember: Record<string, Record<string, number[]>> = Object.create(null)
  let index = 0
  for (const topic of topics) {
    for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
      const memberId = sortedMemberIds[index % sortedMemberIds.length] as string
      index++
      const assignment = (byMember[memberId] ??= Object.create(null) as Record<string, number[]>)
      ;(assignment[topic] ??= []).push(partitionId)
    }
  }
  return Object.keys(byMember).map((memberId) => ({
    memberId,
    memberAssignment: AssignerProtocol.MemberAssignment.encode({
      version: roundRobinVersion,
      assignment: byMember[memberId] ?? {},
    }),
  }))
}

/** KafkaJS's `PartitionAssigners`: the built-in assigner factories. */
export const PartitionAssigners: { readonly roundRobin: typeof roundRobin } = Object.freeze({ roundRobin })
