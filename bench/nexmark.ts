/**
 * Nexmark queries in Flink SQL (bench/lib/nexmark-queries.ts) over the datagen nexmark generator into a
 * blackhole sink, each run as a job through `runJob`. Prints one JSON line per query and parallelism:
 * events (of the combined person/auction/bid stream, as Flink Nexmark counts them), seconds and events/s of
 * the whole job, `runningEventsPerSec` from the first records read to the end (worker start-up left out, as
 * Flink Nexmark measures a deployed job), events/s per core (running rate ÷ min(parallelism, cores)), events
 * per CPU-second of the whole process, workers included (steadier on a shared machine), peak RSS (worker
 * threads included), and the DESIGN.md section 8 target (2× Flink 1.13 per core) where there is one.
 * A query the engine cannot plan yet is reported as "unsupported: …" and the others still run. A first line,
 * `source-only`, pulls the same generator through the engine's datagen source with no SQL, to separate
 * generation cost from query cost. Each query runs a tenth of its events once first, to warm the JIT.
 * `--set key=value` (repeatable) adds a session option to every job, e.g. to compare aggregate strategies:
 * `--set table.optimizer.agg-phase-strategy=ONE_PHASE` or mini-batch with `--set table.exec.mini-batch.enabled=true
 * --set table.exec.mini-batch.allow-latency=1s --set table.exec.mini-batch.size=5000`.
 *   npx tsx bench/nexmark.ts [--events N] [--queries q0,q5] [--parallelism 1,2] [--no-source] [--set key=value]
 */
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { DatagenEngineSource } from '../src/connectors/datagen/engine-source.ts'
import { NEXMARK_EVENT_SCHEMA } from '../src/connectors/datagen/index.ts'
import { type JobResult, runJob } from '../src/sql/job/index.ts'
import {
  DEFAULT_EVENTS,
  FLINK_EVENTS_PER_CORE,
  NEXMARK_QUERY_NAMES,
  type NexmarkQueryName,
  nexmarkScript,
  nexmarkSourceOptions,
} from './lib/nexmark-queries.ts'
import { PeakRss } from './lib/peak-rss.ts'
import { progress, rate, report } from './lib/report.ts'

const { values } = parseArgs({
  options: {
    events: { type: 'string' },
    queries: { type: 'string', default: NEXMARK_QUERY_NAMES.join(',') },
    parallelism: { type: 'string', default: '1' },
    'no-source': { type: 'boolean', default: false },
    set: { type: 'string', multiple: true, default: [] },
  },
})
const CORES = availableParallelism()
const WEIR_TARGET_FACTOR = 2
const SOURCE_ONLY_EVENTS = 2_000_000
const PROGRESS_MS = 100

const queries = values.queries.split(',').map((name) => {
  const query = NEXMARK_QUERY_NAMES.find((candidate) => candidate === name.trim())
  if (query === undefined)
    throw new Error(`unknown query '${name}'; known: ${NEXMARK_QUERY_NAMES.join(', ')}`)
  return query
})
const parallelisms = values.parallelism.split(',').map(Number)
const sessionOptions = Object.fromEntries(
  values.set.map((option) => {
    const equals = option.indexOf('=')
    if (equals <= 0) throw new Error(`--set needs key=value, got '${option}'`)
    return [option.slice(0, equals).trim(), option.slice(equals + 1).trim()]
  }),
)
const eventsOf = (query: NexmarkQueryName): number => Number(values.events ?? DEFAULT_EVENTS[query])

interface Measured<T> {
  readonly result: T
  readonly millis: number
  readonly cpuMillis: number
  readonly peakRssMb: number
}

async function measure<T>(run: () => Promise<T>): Promise<Measured<T>> {
  const rss = new PeakRss()
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  let result: T
  let peakRssMb: number
  try {
    result = await run()
  } finally {
    peakRssMb = rss.stop()
  }
  const millis = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  return { result, millis, cpuMillis: (cpu.user + cpu.system) / 1000, peakRssMb }
}

/** Pulls every event through the engine's datagen source, as a job's scan would, and drops it. */
async function pullSource(events: number, partitions: number): Promise<number> {
  // The source matches columns by name; their SQL types do not matter to it.
  const columns = NEXMARK_EVENT_SCHEMA.map((column) => ({ name: column.name, type: 'ANY' }))
  const source = new DatagenEngineSource(nexmarkSourceOptions(events, partitions), columns)
  let rows = 0
  for (let chunk = await source.pull(); chunk !== null; chunk = await source.pull())
    rows += chunk.batch.rows.length
  return rows
}

