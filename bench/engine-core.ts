/**
 * Throughput of the embedded engine's core on one core: an in-memory source of EVENTS (default 5M)
 * synthetic click events in batches of 1000, through one operator, into a counting sink. Rates include
 * building the row arrays, as decoding would. `eventsPerCpuSec` divides by the process's CPU time, GC threads
 * included, so it is the per-core figure also on a shared machine. Prints one JSON line per scenario:
 *   source-only       the source and executor alone (a union operator forwarding batches): the baseline
 *   pass-through      filter + project with compiled functions
 *   tumble-count-sum  TUMBLE(10 s) COUNT(*), SUM(amount) GROUP BY 10k keys
 *   count-distinct    TUMBLE(100 s) COUNT(DISTINCT user) with 1M distinct users per window
 *   hll               the same with APPROX_COUNT_DISTINCT(user)
 *   cumulate-cube     CUMULATE(1 min, 1 day) over CUBE(site, platform, category): COUNT(*), exact UV, GMV
 *   npx tsx bench/engine-core.ts [--events N] [--only scenario]
 */
import { parseArgs } from 'node:util'
import {
  approxCountDistinct,
  boundedOutOfOrderness,
  CalcOperator,
  count,
  countDistinct,
  cubeSets,
  cumulate,
  groupBy,
  groupingSets,
  insertBatch,
  type Operator,
  PipelineBuilder,
  type Row,
  type Source,
  type SourceChunk,
  sum,
  tumble,
  UnionOperator,
  WindowAggregateOperator,
} from '../src/engine/index.ts'
import { progress, rate, report } from './lib/report.ts'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000000' },
    only: { type: 'string' },
  },
})
const EVENTS = Number(values.events)
const BATCH = 1000
const USERS = 1_000_000

/** Event columns. */
const USER = 0
const ITEM = 1
const SITE = 2
const PLATFORM = 3
const CATEGORY = 4
const TIME = 5
const AMOUNT = 6

const SITES = ['main', 'outlet', 'global', 'kids']
const PLATFORMS = ['ios', 'android', 'web', 'mini-app']
const CATEGORIES = Array.from({ length: 20 }, (_, i) => `category-${i}`)

/**
 * The events, columnar, so the benchmark does not keep 5M row objects alive (which would make every GC
 * trace them and charge the engine for it). Ten events per millisecond of event time, up to 200 ms out of
 * order. Users cycle through 1M ids in a scrambled order, so each 1M consecutive events (one 100 s window)
 * hold each user once: the worst case for exact distinct counting.
 */
interface EventColumns {
  readonly count: number
  readonly items: Int32Array
  readonly platforms: Uint8Array
  readonly times: Float64Array
  readonly amounts: Float64Array
}

function generate(count: number): EventColumns {
  let seed = 42
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed / 4294967296
  }
  const columns = {
    count,
    items: new Int32Array(count),
    platforms: new Uint8Array(count),
    times: new Float64Array(count),
    amounts: new Float64Array(count),
  }
  for (let i = 0; i < count; i++) {
    columns.items[i] = Math.floor(random() * 10_000)
    columns.platforms[i] = Math.floor(random() * PLATFORMS.length)
    columns.times[i] = 1_700_000_000_000 + Math.floor(i / 10) - Math.floor(random() * 200)
    columns.amounts[i] = Math.floor(random() * 10_000) / 100
  }
  return columns
}

/** Builds row batches from the columns on each pull, as a decoding source would; four partitions in turn. */
class SyntheticSource implements Source<number> {
  private next = 0

  constructor(
    private readonly columns: EventColumns,
    private readonly limit: number,
  ) {}

  partitions(): readonly number[] {
    return [0, 1, 2, 3]
  }

  async pull(): Promise<SourceChunk | null> {
    const from = this.next
    if (from >= this.limit) return null
    const to = Math.min(this.limit, from + BATCH)
    this.next = to
    const { items, platforms, times, amounts } = this.columns
    const rows: Row[] = new Array(to - from)
    for (let i = from; i < to; i++) {
      rows[i - from] = [
        (i * 7919) % USERS,
        items[i],
        SITES[i % SITES.length],
        PLATFORMS[platforms[i]!],
        CATEGORIES[i % CATEGORIES.length],
        times[i],
        amounts[i],
      ]
    }
    return { partition: (from / BATCH) % 4, batch: insertBatch(rows) }
  }

