/**
 * KafkaJS's consumer over the in-process broker: subscribe, run, seek, pause, commit, describe.
 * The run loop itself lives in consumer-runner.ts.
 *
 * Behavior: see consumer-runner.ts for where the loop differs from KafkaJS (compatibly).
 * RegExp subscriptions are expanded once, at `subscribe()`, as in KafkaJS.
 */

import { Buffer } from 'node:buffer'
import { SubscriptionState } from '../client/subscription-state.js'
import { nextTurn } from '../common/next-turn.js'
import type { Broker } from '../engine/broker.js'
import { validateTopicName } from '../engine/topic-name.js'
import { PartitionAssigners } from './assigners.js'
import { ConsumerRunner, type RunnerOptions } from './consumer-runner.js'
import { parseOffset } from './convert.js'
import { KafkaJSNonRetriableError, toKafkaJSError } from './errors.js'
import { type ConsumerEventPayloads, consumerEvents, InstrumentationEmitter } from './instrumentation.js'
import type { ClientContext } from './kafka.js'
import { createRetry } from './retry.js'
import type {
  Consumer,
  ConsumerConfig,
  ConsumerRunConfig,
  ConsumerSubscribeTopic,
  ConsumerSubscribeTopics,
  GroupDescription,
  TopicPartitionOffset,
  TopicPartitionOffsetAndMetadata,
} from './types.js'

const NOT_INITIALIZED = 'Consumer group was not initialized, consumer#run must be called first'

