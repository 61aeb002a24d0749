import type { TimerHandle } from '../../common/clock.js'
import { KafkaliteError } from '../../common/errors.js'
import { DEFAULTS } from '../../common/limits.js'
import { ControlType, RECORD_OVERHEAD_BYTES, type StoredRecord } from '../../common/record.js'
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

/** The internal topic transaction state is written to (durable stores only), replayed on open. */
export const TRANSACTION_STATE_TOPIC = '__transaction_state'

interface StoredTransaction {
  readonly producerId: number
  readonly producerEpoch: number
  readonly state: TransactionState
  readonly transactionTimeoutMs: number
  readonly partitions: readonly { topic: string; partition: number; firstOffset: number | null }[]
}

/**
 * Kafka's transaction coordinator: producer ids and epochs, fencing by transactional id,
 * partitions and offsets added to a transaction, commit and abort markers, and the transaction
 * timeout (an open transaction older than its timeout is aborted and its producer fenced).
 */
export class TransactionCoordinator {
  readonly #broker: Broker
  readonly #producers = new Map<string, TransactionalProducer>()
  #nextProducerId = 0

  /** Transaction state is written to `__transaction_state` only when the store outlives the process. */
  readonly #durable: boolean

  constructor(broker: Broker) {
    this.#broker = broker
    this.#nextProducerId = Math.floor(broker.random() * 1_000_000) * 1_000
    this.#durable = broker.storage.kind !== 'memory'
    if (this.#durable && !broker.storage.readOnly) this.#recover()
  }

  /** Called by the broker after a transactional batch opened a transaction on a partition. */
  noteTransactionStarted(log: PartitionLog, producerId: number): void {
    if (!this.#durable) return
    for (const producer of this.#producers.values()) {
      if (producer.producerId === producerId && producer.partitions.has(log)) {
        this.#persist(producer)
        return
      }
    }
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
      this.#persist(producer)
      return { producerId: producer.producerId, producerEpoch: 0 }
    }
    if (producer.state === TransactionState.Ongoing) this.#complete(producer, false)
    this.#bumpEpoch(producer)
    producer.transactionTimeoutMs = timeoutMs
    this.#persist(producer)
    return { producerId: producer.producerId, producerEpoch: producer.producerEpoch }
  }

  /**
   * AddPartitionsToTxn: the partitions a transaction writes to (begins the transaction).
   * @throws KafkaliteError INVALID_PRODUCER_EPOCH (fenced), INVALID_PRODUCER_ID_MAPPING, UNKNOWN_TOPIC_OR_PARTITION
   */
  addPartitions(
    transactionalId: string,
    identity: ProducerIdentity,
    partitions: readonly { topic: string; partition: number }[],
  ): void {
    const producer = this.#check(transactionalId, identity)
    const logs = partitions.map(({ topic, partition }) => this.#broker.log(topic, partition))
    this.#begin(producer)
    const before = producer.partitions.size
    for (const log of logs) producer.partitions.add(log)
    if (producer.partitions.size !== before) this.#persist(producer)
  }

  /**
   * AddOffsetsToTxn + TxnOffsetCommit: offsets that become the group's committed offsets only if the transaction commits.
   * @throws KafkaliteError INVALID_PRODUCER_EPOCH, INVALID_PRODUCER_ID_MAPPING, INVALID_GROUP_ID
   */
  addOffsets(
    transactionalId: string,
    identity: ProducerIdentity,
    groupId: string,
    offsets: readonly PendingOffset[],
  ): void {
    const producer = this.#check(transactionalId, identity)
    if (typeof groupId !== 'string' || groupId === '') {
      throw new KafkaliteError(
        'INVALID_GROUP_ID',
        `group id must be a non-empty string, got ${String(groupId)}`,
        { value: groupId },
      )
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
      throw new KafkaliteError(
        'INVALID_TXN_STATE',
        `transactional id ${transactionalId} has no ongoing transaction to ${commit ? 'commit' : 'abort'}`,
        {
          value: transactionalId,
        },
      )
    }
    this.#complete(producer, commit)
  }

  /** The state of a transactional id, for inspection. */
  describe(
    transactionalId: string,
  ):
    | { producerId: number; producerEpoch: number; state: TransactionState; partitions: string[] }
    | undefined {
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
      throw new KafkaliteError(
        'INVALID_PRODUCER_ID_MAPPING',
        `producer id ${identity.producerId} is not the current one for transactional id ${transactionalId}`,
        {
          value: transactionalId,
        },
      )
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
      this.#broker.logLine(
        'warn',
        `transaction of ${producer.transactionalId} exceeded its timeout of ${producer.transactionTimeoutMs} ms and was aborted`,
      )
      this.#complete(producer, false)
      this.#bumpEpoch(producer)
      this.#persist(producer)
    }, producer.transactionTimeoutMs)
  }

  #complete(producer: TransactionalProducer, commit: boolean): void {
    if (producer.timer !== undefined) this.#broker.clock.clearTimeout(producer.timer)
    producer.timer = undefined
    const nowMs = this.#broker.clock.now()
    const aborts: { log: PartitionLog; firstOffset: number; markerOffset: number }[] = []
    for (const log of producer.partitions) {
      if (this.#broker.findTopic(log.topic)?.partitions[log.partition] !== log) continue
      const firstOffset = log.openTransactions.get(producer.producerId)
      const markerOffset = log.appendControl(
        producer.producerId,
        producer.producerEpoch,
        commit ? ControlType.Commit : ControlType.Abort,
        nowMs,
      )
      if (!commit && firstOffset !== undefined) aborts.push({ log, firstOffset, markerOffset })
    }
    if (commit) {
      for (const [groupId, offsets] of producer.pendingOffsets)
        this.#broker.groups.storeOffsets(groupId, offsets)
    }
    producer.partitions.clear()
    producer.pendingOffsets.clear()
    producer.state = transitionTransactionState(
      producer.state,
      commit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort,
    )
    this.#persist(producer, aborts)
  }

  /** Writes a transactional id's state (and the aborted ranges it just created) to `__transaction_state`. */
  #persist(
    producer: TransactionalProducer,
    aborts: readonly { log: PartitionLog; firstOffset: number; markerOffset: number }[] = [],
  ): void {
    if (!this.#durable) return
    const nowMs = this.#broker.clock.now()
    const records: StoredRecord[] = []
    for (const abort of aborts) {
      records.push(
        stateRecord(
          {
            kind: 'abort',
            topic: abort.log.topic,
            partition: abort.log.partition,
            firstOffset: abort.firstOffset,
          },
          { producerId: producer.producerId, lastOffset: abort.markerOffset },
          records.length,
          nowMs,
        ),
      )
    }
    const value: StoredTransaction = {
      producerId: producer.producerId,
      producerEpoch: producer.producerEpoch,
      state: producer.state,
      transactionTimeoutMs: producer.transactionTimeoutMs,
      partitions: [...producer.partitions].map((log) => ({
        topic: log.topic,
        partition: log.partition,
        firstOffset: log.openTransactions.get(producer.producerId) ?? null,
      })),
    }
    records.push(
      stateRecord({ kind: 'txn', transactionalId: producer.transactionalId }, value, records.length, nowMs),
    )
    this.#broker.appendInternal(TRANSACTION_STATE_TOPIC, records)
  }

  /** Replays `__transaction_state`: producer ids and epochs, aborted ranges, and aborts what a crash left open. */
  #recover(): void {
    const topic = this.#broker.findTopic(TRANSACTION_STATE_TOPIC)
    if (topic === undefined) return
    const transactions = new Map<string, StoredTransaction>()
    const aborts = new Map<
      string,
      { topic: string; partition: number; firstOffset: number; producerId: number; lastOffset: number }
    >()
    for (const log of topic.partitions) {
      log.forEachRecord((record) => {
        const key = record.key as {
          kind?: string
          transactionalId?: string
          topic?: string
          partition?: number
          firstOffset?: number
        }
        if (key?.kind === 'txn' && typeof key.transactionalId === 'string')
          transactions.set(key.transactionalId, record.value as StoredTransaction)
        if (key?.kind === 'abort' && typeof key.topic === 'string') {
          const value = record.value as { producerId: number; lastOffset: number }
          aborts.set(`${key.topic}\u0000${key.partition}\u0000${key.firstOffset}`, {
            topic: key.topic,
            partition: key.partition ?? 0,
            firstOffset: key.firstOffset ?? 0,
            ...value,
          })
        }
      })
    }
    for (const abort of aborts.values()) {
      this.#broker
        .findTopic(abort.topic)
        ?.partitions[abort.partition]?.restoreTransaction(
          abort.producerId,
          abort.firstOffset,
          abort.lastOffset,
        )
    }
    for (const [transactionalId, stored] of transactions) {
      if (stored.producerId >= this.#nextProducerId) this.#nextProducerId = stored.producerId + 1
      const producer: TransactionalProducer = {
        transactionalId,
        producerId: stored.producerId,
        producerEpoch: stored.producerEpoch,
        state: stored.state === TransactionState.Ongoing ? TransactionState.Ongoing : stored.state,
        transactionTimeoutMs: stored.transactionTimeoutMs,
        partitions: new Set(),
        pendingOffsets: new Map(),
        timer: undefined,
      }
      this.#producers.set(transactionalId, producer)
      if (stored.state !== TransactionState.Ongoing) continue
      for (const entry of stored.partitions) {
        const log = this.#broker.findTopic(entry.topic)?.partitions[entry.partition]
        if (log === undefined) continue
        producer.partitions.add(log)
        if (entry.firstOffset !== null) log.restoreTransaction(producer.producerId, entry.firstOffset, null)
      }
      this.#broker.logLine(
        'warn',
        `aborting the transaction of ${transactionalId} left open when the broker stopped`,
      )
      this.#complete(producer, false)
      this.#bumpEpoch(producer)
      this.#persist(producer)
    }
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

function stateRecord(key: object, value: object, offsetDelta: number, timestamp: number): StoredRecord {
  return { offsetDelta, timestamp, key, value, headers: null, sizeBytes: RECORD_OVERHEAD_BYTES + 128 }
}
