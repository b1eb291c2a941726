import { describe, expect, it } from 'vitest'
import { parseScript, parseStatement, toSql } from './index.ts'
import { expectRoundTrip, parseOne, shape, syntaxError, withoutSpans } from './test-support.ts'

describe('CREATE TABLE', () => {
  const ddl = `
    CREATE TEMPORARY TABLE IF NOT EXISTS traffic.clickstream (
      user_id BIGINT NOT NULL COMMENT 'the visitor',
      event STRING,
      price DECIMAL(10, 2),
      tags ARRAY<STRING>,
      attrs MAP<STRING, STRING>,
      device ROW<os STRING, version INT>,
      event_time TIMESTAMP(3),
      proc_time AS PROCTIME(),
      amount_cents AS CAST(price * 100 AS BIGINT) COMMENT 'derived',
      kafka_ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
      \`partition\` INT METADATA VIRTUAL,
      headers MAP<STRING, BYTES> METADATA,
      WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND,
      PRIMARY KEY (user_id, event_time) NOT ENFORCED
    ) COMMENT 'raw clicks'
    PARTITIONED BY (event)
    WITH (
      'connector' = 'kafka',
      'topic' = 'pv_events',
      'properties.bootstrap.servers' = 'localhost:9092',
      'format' = 'avro-confluent'
    )`

  it('reads physical, computed and metadata columns, the watermark, the key and the options', () => {
    const table = parseOne(ddl, 'createTable')
    expect(table).toMatchObject({
      temporary: true,
      ifNotExists: true,
      name: { path: ['traffic', 'clickstream'] },
      comment: 'raw clicks',
      partitionedBy: ['event'],
    })
    expect(table.columns.map((c) => `${c.kind}:${c.name}`)).toEqual([
      'physicalColumn:user_id',
      'physicalColumn:event',
      'physicalColumn:price',
      'physicalColumn:tags',
      'physicalColumn:attrs',
      'physicalColumn:device',
      'physicalColumn:event_time',
      'computedColumn:proc_time',
      'computedColumn:amount_cents',
      'metadataColumn:kafka_ts',
      'metadataColumn:partition',
      'metadataColumn:headers',
    ])
    expect(table.columns[0]).toMatchObject({
      type: { name: 'BIGINT', nullable: false },
      comment: 'the visitor',
    })
    expect(table.columns[9]).toMatchObject({
      key: 'timestamp',
      virtual: true,
      type: { name: 'TIMESTAMP_LTZ', precision: 3 },
    })
    expect(table.columns[10]).toMatchObject({ key: undefined, virtual: true })
    expect(table.columns[11]).toMatchObject({ key: undefined, virtual: false })
    expect(table.watermark).toMatchObject({ column: 'event_time' })
    expect(shape(table.watermark!.strategy)).toBe('(- event_time intervalLiteral)')
    expect(table.primaryKey).toMatchObject({ columns: ['user_id', 'event_time'] })
    expect(table.options.map((o) => [o.key, o.value])).toEqual([
      ['connector', 'kafka'],
      ['topic', 'pv_events'],
      ['properties.bootstrap.servers', 'localhost:9092'],
      ['format', 'avro-confluent'],
    ])
  })

  it('normalises a column-level key to the table-level key', () => {
    const columnLevel = parseStatement('CREATE TABLE t (id BIGINT PRIMARY KEY NOT ENFORCED, v STRING)')
    const tableLevel = parseStatement('CREATE TABLE t (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED)')
    expect(withoutSpans(columnLevel)).toEqual(withoutSpans(tableLevel))
    expect(
      parseOne('CREATE TABLE t (id INT, CONSTRAINT pk PRIMARY KEY (id) NOT ENFORCED)', 'createTable')
        .primaryKey,
    ).toMatchObject({ constraintName: 'pk', columns: ['id'] })
  })

  it('CREATE TABLE … LIKE with merge options', () => {
    const table = parseOne(
      "CREATE TABLE t2 WITH ('topic' = 'x') LIKE t1 (INCLUDING ALL EXCLUDING OPTIONS OVERWRITING WATERMARKS)",
      'createTable',
    )
    expect(table.columns).toEqual([])
    expect(table.like).toMatchObject({
      source: { path: ['t1'] },
      options: [
        { strategy: 'INCLUDING', feature: 'ALL' },
        { strategy: 'EXCLUDING', feature: 'OPTIONS' },
        { strategy: 'OVERWRITING', feature: 'WATERMARKS' },
      ],
    })
  })

  it('prints DDL that Flink accepts, one element per line', () => {
    const printed = toSql(
      parseStatement("create table t (a int, `b c` string, primary key (a) not enforced) with ('k'='v')"),
    )
    expect(printed).toBe(
      [
        'CREATE TABLE t (',
        '  a INT,',
        '  `b c` STRING,',
        '  PRIMARY KEY (a) NOT ENFORCED',
        ')',
        'WITH (',
        "  'k' = 'v'",
        ')',
      ].join('\n'),
    )
  })

  it('refuses what Flink refuses, or what Weir does not support yet, by name', () => {
    expect(syntaxError('CREATE TABLE t (a INT, PRIMARY KEY (a) ENFORCED)')).toMatchObject({
      problem: 'Flink supports only NOT ENFORCED primary keys',
      hint: 'write NOT ENFORCED',
    })
    expect(
      syntaxError('CREATE TABLE t (a INT PRIMARY KEY NOT ENFORCED, PRIMARY KEY (a) NOT ENFORCED)').problem,
    ).toBe('a table can have only one PRIMARY KEY')
    expect(
      syntaxError('CREATE TABLE t (a TIMESTAMP(3), WATERMARK FOR a AS a, WATERMARK FOR a AS a)').problem,
    ).toBe('a table can have only one WATERMARK')
    expect(syntaxError("CREATE TABLE t WITH ('k' = 'v') AS SELECT 1").problem).toBe(
      'CREATE TABLE … AS SELECT is not supported yet',
    )
    expect(syntaxError('CREATE TABLE t (a INT, UNIQUE (a))').problem).toBe(
      'UNIQUE constraint is not supported yet',
    )
    expect(syntaxError('CREATE OR REPLACE TABLE t (a INT)').problem).toBe(
      'CREATE OR REPLACE is not supported yet',
    )
    expect(syntaxError('CREATE CATALOG c WITH ()').problem).toBe('CREATE CATALOG is not supported yet')
    expect(syntaxError("CREATE TABLE t (a INT) WITH ('k' = 1)").problem).toBe(
      "expected a string literal but found '1'",
    )
  })
})