  snapshot(): number {
    return this.next
  }

  restore(position: number): void {
    this.next = position
  }

  close(): void {}
}

interface Scenario {
  readonly name: string
  readonly operator: () => Operator
}

const scenarios: Scenario[] = [
  {
    name: 'source-only',
    operator: () => new UnionOperator(),
  },
  {
    name: 'pass-through',
    operator: () =>
      new CalcOperator({
        filter: (row) => (row[AMOUNT] as number) >= 1,
        project: (row) => [row[USER], row[CATEGORY], row[TIME], (row[AMOUNT] as number) * 100],
      }),
  },
  {
    name: 'tumble-count-sum',
    operator: () =>
      new WindowAggregateOperator({
        window: tumble(10_000),
        timeColumn: TIME,
        grouping: groupBy([ITEM]),
        aggregates: [{ fn: count() }, { fn: sum(), argument: AMOUNT }],
      }),
  },
  {
    name: 'count-distinct',
    operator: () =>
      new WindowAggregateOperator({
        window: tumble(100_000),
        timeColumn: TIME,
        grouping: groupBy([]),
        aggregates: [{ fn: countDistinct(), argument: USER }],
      }),
  },
  {
    name: 'hll',
    operator: () =>
      new WindowAggregateOperator({
        window: tumble(100_000),
        timeColumn: TIME,
        grouping: groupBy([]),
        aggregates: [{ fn: approxCountDistinct(), argument: USER }],
      }),
  },
  {
    name: 'cumulate-cube',
    operator: () =>
      new WindowAggregateOperator({
        window: cumulate(60_000, 86_400_000),
        timeColumn: TIME,
        grouping: groupingSets([SITE, PLATFORM, CATEGORY], cubeSets([SITE, PLATFORM, CATEGORY])),
        aggregates: [
          { fn: count() },
          { fn: countDistinct(), argument: USER },
          { fn: sum(), argument: AMOUNT },
        ],
      }),
  },
]

async function run(
  scenario: Scenario,
  columns: EventColumns,
  events: number,
): Promise<{ millis: number; cpuMillis: number; outputRows: number }> {
  let outputRows = 0
  const builder = new PipelineBuilder()
  const source = builder.source('events', new SyntheticSource(columns, events), {
    watermarks: { watermarkOf: boundedOutOfOrderness(TIME, 1_000) },
  })
  const operated = builder.operator(scenario.name, scenario.operator(), source)
  builder.sink(
    'count',
    {
      write: (batch) => {
        outputRows += batch.rows.length
      },
    },
    operated,
  )
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  const result = await builder.build().run()
  const millis = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  const late = result.metrics.reduce((total, metrics) => total + metrics.lateRecords, 0)
  if (late > 0) throw new Error(`${scenario.name}: ${late} late rows in a stream without late data`)
  return { millis, cpuMillis: (cpu.user + cpu.system) / 1000, outputRows }
}

progress(`generating ${EVENTS} events`)
const columns = generate(EVENTS)
for (const scenario of scenarios) {
  if (values.only !== undefined && values.only !== scenario.name) continue
  await run(scenario, columns, Math.ceil(EVENTS / 10))
  const { millis, cpuMillis, outputRows } = await run(scenario, columns, EVENTS)
  report({
    bench: 'engine-core',
    scenario: scenario.name,
    events: EVENTS,
    outputRows,
    seconds: Number((millis / 1000).toFixed(2)),
    eventsPerSec: rate(EVENTS, millis),
    // CPU time of the whole process (GC threads included): the per-core rate even on a busy machine.
    cpuSeconds: Number((cpuMillis / 1000).toFixed(2)),
    eventsPerCpuSec: rate(EVENTS, cpuMillis),
    heapMb: Math.round(process.memoryUsage().heapUsed / 1e6),
  })
}
