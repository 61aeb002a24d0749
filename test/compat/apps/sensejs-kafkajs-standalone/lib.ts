/**
 * Port of sensejs/sensejs packages/kafkajs-standalone/src (MIT, commit d9e3d98): the parts the e2e
 * tests use: create-client.ts, logging.ts, types.ts (trimmed), base-message-producer.ts,
 * simple-message-producer.ts, transactional-message-producer.ts, simple-provider.ts,
 * message-consumer.ts, worker-synchronizer.ts.
 *
 * Changes made for the port:
 * - `import kafkajs from 'kafkajs'` (a default import, which KafkaJS, a CommonJS module, supports)
 *   became `import * as kafkajs from <kafkalite face>`: kafkalite/kafkajs has no default export
 *   (see default-import.test.ts in this folder).
 * - worker-synchronizer.ts is built on rxjs, which this repository does not install; it is
 *   re-expressed with promises, same protocol (a synchronize() reaches every live synchronizer,
 *   onSynchronize runs once the first acknowledges, or at once when there is none, as rxjs zip()
 *   of never-emitting observables does; every synchronizer then resolves with its result).
 * - @sensejs/utility's consoleLogger -> a silent logger (their jest setup mocks the console).
 * - `Sender` declared locally (kafkalite does not export it), types trimmed to what is used.
 */

import type { Message, Offsets, RecordMetadata, TopicMessages } from '../../../../src/kafkajs/index.js'
import * as kafkajs from '../../../../src/kafkajs/index.js'

// sensejs imports `Sender` from 'kafkajs': KafkaJS's index.d.ts declares it without `export`, which
// a .d.ts still exports; kafkalite's types.ts does not export it (TS2305). Declared here instead.
type Sender = Pick<kafkajs.Producer, 'send' | 'sendBatch'>

// ---------------------------------------------------------------- types.ts (trimmed)
export interface KafkaConnectOption extends Omit<kafkajs.KafkaConfig, 'logLevel' | 'logCreator' | 'brokers'> {
  brokers: string | string[]
}
export type KafkaProduceOption = Omit<kafkajs.ProducerConfig, 'transactionalId'>
export interface KafkaSendOption {
  acks?: number
  timeout?: number
  compression?: kafkajs.CompressionTypes
}
export type KafkaBatchConsumeMessageParam = kafkajs.EachBatchPayload
export interface KafkaReceivedMessage extends kafkajs.Message {
  topic: string
  partition: number
  offset: string
}
export type KafkaLogLevel = 'NOTHING' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG'
export interface KafkaLogAdapterOption {
  level?: KafkaLogLevel
}
interface Logger {
  error(...args: unknown[]): void
  warn(...args: unknown[]): void
  info(...args: unknown[]): void
  debug(...args: unknown[]): void
}
export interface KafkaClientOption {
  connectOption: KafkaConnectOption
  logOption?: KafkaLogAdapterOption
  logger?: Logger
}
export interface MessageProducerOption extends KafkaClientOption {
  producerOption?: KafkaProduceOption
  sendOption?: KafkaSendOption
}

const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} }

// ---------------------------------------------------------------- logging.ts
function adaptLogLevel(level: kafkajs.logLevel) {
  switch (level) {
    case kafkajs.logLevel.ERROR:
      return 'error'
    case kafkajs.logLevel.WARN:
      return 'warn'
    case kafkajs.logLevel.INFO:
      return 'info'
    case kafkajs.logLevel.DEBUG:
      return 'debug'
    default:
      return ''
  }
}

export function createLogOption(logger: Logger, option: KafkaLogAdapterOption = {}) {
  const { level: desiredLevel = 'INFO' } = option
  return {
    logLevel: kafkajs.logLevel[desiredLevel],
    logCreator: () => {
      return (logEntry: kafkajs.LogEntry) => {
        if (kafkajs.logLevel[desiredLevel] >= logEntry.level) {
          const { timestamp: _timestamp, message, ...rest } = logEntry.log
          const level = adaptLogLevel(logEntry.level)
          if (level) {
            logger[level](`${message}\nDetail:`, rest)
          }
        }
      }
    },
  }
}

// ---------------------------------------------------------------- create-client.ts
export function createKafkaClient(clientOption: KafkaClientOption): kafkajs.Kafka {
  const {
    connectOption: { brokers, ...kafkaConfig },
    logOption = {},
    logger = silentLogger,
  } = clientOption
  return new kafkajs.Kafka({
    brokers: typeof brokers === 'string' ? brokers.split(',') : brokers,
    ...createLogOption(logger, logOption),
    ...kafkaConfig,
  })
}

