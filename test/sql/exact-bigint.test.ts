/**
 * BIGINT is exact over the whole signed 64-bit range (issue #10, "Exact numbers"): random values, the ±2^63
 * and ±2^53 edges included, go through SQL jobs (expressions, CASTs, aggregates under retraction, GROUP BY
 * and JOIN keys at parallelism 1 and 2) and must equal PostgreSQL's `bigint`/`numeric` answers, with Java's
 * 64-bit wrapping (Flink's semantics) applied to PostgreSQL's exact results where a result overflows.
 */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseJson, stringifyJson } from '../../src/formats/json-exact.ts'
import { runJob } from '../../src/sql/job/index.ts'
import { freshPostgresDatabase } from '../harness/services.ts'

const MIN = -(2n ** 63n)
const MAX = 2n ** 63n - 1n
const SAFE = 2n ** 53n
const EDGES = [
  MIN,
  MIN + 1n,
  MAX,
  MAX - 1n,
  -SAFE - 1n,
  -SAFE,
  -SAFE + 1n,
  SAFE - 1n,
  SAFE,
  SAFE + 1n,
  0n,
  1n,
  -1n,
]

/** Edges, the whole range, and values near ±2^53 where doubles start to round. */
const int64 = fc.oneof(
  fc.constantFrom(...EDGES),
  fc.bigInt({ min: MIN, max: MAX }),
  fc.bigInt({ min: SAFE - 1000n, max: SAFE + 1000n }).map((v) => (v % 2n === 0n ? v : -v)),
  fc.bigInt({ min: -1000n, max: 1000n }),
)
/** Few distinct group/join keys, most beyond 2^53, so groups hold several rows. */
const KEYS = [SAFE + 1n, SAFE + 2n, -SAFE - 3n, MAX, MIN, 7n, 2n ** 60n + 1n, 2n ** 60n + 2n]

interface InputRow {
  readonly id: number
  readonly a: bigint
  readonly b: bigint
  readonly k: bigint
}

const ROWS: InputRow[] = fc
  .sample(fc.tuple(int64, int64, fc.constantFrom(...KEYS)), { numRuns: 400, seed: 20_251_208 })
  .map(([a, b, k], id) => ({ id, a, b, k }))
// Every edge meets every edge at least once.
for (const a of EDGES)
  for (const b of EDGES) ROWS.push({ id: ROWS.length, a, b, k: KEYS[ROWS.length % KEYS.length]! })

/** Money: DECIMAL(12, 2) amounts in cents, written as JSON numbers with two fraction digits. */
const CENTS: { id: number; k: number; cents: bigint }[] = fc
  .sample(
    fc.tuple(
      fc.oneof(fc.bigInt({ min: -(10n ** 10n), max: 10n ** 10n }), fc.bigInt({ min: -999n, max: 999n })),
      fc.integer({ min: 0, max: 4 }),
    ),
    { numRuns: 600, seed: 10_038 },
  )
  .map(([cents, k], id) => ({ id, k, cents }))

function money(cents: bigint): string {
  const magnitude = cents < 0n ? -cents : cents
  return `${cents < 0n ? '-' : ''}${magnitude / 100n}.${String(magnitude % 100n).padStart(2, '0')}`
}

const DAY = '2024-01-01 00:00:00.000'

