/**
 * The public options of the Kafka transport. This file names no KafkaJS type, so the published
 * declarations compile for users who never install the optional `kafkajs` peer dependency.
 */
import type { ConnectionOptions } from 'node:tls'
import type { BusSerializer } from './codec.js'

/** SASL as KafkaJS takes it (plain, SCRAM, OAUTHBEARER or AWS IAM). */
export type BusKafkaSasl =
  | {
      readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'
      readonly username: string
      readonly password: string
    }
  | {
      readonly mechanism: 'oauthbearer'
      readonly oauthBearerProvider: () => Promise<{ value: string }>
    }
  | {
      readonly mechanism: 'aws'
      readonly authorizationIdentity: string
      readonly accessKeyId: string
      readonly secretAccessKey: string
      readonly sessionToken?: string
    }

/** Where and how the typed bus reaches a Kafka cluster. */
export interface BusKafkaOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[]
  /** Default 'kafkalite-bus'. */
  readonly clientId?: string
  /** How values are encoded in records (default 'json'). */
  readonly serializer?: BusSerializer
  readonly ssl?: boolean | ConnectionOptions
  readonly sasl?: BusKafkaSasl
  /** Default 1000 (KafkaJS's). */
  readonly connectionTimeoutMs?: number
  /** Default 30000 (KafkaJS's). */
  readonly requestTimeoutMs?: number
}

/** The bus's log function. */
export type BusLog = (
  level: 'info' | 'warn' | 'error',
  message: string,
  extra?: Record<string, unknown>,
) => void