// ---------------------------------------------------------------- base-message-producer.ts
export abstract class BaseKafkaJsMessageProducer {
  protected allMessageSend?: Promise<unknown>
  protected onRelease?: ((e?: Error) => Promise<void>) | undefined

  protected constructor(
    private option: KafkaSendOption,
    onRelease: (e?: Error) => Promise<void>,
  ) {
    this.onRelease = onRelease
  }

  protected abstract sender(): Promise<Sender>

  protected checkReleased() {
    if (!this.isActive()) {
      throw new Error('This message producer has been released')
    }
  }

  isActive() {
    return typeof this.onRelease !== 'undefined'
  }

  async sendMessage(topic: string, message: Message): Promise<RecordMetadata> {
    this.checkReleased()
    const producer = await this.sender()
    const promise = producer.send({
      ...this.option,
      topic,
      messages: [message],
    })

    this.allMessageSend = Promise.resolve(this.allMessageSend).then(() =>
      promise.catch((e) => this.internalRelease(e)),
    )
    return promise.then(([recordMetadata]) => recordMetadata!)
  }

  async sendMessageBatch(...args: [string, Message[]] | [TopicMessages[]]): Promise<RecordMetadata[]> {
    this.checkReleased()
    const producer = await this.sender()
    if (args.length === 1) {
      const promise = producer.sendBatch({ ...this.option, topicMessages: args[0] })
      promise.catch((e) => this.internalRelease(e))
      this.allMessageSend = Promise.resolve(this.allMessageSend).then(() =>
        promise.catch((e) => this.internalRelease(e)),
      )
      return promise
    }
    const promise = producer.send({
      ...this.option,
      topic: args[0],
      messages: args[1],
    })
    this.allMessageSend = Promise.resolve(this.allMessageSend).then(() =>
      promise.catch((e) => this.internalRelease(e)),
    )
    return promise
  }

  protected async internalRelease(e?: Error): Promise<unknown> {
    if (this.onRelease) {
      const onRelease = this.onRelease
      delete this.onRelease
      return Promise.resolve(this.allMessageSend).finally(() => onRelease(e))
    }
  }

  async release() {
    await this.internalRelease()
  }
}

// ---------------------------------------------------------------- simple-message-producer.ts
export class SimpleKafkaJsMessageProducer extends BaseKafkaJsMessageProducer {
  constructor(
    option: KafkaSendOption,
    private producer: Sender,
    onRelease: (e?: Error) => Promise<void>,
  ) {
    super(option, onRelease)
  }

  protected async sender() {
    return this.producer
  }
}

// ---------------------------------------------------------------- transactional-message-producer.ts
export class KafkaJsTransactionalMessageProducer extends BaseKafkaJsMessageProducer {
  #tx: kafkajs.Transaction | null = null
  constructor(
    option: KafkaSendOption,
    private producer: kafkajs.Producer,
    onRelease: (e?: Error) => Promise<void>,
  ) {
    super(option, onRelease)
  }

  protected async sender() {
    if (this.#tx) {
      return this.#tx
    }
    this.#tx = await this.producer.transaction()
    return this.#tx
  }

  async sendOffset(consumerGroupId: string, offsets: Offsets) {
    this.checkReleased()
    const producer = (await this.sender()) as kafkajs.Transaction
    const promise = producer.sendOffsets({ consumerGroupId, ...offsets })
    this.allMessageSend = Promise.resolve(this.allMessageSend).then(() =>
      promise.catch((e) => this.internalRelease(e)),
    )
    return promise
  }

  async abort() {
    this.checkReleased()
    const tx = this.#tx
    if (tx) {
      await tx.abort()
      this.#tx = null
    }
  }

  async commit() {
    this.checkReleased()
    const tx = this.#tx
    this.#tx = null
    if (tx) {
      await tx.commit()
      this.#tx = null
    }
  }

  protected override async internalRelease(e?: Error): Promise<unknown> {
    const tx = this.#tx
    this.#tx = null
    if (tx) {
      await tx.commit()
      this.#tx = null
    }
    return super.internalRelease(e)
  }
}

// ---------------------------------------------------------------- simple-provider.ts
export class SimpleKafkaJsProducerProvider {
  #allProducerClosed: Promise<unknown> = Promise.resolve()
  #client: kafkajs.Kafka

  constructor(private option: MessageProducerOption) {
    this.#client = createKafkaClient(option)
  }

  async create() {
    const producer = this.#client.producer(this.option.producerOption)
    await producer.connect()
    return new SimpleKafkaJsMessageProducer(this.option.sendOption ?? {}, producer, async () => {
      this.#allProducerClosed = Promise.all([this.#allProducerClosed, producer.disconnect()])
    })
  }

