/**
 * The public types of KafkaJS 2.2.4 (its `types/index.d.ts`), with the same names, kinds
 * (interface or type alias) and shapes, so a TypeScript program written against `kafkajs`
 * compiles against `kafkalite/kafkajs`. Runtime values (enums, errors, Partitioners,
 * AssignerProtocol, PartitionAssigners) live in their own modules and are imported here as types.
 *
 * Behavior:
 * - Shapes are KafkaJS's declared ones, including where its runtime differs (catalog §1.13):
 *   `InstrumentationEvent.id` is declared `string` but is a number at runtime, as in KafkaJS.
 * - `any` appears only where KafkaJS declares it and user code reads through it (log entry
 *   fields, the catch-all `on` listener, `alterConfigs`); `unknown` would break such programs.
 * - This file is longer than the house limit: it is one declaration per KafkaJS type, kept in
 *   KafkaJS's order so the two can be compared side by side.
 */
import type { Buffer } from 'node:buffer'
import type { Socket } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import type {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  CompressionTypes,
  ConfigResourceTypes,
  ConfigSource,
  logLevel,
  ResourcePatternTypes,
} from './constants.js'
import type { KafkaJSError, KafkaJSProtocolError } from './errors.js'

export type Without<T, U> = { [P in Exclude<keyof T, keyof U>]?: never }
export type XOR<T, U> = T | U extends object ? (Without<T, U> & U) | (Without<U, T> & T) : T | U
export type ValueOf<T> = T[keyof T]

// ── Kafka config and SASL ────────────────────────────────────────────────────────────────────

/** A function resolving the broker list; kafkalite uses the list only to name the cluster. */
export type BrokersFunction = () => string[] | Promise<string[]>

export type SaslAuthenticationRequest = { encode: () => Buffer | Promise<Buffer> }
export type SaslAuthenticationResponse<ParseResult> = {
  decode: (rawResponse: Buffer) => Buffer | Promise<Buffer>
  parse: (data: Buffer) => ParseResult
}

/** A custom SASL authenticator. */
export type Authenticator = { authenticate: () => Promise<void> }

/** Arguments of a custom SASL round trip. */
export type SaslAuthenticateArgs<ParseResult> = {
  request: SaslAuthenticationRequest
  response?: SaslAuthenticationResponse<ParseResult>
}

/** What a custom SASL mechanism's provider receives. */
export type AuthenticationProviderArgs = {
  host: string
  port: number
  logger: Logger
  // biome-ignore lint/suspicious/noConfusingVoidType: KafkaJS's declaration; `undefined` would not accept its functions
  saslAuthenticate: <ParseResult>(args: SaslAuthenticateArgs<ParseResult>) => Promise<ParseResult | void>
}

/** A custom SASL mechanism. */
export type Mechanism = {
  mechanism: string
  authenticationProvider: (args: AuthenticationProviderArgs) => Authenticator
}

/** `new Kafka(config)`: kafkalite accepts and ignores `ssl`, `sasl`, `socketFactory` and timeouts. */
export interface KafkaConfig {
  brokers: string[] | BrokersFunction
  ssl?: ConnectionOptions | boolean
  sasl?: SASLOptions | Mechanism
  clientId?: string
  connectionTimeout?: number
  authenticationTimeout?: number
  reauthenticationThreshold?: number
  requestTimeout?: number
  enforceRequestTimeout?: boolean
  retry?: RetryOptions
  socketFactory?: ISocketFactory
  logLevel?: logLevel
  logCreator?: logCreator
}

/** Arguments of a socket factory. */
export interface ISocketFactoryArgs {
  host: string
  port: number
  ssl: ConnectionOptions
  onConnect: () => void
}

/** Creates the socket to a broker (unused in-process). */
export type ISocketFactory = (args: ISocketFactoryArgs) => Socket

/** The token an OAUTHBEARER provider resolves. */
export interface OauthbearerProviderResponse {
  value: string
}

