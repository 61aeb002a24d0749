/** The typed bus: zod-defined topics, typed producers and consumer groups over the same engine. */
export {
  type Bus,
  type BusOptions,
  createBus,
  isValidationError,
  type KafkaBusOptions,
  type PortableBus,
  type TopicOffsets,
} from './bus.js'
export type {
  BusConsumer,
  BusConsumerOptions,
  BusEachBatchPayload,
  BusEachMessagePayload,
  BusRunOptions,
  InvalidRecord,
  MessageOf,
} from './consumer.js'
export {
  defineTopic,
  type EventInputOf,
  type EventOf,
  type KeyDefinition,
  type KeyOf,
  type TopicDefinition,
} from './define-topic.js'
export { EventValidationError, type ValidationIssue } from './errors.js'
export { BusSerializer } from './kafka/codec.js'
export type { KafkaBus } from './kafka/kafka-bus.js'
export type { BusKafkaOptions, BusKafkaSasl } from './kafka/kafka-options.js'
export { BusBatch, type BusMessage } from './messages.js'
export type { BusProducer, BusProducerOptions, OutgoingEvent, SendResult } from './producer.js'
