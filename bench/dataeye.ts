/**
 * The Dataeye job (examples/dataeye.sql's CUMULATE + GROUPING SETS aggregation) from Kafka to Kafka on a
 * private broker, JSON both ways, at-least-once sink. Prints two JSON lines:
 *   throughput  EVENTS (default 300K) generated clicks are produced to a topic first; the job then reads them
 *               from the earliest offset. Rate = events read between the first and the last progress report
 *               (every 100 ms) over that time, so consumer-group start-up is left out. The job is cancelled
 *               once every event was read (a Kafka source never ends by itself).
 *   latency     The job runs while clicks are produced live at RATE events/s for SECONDS, each stamped with the
 *               wall clock as its event_time, and the CUMULATE step is 1 s (the example's 1 min would give one
 *               sample a minute). End-to-end latency of a window = the broker's append time of its last
 *               output row (the output topic uses LogAppendTime) − the moment the window could first close:
 *               window_end − 1 ms + the watermark delay (5 s), when the first event able to move the
 *               watermark past the window was stamped. So it covers produce, consume, processing and the sink's
 *               produce, but not the watermark delay the query asks for. Windows closing in the first WARMUP
 *               seconds are left out. kafkaLatency starts instead when the input topic first held a click
 *               stamped that late in every partition (input append times): Kafka to Kafka, leaving out the
 *               benchmark's own producing, which shares this process (and its CPU) with the job.
 *   npx tsx bench/dataeye.ts [--events N] [--rate N] [--seconds N] [--warmup N] [--partitions N] [--parallelism N]
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import type { Kafka } from 'kafkajs'
import {
  CLICKSTREAM_SCHEMA,
  columnIndex,
  createDatagenSource,
  toJsonLine,
} from '../src/connectors/datagen/index.ts'
import { kafkaClient } from '../src/connectors/kafka/client.ts'
import { KafkaReader } from '../src/connectors/kafka/reader.ts'
import { KafkaWriter } from '../src/connectors/kafka/writer.ts'
import { type JobProgress, runJob } from '../src/sql/job/index.ts'
import { dataeyeKafkaScript, dataeyeWatermarkDelayMs } from './lib/dataeye-script.ts'
import { benchmarkBroker } from './lib/kafka-broker.ts'
import { PeakRss } from './lib/peak-rss.ts'
import { progress, rate, report } from './lib/report.ts'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '300000' },
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    partitions: { type: 'string', default: '2' },
    parallelism: { type: 'string', default: '1' },
  },
})
const EVENTS = Number(values.events)
const LIVE_RATE = Number(values.rate)
const LIVE_MS = Number(values.seconds) * 1000
const WARMUP_MS = Number(values.warmup) * 1000
const PARTITIONS = Number(values.partitions)
const PARALLELISM = values.parallelism
/** Clicks per send: about 400 bytes each, so a partition's batch stays under the broker's 1 MB limit. */
const PRODUCE_BATCH = 2000
const LIVE_TICK_MS = 5
const PROGRESS_MS = 100
const JOB_START_DELAY_MS = 1000
const EVENT_TIME = columnIndex(CLICKSTREAM_SCHEMA, 'event_time')
const INGEST_TIME = columnIndex(CLICKSTREAM_SCHEMA, 'ingest_time')

const broker = await benchmarkBroker()
const kafka = kafkaClient({ bootstrapServers: [broker.bootstrapServers], clientId: 'bench-dataeye' })
const clicks = createDatagenSource({ connector: 'datagen', generator: 'clickstream', seed: '42' }).generator

/** A fresh input and output topic; record timestamps of both are the broker's append times. */
async function createTopics(name: string): Promise<{ inputTopic: string; outputTopic: string }> {
  const inputTopic = `${name}-clicks-${Date.now()}`
  const outputTopic = `${name}-metrics-${Date.now()}`
  const appendTime = [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: inputTopic, numPartitions: PARTITIONS, configEntries: appendTime },
      { topic: outputTopic, numPartitions: 1, configEntries: appendTime },
    ],
  })
  await admin.disconnect()
  return { inputTopic, outputTopic }
}