describe('CREATE VIEW, CREATE FUNCTION, DROP', () => {
  it('views with a column list and a comment', () => {
    expect(
      parseOne(
        "CREATE TEMPORARY VIEW IF NOT EXISTS v (a, b) COMMENT 'c' AS SELECT x, y FROM t",
        'createView',
      ),
    ).toMatchObject({
      temporary: true,
      ifNotExists: true,
      name: { path: ['v'] },
      columns: ['a', 'b'],
      comment: 'c',
    })
    expect(
      parseOne('CREATE VIEW db.v AS WITH w AS (SELECT 1) SELECT * FROM w', 'createView').query.with,
    ).toHaveLength(1)
  })

  it('functions, temporary and system, with a language', () => {
    expect(parseOne("CREATE FUNCTION f AS 'com.acme.F'", 'createFunction')).toMatchObject({
      temporary: false,
      system: false,
      implementation: 'com.acme.F',
      language: undefined,
    })
    expect(
      parseOne(
        "CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS geo AS 'udfs.geo' LANGUAGE PYTHON",
        'createFunction',
      ),
    ).toMatchObject({ temporary: true, system: true, ifNotExists: true, language: 'PYTHON' })
    expect(syntaxError("CREATE FUNCTION f AS 'F' USING JAR '/x.jar'").problem).toBe(
      'CREATE FUNCTION … USING JAR is not supported yet',
    )
    expect(syntaxError('CREATE TEMPORARY SYSTEM TABLE t (a INT)').problem).toBe(
      'only functions can be TEMPORARY SYSTEM',
    )
  })

  it('DROP TABLE / VIEW / FUNCTION [IF EXISTS]', () => {
    expect(parseOne('DROP TABLE IF EXISTS cat.db.t', 'drop')).toMatchObject({
      objectType: 'TABLE',
      ifExists: true,
      name: { path: ['cat', 'db', 't'] },
    })
    expect(parseOne('DROP TEMPORARY VIEW v', 'drop')).toMatchObject({ objectType: 'VIEW', temporary: true })
    expect(parseOne('DROP TEMPORARY SYSTEM FUNCTION f', 'drop')).toMatchObject({
      objectType: 'FUNCTION',
      system: true,
    })
    expect(syntaxError('DROP DATABASE d').problem).toBe('DROP DATABASE is not supported yet')
  })
})

