/**
 * Source reuse: a STATEMENT SET whose INSERTs read one Kafka table opens ONE scan of it and fans it out.
 * Separate scans would join the same consumer group (`properties.group.id`) in one job, so the group would
 * split the topic's partitions between them and each INSERT would see only part of the records.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kafka, Message } from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { readTopic } from '../../src/connectors/engine/kafka-testing.ts'
import { runJob } from '../../src/sql/job/index.ts'
import { freshTopic, testKafka } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'

const PARTITIONS = 4
const PER_PARTITION = 500
const KEYS = 200

describe('STATEMENT SET source reuse', () => {
  let kafka: Kafka
  let bootstrapServers: string
  beforeAll(async () => {
    bootstrapServers = (await useService('kafka')).bootstrapServers
    kafka = await testKafka()
  })

  /** PER_PARTITION records on every partition; ids 0…, name `n<id>`, v = id % 10. */
  async function produce(topic: string): Promise<void> {
    const producer = kafka.producer()
    await producer.connect()
    try {
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const messages: Message[] = Array.from({ length: PER_PARTITION }, (_, i) => {
          const id = partition * PER_PARTITION + i
          return { partition, value: JSON.stringify({ id, name: `n${id}`, v: id % 10 }) }
        })
        await producer.send({ topic, messages })
      }
    } finally {
      await producer.disconnect()
    }
  }

  async function readJsonLines<T>(directory: string): Promise<T[]> {
    const parts = (await readdir(directory)).filter((name) => name.startsWith('part-'))
    const text = (await Promise.all(parts.map((name) => readFile(join(directory, name), 'utf8')))).join('')
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as T)
  }

  it.each([1, 2])(
    'at parallelism %i each INSERT of a STATEMENT SET over one Kafka table gets every record',
    async (parallelism) => {
      const topic = await freshTopic(kafka, 'statement-set-reuse', PARTITIONS)
      await produce(topic)
      const ids = await mkdtemp(join(tmpdir(), 'weir-reuse-a-'))
      const names = await mkdtemp(join(tmpdir(), 'weir-reuse-b-'))
      const result = await runJob({
        script: `
          CREATE TEMPORARY TABLE src (id BIGINT, name STRING, v BIGINT)
          WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrapServers}',
                'properties.group.id' = '${topic}-group', 'format' = 'json',
                'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
          CREATE TEMPORARY TABLE a (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${ids}', 'format' = 'json');
          CREATE TEMPORARY TABLE b (name STRING, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '${names}', 'format' = 'json');
          EXECUTE STATEMENT SET BEGIN
            INSERT INTO a SELECT id FROM src WHERE v > 0;
            INSERT INTO b SELECT name, v FROM src;
          END;`,
        sets: { 'parallelism.default': String(parallelism) },
      })
      const total = PARTITIONS * PER_PARTITION
      const all = Array.from({ length: total }, (_, id) => id)
      // The topic is read once, for both INSERTs.
      expect(result.recordsIn).toBe(total)
      const gotIds = (await readJsonLines<{ id: number }>(ids)).map((row) => row.id).sort((x, y) => x - y)
      expect(gotIds).toEqual(all.filter((id) => id % 10 > 0))
      const gotNames = (await readJsonLines<{ name: string; v: number }>(names))
        .map((row) => `${row.name}/${row.v}`)
        .sort()
      expect(gotNames).toEqual(all.map((id) => `n${id}/${id % 10}`).sort())
    },
    120_000,
  )

  /** Two upserts per key, partitioned by key: v = -1, then v = id % 10. */
  async function produceUpserts(topic: string): Promise<void> {
    const producer = kafka.producer()
    await producer.connect()
    try {
      for (const round of [0, 1]) {
        const messages: Message[] = Array.from({ length: KEYS }, (_, id) => ({
          partition: id % PARTITIONS,
          key: JSON.stringify({ id }),
          value: JSON.stringify({ id, name: `n${id}`, v: round === 0 ? -1 : id % 10 }),
        }))
        await producer.send({ topic, messages })
      }
    } finally {
      await producer.disconnect()
    }
  }

  /** The final state of an upsert-kafka JSON topic keyed by `name`: name → v. */
  async function upsertState(topic: string): Promise<Map<string, number | null>> {
    const state = new Map<string, number | null>()
    for (const record of await readTopic(kafka, topic, Number.POSITIVE_INFINITY)) {
      const { name } = JSON.parse(String(record.key)) as { name: string }
      if (record.value === null) state.delete(name)
      else state.set(name, (JSON.parse(String(record.value)) as { v?: number }).v ?? null)
    }
    return state
  }

  it.each([1, 2])(
    'at parallelism %i two INSERTs share one scan of an upsert-kafka table whose key neither reads',
    async (parallelism) => {
      const source = await freshTopic(kafka, 'statement-set-reuse-upsert', PARTITIONS)
      const ones = await freshTopic(kafka, 'statement-set-reuse-ones', 1)
      const names = await freshTopic(kafka, 'statement-set-reuse-names', 1)
      await produceUpserts(source)
      const upsertKafka = (topic: string) =>
        `'connector' = 'upsert-kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrapServers}',
         'key.format' = 'json', 'value.format' = 'json'`
      const result = await runJob({
        script: `
          CREATE TEMPORARY TABLE u (id BIGINT, name STRING, v BIGINT, PRIMARY KEY (id) NOT ENFORCED)
          WITH (${upsertKafka(source)}, 'scan.bounded.mode' = 'latest-offset');
          CREATE TEMPORARY TABLE ones (name STRING, v BIGINT, PRIMARY KEY (name) NOT ENFORCED)
          WITH (${upsertKafka(ones)});
          CREATE TEMPORARY TABLE names (name STRING, PRIMARY KEY (name) NOT ENFORCED) WITH (${upsertKafka(names)});
          EXECUTE STATEMENT SET BEGIN
            INSERT INTO ones SELECT name, v FROM u WHERE name LIKE 'n1%';
            INSERT INTO names SELECT name FROM u;
          END;`,
        sets: { 'parallelism.default': String(parallelism) },
      })
      // One scan: its ChangelogNormalize reads the key `id` although the INSERTs read only name and v.
      expect(result.recordsIn).toBe(2 * KEYS)
      const ids = Array.from({ length: KEYS }, (_, id) => id)
      expect(await upsertState(ones)).toEqual(
        new Map(ids.filter((id) => String(id).startsWith('1')).map((id) => [`n${id}`, id % 10])),
      )
      expect(await upsertState(names)).toEqual(new Map(ids.map((id) => [`n${id}`, null])))
    },
    120_000,
  )
})
