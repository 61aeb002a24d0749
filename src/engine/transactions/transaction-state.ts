import { assert } from '../../common/assert.js'

/** A transactional id's state at the coordinator (Kafka's TransactionState, without the transient Prepare states: ending is synchronous here). */
export const TransactionState = {
  Empty: 'Empty',
  Ongoing: 'Ongoing',
  CompleteCommit: 'CompleteCommit',
  CompleteAbort: 'CompleteAbort',
} as const
export type TransactionState = (typeof TransactionState)[keyof typeof TransactionState]

/** Legal moves between transaction states. */
export const TRANSACTION_TRANSITIONS: Readonly<Record<TransactionState, readonly TransactionState[]>> =
  Object.freeze({
    Empty: ['Ongoing', 'CompleteAbort'],
    Ongoing: ['Ongoing', 'CompleteCommit', 'CompleteAbort'],
    CompleteCommit: ['Ongoing', 'CompleteAbort'],
    CompleteAbort: ['Ongoing', 'CompleteAbort'],
  })

/** Asserts `from → to` is legal and returns `to`. */
export function transitionTransactionState(from: TransactionState, to: TransactionState): TransactionState {
  assert(TRANSACTION_TRANSITIONS[from].includes(to), `transaction state ${from} cannot move to ${to}`)
  return to
}
