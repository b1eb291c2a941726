/**
 * Busy, idle and back-pressured time of SQL jobs, as `weir sql run --operator-metrics` shows them: a job
 * writing to Kafka as fast as it can is held back by the broker's acknowledgements (the sink busy, everything
 * before it back-pressured); a job slower at its input than at its work is idle and never back-pressured,
 * in every subtask of a parallel run. Thresholds are far from both the expected values and a wrong verdict,
 * and every rate is over the time the job reports running, so a slow or loaded machine changes neither.
 */
import type { Kafka } from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { type OperatorMetricsSnapshot, timeMsPerSecond } from '../../src/engine/index.ts'
import { runJob } from '../../src/sql/job/index.ts'
import { mergeMetrics } from '../../src/sql/job/parallel/coordinator.ts'
import { freshTopic, testKafka } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'

const CLICKS = (options: string) => `
  CREATE TEMPORARY TABLE clicks (user_id BIGINT, site STRING, url STRING, event_time TIMESTAMP(3))
  WITH ('connector' = 'datagen', 'generator' = 'clickstream', 'seed' = '5', ${options});`

function node(metrics: readonly OperatorMetricsSnapshot[], part: string): OperatorMetricsSnapshot {
  const found = metrics.find((candidate) => candidate.name.includes(part))
  if (found === undefined) throw new Error(`no node named like ${part} in ${metrics.map((m) => m.name)}`)
  return found
}

describe('busy and back-pressured time of SQL jobs', () => {
  let kafka: Kafka
  let bootstrapServers: string
  beforeAll(async () => {
    bootstrapServers = (await useService('kafka')).bootstrapServers
    kafka = await testKafka()
  })

  it('shows a Kafka sink busy and the nodes feeding it back-pressured', async () => {
    const topic = await freshTopic(kafka, 'backpressure')
    const result = await runJob({
      script: `${CLICKS("'number-of-rows' = '60000'")}
        CREATE TEMPORARY TABLE out (user_id BIGINT, site STRING, url STRING) WITH (
          'connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrapServers}',
          'format' = 'json');
        INSERT INTO out SELECT user_id, site, url FROM clicks WHERE user_id <> 0;`,
    })
    expect(result.recordsIn).toBe(60_000)
    const scan = timeMsPerSecond(node(result.metrics, 'scan-clicks'))
    const sink = timeMsPerSecond(node(result.metrics, 'sink'))
    // Each batch waits for all in-sync replicas; generating one is much faster.
    expect(sink.busyTimeMsPerSecond).toBeGreaterThan(700)
    expect(sink.backPressuredTimeMsPerSecond).toBe(0)
    // The scan waits for the sink far longer than it works. The rest of its time shows as idle: the thread
    // running the Kafka client's callbacks, which on a loaded machine takes up to half of it (measured 297 to
    // 518 ms a second), so back-pressure is compared with the scan's own busy time rather than a fixed share.
    expect(scan.backPressuredTimeMsPerSecond).toBeGreaterThan(200)
    expect(scan.backPressuredTimeMsPerSecond).toBeGreaterThan(4 * scan.busyTimeMsPerSecond)
  })

  it('shows a job faster than its input idle in every subtask, not back-pressured', async () => {
    // Cancelled once it has read RECORDS, not after a fixed time: starting two worker threads can take seconds
    // on a loaded machine, and a clock started before them left the job too little time to read anything.
    const RECORDS = 4_000
    const controller = new AbortController()
    const result = await runJob({
      script: `${CLICKS("'rows-per-second' = '2000'")}
        CREATE TEMPORARY TABLE per_site (site STRING, pv BIGINT) WITH ('connector' = 'blackhole');
        INSERT INTO per_site SELECT site, COUNT(*) FROM clicks GROUP BY site;`,
      sets: { 'parallelism.default': '2' },
      progressIntervalMs: 50,
      onProgress: (progress) => {
        if (progress.recordsIn >= RECORDS) controller.abort()
      },
      signal: controller.signal,
    })
    expect(result.parallelism).toBe(2)
    expect(result.cancelled).toBe(true)
    expect(result.recordsIn).toBeGreaterThanOrEqual(RECORDS)
    // Rated over the time the job itself reports running (the scan's busy + idle + back-pressured time), which
    // begins when its subtasks start, so worker start-up neither dilutes nor inflates the rates. Merged over
    // subtasks, a node's back-pressured time is its most back-pressured subtask's.
    const scan = node(result.metrics, 'scan-clicks')
    const ranMs = scan.busyTimeMs + scan.idleTimeMs + scan.backPressuredTimeMs
    expect(ranMs).toBeGreaterThan(1_000) // 4 000 rows at 2 000 a second take 2 s
    for (const metrics of result.metrics) {
      const time = timeMsPerSecond(metrics, undefined, ranMs)
      expect(time.backPressuredTimeMsPerSecond, metrics.name).toBeLessThan(150)
    }
    expect(timeMsPerSecond(scan).idleTimeMsPerSecond).toBeGreaterThan(600)
  })
})

describe('merging the subtasks of a node', () => {
  const subtask = (busyTimeMs: number, idleTimeMs: number, backPressuredTimeMs: number) => ({
    name: '2-calc',
    recordsIn: 10,
    recordsOut: 5,
    lateRecords: 0,
    deadLetters: 0,
    deadLetterReasons: { undecodable: 1 },
    watermark: 1_000,
    stateEntries: 0,
    busyTimeMs,
    idleTimeMs,
    backPressuredTimeMs,
  })

  it('keeps the busiest and the most back-pressured subtask, as Flink shows (max)', () => {
    const [merged] = mergeMetrics([[subtask(100, 850, 50)], [subtask(20, 80, 900)]])
    expect(merged).toMatchObject({ recordsIn: 20, busyTimeMs: 100, idleTimeMs: 80, backPressuredTimeMs: 900 })
    expect(merged!.deadLetterReasons).toEqual({ undecodable: 2 })
    expect(timeMsPerSecond(merged!, undefined, 1_000).backPressuredTimeMsPerSecond).toBe(900)
  })
})
