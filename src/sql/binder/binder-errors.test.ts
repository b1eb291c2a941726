import { describe, expect, it } from 'vitest'
import { SqlValidationError } from '../errors.ts'
import { SqlSession } from '../session.ts'
import { testCatalog } from '../testing/fixtures.ts'

/** The validation error planning `sql` raises; fails the test if it plans. */
async function validationError(
  sql: string,
  options: Record<string, string> = {},
): Promise<SqlValidationError> {
  const session = new SqlSession({ resolver: testCatalog(), options })
  try {
    await session.planScript(sql)
  } catch (error) {
    if (error instanceof SqlValidationError) return error
    throw error
  }
  throw new Error(`expected a validation error for: ${sql}`)
}

interface Expected {
  readonly line: number
  readonly column: number
  readonly message: string
}

/** Each typical mistake: the SQL, where the error points, and the exact message (problem; hint). */
const MISTAKES: readonly (readonly [string, string, Expected])[] = [
  [
    'a misspelt column',
    'SELECT user_id,\n       usr_id\nFROM traffic.pageview',
    { line: 2, column: 8, message: "column 'usr_id' not found in traffic.pageview; did you mean 'user_id'?" },
  ],
  [
    'a column of the wrong case',
    'SELECT URL FROM traffic.pageview',
    { line: 1, column: 8, message: "column 'URL' not found in traffic.pageview; did you mean 'url'?" },
  ],
  [
    'an ambiguous column',
    'SELECT user_id\nFROM traffic.clickstream AS e, traffic.pageview AS p',
    {
      line: 1,
      column: 8,
      message:
        "column 'user_id' is ambiguous: it exists in traffic.clickstream AS e and traffic.pageview AS p; qualify it as 'e.user_id' or 'p.user_id'",
    },
  ],
  [
    'an unknown table alias',
    'SELECT e.url FROM traffic.pageview AS p',
    { line: 1, column: 8, message: "table or alias 'e' not found; did you mean 'p'?" },
  ],
  [
    'a misspelt table',
    'SELECT *\n  FROM traffic.pageviews',
    { line: 2, column: 8, message: "table 'traffic.pageviews' not found; did you mean 'traffic.pageview'?" },
  ],
  [
    'a column neither grouped nor aggregated',
    'SELECT user_id, url, COUNT(*)\nFROM traffic.pageview\nGROUP BY user_id',
    {
      line: 1,
      column: 17,
      message:
        "column 'url' is neither grouped nor aggregated; add it to GROUP BY or use it inside an aggregate function such as MAX(…)",
    },
  ],
  [
    'an aggregate in WHERE',
    'SELECT user_id FROM traffic.pageview\nWHERE COUNT(*) > 1',
    {
      line: 2,
      column: 7,
      message: 'aggregate functions are not allowed in WHERE; filter on aggregates with HAVING',
    },
  ],
  [
    'a nested aggregate',
    'SELECT MAX(COUNT(*)) FROM traffic.pageview',
    { line: 1, column: 12, message: 'aggregate function COUNT(…) is not allowed in the arguments of MAX' },
  ],
  [
    'a GROUP BY on a SELECT alias',
    'SELECT UPPER(url) AS u, COUNT(*) FROM traffic.pageview GROUP BY u',
    {
      line: 1,
      column: 65,
      message:
        "column 'u' not found in traffic.pageview; GROUP BY cannot refer to the SELECT alias 'u'; repeat the expression in GROUP BY",
    },
  ],
  [
    'comparing a string with a number',
    'SELECT url FROM traffic.pageview WHERE url > 5',
    {
      line: 1,
      column: 40,
      message: "cannot compare STRING with INT NOT NULL using '>'; CAST one side to the type of the other",
    },
  ],
  [
    'a WHERE that is not a condition',
    'SELECT url FROM traffic.pageview WHERE user_id',
    { line: 1, column: 40, message: 'the WHERE condition must be BOOLEAN, not BIGINT' },
  ],
  [
    'a function argument of the wrong type',
    'SELECT UPPER(user_id) FROM traffic.pageview',
    {
      line: 1,
      column: 14,
      message: 'argument 1 of UPPER must be STRING, not BIGINT; UPPER takes UPPER(STRING)',
    },
  ],
  [
    'a misspelt function',
    'SELECT LOWR(url) FROM traffic.pageview',
    { line: 1, column: 8, message: "function 'LOWR' not found; did you mean 'LOWER'?" },
  ],
  [
    'a bad date pattern',
    "SELECT DATE_FORMAT(ts, 'yyyy-MM-dd QQ') FROM traffic.pageview",
    { line: 1, column: 8, message: "unknown letter 'Q' in date pattern 'yyyy-MM-dd QQ'" },
  ],
  [
    'an impossible CAST',
    'SELECT CAST(user_id AS TIMESTAMP(3)) FROM traffic.pageview',
    {
      line: 1,
      column: 8,
      message:
        'cannot CAST BIGINT to TIMESTAMP(3); use TO_TIMESTAMP_LTZ(x, 3) for epoch milliseconds or TO_TIMESTAMP_LTZ(x, 0) for epoch seconds',
    },
  ],
  [
    'a window on a column that is not a time attribute',
    "SELECT window_start, COUNT(*)\nFROM TABLE(TUMBLE(TABLE traffic.clickstream, DESCRIPTOR(user_id), INTERVAL '1' MINUTE))\nGROUP BY window_start, window_end",
    {
      line: 2,
      column: 57,
      message:
        'DESCRIPTOR(user_id) must name a time attribute, but it is BIGINT; use a rowtime column (one with a WATERMARK) or a processing-time column (PROCTIME())',
    },
  ],
  [
    'a CUMULATE max size that is not a multiple of the step',
    "SELECT * FROM TABLE(CUMULATE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '7' MINUTE, INTERVAL '1' HOUR))",
    {
      line: 1,
      column: 84,
      message: 'the CUMULATE max size (3600000 ms) must be a whole multiple of the step (420000 ms)',
    },
  ],
  [
    'a window over an updating input',
    "CREATE TEMPORARY VIEW latest AS SELECT user_id, MAX(ts) AS ts FROM traffic.pageview GROUP BY user_id;\nSELECT * FROM TABLE(TUMBLE(TABLE latest, DESCRIPTOR(ts), INTERVAL '1' MINUTE))",
    {
      line: 2,
      column: 15,
      message:
        'window TVFs need an insert-only input, but it emits updates (I,UB,UA); apply the window to the source stream, before any unbounded aggregation or Top-N',
    },
  ],
  [
    'a ROW_NUMBER without a Top-N filter',
    'SELECT * FROM (\n  SELECT auction, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid)',
    {
      line: 2,
      column: 19,
      message:
        'ROW_NUMBER() OVER (…) must be filtered by the enclosing query to become a Top-N or a deduplication; wrap the query and add WHERE rn <= N (Top-N) or = 1 (deduplication)',
    },
  ],
  [
    'ORDER BY without LIMIT',
    'SELECT url FROM traffic.pageview\nORDER BY url',
    {
      line: 2,
      column: 10,
      message:
        'ORDER BY without LIMIT is not supported on a stream; add LIMIT n to keep the top n rows (a Top-N query)',
    },
  ],
  [
    'a temporal join on event time',
    'SELECT * FROM bid AS b\nJOIN dim.product FOR SYSTEM_TIME AS OF b.dateTime AS p ON p.product_id = b.auction',
    {
      line: 2,
      column: 40,
      message:
        'event-time temporal joins (FOR SYSTEM_TIME AS OF a rowtime attribute) are not supported yet; join on the processing time of the probe side: add `proc_time AS PROCTIME()` and use FOR SYSTEM_TIME AS OF proc_time',
    },
  ],
  [
    'a lookup join without a key equality',
    'SELECT * FROM traffic.clickstream AS e\nJOIN dim.product FOR SYSTEM_TIME AS OF e.proc_time AS p\n  ON p.price > 10',
    {
      line: 3,
      column: 6,
      message:
        'the lookup join on dim.product needs an equality between one of its columns and the probe side; e.g. ON p.product_id = <probe column>',
    },
  ],
  [
    'a key-value lookup by a column that is not its key',
    'SELECT * FROM traffic.clickstream AS e\nJOIN dim.`user` FOR SYSTEM_TIME AS OF e.proc_time AS u ON u.channel = e.site',
    {
      line: 2,
      column: 59,
      message:
        "dim.user is a key-value table and can only be looked up by its primary key 'user_id', not by 'channel'",
    },
  ],
  [
    'INTERSECT',
    'SELECT url FROM traffic.pageview\nINTERSECT\nSELECT event FROM traffic.clickstream',
    {
      line: 1,
      column: 1,
      message:
        'INTERSECT is not supported in streaming queries; use UNION ALL, or a JOIN / NOT EXISTS rewrite',
    },
  ],
  [
    'UNION inputs of different widths',
    'SELECT url FROM traffic.pageview\nUNION ALL\nSELECT event, site FROM traffic.clickstream',
    { line: 3, column: 1, message: 'each UNION input must have 1 columns like the first, this one has 2' },
  ],
  [
    'a subquery in an expression',
    'SELECT url FROM traffic.pageview WHERE user_id IN (SELECT user_id FROM traffic.clickstream)',
    { line: 1, column: 40, message: 'subqueries inside expressions are not supported; rewrite it as a JOIN' },
  ],
  [
    'an INSERT with too few columns',
    'INSERT INTO landing.events\nSELECT user_id, event FROM traffic.clickstream',
    {
      line: 2,
      column: 1,
      message:
        "INSERT INTO landing.events expects 4 columns (user_id, event, dt, hh) but the query produces 2: missing values for 'dt' and 'hh'",
    },
  ],
  [
    'an INSERT of a wrong type',
    "INSERT INTO landing.events\nSELECT user_id, COUNT(*) AS c, 'x', 'y'\nFROM traffic.clickstream GROUP BY user_id",
    {
      line: 2,
      column: 17,
      message:
        "query column 2 ('c', BIGINT NOT NULL) cannot be written to column 'event' STRING of landing.events; CAST it AS STRING",
    },
  ],
  [
    'updates into an append-only sink',
    "INSERT INTO landing.events\nSELECT user_id, CAST(COUNT(*) AS STRING), 'x', 'y'\nFROM traffic.clickstream GROUP BY user_id",
    {
      line: 1,
      column: 1,
      message:
        'table landing.events is append-only and cannot consume the update changes (I,UB,UA) produced by a GROUP BY aggregation (GroupAggregate); write to a table with a PRIMARY KEY (an upsert sink), or use a window aggregation (TUMBLE/HOP/CUMULATE), which emits final results only',
    },
  ],
  [
    'an updating Top-N into an append-only sink',
    "INSERT INTO landing.events\nSELECT user_id, event, dt, hh FROM (\n  SELECT user_id, event, 'x' AS dt, 'y' AS hh, ROW_NUMBER() OVER (PARTITION BY event ORDER BY user_id) AS rn\n  FROM traffic.clickstream)\nWHERE rn <= 3",
    {
      line: 1,
      column: 1,
      message:
        'table landing.events is append-only and cannot consume the update changes (I,UB,UA,D) produced by a Top-N (Rank); write to a table with a PRIMARY KEY (an upsert sink), or use a window Top-N (PARTITION BY the window_start and window_end of a window aggregate or window TVF), which emits final results only',
    },
  ],
  [
    'CREATE FUNCTION',
    "CREATE FUNCTION f AS 'com.acme.F'",
    {
      line: 1,
      column: 1,
      message:
        'CREATE FUNCTION is not supported: Weir runs no JVM code; register a TypeScript function in the session FunctionRegistry and call it by name',
    },
  ],
  [
    'an unsupported watermark strategy',
    "CREATE TEMPORARY TABLE t (\n  ts TIMESTAMP(3),\n  WATERMARK FOR ts AS ts + INTERVAL '1' SECOND\n) WITH ('connector' = 'datagen')",
    {
      line: 3,
      column: 23,
      message:
        "only bounded out-of-orderness watermarks are supported; write WATERMARK FOR ts AS ts - INTERVAL '5' SECOND",
    },
  ],
  [
    'a second CREATE of the same table',
    "CREATE TEMPORARY TABLE t (a INT) WITH ('connector' = 'datagen');\nCREATE TEMPORARY TABLE t (a INT) WITH ('connector' = 'datagen')",
    {
      line: 2,
      column: 1,
      message: "'t' already exists in this session; use CREATE … IF NOT EXISTS, or DROP it first",
    },
  ],
]

describe('binder errors name the problem, the fix and the exact position', () => {
  it.each(MISTAKES)('%s', async (_, sql, expected) => {
    const error = await validationError(sql)
    expect({
      line: error.line,
      column: error.column,
      message: error.message.replace(/ at line \d+, column \d+$/, ''),
    }).toEqual(expected)
  })

  it('renders the offending line with the span underlined', async () => {
    const sql = 'SELECT user_id,\n       usr_id\nFROM traffic.pageview'
    expect((await validationError(sql)).format(sql)).toBe(
      [
        "error: column 'usr_id' not found in traffic.pageview; did you mean 'user_id'? at line 2, column 8",
        '  2 |        usr_id',
        '    |        ^^^^^^',
      ].join('\n'),
    )
  })

  it('reports incomplete mini-batch options', async () => {
    const error = await validationError('SELECT user_id, COUNT(*) FROM traffic.pageview GROUP BY user_id', {
      'table.exec.mini-batch.enabled': 'true',
    })
    expect(error.message).toBe(
      "'table.exec.mini-batch.enabled' needs 'table.exec.mini-batch.allow-latency' set to a positive duration, e.g. '2 s'",
    )
  })
})
