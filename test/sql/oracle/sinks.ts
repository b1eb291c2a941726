import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Kafka } from 'kafkajs'
import { readTopic } from '../../../src/connectors/engine/kafka-testing.ts'

/**
 * Where an oracle job writes its result and how the test reads it back. Results travel through real sinks,
 * not in-memory collectors, so that they arrive the same way whether sinks run on the main thread or in
 * worker threads: insert-only results as JSON-lines part files, updating ones as an upsert-kafka topic.
 */

export type ResultRecord = Readonly<Record<string, unknown>>

/** `CREATE TEMPORARY TABLE <name> (<columns>)` writing JSON-lines part files into `directory`. */
export function fileSinkDdl(name: string, columns: string, directory: string): string {
  return `CREATE TEMPORARY TABLE ${name} (${columns})
    WITH ('connector' = 'filesystem', 'path' = '${directory}', 'format' = 'json');`
}

/** Every row of every committed part file in `directory` (hidden in-progress files are not results). */
export async function readFileSink(directory: string): Promise<ResultRecord[]> {
  const parts = (await readdir(directory)).filter((name) => !name.startsWith('.'))
  const records: ResultRecord[] = []
  for (const part of parts) {
    const text = await readFile(join(directory, part), 'utf8')
    for (const line of text.split('\n')) if (line !== '') records.push(JSON.parse(line) as ResultRecord)
  }
  return records
}

/** `CREATE TEMPORARY TABLE <name> (<columns>, PRIMARY KEY …)` upserting JSON records into `topic`. */
export function upsertKafkaSinkDdl(
  name: string,
  columns: string,
  primaryKey: readonly string[],
  topic: string,
  bootstrapServers: string,
): string {
  return `CREATE TEMPORARY TABLE ${name} (${columns}, PRIMARY KEY (${primaryKey.join(', ')}) NOT ENFORCED)
    WITH ('connector' = 'upsert-kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrapServers}',
      'key.format' = 'json', 'value.format' = 'json');`
}

/**
 * The table an upsert topic describes once every record is applied in order: the last value per key, a
 * tombstone deleting its key. The sink is not transactional, so the end offsets count its records.
 */
export async function readUpsertTopic(kafka: Kafka, topic: string): Promise<ResultRecord[]> {
  const admin = kafka.admin()
  await admin.connect()
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect())
  const count = offsets.reduce((total, partition) => total + Number(partition.high), 0)
  const records = await readTopic(kafka, topic, count)
  if (records.length !== count) throw new Error(`read ${records.length} of the ${count} records of ${topic}`)
  const table = new Map<string, ResultRecord>()
  for (const record of records) {
    const key = String(record.key)
    if (record.value === null) table.delete(key)
    else table.set(key, JSON.parse(String(record.value)) as ResultRecord)
  }
  return [...table.values()]
}
