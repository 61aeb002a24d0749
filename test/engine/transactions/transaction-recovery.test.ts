import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ControlType } from '../../../src/common/record.js'
import { Broker } from '../../../src/engine/broker.js'
import { IsolationLevel } from '../../../src/engine/partition-log.js'
import { fileStorage } from '../../../src/storage/files/index.js'

const directories: string[] = []
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true })
})
function open(directory: string): Broker {
  return new Broker({
    storage: fileStorage({
      directory,
      fsync: 'never',
      logger: { info() {}, warn() {}, error() {} } as never,
    }),
  })
}
const record = (value: string, offsetDelta = 0) => ({
  offsetDelta,
  timestamp: 1,
  key: null,
  value,
  headers: null,
  sizeBytes: 30,
})

function committedValues(broker: Broker, topic: string): unknown[] {
  const log = broker.log(topic, 0)
  const values: unknown[] = []
  const read = log.read(log.logStartOffset, { maxBytes: 1 << 20, isolation: IsolationLevel.ReadCommitted })
  for (const batch of read.batches) for (const each of batch.records) values.push(each.value)
  return values
}

describe('transaction state on a durable store', () => {
  it('keeps aborted transactions hidden from read_committed readers after a reopen', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kafkalite-txn-'))
    directories.push(directory)
    const first = open(directory)
    first.createTopic('payments')
    const identity = first.transactions.initProducerId({ transactionalId: 'tx' })
    first.transactions.addPartitions('tx', identity, [{ topic: 'payments', partition: 0 }])
    first.append('payments', 0, {
      records: [record('aborted')],
      ...identity,
      baseSequence: 0,
      isTransactional: true,
    })
    first.transactions.endTransaction('tx', identity, false)
    first.append('payments', 0, { records: [record('plain')] })
    expect(committedValues(first, 'payments')).toEqual(['plain'])
    await first.close()

    const second = open(directory)
    expect(committedValues(second, 'payments')).toEqual(['plain'])
    expect(second.log('payments', 0).abortedTransactions).toHaveLength(1)
    await second.close()
  })

  it('aborts a transaction a crash left open, fences its producer, and unblocks the last stable offset', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kafkalite-txn-'))
    directories.push(directory)
    const first = open(directory)
    first.createTopic('payments')
    const identity = first.transactions.initProducerId({ transactionalId: 'tx' })
    first.transactions.addPartitions('tx', identity, [{ topic: 'payments', partition: 0 }])
    first.append('payments', 0, {
      records: [record('open')],
      ...identity,
      baseSequence: 0,
      isTransactional: true,
    })
    expect(first.log('payments', 0).lastStableOffset).toBe(0)
    await first.flush()
    // No close: the process "crashes" with the transaction open; the lock is stale for the next open.
    await first.storage.close()

    const second = open(directory)
    const log = second.log('payments', 0)
    expect(log.lastStableOffset).toBe(log.highWatermark)
    expect(committedValues(second, 'payments')).toEqual([])
    const markers = log.read(0, { maxBytes: 1 << 20, isolation: IsolationLevel.ReadUncommitted })
    expect(markers.nextOffset).toBe(2)
    expect(() => second.transactions.endTransaction('tx', identity, true)).toThrow(/fenced/)
    const next = second.transactions.initProducerId({ transactionalId: 'tx' })
    expect(next.producerId).toBe(identity.producerId)
    expect(next.producerEpoch).toBe(identity.producerEpoch + 2)
    expect(ControlType.Abort).toBe(0)
    await second.close()
  })

  it('hands out producer ids that do not collide with those before the restart', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kafkalite-txn-'))
    directories.push(directory)
    const first = open(directory)
    const a = first.transactions.initProducerId({ transactionalId: 'a' })
    await first.close()
    const second = open(directory)
    const b = second.transactions.initProducerId({ transactionalId: 'b' })
    expect(b.producerId).not.toBe(a.producerId)
    expect(second.transactions.initProducerId({ transactionalId: 'a' })).toEqual({
      producerId: a.producerId,
      producerEpoch: 1,
    })
    await second.close()
  })
})