let directory: string
let db: pg.Client

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'weir-exact-bigint-'))
  const input = join(directory, 'input')
  const dims = join(directory, 'dims')
  await Promise.all([
    mkdirWith(
      input,
      ROWS.map((row) => ({ ...row, ts: DAY })),
    ),
    mkdirWith(dims, dimensionRows()),
  ])
  await mkdir(join(directory, 'money'))
  for (let from = 0; from < CENTS.length; from += 8) {
    const lines = CENTS.slice(from, from + 8).map(
      ({ id, k, cents }) => `{"id":${id},"k":${k},"amount":${money(cents)}}`,
    )
    await writeFile(
      join(directory, 'money', `rows-${String(from).padStart(5, '0')}.json`),
      `${lines.join('\n')}\n`,
    )
  }
  db = new pg.Client({ connectionString: await freshPostgresDatabase('exact_bigint') })
  await db.connect()
  await db.query(`
    CREATE TABLE t (id int, a bigint, b bigint, k bigint);
    CREATE TABLE dims (k bigint, name text);
    CREATE TABLE money (id int, k int, amount numeric(12, 2));
    -- Java's long arithmetic: the exact result modulo 2^64, in the signed range.
    CREATE FUNCTION wrap64(x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS
      'SELECT mod(mod(x + 9223372036854775808, 18446744073709551616) + 18446744073709551616, 18446744073709551616) - 9223372036854775808';
    CREATE FUNCTION wrap32(x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS
      'SELECT mod(mod(x + 2147483648, 4294967296) + 4294967296, 4294967296) - 2147483648';`)
  await db.query(`INSERT INTO t SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[])`, [
    ROWS.map((r) => r.id),
    ROWS.map((r) => String(r.a)),
    ROWS.map((r) => String(r.b)),
    ROWS.map((r) => String(r.k)),
  ])
  await db.query(`INSERT INTO money SELECT * FROM unnest($1::int[], $2::int[], $3::numeric[])`, [
    CENTS.map((r) => r.id),
    CENTS.map((r) => r.k),
    CENTS.map((r) => money(r.cents)),
  ])
  const dimRows = dimensionRows()
  await db.query(`INSERT INTO dims SELECT * FROM unnest($1::bigint[], $2::text[])`, [
    dimRows.map((r) => String(r.k)),
    dimRows.map((r) => r.name),
  ])
}, 120_000)

afterAll(async () => {
  await db?.end()
})

/** Join partners: every key but one, one key twice, and keys that differ from a real key only below 2^53's ulp. */
function dimensionRows(): { k: bigint; name: string }[] {
  return [
    ...KEYS.slice(1).map((k, i) => ({ k, name: `d${i}` })),
    { k: KEYS[1]!, name: 'again' },
    { k: KEYS[0]! - 1n, name: 'near' },
    { k: KEYS[6]! + 1n, name: 'near60' },
  ]
}

/**
 * JSON-lines files of a few rows each: a source batch is at most one file, so a group aggregate sees its
 * groups change from batch to batch and emits retractions.
 */
async function mkdirWith(path: string, rows: readonly object[]): Promise<void> {
  await mkdir(path)
  const ROWS_PER_FILE = 8
  for (let from = 0; from < rows.length; from += ROWS_PER_FILE) {
    const lines = rows.slice(from, from + ROWS_PER_FILE).map((row) => stringifyJson(row))
    await writeFile(join(path, `rows-${String(from).padStart(5, '0')}.json`), `${lines.join('\n')}\n`)
  }
}

const TABLES = () => `
  CREATE TEMPORARY TABLE t (id INT, a BIGINT, b BIGINT, k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
    WITH ('connector' = 'filesystem', 'path' = '${join(directory, 'input')}', 'format' = 'json');
  CREATE TEMPORARY TABLE money (id INT, k INT, amount DECIMAL(12, 2))
    WITH ('connector' = 'filesystem', 'path' = '${join(directory, 'money')}', 'format' = 'json');
  CREATE TEMPORARY TABLE dims (k BIGINT, name STRING)
    WITH ('connector' = 'filesystem', 'path' = '${join(directory, 'dims')}', 'format' = 'json');`