async function measureSource(events: number): Promise<void> {
  await pullSource(Math.ceil(events / 10), 1)
  const { result: rows, millis, cpuMillis, peakRssMb } = await measure(() => pullSource(events, 1))
  report({
    bench: 'nexmark',
    query: 'source-only',
    events: rows,
    seconds: seconds(millis),
    eventsPerSec: rate(rows, millis),
    eventsPerCpuSec: rate(rows, cpuMillis),
    peakRssMb,
  })
}

interface QueryRun {
  readonly result: JobResult
  /** Events per second from the first progress report that saw records to the end: start-up left out. */
  readonly runningEventsPerSec: number
}

async function runQuery(query: NexmarkQueryName, events: number, parallelism: number): Promise<QueryRun> {
  let firstRead: { at: number; recordsIn: number } | undefined
  const started = performance.now()
  const result = await runJob({
    script: nexmarkScript(query, events, parallelism),
    sets: { ...sessionOptions, 'parallelism.default': String(parallelism) },
    progressIntervalMs: PROGRESS_MS,
    onProgress: (job) => {
      if (firstRead === undefined && job.recordsIn > 0)
        firstRead = { at: performance.now(), recordsIn: job.recordsIn }
    },
  })
  const ended = performance.now()
  // Queries that read a view twice (the joins) scan the source twice: each event counts once.
  const scans = result.recordsIn / events
  if (!Number.isInteger(scans) || scans < 1)
    throw new Error(`read ${result.recordsIn} records of ${events} events`)
  const from = firstRead ?? { at: started, recordsIn: 0 }
  return { result, runningEventsPerSec: rate((result.recordsIn - from.recordsIn) / scans, ended - from.at) }
}

/** Rows written by the job's sinks; the physical planner names sink nodes `<n>-sink-<table>`. */
function outputRows(result: JobResult): number {
  return result.metrics
    .filter((node) => /^\d+-sink-/.test(node.name))
    .reduce((total, node) => total + node.recordsIn, 0)
}

interface Outcome {
  readonly query: NexmarkQueryName
  /** As requested, and what the job actually ran with when it differs. */
  readonly parallelism: string
  readonly summary: string
}

async function measureQuery(query: NexmarkQueryName, parallelism: number): Promise<Outcome> {
  const events = eventsOf(query)
  try {
    await runQuery(query, Math.ceil(events / 10), parallelism)
    const {
      result: run,
      millis,
      cpuMillis,
      peakRssMb,
    } = await measure(() => runQuery(query, events, parallelism))
    const { result, runningEventsPerSec } = run
    const perCore = runningEventsPerSec / Math.min(result.parallelism, CORES)
    const flink = FLINK_EVENTS_PER_CORE[query]
    const target = flink === undefined ? undefined : flink * WEIR_TARGET_FACTOR
    report({
      bench: 'nexmark',
      query,
      parallelismRequested: parallelism,
      parallelism: result.parallelism,
      events,
      sourceScans: result.recordsIn / events,
      outputRows: outputRows(result),
      lateRecords: result.lateRecords,
      seconds: seconds(millis),
      eventsPerSec: rate(events, millis),
      runningEventsPerSec,
      eventsPerSecPerCore: Math.round(perCore),
      eventsPerCpuSec: rate(events, cpuMillis),
      peakRssMb,
      ...(target === undefined ? {} : { targetPerCore: target, meetsTarget: perCore >= target }),
    })
    const verdict =
      target === undefined ? '' : ` (target ${kilo(target)}: ${perCore >= target ? 'met' : 'below'})`
    return {
      query,
      parallelism:
        result.parallelism === parallelism ? String(parallelism) : `${parallelism}→${result.parallelism}`,
      summary: `${kilo(perCore)}/s per core, ${kilo(rate(events, cpuMillis))}/cpu-s, ${peakRssMb} MB${verdict}`,
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const status = error instanceof Error && error.name === 'UnsupportedPlanError' ? 'unsupported' : 'failed'
    report({ bench: 'nexmark', query, parallelism, events, status: `${status}: ${message}` })
    return { query, parallelism: String(parallelism), summary: `${status}: ${message}` }
  }
}

function seconds(millis: number): number {
  return Number((millis / 1000).toFixed(2))
}

function kilo(count: number): string {
  return `${Math.round(count / 1000)}K`
}

progress(`nexmark: ${CORES} cores`)
if (!values['no-source']) await measureSource(Number(values.events ?? SOURCE_ONLY_EVENTS))
const outcomes: Outcome[] = []
for (const parallelism of parallelisms) {
  for (const query of queries) {
    progress(`${query} p=${parallelism}: ${eventsOf(query)} events`)
    outcomes.push(await measureQuery(query, parallelism))
  }
}
for (const { query, parallelism, summary } of outcomes)
  progress(`${query.padEnd(4)} p=${parallelism.padEnd(4)} ${summary}`)