  async createTransactional(transactionalId: string) {
    const producer = this.#client.producer({
      ...this.option.producerOption,
      transactionalId,
      maxInFlightRequests: 1,
      idempotent: true,
    })
    await producer.connect()
    return new KafkaJsTransactionalMessageProducer(this.option.sendOption ?? {}, producer, async () => {
      this.#allProducerClosed = Promise.all([this.#allProducerClosed, producer.disconnect()])
    })
  }

  async destroy() {
    await this.#allProducerClosed
  }
}

// ---------------------------------------------------------------- worker-synchronizer.ts (no rxjs)
type Acknowledge<T> = (cancellation: { complete(): void }) => Promise<T>

export class WorkerSynchronizer<T = void> {
  #cancellationSubscriber: { complete(): void } | null = null
  #synchronizer: Promise<T>
  #detach: () => void

  constructor(listeners: Set<(ack: Acknowledge<T>) => void>, defaultValue: T) {
    const listener = (acknowledgeCallback: Acknowledge<T>) => {
      this.#detach()
      const cancellation = { complete() {} }
      this.#cancellationSubscriber = cancellation
      this.#synchronizer = acknowledgeCallback(cancellation)
    }
    listeners.add(listener)
    this.#detach = () => listeners.delete(listener)
    this.#synchronizer = Promise.resolve(defaultValue)
  }

  async checkSynchronized(onSynchronized: () => Promise<void>): Promise<T | void> {
    if (this.#cancellationSubscriber) {
      await onSynchronized()
      this.#cancellationSubscriber.complete()
    }
    return this.#synchronizer
  }

  detach(): void {
    this.#detach()
  }
}

export class WorkerController<T = void> {
  #listeners = new Set<(ack: Acknowledge<T>) => void>()
  #inFlightSynchronization?: Function | undefined

  createSynchronizer(defaultValue: T): WorkerSynchronizer<T> {
    return new WorkerSynchronizer(this.#listeners, defaultValue)
  }

  synchronize(onSynchronize: () => Promise<T>): boolean {
    if (this.#inFlightSynchronization) {
      return false
    }
    this.#inFlightSynchronization = onSynchronize
    let resolveAll!: (value: T) => void
    let rejectAll!: (error: unknown) => void
    const allCancelSynchronized = new Promise<T>((resolve, reject) => {
      resolveAll = resolve
      rejectAll = reject
    })
    void allCancelSynchronized.then(
      () => (this.#inFlightSynchronization = undefined),
      () => (this.#inFlightSynchronization = undefined),
    )
    let started = false
    const start = () => {
      if (started) return
      started = true
      onSynchronize().then(resolveAll, rejectAll)
    }
    const listeners = [...this.#listeners]
    for (const listener of listeners) {
      listener((cancellation) => {
        const original = cancellation.complete
        cancellation.complete = () => {
          original()
          start()
        }
        return allCancelSynchronized
      })
    }
    if (listeners.length === 0) start()
    return true
  }
}

// ---------------------------------------------------------------- message-consumer.ts
export interface KafkaFetchOption extends Omit<kafkajs.ConsumerConfig, 'retry'> {
  retry?: kafkajs.RetryOptions
}
export interface KafkaCommitOption {
  commitInterval: number
}
export interface MessageConsumerOption extends KafkaClientOption {
  fetchOption: KafkaFetchOption
  commitOption?: KafkaCommitOption
}
export type MessageConsumeCallback = (message: KafkaReceivedMessage) => Promise<void>
export type BatchMessageConsumeCallback = (message: KafkaBatchConsumeMessageParam) => Promise<void>
interface SimpleConsumeOption {
  type: 'simple'
  consumer: MessageConsumeCallback
  fromBeginning: boolean
}
interface BatchConsumeOption {
  type: 'batch'
  consumer: BatchMessageConsumeCallback
  fromBeginning?: boolean
  autoResolveBatch?: boolean
}
export interface BatchSubscribeOption {
  topic: string
  consumer: BatchMessageConsumeCallback
  fromBeginning?: boolean
  autoResolve?: boolean
}
type ConsumeOption = SimpleConsumeOption | BatchConsumeOption

export class MessageConsumer {
  #client: kafkajs.Kafka
  #consumer: kafkajs.Consumer
  #consumeOptions: Map<string, ConsumeOption> = new Map()
  #crashPromise: Promise<void> | null = null
  #lastBatchConsumed: Promise<unknown> = Promise.resolve()
  #workerController = new WorkerController<boolean>()
  #startedPromise: Promise<void> | null = null
  #stoppedPromise: Promise<void> | null = null
  #commitOption: KafkaCommitOption | null = null
  public readonly consumerGroupId

  constructor(option: MessageConsumerOption) {
    this.#client = createKafkaClient(option)
    const { retry, ...rest } = option.fetchOption
    let crashed!: (e: Error) => void
    this.#crashPromise = new Promise<void>((_resolve, reject) => {
      crashed = reject
    })

    this.#consumer = this.#client.consumer({
      retry: {
        ...retry,
        restartOnFailure: async (e) => {
          crashed(e)
          return false
        },
      },
      ...rest,
    })
    this.#commitOption = option.commitOption ?? null
    this.consumerGroupId = option.fetchOption.groupId
  }

