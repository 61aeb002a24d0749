import { createRequire } from 'node:module'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AssignerProtocol } from '../../src/kafkajs/assigner-protocol.js'
import { PartitionAssigners, roundRobin } from '../../src/kafkajs/assigners.js'
import type { PartitionMetadata } from '../../src/kafkajs/types.js'

const require = createRequire(import.meta.url)
const kafkajs = require('kafkajs') as { PartitionAssigners: typeof PartitionAssigners }

function clusterOf(partitionsByTopic: Record<string, readonly number[]>) {
  return {
    findTopicPartitionMetadata: (topic: string): PartitionMetadata[] =>
      (partitionsByTopic[topic] ?? []).map((partitionId) => ({
        partitionErrorCode: 0,
        partitionId,
        leader: 0,
        replicas: [0],
        isr: [0],
      })),
  }
}

const members = (ids: readonly string[]) =>
  ids.map((memberId) => ({ memberId, memberMetadata: Buffer.alloc(0) }))

describe('PartitionAssigners.roundRobin', () => {
  it('names itself RoundRobinAssigner version 0 like kafkajs', () => {
    const cluster = clusterOf({})
    const mine = PartitionAssigners.roundRobin({ cluster, groupId: 'g' })
    const theirs = kafkajs.PartitionAssigners.roundRobin({ cluster } as never)
    expect([mine.name, mine.version]).toEqual([theirs.name, theirs.version])
    expect(mine.protocol({ topics: ['a', 'b'] })).toEqual(theirs.protocol({ topics: ['a', 'b'] }))
  })

  it('deals partitions over sorted member ids in topic and metadata order', async () => {
    const cluster = clusterOf({ orders: [0, 1, 2, 3], payments: [2, 0, 1] })
    const result = await roundRobin({ cluster }).assign({
      members: members(['member-b', 'member-a', 'member-c']),
      topics: ['orders', 'payments'],
    })
    const decoded = result.map(({ memberId, memberAssignment }) => [
      memberId,
      AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment,
    ])
    expect(decoded).toEqual([
      ['member-a', { orders: [0, 3], payments: [1] }],
      ['member-b', { orders: [1], payments: [2] }],
      ['member-c', { orders: [2], payments: [0] }],
    ])
  })

  it('handles member ids named like Object.prototype members, which kafkajs drops', async () => {
    const result = await roundRobin({ cluster: clusterOf({ orders: [0, 1] }) }).assign({
      members: members(['toString', 'constructor']),
      topics: ['orders'],
    })
    expect(result.map(({ memberId }) => memberId)).toEqual(['constructor', 'toString'])
  })

  it('leaves members beyond the partition count out of the result', async () => {
    const result = await roundRobin({ cluster: clusterOf({ orders: [0] }) }).assign({
      members: members(['b', 'a']),
      topics: ['orders'],
    })
    expect(result.map(({ memberId }) => memberId)).toEqual(['a'])
  })

  it('assigns exactly like kafkajs for random groups and topics', async () => {
    const scenario = fc.record({
      // Member ids as brokers make them (`${clientId}-${uuid}`). kafkajs keeps its assignment in a plain
      // object, so an id such as 'toString' would hit Object.prototype there; kafkalite does not copy that.
      memberIds: fc.uniqueArray(
        fc
          .tuple(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.uuid())
          .map(([clientId, uuid]) => `${clientId}-${uuid}`),
        { minLength: 1, maxLength: 7 },
      ),
      partitionsByTopic: fc.dictionary(
        fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
        fc.uniqueArray(fc.nat({ max: 40 }), { maxLength: 12 }),
        { maxKeys: 5 },
      ),
    })
    await fc.assert(
      fc.asyncProperty(scenario, async ({ memberIds, partitionsByTopic }) => {
        const cluster = clusterOf(partitionsByTopic)
        const group = { members: members(memberIds), topics: Object.keys(partitionsByTopic) }
        const mine = await roundRobin({ cluster }).assign(group)
        const theirs = await kafkajs.PartitionAssigners.roundRobin({ cluster } as never).assign(group)
        expect(mine).toEqual(theirs)
      }),
      { numRuns: 300 },
    )
  })
})
