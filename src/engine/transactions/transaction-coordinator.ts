import type { TimerHandle } from '../../common/clock.js'
import { KafkaliteError } from '../../common/errors.js'
import { DEFAULTS } from '../../common/limits.js'
import { ControlType } from '../../common/record.js'
import type { Broker } from '../broker.js'
import type { PartitionLog } from '../partition-log.js'
import { TransactionState, transitionTransactionState } from './transaction-state.js'

/** A producer's identity: id and epoch. */
export interface ProducerIdentity {
  readonly producerId: number
  readonly producerEpoch: number
}

/** Offsets a transaction carries for a group, committed only if it commits. */
export interface PendingOffset {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly metadata?: string | null
}

interface TransactionalProducer {
  readonly transactionalId: string
  producerId: number
  producerEpoch: number
  state: TransactionState
  transactionTimeoutMs: number
  readonly partitions: Set<PartitionLog>
  readonly pendingOffsets: Map<string, PendingOffset[]>
  timer: TimerHandle | undefined
}

const EPOCH_MAX = 32_767

/**
 * Kafka's transaction coordinator: producer ids and epochs, fencing by transactional id,
 * partitions and offsets added to a transaction, commit and abort markers, and the transaction
 * timeout (an open transaction older than its timeout is aborted and its producer fenced).
 */
export class TransactionCoordinator {
  readonly #broker: Broker
  readonly #producers = new Map<string, TransactionalProducer>()
  #nextProducerId = 0

  constructor(broker: Broker) {
    this.#broker = broker
    this.#nextProducerId = Math.floor(broker.random() * 1_000_000) * 1_000
  }

