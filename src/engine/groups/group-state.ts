import { assert } from '../../common/assert.js'

/** Kafka's consumer group states. */
export const GroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead',
} as const
export type GroupState = (typeof GroupState)[keyof typeof GroupState]

/** The legal moves between group states (Kafka's GroupMetadata.validPreviousStates, inverted). */
export const GROUP_TRANSITIONS: Readonly<Record<GroupState, readonly GroupState[]>> = Object.freeze({
  Empty: ['PreparingRebalance', 'Dead'],
  PreparingRebalance: ['CompletingRebalance', 'Empty', 'Dead'],
  CompletingRebalance: ['PreparingRebalance', 'Stable', 'Dead'],
  Stable: ['PreparingRebalance', 'Dead'],
  Dead: [],
})

/** Asserts that `from → to` is legal and returns `to`. */
export function transitionGroupState(from: GroupState, to: GroupState): GroupState {
  assert(GROUP_TRANSITIONS[from].includes(to), `group state ${from} cannot move to ${to}`)
  return to
}
