import { Kafka, type KafkaConfig, logLevel, type RetryOptions, type SASLOptions } from 'kafkajs'
import { type Logger, rootLogger } from '../../logging.ts'

export interface KafkaConnection {
  /** `host:port` list, as in Kafka's `bootstrap.servers`. */
  bootstrapServers: string[]
  clientId?: string
  ssl?: boolean
  sasl?: SASLOptions
  /** How connections and requests are retried (kafkajs' defaults, about ten seconds, when absent). */
  retry?: RetryOptions
}

const pinoLevel: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
}

/**
 * kafkajs logs every error answer from a broker at ERROR ("Response InitProducerId(...)": the coordinator is
 * loading, no leader yet) before its retry logic runs; a retried one then succeeds, and a final one is thrown
 * to the caller, who reports it. Either way the log line says nothing the caller does not, so it is debug.
 */
function answeredError(namespace: string, message: string): boolean {
  return namespace === 'Connection' && message.startsWith('Response ')
}

/** A kafkajs client whose logs go to Weir's structured logger instead of its own console format. */
export function kafkaClient(connection: KafkaConnection, logger: Logger = rootLogger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafka' })
  const config: KafkaConfig = {
    clientId: connection.clientId ?? 'weir',
    brokers: connection.bootstrapServers,
    ssl: connection.ssl,
    sasl: connection.sasl,
    ...(connection.retry === undefined ? {} : { retry: connection.retry }),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }) => {
        const { message, ...fields } = log
        kafkaLogger[answeredError(namespace, message) ? 'debug' : (pinoLevel[level] ?? 'info')](
          fields,
          message,
        )
      },
  }
  return new Kafka(config)
}

/** Parses Kafka's comma-separated `bootstrap.servers` form. */
export function parseBootstrapServers(value: string): string[] {
  const servers = value
    .split(',')
    .map((server) => server.trim())
    .filter(Boolean)
  if (servers.length === 0) throw new Error('bootstrap servers are empty: give host:port[,host:port…]')
  return servers
}