export type SASLMechanismOptionsMap = {
  plain: { username: string; password: string }
  'scram-sha-256': { username: string; password: string }
  'scram-sha-512': { username: string; password: string }
  aws: { authorizationIdentity: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  oauthbearer: { oauthBearerProvider: () => Promise<OauthbearerProviderResponse> }
}

/** The built-in SASL mechanism names. */
export type SASLMechanism = keyof SASLMechanismOptionsMap
export type SASLMechanismOptions<T> = T extends SASLMechanism
  ? { mechanism: T } & SASLMechanismOptionsMap[T]
  : never
/** Options of a built-in SASL mechanism. */
export type SASLOptions = SASLMechanismOptions<SASLMechanism>

// ── Producer ─────────────────────────────────────────────────────────────────────────────────

/** `kafka.producer(config)`. */
export interface ProducerConfig {
  createPartitioner?: ICustomPartitioner
  retry?: RetryOptions
  metadataMaxAge?: number
  allowAutoTopicCreation?: boolean
  idempotent?: boolean
  transactionalId?: string
  transactionTimeout?: number
  maxInFlightRequests?: number
}

/** A message to produce; `timestamp` is milliseconds since the epoch, as a string. */
export interface Message {
  key?: Buffer | string | null
  value: Buffer | string | null
  partition?: number
  headers?: IHeaders
  timestamp?: string
}

/** What a partitioner function receives for each message. */
export interface PartitionerArgs {
  topic: string
  partitionMetadata: PartitionMetadata[]
  message: Message
}

/** A partitioner factory: called once per producer, its result once per message. */
export type ICustomPartitioner = () => (args: PartitionerArgs) => number
/** The Java-compatible murmur2 partitioner's type. */
export type DefaultPartitioner = ICustomPartitioner
/** The pre-2.0 KafkaJS partitioner's type. */
export type LegacyPartitioner = ICustomPartitioner

/** One partition of a topic's metadata. */
export type PartitionMetadata = {
  partitionErrorCode: number
  partitionId: number
  leader: number
  replicas: number[]
  isr: number[]
  offlineReplicas?: number[]
}

/** Record headers; consumers always receive Buffers (an array when a key repeats). */
export interface IHeaders {
  [key: string]: Buffer | string | (Buffer | string)[] | undefined
}

// ── Consumer config, assigners, cluster ──────────────────────────────────────────────────────

/** `kafka.consumer(config)`. */
export interface ConsumerConfig {
  groupId: string
  partitionAssigners?: PartitionAssigner[]
  metadataMaxAge?: number
  sessionTimeout?: number
  rebalanceTimeout?: number
  heartbeatInterval?: number
  maxBytesPerPartition?: number
  minBytes?: number
  maxBytes?: number
  maxWaitTimeInMs?: number
  retry?: RetryOptions & { restartOnFailure?: (err: Error) => Promise<boolean> }
  allowAutoTopicCreation?: boolean
  maxInFlightRequests?: number
  readUncommitted?: boolean
  rackId?: string
}

/** An assigner factory, called with the cluster (for partition metadata), group id and logger. */
export type PartitionAssigner = (config: { cluster: Cluster; groupId: string; logger: Logger }) => Assigner

/** Where a group's coordinator lives. */
export interface CoordinatorMetadata {
  errorCode: number
  coordinator: { nodeId: number; host: string; port: number }
}

/** KafkaJS's cluster object as custom assigners see it. */
export type Cluster = {
  getNodeIds(): number[]
  metadata(): Promise<BrokerMetadata>
  removeBroker(options: { host: string; port: number }): void
  addMultipleTargetTopics(topics: string[]): Promise<void>
  isConnected(): boolean
  connect(): Promise<void>
  disconnect(): Promise<void>
  refreshMetadata(): Promise<void>
  refreshMetadataIfNecessary(): Promise<void>
  addTargetTopic(topic: string): Promise<void>
  findBroker(node: { nodeId: string }): Promise<Broker>
  findControllerBroker(): Promise<Broker>
  findTopicPartitionMetadata(topic: string): PartitionMetadata[]
  findLeaderForPartitions(topic: string, partitions: number[]): { [leader: string]: number[] }
  findGroupCoordinator(group: { groupId: string }): Promise<Broker>
  findGroupCoordinatorMetadata(group: { groupId: string }): Promise<CoordinatorMetadata>
  defaultOffset(config: { fromBeginning: boolean }): number
  fetchTopicsOffset(
    topics: Array<
      { topic: string; partitions: Array<{ partition: number }> } & XOR<
        { fromBeginning: boolean },
        { fromTimestamp: number }
      >
    >,
  ): Promise<TopicOffsets[]>
}

/** Partitions per topic. */
export type Assignment = { [topic: string]: number[] }
/** A group member as the leader's assigner sees it. */
export type GroupMember = { memberId: string; memberMetadata: Buffer }
/** One member's encoded assignment. */
export type GroupMemberAssignment = { memberId: string; memberAssignment: Buffer }
/** An assigner's protocol entry in JoinGroup. */
export type GroupState = { name: string; metadata: Buffer }

/** A partition assigner: `name` is the group protocol, `assign` runs on the leader. */
export type Assigner = {
  name: string
  version: number
  assign(group: { members: GroupMember[]; topics: string[] }): Promise<GroupMemberAssignment[]>
  protocol(subscription: { topics: string[] }): GroupState
}

/** Retry settings (catalog §1.10). */
export interface RetryOptions {
  maxRetryTime?: number
  initialRetryTime?: number
  factor?: number
  multiplier?: number
  retries?: number
  restartOnFailure?: (e: Error) => Promise<boolean>
}

// ── Admin ────────────────────────────────────────────────────────────────────────────────────

/** `kafka.admin(config)`. */
export interface AdminConfig {
  retry?: RetryOptions
}

/** One topic of `admin.createTopics`. */
export interface ITopicConfig {
  topic: string
  numPartitions?: number
  replicationFactor?: number
  replicaAssignment?: ReplicaAssignment[]
  configEntries?: IResourceConfigEntry[]
}

/** One topic of `admin.createPartitions`; `count` is the new total. */
export interface ITopicPartitionConfig {
  topic: string
  count: number
  assignments?: Array<Array<number>>
}

/** A topic in `admin.fetchTopicMetadata`. */
export interface ITopicMetadata {
  name: string
  partitions: PartitionMetadata[]
}

/** Replicas of one partition. */
export interface ReplicaAssignment {
  partition: number
  replicas: Array<number>
}

/** A topic's requested reassignment. */
export interface PartitionReassignment {
  topic: string
  partitionAssignment: Array<ReplicaAssignment>
}

/** One resource of `admin.describeConfigs`. */
export interface ResourceConfigQuery {
  type: ConfigResourceTypes
  name: string
  configNames?: string[]
}

/** One config entry in a describeConfigs result. */
export interface ConfigEntries {
  configName: string
  configValue: string
  isDefault: boolean
  configSource: ConfigSource
  isSensitive: boolean
  readOnly: boolean
  configSynonyms: ConfigSynonyms[]
}

/** A synonym of a config entry. */
export interface ConfigSynonyms {
  configName: string
  configValue: string
  configSource: ConfigSource
}

/** `admin.describeConfigs` result. */
export interface DescribeConfigResponse {
  resources: {
    configEntries: ConfigEntries[]
    errorCode: number
    errorMessage: string
    resourceName: string
    resourceType: ConfigResourceTypes
  }[]
  throttleTime: number
}

/** A `{ name, value }` config pair, e.g. `{ name: 'retention.ms', value: '60000' }`. */
export interface IResourceConfigEntry {
  name: string
  value: string
}

/** One resource of `admin.alterConfigs`. */
export interface IResourceConfig {
  type: ConfigResourceTypes
  name: string
  configEntries: IResourceConfigEntry[]
}

/** Admin instrumentation event names. */
export type AdminEvents = {
  CONNECT: 'admin.connect'
  DISCONNECT: 'admin.disconnect'
  REQUEST: 'admin.network.request'
  REQUEST_TIMEOUT: 'admin.network.request_timeout'
  REQUEST_QUEUE_SIZE: 'admin.network.request_queue_size'
}

// ── Instrumentation events ───────────────────────────────────────────────────────────────────

/** An instrumentation event; `id` is declared string but is a number at runtime, as in KafkaJS. */
export interface InstrumentationEvent<T> {
  id: string
  type: string
  timestamp: number
  payload: T
}

/** The function `on()` returns; calling it removes the listener. */
export type RemoveInstrumentationEventListener<_EventName> = () => void

/** `*.connect` event. */
export type ConnectEvent = InstrumentationEvent<null>
/** `*.disconnect` event. */
export type DisconnectEvent = InstrumentationEvent<null>
/** `*.network.request` event. */
export type RequestEvent = InstrumentationEvent<{
  apiKey: number
  apiName: string
  apiVersion: number
  broker: string
  clientId: string
  correlationId: number
  createdAt: number
  duration: number
  pendingDuration: number
  sentAt: number
  size: number
}>
/** `*.network.request_timeout` event. */
export type RequestTimeoutEvent = InstrumentationEvent<{
  apiKey: number
  apiName: string
  apiVersion: number
  broker: string
  clientId: string
  correlationId: number
  createdAt: number
  pendingDuration: number
  sentAt: number
}>
/** `*.network.request_queue_size` event. */
export type RequestQueueSizeEvent = InstrumentationEvent<{
  broker: string
  clientId: string
  queueSize: number
}>

/** A partition and an offset (string). */
export type SeekEntry = PartitionOffset
/** A committed offset with its metadata. */
export type FetchOffsetsPartition = PartitionOffset & { metadata: string | null }

// ── ACLs and reassignments ───────────────────────────────────────────────────────────────────

/** An ACL binding's principal side. */
export interface Acl {
  principal: string
  host: string
  operation: AclOperationTypes
  permissionType: AclPermissionTypes
}

/** An ACL binding's resource side. */
export interface AclResource {
  resourceType: AclResourceTypes
  resourceName: string
  resourcePatternType: ResourcePatternTypes
}

/** A full ACL binding. */
export type AclEntry = Acl & AclResource
/** A resource with its ACLs. */
export type DescribeAclResource = AclResource & { acls: Acl[] }

/** `admin.describeAcls` result. */
export interface DescribeAclResponse {
  throttleTime: number
  errorCode: number
  errorMessage?: string
  resources: DescribeAclResource[]
}

/** A filter over ACL bindings. */
export interface AclFilter {
  resourceType: AclResourceTypes
  resourceName?: string
  resourcePatternType: ResourcePatternTypes
  principal?: string
  host?: string
  operation: AclOperationTypes
  permissionType: AclPermissionTypes
}

/** An ACL a delete filter matched. */
export interface MatchingAcl {
  errorCode: number
  errorMessage?: string
  resourceType: AclResourceTypes
  resourceName: string
  resourcePatternType: ResourcePatternTypes
  principal: string
  host: string
  operation: AclOperationTypes
  permissionType: AclPermissionTypes
}

/** One filter's result in `admin.deleteAcls`. */
export interface DeleteAclFilterResponses {
  errorCode: number
  errorMessage?: string
  matchingAcls: MatchingAcl[]
}

/** `admin.deleteAcls` result. */
export interface DeleteAclResponse {
  throttleTime: number
  filterResponses: DeleteAclFilterResponses[]
}

/** `admin.listPartitionReassignments` result. */
export interface ListPartitionReassignmentsResponse {
  topics: OngoingTopicReassignment[]
}

/** A topic with reassignments in progress. */
export interface OngoingTopicReassignment {
  topic: string
  partitions: OngoingPartitionReassignment[]
}

/** A partition's reassignment in progress. */
export interface OngoingPartitionReassignment {
  partitionIndex: number
  replicas: number[]
  addingReplicas?: number[]
  removingReplicas?: number[]
}

/** The admin client (catalog §1.5, §2.17). */
export type Admin = {
  connect(): Promise<void>
  disconnect(): Promise<void>
  listTopics(): Promise<string[]>
  createTopics(options: {
    validateOnly?: boolean
    waitForLeaders?: boolean
    timeout?: number
    topics: ITopicConfig[]
  }): Promise<boolean>
  deleteTopics(options: { topics: string[]; timeout?: number }): Promise<void>
  createPartitions(options: {
    validateOnly?: boolean
    timeout?: number
    topicPartitions: ITopicPartitionConfig[]
  }): Promise<boolean>
  fetchTopicMetadata(options?: { topics: string[] }): Promise<{ topics: Array<ITopicMetadata> }>
  fetchOffsets(options: {
    groupId: string
    topics?: string[]
    resolveOffsets?: boolean
  }): Promise<Array<{ topic: string; partitions: FetchOffsetsPartition[] }>>
  fetchTopicOffsets(topic: string): Promise<Array<SeekEntry & { high: string; low: string }>>
  fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<Array<SeekEntry>>
  describeCluster(): Promise<{
    brokers: Array<{ nodeId: number; host: string; port: number }>
    controller: number | null
    clusterId: string
  }>
  setOffsets(options: { groupId: string; topic: string; partitions: SeekEntry[] }): Promise<void>
  resetOffsets(options: { groupId: string; topic: string; earliest: boolean }): Promise<void>
  describeConfigs(configs: {
    resources: ResourceConfigQuery[]
    includeSynonyms: boolean
  }): Promise<DescribeConfigResponse>
  // biome-ignore lint/suspicious/noExplicitAny: KafkaJS declares any; programs read `.resources` from it
  alterConfigs(configs: { validateOnly: boolean; resources: IResourceConfig[] }): Promise<any>
  listGroups(): Promise<{ groups: GroupOverview[] }>
  deleteGroups(groupIds: string[]): Promise<DeleteGroupsResult[]>
  describeGroups(groupIds: string[]): Promise<GroupDescriptions>
  describeAcls(options: AclFilter): Promise<DescribeAclResponse>
  deleteAcls(options: { filters: AclFilter[] }): Promise<DeleteAclResponse>
  createAcls(options: { acl: AclEntry[] }): Promise<boolean>
  deleteTopicRecords(options: { topic: string; partitions: SeekEntry[] }): Promise<void>
  alterPartitionReassignments(request: { topics: PartitionReassignment[]; timeout?: number }): Promise<void>
  listPartitionReassignments(request: {
    topics?: TopicPartitions[]
    timeout?: number
  }): Promise<ListPartitionReassignmentsResponse>
  logger(): Logger
  on(
    eventName: AdminEvents['CONNECT'],
    listener: (event: ConnectEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: AdminEvents['DISCONNECT'],
    listener: (event: DisconnectEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: AdminEvents['REQUEST'],
    listener: (event: RequestEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: AdminEvents['REQUEST_QUEUE_SIZE'],
    listener: (event: RequestQueueSizeEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: AdminEvents['REQUEST_TIMEOUT'],
    listener: (event: RequestTimeoutEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ValueOf<AdminEvents>,
    // biome-ignore lint/suspicious/noExplicitAny: KafkaJS's catch-all overload; listeners read payload fields
    listener: (event: InstrumentationEvent<any>) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  readonly events: AdminEvents
}

// ── Assigner protocol and logging ────────────────────────────────────────────────────────────

/** Encodes and decodes one wire structure. */
export interface ISerializer<T> {
  encode(value: T): Buffer
  decode(buffer: Buffer): T | null
}

/** A member's subscription as sent in JoinGroup. */
export type MemberMetadata = { version: number; topics: string[]; userData: Buffer }
/** A member's assignment as sent in SyncGroup. */
export type MemberAssignment = { version: number; assignment: Assignment; userData: Buffer }

/** What a log creator's function receives. */
export interface LogEntry {
  namespace: string
  level: logLevel
  label: string
  log: LoggerEntryContent
}

/** The `log` of an entry: timestamp, message, `logger: 'kafkajs'` and the caller's extra fields. */
export interface LoggerEntryContent {
  readonly timestamp: string
  readonly message: string
  // biome-ignore lint/suspicious/noExplicitAny: KafkaJS declares any; log creators read extra fields
  [key: string]: any
}

/** Called once per Kafka instance with the initial level; returns the log function. */
export type logCreator = (logLevel: logLevel) => (entry: LogEntry) => void

/** KafkaJS's logger (catalog §1.8). */
export type Logger = {
  info: (message: string, extra?: object) => void
  error: (message: string, extra?: object) => void
  warn: (message: string, extra?: object) => void
  debug: (message: string, extra?: object) => void
  namespace: (namespace: string, logLevel?: logLevel) => Logger
  setLogLevel: (logLevel: logLevel) => void
}

// ── Broker ───────────────────────────────────────────────────────────────────────────────────

/** A Metadata response. */
export interface BrokerMetadata {
  brokers: Array<{ nodeId: number; host: string; port: number; rack?: string }>
  topicMetadata: Array<{ topicErrorCode: number; topic: string; partitionMetadata: PartitionMetadata[] }>
}

/** Supported versions per API key. */
export interface ApiVersions {
  [apiKey: number]: { minVersion: number; maxVersion: number }
}

/** KafkaJS's broker connection, as exposed through `Cluster`. Raw responses are `unknown`. */
export type Broker = {
  isConnected(): boolean
  connect(): Promise<void>
  disconnect(): Promise<void>
  apiVersions(): Promise<ApiVersions>
  metadata(topics: string[]): Promise<BrokerMetadata>
  describeGroups: (options: { groupIds: string[] }) => Promise<unknown>
  offsetCommit(request: {
    groupId: string
    groupGenerationId: number
    memberId: string
    retentionTime?: number
    topics: TopicOffsets[]
  }): Promise<unknown>
  offsetFetch(request: { groupId: string; topics: TopicOffsets[] }): Promise<{ responses: TopicOffsets[] }>
  fetch(request: {
    replicaId?: number
    isolationLevel?: number
    maxWaitTime?: number
    minBytes?: number
    maxBytes?: number
    topics: Array<{
      topic: string
      partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }>
    }>
    rackId?: string
  }): Promise<unknown>
  produce(request: {
    topicData: Array<{
      topic: string
      partitions: Array<{ partition: number; firstSequence?: number; messages: Message[] }>
    }>
    transactionalId?: string
    producerId?: number
    producerEpoch?: number
    acks?: number
    timeout?: number
    compression?: CompressionTypes
  }): Promise<unknown>
  alterPartitionReassignments(request: {
    topics: PartitionReassignment[]
    timeout?: number
  }): Promise<unknown>
  listPartitionReassignments(request: {
    topics?: TopicPartitions[]
    timeout?: number
  }): Promise<ListPartitionReassignmentsResponse>
}

// ── Messages, sending, offsets ───────────────────────────────────────────────────────────────

export interface MessageSetEntry {
  key: Buffer | null
  value: Buffer | null
  timestamp: string
  attributes: number
  offset: string
  size: number
  headers?: never
}

export interface RecordBatchEntry {
  key: Buffer | null
  value: Buffer | null
  timestamp: string
  attributes: number
  offset: string
  headers: IHeaders
  size?: never
}

/** A consumed message; kafkalite always delivers the record-batch form (with headers). */
export type KafkaMessage = MessageSetEntry | RecordBatchEntry

/** `producer.send` argument. */
export interface ProducerRecord {
  topic: string
  messages: Message[]
  acks?: number
  timeout?: number
  compression?: CompressionTypes
}

/** One entry per (topic, partition) written; offsets are strings. */
export type RecordMetadata = {
  topicName: string
  partition: number
  errorCode: number
  offset?: string
  timestamp?: string
  baseOffset?: string
  logAppendTime?: string
  logStartOffset?: string
}

/** Messages for one topic in `sendBatch`. */
export interface TopicMessages {
  topic: string
  messages: Message[]
}

/** `producer.sendBatch` argument. */
export interface ProducerBatch {
  acks?: number
  timeout?: number
  compression?: CompressionTypes
  topicMessages?: TopicMessages[]
}

/** A partition and an offset, as a string. */
export interface PartitionOffset {
  partition: number
  offset: string
}

/** Offsets of one topic. */
export interface TopicOffsets {
  topic: string
  partitions: PartitionOffset[]
}

/** Offsets of several topics. */
export interface Offsets {
  topics: TopicOffsets[]
}

export type Sender = {
  send(record: ProducerRecord): Promise<RecordMetadata[]>
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>
}

/** Producer instrumentation event names. */
export type ProducerEvents = {
  CONNECT: 'producer.connect'
  DISCONNECT: 'producer.disconnect'
  REQUEST: 'producer.network.request'
  REQUEST_TIMEOUT: 'producer.network.request_timeout'
  REQUEST_QUEUE_SIZE: 'producer.network.request_queue_size'
}

/** The producer (catalog §1.3). */
export type Producer = Sender & {
  connect(): Promise<void>
  disconnect(): Promise<void>
  isIdempotent(): boolean
  readonly events: ProducerEvents
  on(
    eventName: ProducerEvents['CONNECT'],
    listener: (event: ConnectEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ProducerEvents['DISCONNECT'],
    listener: (event: DisconnectEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ProducerEvents['REQUEST'],
    listener: (event: RequestEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ProducerEvents['REQUEST_QUEUE_SIZE'],
    listener: (event: RequestQueueSizeEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ProducerEvents['REQUEST_TIMEOUT'],
    listener: (event: RequestTimeoutEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ValueOf<ProducerEvents>,
    // biome-ignore lint/suspicious/noExplicitAny: KafkaJS's catch-all overload; listeners read payload fields
    listener: (event: InstrumentationEvent<any>) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  transaction(): Promise<Transaction>
  logger(): Logger
}

/** A transaction (catalog §2.15). */
export type Transaction = Sender & {
  sendOffsets(offsets: Offsets & { consumerGroupId: string }): Promise<void>
  commit(): Promise<void>
  abort(): Promise<void>
  isActive(): boolean
}

// ── Groups and consuming ─────────────────────────────────────────────────────────────────────

/** A joined group as KafkaJS tracks it. */
export type ConsumerGroup = {
  groupId: string
  generationId: number
  memberId: string
  coordinator: Broker
}

/** A member in a group description; assignment and metadata are the encoded Buffers. */
export type MemberDescription = {
  clientHost: string
  clientId: string
  memberId: string
  memberAssignment: Buffer
  memberMetadata: Buffer
}

/** Kafka's consumer group states. */
export type ConsumerGroupState =
  | 'Unknown'
  | 'PreparingRebalance'
  | 'CompletingRebalance'
  | 'Stable'
  | 'Dead'
  | 'Empty'

/** `consumer.describeGroup()` result (also carries `errorCode: 0` at runtime). */
export type GroupDescription = {
  groupId: string
  members: MemberDescription[]
  protocol: string
  protocolType: string
  state: ConsumerGroupState
}

/** `admin.describeGroups()` result. */
export type GroupDescriptions = { groups: GroupDescription[] }

/** A topic with partition numbers. */
export type TopicPartitions = { topic: string; partitions: number[] }
/** A topic-partition. */
export type TopicPartition = { topic: string; partition: number }
/** A topic-partition with an offset (string). */
export type TopicPartitionOffset = TopicPartition & { offset: string }
/** A topic-partition offset with commit metadata. */
export type TopicPartitionOffsetAndMetadata = TopicPartitionOffset & { metadata?: string | null }

/** A batch of one partition's messages, with offset and lag helpers (catalog §1.4). */
export type Batch = {
  topic: string
  partition: number
  highWatermark: string
  messages: KafkaMessage[]
  isEmpty(): boolean
  firstOffset(): string | null
  lastOffset(): string
  offsetLag(): string
  offsetLagLow(): string
}

/** `admin.listGroups()` entry. */
export type GroupOverview = { groupId: string; protocolType: string }

/** `admin.deleteGroups()` entry. */
export type DeleteGroupsResult = { groupId: string; errorCode?: number; error?: KafkaJSProtocolError }

/** Consumer instrumentation event names. */
export type ConsumerEvents = {
  HEARTBEAT: 'consumer.heartbeat'
  COMMIT_OFFSETS: 'consumer.commit_offsets'
  GROUP_JOIN: 'consumer.group_join'
  FETCH_START: 'consumer.fetch_start'
  FETCH: 'consumer.fetch'
  START_BATCH_PROCESS: 'consumer.start_batch_process'
  END_BATCH_PROCESS: 'consumer.end_batch_process'
  CONNECT: 'consumer.connect'
  DISCONNECT: 'consumer.disconnect'
  STOP: 'consumer.stop'
  CRASH: 'consumer.crash'
  REBALANCING: 'consumer.rebalancing'
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics'
  REQUEST: 'consumer.network.request'
  REQUEST_TIMEOUT: 'consumer.network.request_timeout'
  REQUEST_QUEUE_SIZE: 'consumer.network.request_queue_size'
}
/** `consumer.heartbeat` event. */
export type ConsumerHeartbeatEvent = InstrumentationEvent<{
  groupId: string
  memberId: string
  groupGenerationId: number
}>
/** `consumer.commit_offsets` event. */
export type ConsumerCommitOffsetsEvent = InstrumentationEvent<{
  groupId: string
  memberId: string
  groupGenerationId: number
  topics: TopicOffsets[]
}>
/** Partitions per topic, as in a GROUP_JOIN payload. */
export interface IMemberAssignment {
  [key: string]: number[]
}
/** `consumer.group_join` event. */
export type ConsumerGroupJoinEvent = InstrumentationEvent<{
  duration: number
  groupId: string
  isLeader: boolean
  leaderId: string
  groupProtocol: string
  memberId: string
  memberAssignment: IMemberAssignment
}>
/** `consumer.fetch_start` event. */
export type ConsumerFetchStartEvent = InstrumentationEvent<{ nodeId: number }>
/** `consumer.fetch` event. */
export type ConsumerFetchEvent = InstrumentationEvent<{
  numberOfBatches: number
  duration: number
  nodeId: number
}>
export interface IBatchProcessEvent {
  topic: string
  partition: number
  highWatermark: string
  offsetLag: string
  offsetLagLow: string
  batchSize: number
  firstOffset: string
  lastOffset: string
}
/** `consumer.start_batch_process` event. */
export type ConsumerStartBatchProcessEvent = InstrumentationEvent<IBatchProcessEvent>
/** `consumer.end_batch_process` event. */
export type ConsumerEndBatchProcessEvent = InstrumentationEvent<IBatchProcessEvent & { duration: number }>
/** `consumer.crash` event. */
export type ConsumerCrashEvent = InstrumentationEvent<{ error: Error; groupId: string; restart: boolean }>
/** `consumer.rebalancing` event. */
export type ConsumerRebalancingEvent = InstrumentationEvent<{ groupId: string; memberId: string }>
/** `consumer.received_unsubscribed_topics` event (KafkaJS's spelling of the type name). */
export type ConsumerReceivedUnsubcribedTopicsEvent = InstrumentationEvent<{
  groupId: string
  generationId: number
  memberId: string
  assignedTopics: string[]
  topicsSubscribed: string[]
  topicsNotSubscribed: string[]
}>

/** `uncommittedOffsets()` result (partitions are strings at runtime, catalog §1.13). */
export interface OffsetsByTopicPartition {
  topics: TopicOffsets[]
}

/** What `eachMessage` receives. */
export interface EachMessagePayload {
  topic: string
  partition: number
  message: KafkaMessage
  heartbeat(): Promise<void>
  pause(): () => void
}

/** What `eachBatch` receives. */
export interface EachBatchPayload {
  batch: Batch
  resolveOffset(offset: string): void
  heartbeat(): Promise<void>
  pause(): () => void
  commitOffsetsIfNecessary(offsets?: Offsets): Promise<void>
  uncommittedOffsets(): OffsetsByTopicPartition
  isRunning(): boolean
  isStale(): boolean
}

/** Alias kept for `@types/kafkajs` compatibility. */
export type ConsumerEachMessagePayload = EachMessagePayload
/** Alias kept for `@types/kafkajs` compatibility. */
export type ConsumerEachBatchPayload = EachBatchPayload

/** An `eachBatch` handler. */
export type EachBatchHandler = (payload: EachBatchPayload) => Promise<void>
/** An `eachMessage` handler. */
export type EachMessageHandler = (payload: EachMessagePayload) => Promise<void>

/** `consumer.run(config)`. */
export type ConsumerRunConfig = {
  autoCommit?: boolean
  autoCommitInterval?: number | null
  autoCommitThreshold?: number | null
  eachBatchAutoResolve?: boolean
  partitionsConsumedConcurrently?: number
  eachBatch?: EachBatchHandler
  eachMessage?: EachMessageHandler
}

/** @deprecated Use {@link ConsumerSubscribeTopics}. */
export type ConsumerSubscribeTopic = { topic: string | RegExp; fromBeginning?: boolean }
/** `consumer.subscribe` argument. */
export type ConsumerSubscribeTopics = { topics: (string | RegExp)[]; fromBeginning?: boolean }

/** The consumer (catalog §1.4). */
export type Consumer = {
  connect(): Promise<void>
  disconnect(): Promise<void>
  subscribe(subscription: ConsumerSubscribeTopics | ConsumerSubscribeTopic): Promise<void>
  stop(): Promise<void>
  run(config?: ConsumerRunConfig): Promise<void>
  commitOffsets(topicPartitions: Array<TopicPartitionOffsetAndMetadata>): Promise<void>
  seek(topicPartitionOffset: TopicPartitionOffset): void
  describeGroup(): Promise<GroupDescription>
  pause(topics: Array<{ topic: string; partitions?: number[] }>): void
  paused(): TopicPartitions[]
  resume(topics: Array<{ topic: string; partitions?: number[] }>): void
  on(
    eventName: ConsumerEvents['HEARTBEAT'],
    listener: (event: ConsumerHeartbeatEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['COMMIT_OFFSETS'],
    listener: (event: ConsumerCommitOffsetsEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['GROUP_JOIN'],
    listener: (event: ConsumerGroupJoinEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['FETCH_START'],
    listener: (event: ConsumerFetchStartEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['FETCH'],
    listener: (event: ConsumerFetchEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['START_BATCH_PROCESS'],
    listener: (event: ConsumerStartBatchProcessEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['END_BATCH_PROCESS'],
    listener: (event: ConsumerEndBatchProcessEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['CONNECT'],
    listener: (event: ConnectEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['DISCONNECT'],
    listener: (event: DisconnectEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['STOP'],
    listener: (event: InstrumentationEvent<null>) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['CRASH'],
    listener: (event: ConsumerCrashEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['REBALANCING'],
    listener: (event: ConsumerRebalancingEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['RECEIVED_UNSUBSCRIBED_TOPICS'],
    listener: (event: ConsumerReceivedUnsubcribedTopicsEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['REQUEST'],
    listener: (event: RequestEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['REQUEST_TIMEOUT'],
    listener: (event: RequestTimeoutEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ConsumerEvents['REQUEST_QUEUE_SIZE'],
    listener: (event: RequestQueueSizeEvent) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  on(
    eventName: ValueOf<ConsumerEvents>,
    // biome-ignore lint/suspicious/noExplicitAny: KafkaJS's catch-all overload; listeners read payload fields
    listener: (event: InstrumentationEvent<any>) => void,
  ): RemoveInstrumentationEventListener<typeof eventName>
  logger(): Logger
  readonly events: ConsumerEvents
}

// ── Error metadata ───────────────────────────────────────────────────────────────────────────

/** A group entry of KafkaJSDeleteGroupsError. */
export interface KafkaJSDeleteGroupsErrorGroups {
  groupId: string
  errorCode: number
  error: KafkaJSError
}

/** KafkaJSDeleteTopicRecordsError's constructor argument. */
export interface KafkaJSDeleteTopicRecordsErrorTopic {
  topic: string
  partitions: KafkaJSDeleteTopicRecordsErrorPartition[]
}

/** A partition entry of KafkaJSDeleteTopicRecordsError. */
export interface KafkaJSDeleteTopicRecordsErrorPartition {
  partition: number
  offset: string
  error: KafkaJSError
}

/** Metadata of a KafkaJSError. */
export interface KafkaJSErrorMetadata {
  retriable?: boolean
  topic?: string
  partitionId?: number
  metadata?: PartitionMetadata
}

/** Metadata of KafkaJSOffsetOutOfRange. */
export interface KafkaJSOffsetOutOfRangeMetadata {
  topic: string
  partition: number
}

/** Metadata of KafkaJSNumberOfRetriesExceeded. */
export interface KafkaJSNumberOfRetriesExceededMetadata {
  retryCount: number
  retryTime: number
}

/** Metadata of KafkaJSConnectionError. */
export interface KafkaJSConnectionErrorMetadata {
  broker?: string
  code?: string
}

/** Metadata of KafkaJSRequestTimeoutError. */
export interface KafkaJSRequestTimeoutErrorMetadata {
  broker: string
  clientId: string
  correlationId: number
  createdAt: number
  sentAt: number
  pendingDuration: number
}

/** Metadata of KafkaJSTopicMetadataNotLoaded. */
export interface KafkaJSTopicMetadataNotLoadedMetadata {
  topic: string
}

/** Metadata of KafkaJSStaleTopicMetadataAssignment. */
export interface KafkaJSStaleTopicMetadataAssignmentMetadata {
  topic: string
  unknownPartitions: PartitionMetadata[]
}

/** Metadata of KafkaJSServerDoesNotSupportApiKey. */
export interface KafkaJSServerDoesNotSupportApiKeyMetadata {
  apiKey: number
  apiName: string
}