/** Runs an insert-only query into JSON-lines files and returns every row as text values. */
async function queryIntoFiles(columns: string, select: string, parallelism: number): Promise<string[][]> {
  const out = await mkdtemp(join(directory, 'out-'))
  await runJob({
    script: `${TABLES()}
      CREATE TEMPORARY TABLE result (${columns}) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json');
      INSERT INTO result ${select};`,
    sets: { 'parallelism.default': String(parallelism) },
  })
  const rows: string[][] = []
  for (const part of (await readdir(out)).filter((name) => name.startsWith('part-'))) {
    for (const line of (await readFile(join(out, part), 'utf8')).split('\n')) {
      if (line === '') continue
      rows.push(Object.values(parseJson(line) as Record<string, unknown>).map(text))
    }
  }
  return rows.sort(compareRows)
}

/**
 * Runs a query at parallelism 1 into a print table and applies its changelog (+I/+U add a row, -U/-D take
 * one back): the final table of an updating query, every retraction included.
 */
async function queryChangelog(select: string): Promise<string[][]> {
  const output = new PassThrough()
  let printed = ''
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8')
  })
  await runJob({
    script: `${TABLES()}
      CREATE TEMPORARY VIEW q AS ${select};
      SELECT * FROM q;`,
    connectorContext: { printOutput: output },
  })
  const table = new Map<string, number>()
  let retractions = 0
  for (const line of printed.split('\n')) {
    const match = /^([+-][IUD])\[(.*)\]$/.exec(line)
    if (match === null) continue
    const key = match[2]!
    const add = match[1] === '+I' || match[1] === '+U'
    if (!add) retractions++
    table.set(key, (table.get(key) ?? 0) + (add ? 1 : -1))
  }
  expect(retractions).toBeGreaterThan(0)
  const rows: string[][] = []
  for (const [key, count] of table) {
    expect(count, `row ${key}`).toBeGreaterThanOrEqual(0)
    for (let i = 0; i < count; i++) rows.push(key.split(', '))
  }
  return rows.sort(compareRows)
}

/** PostgreSQL rows as text values (`t`/`f` as true/false). */
async function postgres(sql: string): Promise<string[][]> {
  const result = await db.query({ text: sql, rowMode: 'array' })
  return (result.rows as unknown[][])
    .map((row) => row.map((value) => (value === 't' ? 'true' : value === 'f' ? 'false' : text(value))))
    .sort(compareRows)
}

function text(value: unknown): string {
  return value === null || value === undefined ? 'null' : String(value)
}

function compareRows(left: readonly string[], right: readonly string[]): number {
  const a = left.join('|')
  const b = right.join('|')
  return a < b ? -1 : a > b ? 1 : 0
}

