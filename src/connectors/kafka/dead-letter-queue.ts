import type { Kafka } from 'kafkajs'
import { Counter } from 'prom-client'
import { FormatError } from '../../formats/index.ts'
import type { KafkaRecord } from './reader.ts'
import { KafkaWriter } from './writer.ts'

const deadLetters = new Counter({
  name: 'weir_dead_letter_records_total',
  help: 'Records that could not be decoded and were sent to a dead-letter destination',
  labelNames: ['dataset', 'reason'] as const,
})

/** Header names carried by every dead-lettered record, so the original can be found and replayed. */
export const DEAD_LETTER_HEADERS = {
  reason: 'weir.error.reason',
  message: 'weir.error.message',
  dataset: 'weir.source.dataset',
  topic: 'weir.source.topic',
  partition: 'weir.source.partition',
  offset: 'weir.source.offset',
  group: 'weir.source.group',
  time: 'weir.error.time',
} as const

export interface DeadLetter {
  record: KafkaRecord
  error: unknown
}

/**
 * A Kafka dead-letter topic (by default `<topic>.dlq`): the original key and value bytes, untouched, with
 * headers saying why the record failed and where it came from.
 */
export class DeadLetterQueue {
  private constructor(
    private readonly writer: KafkaWriter,
    private readonly dataset: string,
    readonly topic: string,
    private readonly group: string | undefined,
  ) {}

  /** `group`, the reader's consumer group, is named in every dead letter it sends. */
  static async open(kafka: Kafka, dataset: string, topic: string, group?: string): Promise<DeadLetterQueue> {
    const admin = kafka.admin()
    await admin.connect()
    try {
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true })
    } finally {
      await admin.disconnect()
    }
    return new DeadLetterQueue(await KafkaWriter.open(kafka, { topic }), dataset, topic, group)
  }

  async send(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return
    const time = new Date().toISOString()
    await this.writer.send(
      letters.map(({ record, error }) => {
        const reason = error instanceof FormatError ? error.reason : 'PROCESSING_ERROR'
        deadLetters.inc({ dataset: this.dataset, reason })
        return {
          key: record.key,
          value: record.value,
          headers: {
            ...record.headers,
            [DEAD_LETTER_HEADERS.reason]: reason,
            [DEAD_LETTER_HEADERS.message]: error instanceof Error ? error.message : String(error),
            [DEAD_LETTER_HEADERS.dataset]: this.dataset,
            [DEAD_LETTER_HEADERS.topic]: record.topic,
            [DEAD_LETTER_HEADERS.partition]: String(record.partition),
            [DEAD_LETTER_HEADERS.offset]: record.offset,
            ...(this.group === undefined ? {} : { [DEAD_LETTER_HEADERS.group]: this.group }),
            [DEAD_LETTER_HEADERS.time]: time,
          },
        }
      }),
    )
  }

  close(): Promise<void> {
    return this.writer.close()
  }
}