/** Builds a KafkaJS-shaped consumer. @throws KafkaJSNonRetriableError for a bad groupId or heartbeat config */
export function createConsumer(context: ClientContext, config: ConsumerConfig): Consumer {
  const groupId = config?.groupId
  if (!groupId) throw new KafkaJSNonRetriableError('Consumer groupId must be a non-empty string.')
  const sessionTimeout = config.sessionTimeout ?? 30_000
  const heartbeatInterval = config.heartbeatInterval ?? 3_000
  if (heartbeatInterval >= sessionTimeout) {
    throw new KafkaJSNonRetriableError(
      `Consumer heartbeatInterval (${heartbeatInterval}) must be lower than sessionTimeout (${sessionTimeout}). It is recommended to set heartbeatInterval to approximately a third of the sessionTimeout.`,
    )
  }
  const logger = context.rootLogger.namespace('Consumer')
  const instrumentation = new InstrumentationEmitter<ConsumerEventPayloads>({
    kind: 'consumer',
    logger,
    now: () => context.broker().clock.now(),
  })
  const retry = { ...context.retry, ...(config.retry ?? { retries: 5 }) }
  const allowAutoTopicCreation = config.allowAutoTopicCreation ?? true
  const topics = new Map<string, boolean>()
  const cluster = {
    findTopicPartitionMetadata: (topic: string) => ConsumerRunner.partitionMetadata(context.broker(), topic),
  }
  const assigners = (config.partitionAssigners ?? [PartitionAssigners.roundRobin]).map((create) =>
    create({ cluster: cluster as never, groupId, logger }),
  )
  let runner: ConsumerRunner | null = null
  let subscriptionState: SubscriptionState | null = null
  let restartTimer: ReturnType<typeof setTimeout> | undefined
  let connected = false
  let releaseKeepAlive: (() => void) | null = null
  let stopping: Promise<void> | null = null
  let partitionsListener: (() => void) | null = null

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        const current = runner
        if (current !== null) {
          await current.stop()
          runner = null
          subscriptionState = null
          instrumentation.emitLazy('consumer.stop', () => undefined)
        }
        partitionsListener?.()
        partitionsListener = null
        if (restartTimer !== undefined) clearTimeout(restartTimer)
        restartTimer = undefined
        logger.info('Stopped', { groupId })
      } finally {
        stopping = null
      }
    })()
    return stopping
  }

  const disconnect = async (): Promise<void> => {
    await stop()
    releaseKeepAlive?.()
    releaseKeepAlive = null
    connected = false
    instrumentation.emitLazy('consumer.disconnect', () => undefined)
  }

  const start = async (
    runConfig: RunnerOptions['run'],
    onCrash: (error: Error) => Promise<void>,
  ): Promise<void> => {
    logger.info('Starting', { groupId })
    // As in KafkaJS, the consumer group exists as soon as run() is called, so the documented
    // `consumer.run(); consumer.seek(...)` idiom works; only a `brokers` function returning a
    // promise has to be awaited first.
    const broker = resolveBrokerNow() ?? (await context.ready())
    if (!connected) {
      connected = true
      releaseKeepAlive = context.keepAlive.acquire()
    }
    subscriptionState = new SubscriptionState()
    const current = new ConsumerRunner({
      broker,
      groupId,
      clientId: context.clientId,
      logger,
      instrumentation,
      subscriptionState,
      topics,
      assigners,
      sessionTimeout,
      rebalanceTimeout: config.rebalanceTimeout ?? 60_000,
      heartbeatInterval,
      maxBytesPerPartition: config.maxBytesPerPartition ?? 1_048_576,
      maxBytes: config.maxBytes ?? 10_485_760,
      maxWaitTimeInMs: config.maxWaitTimeInMs ?? 5_000,
      readUncommitted: config.readUncommitted ?? false,
      run: runConfig,
      offsetsCache: context.offsetsCache,
    })
    runner = current
    instrumentation.emitLazy('consumer.connect', () => undefined)
    // The join answers one macrotask later, like KafkaJS's network round-trip: GROUP_JOIN reaches
    // a listener attached after an un-awaited run(), even after an await.
    await nextTurn()
    if (runner !== current) return
    try {
      await current.start()
    } catch (error) {
      await onCrash(toKafkaJSError(error) as Error)
      return
    }
    if (runner !== current) {
      // stop() ran while the join was in flight: leave the group instead of consuming.
      await current.stop()
      return
    }
    watchPartitionChanges(broker, current)
    schedule(current, onCrash)
  }

  const resolveBrokerNow = (): Broker | undefined => {
    try {
      return context.broker()
    } catch {
      return undefined
    }
  }

  /** New partitions of a subscribed topic trigger a rejoin, as KafkaJS's metadata check does. */
  const watchPartitionChanges = (broker: Broker, current: ConsumerRunner): void => {
    partitionsListener?.()
    partitionsListener = broker.events.on('partitionsCreated', ({ topic }) => {
      if (topics.has(topic) && runner === current && current.memberId !== '') {
        current.requestRejoin()
      }
    })
  }

  const schedule = (current: ConsumerRunner, onCrash: (error: Error) => Promise<void>): void => {
    if (!current.running || runner !== current) {
      current.consumingStopped()
      return
    }
    current.consumingStarted()
    const retrier = createRetry(retry)
    retrier(async (bail, retryCount, retryTime) => {
      // Fetch one macrotask later, as KafkaJS's first fetch is a network round-trip: run()
      // resolves before any handler runs, so `await consumer.run(); consumer.seek(...)` applies
      // the seek before delivery.
      await nextTurn()
      if (!current.running) return
      try {
        await current.consume()
      } catch (error) {
        const mapped = toKafkaJSError(error) as Error & { type?: string }
        if (current.recoverable(mapped)) {
          await current.rejoin(mapped)
          return
        }
        // As KafkaJS's runner: these end the consumer at once, with the error itself.
        if (mapped.name === 'KafkaJSNotImplemented' || mapped.name === 'KafkaJSNoBrokerAvailableError') {
          bail(mapped)
          return
        }
        logger.debug('Error while scheduling fetch manager, trying again...', {
          groupId,
          error: mapped.message,
          retryCount,
          retryTime,
        })
        throw mapped
      }
    })
      .then(() => schedule(current, onCrash))
      .catch((error: Error) => {
        // The loop is over, but the runner still counts as running so that the disconnect in
        // onCrash stops it properly: it leaves the group, as KafkaJS's crash path does. (Marking
        // it stopped first left a member behind that blocked the restart's rebalance.)
        current.consumingStopped()
        void onCrash(error)
      })
  }

  const consumer: Consumer = {
    async connect() {
      await context.ready()
      if (!connected) releaseKeepAlive = context.keepAlive.acquire()
      connected = true
      instrumentation.emitLazy('consumer.connect', () => undefined)
    },
    disconnect,
    async subscribe(subscription: ConsumerSubscribeTopics | ConsumerSubscribeTopic) {
      if (runner !== null)
        throw new KafkaJSNonRetriableError('Cannot subscribe to topic while consumer is running')
      const {
        topic,
        topics: list,
        fromBeginning = false,
      } = subscription as Partial<ConsumerSubscribeTopic & ConsumerSubscribeTopics>
      if (!topic && !list) throw new KafkaJSNonRetriableError('Missing required argument "topics"')
      if (list !== undefined && list !== null && !Array.isArray(list)) {
        throw new KafkaJSNonRetriableError('Argument "topics" must be an array')
      }
      const subscriptions = list ?? [topic as string | RegExp]
      for (const each of subscriptions) {
        if (typeof each !== 'string' && !(each instanceof RegExp)) {
          throw new KafkaJSNonRetriableError(
            `Invalid topic ${String(each)} (${typeof each}), the topic name has to be a String or a RegExp`,
          )
        }
      }
      const broker = await context.ready()
      const names: string[] = []
      for (const each of subscriptions) {
        if (each instanceof RegExp)
          names.push(...broker.listTopics({ includeInternal: true }).filter((name) => each.test(name)))
        else names.push(each)
      }
      for (const name of names) {
        if (broker.hasTopic(name)) continue
        try {
          validateTopicName(name)
          if (allowAutoTopicCreation) broker.ensureTopic(name)
          else broker.topic(name)
        } catch (error) {
          throw toKafkaJSError(error)
        }
      }
      for (const name of names) topics.set(name, fromBeginning)
    },
    stop,
    async run(runConfig: ConsumerRunConfig = {}) {
      if (runner !== null) {
        logger.warn('consumer#run was called, but the consumer is already running', { groupId })
        return
      }
      const resolved: RunnerOptions['run'] = {
        autoCommit: runConfig.autoCommit ?? true,
        autoCommitInterval: runConfig.autoCommitInterval ?? null,
        autoCommitThreshold: runConfig.autoCommitThreshold ?? null,
        eachBatchAutoResolve: runConfig.eachBatchAutoResolve ?? true,
        partitionsConsumedConcurrently: runConfig.partitionsConsumedConcurrently ?? 1,
        ...(runConfig.eachBatch ? { eachBatch: runConfig.eachBatch } : {}),
        ...(runConfig.eachMessage ? { eachMessage: runConfig.eachMessage } : {}),
      }
      const onCrash = async (error: Error): Promise<void> => {
        const failure = error as Error & { retryCount?: number; retryTime?: number; cause?: unknown }
        logger.error(`Crash: ${failure.name}: ${failure.message}`, {
          groupId,
          retryCount: failure.retryCount,
          stack: failure.stack,
        })
        await disconnect().catch(() => {})
        let shouldRestart =
          failure.name === 'KafkaJSNumberOfRetriesExceeded' || rootCause(failure).retriable === true
        if (shouldRestart && retry.restartOnFailure) {
          shouldRestart = await retry.restartOnFailure(failure).catch((callbackError: unknown) => {
            logger.error(
              'Caught error when invoking user-provided "restartOnFailure" callback. Defaulting to restarting.',
              {
                error: (callbackError as Error)?.message ?? callbackError,
                cause: failure.message,
                groupId,
              },
            )
            return true
          })
        }
        instrumentation.emitLazy('consumer.crash', () => ({
          error: failure,
          groupId,
          restart: shouldRestart,
        }))
        if (shouldRestart) {
          const retryTime = failure.retryTime || retry.initialRetryTime || 300
          logger.error(`Restarting the consumer in ${retryTime}ms`, {
            retryCount: failure.retryCount,
            retryTime,
            groupId,
          })
          restartTimer = setTimeout(() => {
            restartTimer = undefined
            void start(resolved, onCrash)
          }, retryTime)
        }
      }
      await start(resolved, onCrash)
    },
    async commitOffsets(topicPartitions: TopicPartitionOffsetAndMetadata[] = []) {
      const byTopic = new Map<
        string,
        { partition: number | string; offset: number; metadata: string | null }[]
      >()
      for (const { topic, partition, offset, metadata = null } of topicPartitions) {
        if (!topic) throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`)
        if (Number.isNaN(Number(partition))) {
          throw new KafkaJSNonRetriableError(
            `Invalid partition, expected a number received ${String(partition)}`,
          )
        }
        const parsed = parseOffset(offset)
        if (parsed < 0) throw new KafkaJSNonRetriableError('Offset must not be a negative number')
        if (metadata !== null && typeof metadata !== 'string') {
          throw new KafkaJSNonRetriableError(
            `Invalid offset metadata, expected string or null, received ${String(metadata)}`,
          )
        }
        const entries = byTopic.get(topic) ?? []
        // The partition as given: KafkaJS's COMMIT_OFFSETS event shows it so (the commit reads its number).
        entries.push({ partition, offset: parsed, metadata })
        byTopic.set(topic, entries)
      }
      if (runner === null) throw new KafkaJSNonRetriableError(NOT_INITIALIZED)
      const current = runner
      if (!current.running) return
      const retrier = createRetry(retry)
      await retrier(async () => {
        if (!current.running) return
        await current.commitOffsets(
          { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) },
          'given',
        )
      })
    },
    seek({ topic, partition, offset }: TopicPartitionOffset) {
      if (!topic) throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`)
      if (Number.isNaN(Number(partition))) {
        throw new KafkaJSNonRetriableError(
          `Invalid partition, expected a number received ${String(partition)}`,
        )
      }
      const parsed = parseOffset(offset)
      if (parsed < 0 && parsed !== -1 && parsed !== -2)
        throw new KafkaJSNonRetriableError('Offset must not be a negative number')
      if (runner === null) throw new KafkaJSNonRetriableError(NOT_INITIALIZED)
      runner.seek(topic, Number(partition), parsed)
    },
    async describeGroup(): Promise<GroupDescription> {
      return describeGroups(context.broker(), [groupId])[0] as GroupDescription
    },
    pause(topicPartitions: { topic: string; partitions?: number[] }[] = []) {
      validatePauseArguments(topicPartitions, 'pause')
      if (subscriptionState === null) throw new KafkaJSNonRetriableError(NOT_INITIALIZED)
      subscriptionState.pause(topicPartitions)
    },
    paused() {
      return subscriptionState === null ? [] : subscriptionState.paused()
    },
    resume(topicPartitions: { topic: string; partitions?: number[] }[] = []) {
      validatePauseArguments(topicPartitions, 'resume')
      if (subscriptionState === null || runner === null) throw new KafkaJSNonRetriableError(NOT_INITIALIZED)
      subscriptionState.resume(topicPartitions)
      runner.wakeUp()
    },
    on: ((eventName: string, listener: (event: unknown) => void) =>
      instrumentation.on(eventName, listener)) as Consumer['on'],
    events: consumerEvents,
    logger: () => logger,
  }
  return consumer
}