function startJob(topics: { inputTopic: string; outputTopic: string }, step?: string) {
  const controller = new AbortController()
  const reports: Array<{ at: number; recordsIn: number }> = []
  const onProgress = (job: JobProgress): void => {
    reports.push({ at: performance.now(), recordsIn: job.recordsIn })
  }
  const script = dataeyeKafkaScript({
    bootstrapServers: broker.bootstrapServers,
    ...topics,
    groupId: `bench-dataeye-${Date.now()}`,
    ...(step === undefined ? {} : { step }),
  })
  let settled = false
  const done = runJob({
    script,
    sets: { 'parallelism.default': PARALLELISM },
    signal: controller.signal,
    onProgress,
    progressIntervalMs: PROGRESS_MS,
  }).finally(() => {
    settled = true
  })
  // A job that fails early rejects where `done` is awaited, not as an unhandled rejection meanwhile.
  done.catch(() => undefined)
  return { done, reports, cancel: () => controller.abort(), running: () => !settled }
}

async function throughput(): Promise<void> {
  const topics = await createTopics('bench-dataeye')
  const writer = await KafkaWriter.open(kafka, { topic: topics.inputTopic })
  progress(`producing ${EVENTS} clicks to ${topics.inputTopic}`)
  for (let sent = 0; sent < EVENTS; ) {
    const rows = clicks.nextBatch(Math.min(PRODUCE_BATCH, EVENTS - sent))
    await writer.send(rows.map((row) => ({ value: toJsonLine(row, CLICKSTREAM_SCHEMA) })))
    sent += rows.length
  }
  await writer.close()
  progress('running the job over them')
  const rss = new PeakRss()
  const cpuBefore = process.cpuUsage()
  const job = startJob(topics)
  while (job.running() && !job.reports.some((entry) => entry.recordsIn >= EVENTS)) await sleep(PROGRESS_MS)
  job.cancel()
  const result = await job.done
  const cpu = process.cpuUsage(cpuBefore)
  const first = job.reports.find((entry) => entry.recordsIn > 0)
  const last = job.reports.find((entry) => entry.recordsIn >= EVENTS)
  if (first === undefined || last === undefined)
    throw new Error(`the job stopped after reading ${result.recordsIn} of ${EVENTS} clicks`)
  const millis = last.at - first.at
  report({
    bench: 'dataeye',
    measure: 'throughput',
    parallelism: result.parallelism,
    partitions: PARTITIONS,
    events: EVENTS,
    seconds: Number((millis / 1000).toFixed(2)),
    eventsPerSec: rate(last.recordsIn - first.recordsIn, millis),
    // The whole run's CPU, consumer start-up and idle polling included: a floor, not the steady rate.
    eventsPerCpuSec: rate(EVENTS, (cpu.user + cpu.system) / 1000),
    lateRecords: result.lateRecords,
    peakRssMb: rss.stop(),
  })
}

/** Produces LIVE_RATE clicks per second for LIVE_MS, each stamped with the time it is sent. */
async function produceLive(writer: KafkaWriter): Promise<number> {
  const started = performance.now()
  let sent = 0
  for (let elapsed = 0; elapsed < LIVE_MS; elapsed = performance.now() - started) {
    const due = Math.min(PRODUCE_BATCH, Math.floor((elapsed / 1000) * LIVE_RATE) - sent)
    if (due <= 0) {
      await sleep(LIVE_TICK_MS)
      continue
    }
    const now = Date.now()
    const rows = clicks.nextBatch(due)
    for (const row of rows) {
      row[EVENT_TIME] = now
      row[INGEST_TIME] = now
    }
    await writer.send(rows.map((row) => ({ value: toJsonLine(row, CLICKSTREAM_SCHEMA) })))
    sent += rows.length
  }
  return sent
}

interface ReadRecord {
  readonly partition: number
  readonly value: string
  readonly timestamp: number
}

/** Every record of a topic, read from the start up to its end offsets at the time of the call. */
async function readAll(client: Kafka, topic: string): Promise<ReadRecord[]> {
  const admin = client.admin()
  await admin.connect()
  const ends = await admin.fetchTopicOffsets(topic)
  await admin.disconnect()
  // The end offset of each partition that has records; a partition leaves the map once read to its end.
  const remaining = new Map(
    ends.filter(({ high }) => high !== '0').map(({ partition, high }) => [partition, BigInt(high)]),
  )
  const records: ReadRecord[] = []
  if (remaining.size === 0) return records
  const reader = await KafkaReader.open(client, {
    topic,
    groupId: `bench-dataeye-read-${Date.now()}`,
    startup: { mode: 'earliest-offset' },
  })
  try {
    for await (const batch of reader) {
      for (const record of batch.records)
        records.push({
          partition: batch.partition,
          value: record.value?.toString() ?? '',
          timestamp: record.timestamp,
        })
      const last = batch.records[batch.records.length - 1]
      const end = remaining.get(batch.partition)
      if (last !== undefined && end !== undefined && BigInt(last.offset) + 1n >= end)
        remaining.delete(batch.partition)
      if (remaining.size === 0) break
    }
  } finally {
    await reader.close()
  }
  return records
}

