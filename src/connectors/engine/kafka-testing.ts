import type { Kafka } from 'kafkajs'
import { KafkaReader, type KafkaRecord } from '../kafka/reader.ts'

/**
 * Test helper: the records of `topic` from the earliest offset, as a read_committed consumer sees them,
 * until `count` arrived or nothing more came within `quietMs` (so "nothing visible" can be asserted).
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  quietMs = 3_000,
): Promise<KafkaRecord[]> {
  const reader = await KafkaReader.open(kafka, {
    topic,
    groupId: `${topic}-check-${Math.random().toString(36).slice(2)}`,
    startup: { mode: 'earliest-offset' },
  })
  const records: KafkaRecord[] = []
  const batches = reader[Symbol.asyncIterator]()
  try {
    while (records.length < count) {
      const quiet = new Promise<'quiet'>((resolve) => setTimeout(resolve, quietMs, 'quiet'))
      const next = await Promise.race([batches.next(), quiet])
      if (next === 'quiet' || next.done) break
      records.push(...next.value.records)
    }
  } finally {
    await reader.close()
  }
  return records
}