  subscribe(topic: string, consumer: MessageConsumeCallback, fromBeginning: boolean = false): this {
    this.#consumeOptions.set(topic, { type: 'simple', consumer, fromBeginning })
    return this
  }

  subscribeBatched(option: BatchSubscribeOption): this {
    const { topic, ...rest } = option
    this.#consumeOptions.set(topic, { type: 'batch', ...rest })
    return this
  }

  async wait(): Promise<void> {
    if (!this.#startedPromise) {
      throw new Error('The message consumer is not started')
    }
    await this.#startedPromise
    await Promise.race([this.#lastBatchConsumed, this.#crashPromise])
  }

  async start(): Promise<void> {
    if (this.#startedPromise) {
      return this.#startedPromise
    }
    this.#startedPromise = this.performStart()
    return this.#startedPromise
  }

  async stop(): Promise<void> {
    if (this.#stoppedPromise) {
      return this.#stoppedPromise
    }
    this.#stoppedPromise = new Promise<void>((resolve, reject) => {
      this.#workerController.synchronize(async () => {
        setImmediate(() => this.#consumer.stop().then(resolve, reject))
        return true
      })
    }).then(() => this.#consumer.disconnect())
    return this.#stoppedPromise
  }

  private async performStart() {
    const topics = Array.from(this.#consumeOptions.keys())
    const admin = this.#client.admin()
    try {
      await this.#consumer.connect()
      for (const [topic, option] of this.#consumeOptions) {
        await this.#consumer.subscribe({ topic, fromBeginning: option.fromBeginning ?? false })
      }

      await admin.connect()
      const metadata = await admin.fetchTopicMetadata({ topics })

      const totalPartitions = metadata.topics.reduce(
        (result, topicMetadata) => result + topicMetadata.partitions.length,
        0,
      )

      await this.#consumer.run({
        autoCommit: true,
        autoCommitInterval: this.#commitOption?.commitInterval as number,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: totalPartitions,
        eachBatch: async (payload) => {
          const promise = this.eachBatch(payload)
          this.#lastBatchConsumed = this.#lastBatchConsumed.then(() => promise)
          return promise
        },
      })
    } finally {
      await admin.disconnect()
    }
  }

  private async eachBatch(payload: kafkajs.EachBatchPayload) {
    const { topic, partition } = payload.batch
    const consumeOption = this.#consumeOptions.get(topic)
    if (!consumeOption) {
      throw new Error('Message received from unsubscribed topic')
    } else if (consumeOption.type === 'batch') {
      const { consumer } = consumeOption
      return consumer(payload)
    }
    const { consumer } = consumeOption
    const commitOffsets = async (forced: boolean = false) => {
      if (forced) {
        return payload.commitOffsetsIfNecessary(payload.uncommittedOffsets())
      }
      return payload.commitOffsetsIfNecessary()
    }

    const heartbeat = async () => {
      try {
        await payload.heartbeat()
      } catch (e: unknown) {
        const type = (e as { type?: string }).type
        if (type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP') {
          this.#workerController.synchronize(async () => true)
        }
      }
    }

    await this.processBatch(
      async (message: kafkajs.KafkaMessage) => {
        await consumer({ topic, partition, ...message })
        payload.resolveOffset(message.offset)
        await payload.commitOffsetsIfNecessary()
      },
      heartbeat,
      (offset: string) => payload.resolveOffset(offset),
      commitOffsets,
      payload.batch.messages,
    )
  }

  private async processBatch(
    consumer: (message: kafkajs.KafkaMessage) => Promise<void>,
    heartbeat: () => Promise<void>,
    resolveOffset: (offset: string) => void,
    commitOffset: (forced?: boolean) => Promise<void>,
    messages: kafkajs.KafkaMessage[],
  ) {
    const synchronizer = this.#workerController.createSynchronizer(false)
    try {
      for (const message of messages) {
        await consumer(message)
        await heartbeat()
        resolveOffset(message.offset)
        if (await synchronizer.checkSynchronized(() => commitOffset(true))) {
          return
        }
        await commitOffset()
      }
    } finally {
      synchronizer.detach()
    }
  }
}