describe('INSERT', () => {
  it('INSERT INTO a logical name from a query', () => {
    const insert = parseOne(
      'INSERT INTO dataeye.pv SELECT site, COUNT(*) FROM traffic.pageview GROUP BY site',
      'insert',
    )
    expect(insert).toMatchObject({
      overwrite: false,
      target: { path: ['dataeye', 'pv'] },
      columns: undefined,
    })
    expect(insert.source.body.kind).toBe('select')
  })

  it('INSERT OVERWRITE with a static partition and a column list', () => {
    const insert = parseOne(
      "INSERT OVERWRITE hive.logs PARTITION (dt = '2024-01-31', hh = 10) (a, b) SELECT a, b FROM t",
      'insert',
    )
    expect(withoutSpans(insert.partition)).toEqual([
      { column: 'dt', value: { kind: 'stringLiteral', value: '2024-01-31' } },
      { column: 'hh', value: { kind: 'numericLiteral', text: '10', form: 'integer' } },
    ])
    expect(insert).toMatchObject({ overwrite: true, columns: ['a', 'b'] })
  })

  it('INSERT … VALUES and a parenthesised query', () => {
    expect(parseOne("INSERT INTO t VALUES (1, 'a'), (2, 'b')", 'insert').source.body.kind).toBe('values')
    expect(parseOne('INSERT INTO t (SELECT * FROM s)', 'insert').columns).toBeUndefined()
  })

  it('sink hints', () => {
    expect(
      parseOne("INSERT INTO t /*+ OPTIONS('sink.parallelism' = '4') */ SELECT * FROM s", 'insert').hints,
    ).toMatchObject([{ options: [{ key: 'sink.parallelism', value: '4' }] }])
  })

  it('refuses a non-literal partition value', () => {
    expect(syntaxError('INSERT INTO t PARTITION (dt = a) SELECT 1')).toMatchObject({
      problem: 'a static partition value must be a literal',
      column: 31,
    })
  })
})

