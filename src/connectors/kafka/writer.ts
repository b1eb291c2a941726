import {
  type CompressionTypes,
  type IHeaders,
  type Kafka,
  Partitioners,
  type Producer,
  type Transaction,
} from 'kafkajs'

export interface KafkaOutputRecord {
  key?: Buffer | string | null
  value: Buffer | string | null
  headers?: IHeaders
  partition?: number
  timestamp?: number
}

export interface KafkaWriterOptions {
  topic: string
  /** Makes the writer transactional: records become visible to read_committed readers only on commit. */
  transactionalId?: string
  compression?: CompressionTypes
}

/**
 * Writes records to one topic, idempotently, with all in-sync replicas acknowledging (acks=all).
 * In transactional mode, `send` writes into the open transaction (begun on demand) and nothing is
 * visible until `commit`; this is the two-phase commit the engine's exactly-once sinks build on.
 */
export class KafkaWriter {
  private transaction: Transaction | undefined

  private constructor(
    private readonly producer: Producer,
    private readonly options: KafkaWriterOptions,
  ) {}

  static async open(kafka: Kafka, options: KafkaWriterOptions): Promise<KafkaWriter> {
    const producer = kafka.producer({
      idempotent: true,
      transactionalId: options.transactionalId,
      // kafkajs requires a single in-flight request for idempotent/transactional ordering guarantees.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2 on the key, as the Java client partitions: keyed records land where other clients expect.
      createPartitioner: Partitioners.DefaultPartitioner,
    })
    await producer.connect()
    return new KafkaWriter(producer, options)
  }

  get transactional(): boolean {
    return this.options.transactionalId !== undefined
  }

  async send(records: KafkaOutputRecord[]): Promise<void> {
    if (records.length === 0) return
    const message = {
      topic: this.options.topic,
      acks: -1,
      compression: this.options.compression,
      messages: records.map((record) => ({
        key: record.key ?? null,
        value: record.value,
        headers: record.headers,
        partition: record.partition,
        timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
      })),
    }
    if (!this.transactional) {
      await this.producer.send(message)
      return
    }
    this.transaction ??= await this.producer.transaction()
    await this.transaction.send(message)
  }

  /** Makes everything sent since the last commit visible (a no-op for non-transactional writers). */
  async commit(): Promise<void> {
    const transaction = this.transaction
    this.transaction = undefined
    await transaction?.commit()
  }

  /** Discards everything sent since the last commit. */
  async abort(): Promise<void> {
    const transaction = this.transaction
    this.transaction = undefined
    await transaction?.abort()
  }

  async close(): Promise<void> {
    if (this.transaction) await this.abort()
    await this.producer.disconnect()
  }
}