  /**
   * InitProducerId: a fresh id for an idempotent producer; for a transactional id, the same id
   * with the next epoch, fencing older producers and aborting their open transaction.
   * @throws KafkaliteError INVALID_TRANSACTION_TIMEOUT
   */
  initProducerId(options: { transactionalId?: string; transactionTimeoutMs?: number }): ProducerIdentity {
    const timeoutMs = options.transactionTimeoutMs ?? DEFAULTS.transactionTimeoutMs
    if (options.transactionalId === undefined) return { producerId: this.#nextProducerId++, producerEpoch: 0 }
    if (!(Number.isInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= DEFAULTS.transactionMaxTimeoutMs)) {
      throw new KafkaliteError(
        'INVALID_TRANSACTION_TIMEOUT',
        `transaction timeout ${timeoutMs} ms is outside 1..${DEFAULTS.transactionMaxTimeoutMs} (transaction.max.timeout.ms)`,
        { value: timeoutMs },
      )
    }
    let producer = this.#producers.get(options.transactionalId)
    if (producer === undefined) {
      producer = {
        transactionalId: options.transactionalId,
        producerId: this.#nextProducerId++,
        producerEpoch: 0,
        state: TransactionState.Empty,
        transactionTimeoutMs: timeoutMs,
        partitions: new Set(),
        pendingOffsets: new Map(),
        timer: undefined,
      }
      this.#producers.set(options.transactionalId, producer)
      return { producerId: producer.producerId, producerEpoch: 0 }
    }
    if (producer.state === TransactionState.Ongoing) this.#complete(producer, false)
    this.#bumpEpoch(producer)
    producer.transactionTimeoutMs = timeoutMs
    return { producerId: producer.producerId, producerEpoch: producer.producerEpoch }
  }

  /**
   * AddPartitionsToTxn: the partitions a transaction writes to (begins the transaction).
   * @throws KafkaliteError INVALID_PRODUCER_EPOCH (fenced), INVALID_PRODUCER_ID_MAPPING, UNKNOWN_TOPIC_OR_PARTITION
   */
  addPartitions(transactionalId: string, identity: ProducerIdentity, partitions: readonly { topic: string; partition: number }[]): void {
    const producer = this.#check(transactionalId, identity)
    const logs = partitions.map(({ topic, partition }) => this.#broker.log(topic, partition))
    this.#begin(producer)
    for (const log of logs) producer.partitions.add(log)
  }

  /**
   * AddOffsetsToTxn + TxnOffsetCommit: offsets that become the group's committed offsets only if the transaction commits.
   * @throws KafkaliteError INVALID_PRODUCER_EPOCH, INVALID_PRODUCER_ID_MAPPING, INVALID_GROUP_ID
   */
  addOffsets(transactionalId: string, identity: ProducerIdentity, groupId: string, offsets: readonly PendingOffset[]): void {
    const producer = this.#check(transactionalId, identity)
    if (typeof groupId !== 'string' || groupId === '') {
      throw new KafkaliteError('INVALID_GROUP_ID', `group id must be a non-empty string, got ${String(groupId)}`, { value: groupId })
    }
    for (const offset of offsets) this.#broker.log(offset.topic, offset.partition)
    this.#begin(producer)
    const pending = producer.pendingOffsets.get(groupId) ?? []
    for (const offset of offsets) pending.push(offset)
    producer.pendingOffsets.set(groupId, pending)
  }

  /**
   * EndTxn: writes a commit or abort marker to every partition of the transaction and, on
   * commit, makes its offsets the groups' committed offsets.
   * @throws KafkaliteError INVALID_PRODUCER_EPOCH, INVALID_PRODUCER_ID_MAPPING, INVALID_TXN_STATE
   */
  endTransaction(transactionalId: string, identity: ProducerIdentity, commit: boolean): void {
    const producer = this.#check(transactionalId, identity)
    if (producer.state !== TransactionState.Ongoing) {
      throw new KafkaliteError('INVALID_TXN_STATE', `transactional id ${transactionalId} has no ongoing transaction to ${commit ? 'commit' : 'abort'}`, {
        value: transactionalId,
      })
    }
    this.#complete(producer, commit)
  }

  /** The state of a transactional id, for inspection. */
  describe(transactionalId: string): { producerId: number; producerEpoch: number; state: TransactionState; partitions: string[] } | undefined {
    const producer = this.#producers.get(transactionalId)
    if (producer === undefined) return undefined
    return {
      producerId: producer.producerId,
      producerEpoch: producer.producerEpoch,
      state: producer.state,
      partitions: [...producer.partitions].map((log) => `${log.topic}-${log.partition}`),
    }
  }

  /** Stops timers (broker close). */
  close(): void {
    for (const producer of this.#producers.values()) {
      if (producer.timer !== undefined) this.#broker.clock.clearTimeout(producer.timer)
      producer.timer = undefined
    }
  }

  #check(transactionalId: string, identity: ProducerIdentity): TransactionalProducer {
    const producer = this.#producers.get(transactionalId)
    if (producer === undefined || producer.producerId !== identity.producerId) {
      throw new KafkaliteError('INVALID_PRODUCER_ID_MAPPING', `producer id ${identity.producerId} is not the current one for transactional id ${transactionalId}`, {
        value: transactionalId,
      })
    }
    if (identity.producerEpoch !== producer.producerEpoch) {
      throw new KafkaliteError(
        'INVALID_PRODUCER_EPOCH',
        `producer epoch ${identity.producerEpoch} of transactional id ${transactionalId} is fenced by epoch ${producer.producerEpoch}`,
        { value: transactionalId },
      )
    }
    return producer
  }

  #begin(producer: TransactionalProducer): void {
    if (producer.state === TransactionState.Ongoing) return
    producer.state = transitionTransactionState(producer.state, TransactionState.Ongoing)
    producer.timer = this.#broker.clock.setTimeout(() => {
      producer.timer = undefined
      if (producer.state !== TransactionState.Ongoing) return
      this.#broker.logLine('warn', `transaction of ${producer.transactionalId} exceeded its timeout of ${producer.transactionTimeoutMs} ms and was aborted`)
      this.#complete(producer, false)
      this.#bumpEpoch(producer)
    }, producer.transactionTimeoutMs)
  }

  #complete(producer: TransactionalProducer, commit: boolean): void {
    if (producer.timer !== undefined) this.#broker.clock.clearTimeout(producer.timer)
    producer.timer = undefined
    const nowMs = this.#broker.clock.now()
    for (const log of producer.partitions) {
      if (this.#broker.findTopic(log.topic)?.partitions[log.partition] !== log) continue
      log.appendControl(producer.producerId, producer.producerEpoch, commit ? ControlType.Commit : ControlType.Abort, nowMs)
    }
    if (commit) {
      for (const [groupId, offsets] of producer.pendingOffsets) this.#broker.groups.storeOffsets(groupId, offsets)
    }
    producer.partitions.clear()
    producer.pendingOffsets.clear()
    producer.state = transitionTransactionState(producer.state, commit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort)
  }

  #bumpEpoch(producer: TransactionalProducer): void {
    if (producer.producerEpoch >= EPOCH_MAX) {
      producer.producerId = this.#nextProducerId++
      producer.producerEpoch = 0
    } else {
      producer.producerEpoch++
    }
  }
}
