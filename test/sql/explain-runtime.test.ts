/**
 * EXPLAIN prints what runs: an aggregate shows `phase=[local-global]` exactly when the job builds a local
 * pre-aggregation for it (a `local-aggregate` or `local-window-aggregate` node), at parallelism 1 and 2, for
 * the cases that run in one phase whatever the phase strategy says (parallelism 1, grouping sets,
 * COUNT(DISTINCT), cascading and SESSION windows) and those that run in two.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StaticTableResolver } from '../../src/sql/catalog/table-resolver.ts'
import { planJob, runJob } from '../../src/sql/job/index.ts'
import { explain } from '../../src/sql/plan/explain.ts'
import { type ClickstreamFile, clicksTableDdl, writeClickstream } from './oracle/clickstream.ts'

const MINI_BATCH = {
  'table.exec.mini-batch.enabled': 'true',
  'table.exec.mini-batch.allow-latency': '1 s',
  'table.exec.mini-batch.size': '500',
}

const TUMBLE = `FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' SECOND))`
const CASES: readonly { name: string; select: string; localAtParallelism2: number }[] = [
  {
    name: 'TUMBLE COUNT(*)',
    select: `SELECT site, COUNT(*) AS n ${TUMBLE} GROUP BY window_start, window_end, site`,
    localAtParallelism2: 1,
  },
  {
    name: 'TUMBLE COUNT(DISTINCT)',
    select: `SELECT site, COUNT(DISTINCT user_id) AS n ${TUMBLE} GROUP BY window_start, window_end, site`,
    localAtParallelism2: 0,
  },
  {
    name: 'TUMBLE with grouping sets',
    select: `SELECT site, COUNT(*) AS n ${TUMBLE} GROUP BY window_start, window_end, ROLLUP(site)`,
    localAtParallelism2: 0,
  },
  {
    name: 'a cascading window aggregation: only the inner one pre-aggregates',
    select: `SELECT site, SUM(n) AS n FROM (
        SELECT site, category, window_start, window_end, COUNT(*) AS n ${TUMBLE}
        GROUP BY window_start, window_end, site, category)
      GROUP BY window_start, window_end, site`,
    localAtParallelism2: 1,
  },
  {
    name: 'SESSION windows',
    select: `SELECT site, COUNT(*) AS n
      FROM TABLE(SESSION(TABLE clicks PARTITION BY site, DESCRIPTOR(event_time), INTERVAL '5' SECOND))
      GROUP BY window_start, window_end, site`,
    localAtParallelism2: 0,
  },
  {
    name: 'an unbounded GROUP BY with mini-batch',
    select: 'SELECT site, COUNT(*) AS n FROM clicks GROUP BY site',
    localAtParallelism2: 1,
  },
]

let directory: string
let clicks: ClickstreamFile

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'weir-explain-runtime-'))
  clicks = {
    path: join(directory, 'clicks.json'),
    rows: 3000,
    seed: 5,
    rowsPerSecond: 100,
    outOfOrdernessSeconds: 2,
  }
  await writeClickstream(clicks)
})
afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

describe.each([1, 2])(
  'EXPLAIN and the running job agree on aggregate phases, parallelism %i',
  (parallelism) => {
    it.each(CASES)('$name', async ({ select, localAtParallelism2 }) => {
      const script = `${clicksTableDdl(clicks)}
      CREATE TEMPORARY TABLE result (site STRING, n BIGINT) WITH ('connector' = 'blackhole');
      INSERT INTO result ${select};`
      const sets = { ...MINI_BATCH, 'parallelism.default': String(parallelism) }
      const job = await planJob({ script, sets, resolver: new StaticTableResolver({}) })
      const explained = job.inserts.map((plan) => explain(plan)).join('\n')
      const printed = explained.split('phase=[local-global]').length - 1

      const result = await runJob({ script, sets })
      const localNodes = result.metrics.filter((node) => /-local-(window-)?aggregate$/.test(node.name))

      expect(printed, explained).toBe(localNodes.length)
      expect(localNodes.length).toBe(parallelism === 1 ? 0 : localAtParallelism2)
    })
  },
)
