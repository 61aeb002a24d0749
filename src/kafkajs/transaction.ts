/**
 * The Transaction object KafkaJS's `producer.transaction()` returns, over the engine's
 * transaction coordinator.
 *
 * Behavior: as KafkaJS, a transactional producer may also `send()` outside a transaction; those
 * batches are idempotent but not transactional.
 */
import type { ProduceRequestPart } from '../engine/broker.js'
import { parseOffset } from './convert.js'
import { KafkaJSNonRetriableError, toKafkaJSError } from './errors.js'
import type { ClientContext } from './kafka.js'
import type { SendOptions } from './producer.js'
import type { Logger, Offsets, RecordMetadata, Transaction } from './types.js'

/** The identity and sequence numbers a transactional send writes with. */
export interface TransactionalState {
  readonly producerId: number
  readonly producerEpoch: number
  readonly sequences: Map<string, number>
  /** Whether the current transaction registered anything with the coordinator. */
  touched: boolean
  /** Registers the partitions a send is about to write (AddPartitionsToTxn). */
  addPartitions(parts: readonly ProduceRequestPart[]): void
}

interface TransactionOptions {
  readonly context: ClientContext
  readonly logger: Logger
  readonly transactionalId: string
  readonly transactionTimeoutMs: number
  readonly send: (options: SendOptions) => Promise<RecordMetadata[]>
}

/** Per-producer transactional machinery: init once, then one transaction at a time. */
export function createTransaction(options: TransactionOptions): {
  begin(): Promise<Transaction>
} {
  const { context, transactionalId } = options
  let state: TransactionalState | null = null
  let inTransaction = false

  const engineCall = <T>(call: () => T): T => {
    try {
      return call()
    } catch (error) {
      throw toKafkaJSError(error)
    }
  }

  const init = (): TransactionalState => {
    const broker = context.broker()
    const identity = engineCall(() =>
      broker.transactions.initProducerId({
        transactionalId,
        transactionTimeoutMs: options.transactionTimeoutMs,
      }),
    )
    const transactional: TransactionalState = {
      ...identity,
      sequences: new Map(),
      touched: false,
      addPartitions: (parts) => {
        broker.transactions.addPartitions(transactionalId, identity, parts)
        transactional.touched = true
      },
    }
    return transactional
  }

  return {
    async begin(): Promise<Transaction> {
      if (inTransaction) {
        throw new KafkaJSNonRetriableError(
          'There is already an ongoing transaction for this producer. Please end the transaction before beginning another.',
        )
      }
      state ??= init()
      const current = state
      inTransaction = true
      current.touched = false
      let ended = false
      const isActive = (): boolean => inTransaction && !ended
      const guard =
        <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
        (...args: A): Promise<R> => {
          if (!isActive())
            return Promise.reject(
              new KafkaJSNonRetriableError('Cannot continue to use transaction once ended'),
            )
          return fn(...args)
        }
      const end = async (commit: boolean): Promise<void> => {
        try {
          if (current.touched)
            engineCall(() => context.broker().transactions.endTransaction(transactionalId, current, commit))
          await context.broker().flush()
        } finally {
          ended = true
          inTransaction = false
        }
      }
      const transaction: Transaction = {
        send: guard(async (record) => {
          return options.send({
            acks: record.acks ?? -1,
            compression: record.compression,
            topicMessages: [{ topic: record.topic, messages: record.messages }],
            transactional: current,
          })
        }),
        sendBatch: guard(async (batch) => {
          return options.send({
            acks: batch.acks ?? -1,
            compression: batch.compression,
            topicMessages: batch.topicMessages ?? [],
            transactional: current,
          })
        }),
        sendOffsets: guard(async ({ consumerGroupId, topics }: Offsets & { consumerGroupId: string }) => {
          const offsets = topics.flatMap(({ topic, partitions }) =>
            // Partitions may arrive as strings: uncommittedOffsets() returns them so (KafkaJS's own
            // consume-transform-produce flow passes them straight here), and Kafka reads an int32.
            partitions.map(({ partition, offset }) => ({
              topic,
              partition: Number(partition),
              offset: parseOffset(offset),
            })),
          )
          engineCall(() =>
            context.broker().transactions.addOffsets(transactionalId, current, consumerGroupId, offsets),
          )
          current.touched = true
          let cache = context.offsetsCache.get(consumerGroupId)
          if (cache === undefined) {
            cache = new Map()
            context.offsetsCache.set(consumerGroupId, cache)
          }
          for (const offset of offsets)
            cache.set(`${offset.topic}\u0000${offset.partition}`, String(offset.offset))
        }),
        commit: guard(() => end(true)),
        abort: guard(() => end(false)),
        isActive,
      }
      return transaction
    },
  }
}
