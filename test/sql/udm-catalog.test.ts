/**
 * SQL over the UDM catalog (issue #6): a job written against logical dataset names, with no DDL, reads Avro
 * records the SDK produced to Kafka and writes its results to another dataset, which the SDK reads back. The
 * catalog is a real UDM server (with its grants) or the embedded store in a data directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog } from '../../src/catalog/catalog.ts'
import { type CatalogDocument, readCatalogDocument } from '../../src/catalog/catalog-document.ts'
import { openSqlCatalog } from '../../src/cli/commands/sql-catalog.ts'
import { planJob, runJob } from '../../src/sql/job/index.ts'
import { freshTopic, testKafka } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'
import { kafkaTestCluster, startTestUdm, type TestUdm } from '../harness/udm-server.ts'
import { weir } from '../harness/weir-cli.ts'

const MINUTE = 60_000
const START = Date.UTC(2026, 0, 1, 12, 0, 0)

const PAGEVIEW_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'PageView',
  namespace: 'weir.test',
  fields: [
    { name: 'event_id', type: 'string' },
    { name: 'user_id', type: 'long' },
    { name: 'site', type: 'string' },
    { name: 'channel', type: ['null', 'string'], default: null },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
})
const SITE_TOTALS_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'SiteTotal',
  namespace: 'weir.test',
  fields: [
    { name: 'site', type: 'string' },
    { name: 'pv', type: 'long' },
  ],
})
const PV_PER_SITE_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'PvPerSite',
  namespace: 'weir.test',
  fields: [
    { name: 'site', type: 'string' },
    { name: 'window_start', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'window_end', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'pv', type: 'long' },
  ],
})

/** No DDL: both tables are catalog datasets. */
const PV_PER_SITE_JOB = `
INSERT INTO analytics.pv_per_site
SELECT site, window_start, window_end, COUNT(*) AS pv
FROM TABLE(TUMBLE(TABLE traffic.pageview, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY site, window_start, window_end`

interface PageView {
  event_id: string
  user_id: number
  site: string
  channel: string | null
  ts: number
}

interface SiteTotal {
  site: string
  pv: number
}

interface PvPerSite {
  site: string
  window_start: number
  window_end: number
  pv: number
}

let bootstrapServers: string
let udmServer: TestUdm
const { views, closing } = generatePageViews()

function catalogDocument(topics: {
  pageview: string
  pvPerSite: string
  siteTotals: string
}): CatalogDocument {
  return readCatalogDocument({
    schemas: [
      { subject: 'traffic.pageview-value', schemaType: 'AVRO', schema: PAGEVIEW_SCHEMA },
      { subject: 'analytics.pv_per_site-value', schemaType: 'AVRO', schema: PV_PER_SITE_SCHEMA },
      { subject: 'analytics.site_totals-value', schemaType: 'AVRO', schema: SITE_TOTALS_SCHEMA },
    ],
    clusters: [kafkaTestCluster(bootstrapServers)],
    datasets: [
      {
        name: 'traffic.pageview',
        kind: 'stream',
        value: { format: 'avro' },
        eventTime: { column: 'ts', watermarkDelay: '5s' },
        locations: { prod: [{ cluster: 'kafka-test', topic: topics.pageview }] },
      },
      {
        name: 'analytics.pv_per_site',
        kind: 'stream',
        value: { format: 'avro' },
        locations: { prod: [{ cluster: 'kafka-test', topic: topics.pvPerSite }] },
      },
      {
        name: 'analytics.site_totals',
        kind: 'table',
        value: { format: 'avro' },
        primaryKey: ['site'],
        locations: { prod: [{ cluster: 'kafka-test', topic: topics.siteTotals }] },
      },
    ],
  })
}

/**
 * Page views over five minutes on three sites, a little out of order (less than the 5 s watermark delay),
 * and one last view ten minutes later whose watermark closes every earlier window.
 */