describe('BIGINT against PostgreSQL', () => {
  it('expressions: + - * / %, negation, comparisons with BIGINT, INT and DECIMAL, CASTs to and from STRING, INT, DOUBLE', async () => {
    const weir = await queryIntoFiles(
      `id INT, s BIGINT, d BIGINT, p BIGINT, q BIGINT, r BIGINT, n BIGINT, lt BOOLEAN, eq BOOLEAN, ge BOOLEAN,
       big BOOLEAN, plus1 BIGINT, txt STRING, back BIGINT, i INT, dbl DOUBLE, sum_dbl DOUBLE`,
      `SELECT id, a + b, a - b, a * b, a / NULLIF(b, 0), a % NULLIF(b, 0), -a, a < b, a = b, a >= b,
         a > 2.5, a + 1, CAST(a AS STRING), CAST(CAST(a AS STRING) AS BIGINT), CAST(a AS INT),
         CAST(a AS DOUBLE), a + 0.5e0
       FROM t`,
      1,
    )
    const expected = await postgres(`
      SELECT id, wrap64(a::numeric + b), wrap64(a::numeric - b), wrap64(a::numeric * b),
        wrap64(div(a::numeric, nullif(b, 0))), mod(a::numeric, nullif(b, 0)), wrap64(-a::numeric), a < b, a = b, a >= b,
        a > 2.5, wrap64(a::numeric + 1), a::text, a, wrap32(a), a::float8, a::float8 + 0.5
      FROM t`)
    // Doubles compare as numbers: both sides print the shortest text that reads back as the same double.
    const doubles = (rows: string[][]) =>
      rows.map((row) => row.map((v, i) => (i >= 15 ? String(Number(v)) : v)))
    expect(weir.length).toBe(ROWS.length)
    expect(doubles(weir)).toEqual(doubles(expected))
  }, 120_000)

  it('SUM, COUNT, MIN, MAX, AVG per BIGINT key, and again over that updating result (retractions)', async () => {
    const inner = `SELECT k, SUM(a) AS s, COUNT(*) AS c, MIN(a) AS lo, MAX(a) AS hi, AVG(a) AS mean FROM t GROUP BY k`
    expect(await queryChangelog(inner)).toEqual(
      await postgres(
        `SELECT k, wrap64(sum(a)), count(*), min(a), max(a), div(sum(a), count(*)) FROM t GROUP BY k`,
      ),
    )
    // Each new row of a key retracts the key's previous sums: the outer aggregate takes them back.
    const outer = `SELECT c % 3 AS bucket, SUM(s), COUNT(*), MIN(s), MAX(s), AVG(s), SUM(lo) FROM (${inner}) GROUP BY c % 3`
    const innerPg = `SELECT k, wrap64(sum(a)) AS s, count(*) AS c, min(a) AS lo FROM t GROUP BY k`
    expect(await queryChangelog(outer)).toEqual(
      await postgres(`SELECT c % 3, wrap64(sum(s)), count(*), min(s), max(s), div(sum(s), count(*)), wrap64(sum(lo))
        FROM (${innerPg}) g GROUP BY c % 3`),
    )
  }, 120_000)

  it.each([1, 2])(
    'GROUP BY and JOIN on BIGINT keys beyond 2^53 at parallelism %i',
    async (parallelism) => {
      const grouped = await queryIntoFiles(
        'k BIGINT, c BIGINT, s BIGINT, lo BIGINT, hi BIGINT',
        `SELECT k, COUNT(*), SUM(b), MIN(b), MAX(b) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' DAY))
       GROUP BY k, window_start, window_end`,
        parallelism,
      )
      expect(grouped).toEqual(
        await postgres('SELECT k, count(*), wrap64(sum(b)), min(b), max(b) FROM t GROUP BY k'),
      )
      const joined = await queryIntoFiles(
        'id INT, k BIGINT, name STRING',
        'SELECT t.id, t.k, dims.name FROM t JOIN dims ON t.k = dims.k',
        parallelism,
      )
      expect(joined.length).toBeGreaterThan(ROWS.length / 2)
      expect(joined).toEqual(await postgres('SELECT t.id, t.k, dims.name FROM t JOIN dims ON t.k = dims.k'))
    },
    120_000,
  )
})

describe('DECIMAL SUM and AVG against PostgreSQL numeric', () => {
  it('add up money exactly (to the double nearest the exact total), also under retraction', async () => {
    // Values are doubles today (see docs/sql.md, Numbers); sums and averages are exact before the one rounding.
    const doubles = (rows: string[][]) => rows.map((row) => row.map((v) => String(Number(v))))
    const inner = 'SELECT k, SUM(amount) AS total, AVG(amount) AS mean, COUNT(*) AS c FROM money GROUP BY k'
    expect(doubles(await queryChangelog(inner))).toEqual(
      doubles(
        await postgres(
          'SELECT k, sum(amount)::float8, round(avg(amount), 6)::float8, count(*) FROM money GROUP BY k',
        ),
      ),
    )
    const outer = `SELECT c % 2, SUM(total), AVG(total) FROM (${inner}) GROUP BY c % 2`
    expect(doubles(await queryChangelog(outer))).toEqual(
      doubles(
        await postgres(`SELECT c % 2, sum(total)::float8, round(avg(total), 6)::float8
          FROM (SELECT k, sum(amount) AS total, count(*) AS c FROM money GROUP BY k) g GROUP BY c % 2`),
      ),
    )
  }, 120_000)
})
