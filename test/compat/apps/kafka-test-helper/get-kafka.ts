/**
 * Port of chrvadala/kafka-test-helper getKafka.js: the KAFKA_SERVER env var (a docker broker)
 * is replaced by kafkalite's createTestBroker(); the client config is the original's.
 */
import { Kafka, logLevel } from '../../../../src/kafkajs/index.js'

export default function getKafka(brokers: string[]) {
  // The original is JavaScript. Written in TypeScript as `let logLevelConf = logLevel.INFO`, it
  // compiles with KafkaJS (an enum: the variable is a `logLevel`) but not with kafkalite (a const
  // object: the variable is the literal type 4, so `= logLevel.NOTHING` is TS2322). Annotated here.
  let logLevelConf: logLevel = logLevel.INFO

  if (process.env.NODE_ENV === 'test') {
    logLevelConf = logLevel.NOTHING
  }

  return new Kafka({
    clientId: 'kafka-test-helper',
    brokers,
    logLevel: logLevelConf,
    retry: {
      restartOnFailure: async () => false,
      retries: 10,
    },
  })
}
