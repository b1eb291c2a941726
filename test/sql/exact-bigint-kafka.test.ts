/**
 * Kafka → SQL → Kafka with ids above 2^53 (snowflake ids, hashed user ids): every id read from a JSON topic
 * comes out of the job exactly, through a projection with arithmetic and CAST, and as a GROUP BY key of a
 * window aggregate, at parallelism 1 and 2 (two partitions, keys hashed to subtasks).
 */
import type { Kafka } from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { readTopic } from '../../src/connectors/engine/kafka-testing.ts'
import { runJob } from '../../src/sql/job/index.ts'
import { freshTopic, testKafka } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'

const SNOWFLAKE = 1_800_000_000_000_000_000n
const USERS = [2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 60n + 3n, 7n]
const EVENTS = Array.from({ length: 600 }, (_, i) => ({
  id: SNOWFLAKE + BigInt(i) * 4_194_305n,
  user: USERS[i % USERS.length]!,
  partition: i % 2,
}))

describe('Kafka → SQL → Kafka keeps ids above 2^53 exact', () => {
  let kafka: Kafka
  let bootstrapServers: string
  beforeAll(async () => {
    bootstrapServers = (await useService('kafka')).bootstrapServers
    kafka = await testKafka()
  })

  it.each([1, 2])(
    'at parallelism %i',
    async (parallelism) => {
      const input = await freshTopic(kafka, 'exact-in', 2)
      const rows = await freshTopic(kafka, 'exact-rows')
      const counts = await freshTopic(kafka, 'exact-counts')
      const producer = kafka.producer()
      await producer.connect()
      // Written by hand: JSON.stringify cannot write these ids, and would round them if they were numbers.
      await producer.send({
        topic: input,
        messages: EVENTS.map(({ id, user, partition }) => ({
          partition,
          value: `{"id": ${id}, "user_id": ${user}, "ts": "2024-01-01 00:00:00.000"}`,
        })),
      })
      await producer.disconnect()
      const kafkaTable = (name: string, columns: string, topic: string, source = '') => `
        CREATE TEMPORARY TABLE ${name} (${columns}) WITH ('connector' = 'kafka', 'topic' = '${topic}',
          'properties.bootstrap.servers' = '${bootstrapServers}', 'format' = 'json'${source});`
      await runJob({
        script: `
          ${kafkaTable(
            'events',
            'id BIGINT, user_id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts',
            input,
            ", 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'",
          )}
          ${kafkaTable('out_rows', 'id BIGINT, next_id BIGINT, id_text STRING, user_id BIGINT', rows)}
          ${kafkaTable('out_counts', 'user_id BIGINT, events BIGINT, max_id BIGINT, id_sum BIGINT', counts)}
          EXECUTE STATEMENT SET BEGIN
            INSERT INTO out_rows SELECT id, id + 1, CAST(id AS STRING), user_id FROM events;
            INSERT INTO out_counts SELECT user_id, COUNT(*), MAX(id), SUM(id)
              FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' DAY))
              GROUP BY user_id, window_start, window_end;
          END;`,
        sets: { 'parallelism.default': String(parallelism) },
      })

      // Compared as text: the digits in the records are the values, with no JSON reader in between.
      const rowTexts = (await readTopic(kafka, rows, EVENTS.length)).map((record) => String(record.value))
      expect(rowTexts.sort()).toEqual(
        EVENTS.map(
          ({ id, user }) => `{"id":${id},"next_id":${id + 1n},"id_text":"${id}","user_id":${user}}`,
        ).sort(),
      )
      const countTexts = (await readTopic(kafka, counts, USERS.length)).map((record) => String(record.value))
      const expected = USERS.map((user) => {
        const ids = EVENTS.filter((event) => event.user === user).map((event) => event.id)
        const max = ids.reduce((a, b) => (a > b ? a : b))
        // SUM(BIGINT) wraps at 64 bits like Java's long, as Flink's does.
        const sum = BigInt.asIntN(
          64,
          ids.reduce((a, b) => a + b, 0n),
        )
        return `{"user_id":${user},"events":${ids.length},"max_id":${max},"id_sum":${sum}}`
      })
      expect(countTexts.sort()).toEqual(expected.sort())
    },
    120_000,
  )
})