function generatePageViews(): { views: PageView[]; closing: PageView } {
  const sites = ['vip.com', 'shop.vip.com', 'm.vip.com']
  let seed = 7
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed / 2 ** 31
  }
  const views = Array.from({ length: 600 }, (_, i) => ({
    event_id: `e-${i}`,
    user_id: Math.floor(random() * 50),
    site: sites[Math.floor(random() * sites.length)]!,
    channel: random() < 0.5 ? null : 'push',
    ts: START + i * 500 + Math.floor(random() * 3_000),
  }))
  const closing = { event_id: 'closing', user_id: 0, site: 'closing', channel: null, ts: START + 15 * MINUTE }
  return { views, closing }
}

/** The expected result, computed from the generated input alone. */
function countsPerSiteAndMinute(views: readonly PageView[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const view of views) {
    const key = `${view.site}@${view.ts - (view.ts % MINUTE)}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

/** Reads a dataset with the SDK until `done` says what was read is complete. */
async function readUntil<T>(dataset: string, done: (records: readonly T[]) => boolean): Promise<T[]> {
  const records: T[] = []
  const reader = udmServer.udm.dataset<T>(dataset).read({ group: `check-${dataset}` })
  for await (const batch of reader) {
    records.push(...batch.records.flatMap((record) => (record.value === null ? [] : [record.value])))
    if (done(records)) {
      // Leaving the loop commits only what was marked handled: the next check of this group (the run at
      // the next parallelism writes the same dataset) must start after what this one read.
      const last = batch.records.at(-1)
      if (last !== undefined) reader.handled(last)
      break
    }
  }
  return records
}

/**
 * Runs a job over the catalog until `results` has read its output (a Kafka source never ends by itself),
 * then cancels it.
 */
async function runUntilRead<T>(
  script: string,
  results: () => Promise<T>,
  sets: Record<string, string> = {},
): Promise<{ read: T; recordsIn: number }> {
  const resolver = udmServer.resolver()
  const controller = new AbortController()
  const job = runJob({
    script,
    resolver,
    connectorContext: resolver.connectorContext(),
    signal: controller.signal,
    sets,
  })
  const ended = job.then(() => {
    throw new Error('the job ended before writing every result')
  })
  const read = await Promise.race([results(), ended])
  controller.abort()
  const outcome = await job
  expect(outcome.cancelled).toBe(true)
  return { read, recordsIn: outcome.recordsIn }
}

beforeAll(async () => {
  ;({ bootstrapServers } = await useService('kafka'))
  const kafka = await testKafka()
  const topics = {
    // One partition: at parallelism 2 the second source subtask owns none and must not hold event time back.
    pageview: await freshTopic(kafka, 'pv'),
    pvPerSite: await freshTopic(kafka, 'pv-per-site'),
    siteTotals: await freshTopic(kafka, 'site-totals'),
  }
  udmServer = await startTestUdm(catalogDocument(topics))
  await udmServer.udm.dataset<PageView>('traffic.pageview').write([...views, closing])
})

afterAll(async () => {
  await udmServer?.close()
})

describe('SQL over the UDM catalog', () => {
  it.each([1, 2])(
    'runs a Kafka-to-Kafka window aggregate by logical names, with no DDL, at parallelism %i',
    async (parallelism) => {
      const expected = countsPerSiteAndMinute(views)
      const { read, recordsIn } = await runUntilRead(
        PV_PER_SITE_JOB,
        () => readUntil<PvPerSite>('analytics.pv_per_site', (records) => records.length >= expected.size),
        // The closing record sits in one partition; the other must go idle for the last windows to close.
        { 'parallelism.default': String(parallelism), 'table.exec.source.idle-timeout': '1 s' },
      )
      expect(recordsIn).toBe(views.length + 1)
      expect(new Map(read.map((row) => [`${row.site}@${row.window_start}`, row.pv]))).toEqual(expected)
      for (const row of read) expect(row.window_end - row.window_start).toBe(MINUTE)
    },
  )

  it('upserts an updating aggregate into a table dataset with a primary key', async () => {
    const expected = new Map<string, number>()
    for (const view of [...views, closing]) expected.set(view.site, (expected.get(view.site) ?? 0) + 1)
    const latest = (records: readonly SiteTotal[]): Map<string, number> =>
      new Map(records.map((record) => [record.site, record.pv]))
    const { read } = await runUntilRead(
      'INSERT INTO analytics.site_totals SELECT site, COUNT(*) AS pv FROM traffic.pageview GROUP BY site',
      () =>
        readUntil<SiteTotal>('analytics.site_totals', (records) =>
          [...expected].every(([site, pv]) => latest(records).get(site) === pv),
        ),
    )
    expect(latest(read)).toEqual(expected)
  })

  it('tells a caller without read permission what grant to ask for', async () => {
    const { governance } = udmServer.server.catalog
    await governance.createPrincipal({ name: 'no-grants', kind: 'service' }, 'admin')
    const { token } = await governance.createToken('no-grants', {}, 'admin')
    const resolver = udmServer.resolver(token)
    await expect(planJob({ script: PV_PER_SITE_JOB, resolver })).rejects.toThrow(
      /dataset 'traffic\.pageview': .* refused to resolve it .*viewer role.*weir grant add viewer traffic\.pageview/,
    )
    const denials = await governance.queryAudit({
      principal: 'no-grants',
      resource: 'dataset:traffic.pageview',
      result: 'denied',
      order: 'desc',
      limit: 10,
    })
    expect(denials.map((record) => record.action)).toEqual(['dataset.read'])
  })

  describe('on the embedded catalog', () => {
    let catalogDir: string

    beforeAll(async () => {
      catalogDir = await mkdtemp(join(tmpdir(), 'weir-sql-catalog-'))
      const catalog = await Catalog.open({ database: { dataDir: catalogDir } })
      try {
        await catalog.apply(
          catalogDocument({ pageview: 'pv_events', pvPerSite: 'pv_per_site', siteTotals: 'site_totals' }),
        )
      } finally {
        await catalog.close()
      }
    })

    afterAll(async () => {
      await rm(catalogDir, { recursive: true, force: true })
    })

    it('resolves a dataset to columns, rowtime and Flink connector options with no server', async () => {
      const { resolver, close } = await openSqlCatalog({ dataDir: catalogDir })
      try {
        const table = await resolver.resolveTable(['traffic', 'pageview'])
        expect(table?.columns.map((column) => column.name)).toEqual([
          'event_id',
          'user_id',
          'site',
          'channel',
          'ts',
        ])
        expect(table?.rowtime).toEqual({ column: 'ts', watermarkDelayMs: 5_000 })
        expect(table?.kind).toBe('stream')
        expect(table?.connector.options).toMatchObject({
          connector: 'kafka',
          topic: 'pv_events',
          'properties.bootstrap.servers': bootstrapServers,
          format: 'avro-confluent',
          'avro-confluent.subject': 'traffic.pageview-value',
        })
        expect(await resolver.resolveTable(['traffic', 'missing'])).toBeUndefined()
      } finally {
        await close()
      }
    })

    it('weir sql validate plans a script against it, and reports errors with line, column and caret', async () => {
      const good = join(catalogDir, 'good.sql')
      await writeFile(
        good,
        `${PV_PER_SITE_JOB};\nSELECT site, ts FROM traffic.pageview WHERE channel IS NULL;\n`,
      )
      expect(await weir('sql', 'validate', good, '--data-dir', catalogDir)).toEqual({
        out: 'ok: 2 statements\n',
        err: '',
        exitCode: 0,
      })

      const bad = join(catalogDir, 'bad.sql')
      await writeFile(bad, 'SELECT site\nFROM traffic.pageveiw;\nSELECT usr FROM traffic.pageview;\n')
      const run = await weir('sql', 'validate', bad, '--data-dir', catalogDir)
      expect(run.exitCode).toBe(1)
      expect(run.err).toContain(
        [
          "error: table 'traffic.pageveiw' not found; did you mean 'traffic.pageview'? at line 2, column 6",
          '  2 | FROM traffic.pageveiw;',
          '    |      ^^^^^^^^^^^^^^^^',
        ].join('\n'),
      )
      expect(run.err).toContain("error: column 'usr' not found in traffic.pageview at line 3, column 8")
      expect(run.err).toContain('bad.sql: 2 error(s)')
    })
  })
})
