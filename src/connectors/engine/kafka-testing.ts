import type { Kafka } from 'kafkajs'
import { KafkaReader, type KafkaRecord } from '../kafka/reader.ts'
import type { ConnectorTable } from './table.ts'

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

/** Test helper: the rows the Kafka connector tests write and read. */
export const ORDER_COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'name', type: 'STRING' },
  { name: 'ts', type: 'TIMESTAMP(3)' },
]

/** Test helper: a JSON Kafka table on `topic`, read from the earliest offset, with `options` on top. */
export function kafkaTestTable(
  bootstrapServers: string,
  topic: string,
  options: Record<string, string> = {},
): ConnectorTable {
  return {
    name: 'orders',
    columns: ORDER_COLUMNS,
    options: {
      connector: 'kafka',
      topic,
      'properties.bootstrap.servers': bootstrapServers,
      'scan.startup.mode': 'earliest-offset',
      format: 'json',
      ...options,
    },
  }
}