describe('SET, RESET, EXPLAIN', () => {
  it('SET and RESET', () => {
    expect(withoutSpans(parseStatement("SET 'table.exec.mini-batch.enabled' = 'true'"))).toEqual({
      kind: 'set',
      key: 'table.exec.mini-batch.enabled',
      value: 'true',
    })
    expect(withoutSpans(parseScript("SET; RESET; RESET 'a.b'"))).toEqual([
      { kind: 'set' },
      { kind: 'reset' },
      { kind: 'reset', key: 'a.b' },
    ])
    expectRoundTrip("SET 'k' = 'it''s'; SET; RESET 'k'; RESET")
    expect(syntaxError('SET parallelism.default = 4')).toMatchObject({
      problem: 'SET keys and values must be quoted',
      hint: "write SET 'key' = 'value'",
    })
  })

  it('EXPLAIN with details, PLAN FOR, INSERT and statement sets', () => {
    expect(parseOne('EXPLAIN CHANGELOG_MODE, ESTIMATED_COST SELECT * FROM t', 'explain')).toMatchObject({
      details: ['CHANGELOG_MODE', 'ESTIMATED_COST'],
      statement: { kind: 'query' },
    })
    expect(withoutSpans(parseStatement('EXPLAIN PLAN FOR SELECT 1'))).toEqual(
      withoutSpans(parseStatement('EXPLAIN SELECT 1')),
    )
    expect(
      parseOne('EXPLAIN JSON_EXECUTION_PLAN INSERT INTO a SELECT * FROM b', 'explain').statement.kind,
    ).toBe('insert')
    const set = parseOne(
      'EXPLAIN STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END',
      'explain',
    )
    expect(set.statement).toMatchObject({ kind: 'statementSet', inserts: [{}, {}] })
  })
})

describe('statement sets', () => {
  it('BEGIN STATEMENT SET; … END; in a script', () => {
    const statements = expectRoundTrip(`
      SET 'pipeline.name' = 'fan-out';
      BEGIN STATEMENT SET;
      INSERT INTO kafka_sink SELECT * FROM src;
      INSERT INTO redis_sink SELECT k, v FROM src;
      END;
      SELECT 1;`)
    expect(statements.map((s) => s.kind)).toEqual(['set', 'statementSet', 'query'])
    expect(statements[1]).toMatchObject({
      inserts: [{ target: { path: ['kafka_sink'] } }, { target: { path: ['redis_sink'] } }],
    })
  })

  it('EXECUTE STATEMENT SET BEGIN … END and EXECUTE INSERT give the same trees', () => {
    const begin = parseScript('BEGIN STATEMENT SET; INSERT INTO a SELECT 1; END')
    const execute = parseScript('EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END;')
    expect(withoutSpans(execute)).toEqual(withoutSpans(begin))
    expect(withoutSpans(parseStatement('EXECUTE INSERT INTO a SELECT 1'))).toEqual(
      withoutSpans(parseStatement('INSERT INTO a SELECT 1')),
    )
    expect(parseStatement('EXECUTE SELECT 1').kind).toBe('query')
  })

  it('only INSERTs belong in a statement set', () => {
    expect(syntaxError('BEGIN STATEMENT SET; SELECT 1; END;').problem).toBe(
      "expected 'END' or 'INSERT' but found 'SELECT'",
    )
    expect(syntaxError('BEGIN STATEMENT SET; END;').problem).toBe('a statement set needs at least one INSERT')
  })
})

describe('scripts', () => {
  it('splits on semicolons, skips empty statements and comments', () => {
    const statements = parseScript(`
      -- leading comment
      ;;
      SELECT 1; /* between */ SELECT 2
      ;`)
    expect(statements).toHaveLength(2)
  })

  it('parseStatement takes exactly one statement', () => {
    expect(parseStatement('SELECT 1;').kind).toBe('query')
    expect(syntaxError('SELECT 1; SELECT 2', parseStatement)).toMatchObject({
      problem: 'expected a single statement',
      hint: 'use parseScript for several',
      column: 11,
    })
    expect(syntaxError('', parseStatement).problem).toBe('expected a statement but found end of input')
  })

  it('names the statements Weir does not support yet', () => {
    expect(syntaxError('SHOW TABLES').problem).toBe('SHOW statement is not supported yet')
    expect(syntaxError('USE CATALOG c').problem).toBe('USE statement is not supported yet')
    expect(syntaxError('ALTER TABLE t RENAME TO u').problem).toBe('ALTER statement is not supported yet')
    expect(syntaxError('DESCRIBE t').problem).toBe('DESCRIBE statement is not supported yet')
    expect(syntaxError('frobnicate').problem).toBe("expected a statement but found 'frobnicate'")
  })
})
