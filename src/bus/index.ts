/** The typed bus: zod-defined topics, typed producers and consumer groups over the same engine. */
export { type Bus, type BusOptions, createBus, isValidationError, type TopicOffsets } from './bus.js'
export {
  BusConsumer,
  type BusConsumerOptions,
  type BusEachBatchPayload,
  type BusEachMessagePayload,
  type BusRunOptions,
  type InvalidRecord,
  type MessageOf,
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
export { BusBatch, type BusMessage } from './messages.js'
export { BusProducer, type BusProducerOptions, type OutgoingEvent, type SendResult } from './producer.js'
