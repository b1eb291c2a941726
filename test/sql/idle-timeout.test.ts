/**
 * `table.exec.source.idle-timeout`: a Kafka partition without records must not hold event time back forever
 * once the timeout passes, so windows over the partitions that do have records still fire.
 */
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { type JobProgress, runJob } from '../../src/sql/job/index.ts'
import { freshTopic, testKafka } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'

describe('idle source partitions', () => {
  it.each([
    { timeout: undefined, fires: false },
    { timeout: '500 ms', fires: true },
  ])(
    'with idle timeout $timeout, windows fire: $fires',
    async ({ timeout, fires }) => {
      const { bootstrapServers } = await useService('kafka')
      const kafka = await testKafka()
      const topic = await freshTopic(kafka, 'idle', 2)
      const producer = kafka.producer()
      await producer.connect()
      // Every record goes to partition 0; partition 1 stays empty. Event time passes the first window's end.
      await producer.send({
        topic,
        messages: [0, 30_000, 61_000, 125_000].map((offset) => ({
          partition: 0,
          value: JSON.stringify({ id: offset, ts: new Date(Date.UTC(2024, 0, 1) + offset).toISOString() }),
        })),
      })
      await producer.disconnect()

      const output = new PassThrough()
      let printed = ''
      output.on('data', (chunk: Buffer) => {
        printed += chunk.toString()
      })
      // Once every record is read: stop as soon as the window is out, or after 3 s (six idle timeouts).
      const controller = new AbortController()
      let readAllAt: number | undefined
      const onProgress = (progress: JobProgress): void => {
        if (progress.recordsIn < 4) return
        readAllAt ??= Date.now()
        if (printed !== '' || Date.now() - readAllAt > 3_000) controller.abort()
      }
      await runJob({
        script: `
        CREATE TEMPORARY TABLE events (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
        WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrapServers}',
              'scan.startup.mode' = 'earliest-offset', 'format' = 'json', 'properties.group.id' = '${topic}');
        CREATE TEMPORARY TABLE counts (window_start TIMESTAMP(3), n BIGINT) WITH ('connector' = 'print');
        INSERT INTO counts SELECT window_start, COUNT(*) FROM TABLE(
          TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;`,
        sets: timeout === undefined ? {} : { 'table.exec.source.idle-timeout': timeout },
        connectorContext: { printOutput: output },
        signal: controller.signal,
        onProgress,
        progressIntervalMs: 100,
      })
      if (fires) expect(printed).toContain(`+I[2024-01-01 00:00:00.000, 2]`)
      else expect(printed).toBe('')
      // The window holding event time 125 s has not closed either way: no watermark passed it.
      expect(printed).not.toContain('00:02:00.000')
    },
    120_000,
  )
})