/** Text formats write TIMESTAMP(3) as 'yyyy-MM-dd HH:mm:ss.SSS' in UTC. */
function parseTimestamp(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`)
}

/**
 * When the input first let the watermark pass `eventTime`: the broker's append time of the first click stamped
 * at or after it in every partition, the last of them (the watermark is the least over partitions). Clicks are
 * stamped in send order, so each partition's stamps never decrease. Null if some partition has none yet.
 */
function appendedPast(partitions: ReadonlyMap<number, { stamps: number[]; appended: number[] }>) {
  return (eventTime: number): number | null => {
    let latest = Number.NEGATIVE_INFINITY
    for (const { stamps, appended } of partitions.values()) {
      let low = 0
      let high = stamps.length
      while (low < high) {
        const middle = (low + high) >>> 1
        if (stamps[middle]! < eventTime) low = middle + 1
        else high = middle
      }
      if (low === stamps.length) return null
      latest = Math.max(latest, appended[low]!)
    }
    return latest
  }
}

function latencySummary(prefix: string, latencies: number[]): Record<string, number> {
  if (latencies.length === 0) return {}
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    [`${prefix}P50Ms`]: percentile(sorted, 0.5),
    [`${prefix}P99Ms`]: percentile(sorted, 0.99),
    [`${prefix}MaxMs`]: sorted[sorted.length - 1]!,
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * fraction) - 1)]!
}

async function latency(): Promise<void> {
  const topics = await createTopics('bench-dataeye-live')
  const writer = await KafkaWriter.open(kafka, { topic: topics.inputTopic })
  progress(`producing ${LIVE_RATE} clicks/s for ${LIVE_MS / 1000} s while the job runs`)
  const liveStart = Date.now()
  const producing = produceLive(writer)
  // The job starts once the topic has data (its consumer found no partition leaders on a brand-new topic
  // under load); it reads from the earliest offset, and the warm-up covers its catching up.
  await sleep(JOB_START_DELAY_MS)
  const job = startJob(topics, "INTERVAL '1' SECOND")
  const sent = await producing
  await writer.close()
  // Let the last closable windows (those the final events' watermark passed) reach the output topic.
  await sleep(2000)
  job.cancel()
  const result = await job.done
  const delayMs = dataeyeWatermarkDelayMs()
  const lastRowOfWindow = new Map<number, number>()
  for (const { value, timestamp } of await readAll(kafka, topics.outputTopic)) {
    const windowEnd = parseTimestamp((JSON.parse(value) as { window_end: string }).window_end)
    lastRowOfWindow.set(windowEnd, Math.max(lastRowOfWindow.get(windowEnd) ?? 0, timestamp))
  }
  const inputPartitions = new Map<number, { stamps: number[]; appended: number[] }>()
  for (const { partition, value, timestamp } of await readAll(kafka, topics.inputTopic)) {
    const read = inputPartitions.get(partition) ?? { stamps: [], appended: [] }
    inputPartitions.set(partition, read)
    read.stamps.push(parseTimestamp((JSON.parse(value) as { event_time: string }).event_time))
    read.appended.push(timestamp)
  }
  const closableInKafka = appendedPast(inputPartitions)
  const measured = [...lastRowOfWindow].filter(
    ([windowEnd]) => windowEnd - 1 + delayMs >= liveStart + WARMUP_MS,
  )
  const latencies = measured.map(([windowEnd, appended]) => appended - (windowEnd - 1 + delayMs))
  const kafkaLatencies = measured.flatMap(([windowEnd, appended]) => {
    const closable = closableInKafka(windowEnd - 1 + delayMs)
    return closable === null ? [] : [appended - closable]
  })
  report({
    bench: 'dataeye',
    measure: 'latency',
    parallelism: result.parallelism,
    partitions: PARTITIONS,
    targetEventsPerSec: LIVE_RATE,
    // Below the target when this machine could not produce that fast beside the job.
    eventsPerSec: rate(sent, LIVE_MS),
    events: sent,
    windows: latencies.length,
    // From the moment the closing click was stamped: includes the benchmark's own producing.
    ...latencySummary('latency', latencies),
    // From the moment the closing clicks were in the input topic (append times): Kafka to Kafka only.
    ...latencySummary('kafkaLatency', kafkaLatencies),
    lateRecords: result.lateRecords,
  })
}

try {
  await throughput()
  await latency()
} finally {
  await broker.close()
}