function validatePauseArguments(
  topicPartitions: readonly { topic: string; partitions?: number[] }[],
  verb: 'pause' | 'resume',
): void {
  for (const topicPartition of topicPartitions) {
    if (!topicPartition?.topic) {
      // KafkaJS names the entry when its topic is falsy ('' included): `(entry && entry.topic) || entry`
      throw new KafkaJSNonRetriableError(`Invalid topic ${String(topicPartition?.topic || topicPartition)}`)
    }
    const { partitions } = topicPartition
    if (
      partitions !== undefined &&
      (!Array.isArray(partitions) || partitions.some((partition) => Number.isNaN(Number(partition))))
    ) {
      throw new KafkaJSNonRetriableError(
        `Array of valid partitions required to ${verb} specific partitions instead of ${String(partitions)}`,
      )
    }
  }
}

function rootCause(error: Error & { cause?: unknown }): { retriable?: boolean } {
  let current: unknown = error
  for (let depth = 0; depth < 100; depth++) {
    const cause = (current as { cause?: unknown }).cause
    if (cause === undefined || cause === null) break
    current = cause
  }
  return current as { retriable?: boolean }
}

/** KafkaJS-shaped group descriptions (also used by admin.describeGroups). */
export function describeGroups(broker: Broker, groupIds: readonly string[]): GroupDescription[] {
  return groupIds.map((groupId) => {
    const group = broker.groups.describeGroup(groupId)
    const state = group.state === 'Dead' && group.generationId === -1 ? 'Dead' : group.state
    return {
      groupId,
      errorCode: 0,
      state,
      protocolType: group.protocolType,
      protocol: group.protocol,
      members: group.members.map((member) => ({
        memberId: member.memberId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        memberMetadata: member.metadata as never,
        memberAssignment: (member.assignment ?? emptyBuffer()) as never,
      })),
    } as GroupDescription
  })
}

function emptyBuffer(): Buffer {
  return Buffer.alloc(0)
}
