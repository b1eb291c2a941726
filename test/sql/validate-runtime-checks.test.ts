import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { weir } from '../harness/weir-cli.ts'

/**
 * `weir sql validate` and `weir sql explain` report what `weir sql run` would fail on as the job starts
 * (issue #17), each error naming the table, at the line and column of the option (or WITH clause or
 * expression) with a caret, and without opening a connection: the Kafka tables point at a local listener
 * that counts the connections it is offered, and none may come.
 */
let dir: string
let broker: Server
let connections = 0
let servers: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-validate-'))
  broker = createServer((socket) => {
    connections += 1
    socket.destroy()
  })
  await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve))
  const address = broker.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  servers = `127.0.0.1:${address.port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => broker.close(() => resolve()))
  await rm(dir, { recursive: true, force: true })
})

/** A Kafka table over the counting listener; `options` replace or add WITH options (undefined removes). */
function kafkaTable(name: string, options: Record<string, string | undefined> = {}): string {
  const all: Record<string, string | undefined> = {
    connector: 'kafka',
    topic: name,
    'properties.bootstrap.servers': servers,
    format: 'json',
    ...options,
  }
  const lines = Object.entries(all)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `  '${key}' = '${value}'`)
  return `CREATE TEMPORARY TABLE ${name} (\n  user_id BIGINT,\n  url STRING\n) WITH (\n${lines.join(',\n')}\n);\n`
}

async function validate(name: string, script: string, command = 'validate') {
  const file = join(dir, `${name}.sql`)
  await writeFile(file, script)
  return weir('sql', command, file, '--data-dir', join(dir, 'catalog'))
}

describe('weir sql validate checks what the job would fail on as it starts, without connecting', () => {
  it('passes a correct Kafka job, and opens no connection for it', async () => {
    const script = `${kafkaTable('clicks')}${kafkaTable('copy')}INSERT INTO copy SELECT * FROM clicks;\n`
    expect(await validate('good', script)).toEqual({ out: 'ok: 3 statements\n', err: '', exitCode: 0 })
    expect(connections).toBe(0)
  })

  it('an unknown connector: at the connector option, with the closest name', async () => {
    const script = `${kafkaTable('clicks')}${kafkaTable('copy', { connector: 'kafak' })}INSERT INTO copy SELECT * FROM clicks;\n`
    const run = await validate('connector', script)
    expect(run.exitCode).toBe(1)
    expect(run.err).toContain(
      [
        "error: table 'copy': connector 'kafak' cannot be used as a sink; did you mean 'kafka'? supported sink connectors: kafka, upsert-kafka, filesystem, print, blackhole at line 14, column 3",
        "  14 |   'connector' = 'kafak',",
        '     |   ^^^^^^^^^^^^^^^^^^^^^',
      ].join('\n'),
    )
    expect(run.err).toContain('connector.sql: 1 error(s)')
    expect(connections).toBe(0)
  })

  it('an unknown option: at the option, with the option it most likely means', async () => {
    const script = `${kafkaTable('clicks', { 'scan.startup.mod': 'earliest-offset' })}SELECT * FROM clicks;\n`
    const run = await validate('option', script)
    expect(run.exitCode).toBe(1)
    expect(run.err).toMatch(
      /error: table 'clicks': unknown option 'scan\.startup\.mod' for connector 'kafka'; did you mean 'scan\.startup\.mode'\? valid options: .* at line 9, column 3\n {2}9 \| {3}'scan\.startup\.mod' = 'earliest-offset'\n {4}\| {3}\^{38}\n/,
    )
    expect(connections).toBe(0)
  })

  it('a bad option value: at the option, naming the values it takes', async () => {
    const script = `${kafkaTable('clicks', { 'scan.startup.mode': 'bogus' })}SELECT * FROM clicks;\n`
    const run = await validate('value', script)
    expect(run.exitCode).toBe(1)
    expect(run.err).toContain(
      [
        "error: table 'clicks': option 'scan.startup.mode' must be one of group-offsets, earliest-offset, latest-offset, timestamp, specific-offsets; got 'bogus' at line 9, column 3",
        "  9 |   'scan.startup.mode' = 'bogus'",
      ].join('\n'),
    )
    expect(connections).toBe(0)
  })

  it('an option given in an OPTIONS hint: at the hint', async () => {
    const script = `${kafkaTable('clicks')}SELECT url\nFROM clicks /*+ OPTIONS('scan.bounded.mode' = 'latest') */;\n`
    const run = await validate('hint', script)
    expect(run.exitCode).toBe(1)
    expect(run.err).toContain(
      [
        "error: table 'clicks': option 'scan.bounded.mode' must be one of unbounded, latest-offset, group-offsets, timestamp, specific-offsets; got 'latest' at line 11, column 25",
        "  11 | FROM clicks /*+ OPTIONS('scan.bounded.mode' = 'latest') */;",
        `     | ${' '.repeat(24)}${'^'.repeat(30)}`,
      ].join('\n'),
    )
    expect(connections).toBe(0)
  })

  it('a missing format: at the WITH clause', async () => {
    const script = `${kafkaTable('clicks')}${kafkaTable('copy', { format: undefined })}INSERT INTO copy SELECT * FROM clicks;\n`
    const run = await validate('format', script)
    expect(run.exitCode).toBe(1)
    expect(run.err).toContain(
      [
        "error: table 'copy': connector 'kafka' requires option 'format' (or 'value.format'): add 'format' = 'json' to the WITH clause at line 13, column 3",
        '  13 | ) WITH (',
        '     |   ^^^^',
      ].join('\n'),
    )
    expect(connections).toBe(0)
  })

  it('every bad table of a statement in one run, and a table shared by statements once', async () => {
    const script = `${kafkaTable('clicks', { 'scan.startup.mode': 'bogus' })}${kafkaTable('copy', { format: undefined })}INSERT INTO copy SELECT * FROM clicks;\nSELECT url FROM clicks;\n`
    const run = await validate('several', script)
    expect(run.exitCode).toBe(1)
    expect(run.err).toContain("table 'clicks': option 'scan.startup.mode' must be one of")
    expect(run.err).toContain("table 'copy': connector 'kafka' requires option 'format'")
    expect(run.err).toContain('several.sql: 2 error(s)')
  })

  it('a lookup join, which the engine cannot run yet: at the FOR SYSTEM_TIME AS OF table', async () => {
    const script = [
      "CREATE TEMPORARY TABLE clicks (user_id BIGINT, url STRING, proc AS PROCTIME()) WITH ('connector' = 'datagen', 'generator' = 'clickstream');",
      "CREATE TEMPORARY TABLE users (user_id BIGINT, name STRING, PRIMARY KEY (user_id) NOT ENFORCED) WITH ('connector' = 'redis');",
      'SELECT c.url, u.name FROM clicks AS c',
      'JOIN users FOR SYSTEM_TIME AS OF c.proc AS u ON u.user_id = c.user_id;',
      '',
    ].join('\n')
    const run = await validate('lookup', script)
    expect(run.exitCode).toBe(1)
    expect(run.err).toContain(
      [
        'error: LookupJoin (FOR SYSTEM_TIME AS OF) on users is not supported by the embedded engine yet: lookup joins are planned; until then join a table the engine can scan with a regular JOIN, or look rows up by key with the client SDK at line 4, column 6',
        '  4 | JOIN users FOR SYSTEM_TIME AS OF c.proc AS u ON u.user_id = c.user_id;',
        '    |      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      ].join('\n'),
    )
  })

  it('a NULL written into a NOT NULL column: at the expression; a nullable value is a warning', async () => {
    const sink =
      "CREATE TEMPORARY TABLE counted (user_id BIGINT NOT NULL, url STRING) WITH ('connector' = 'blackhole');\n"
    const script = `${kafkaTable('clicks')}${sink}INSERT INTO counted SELECT CAST(NULL AS BIGINT), url FROM clicks;\nINSERT INTO counted SELECT user_id, url FROM clicks;\n`
    const run = await validate('not-null', script)
    expect(run.exitCode).toBe(1)
    expect(run.err).toContain(
      [
        "error: column 'user_id' of counted is NOT NULL, however, a null value is being written into it (every row); write a value, or declare the column without NOT NULL at line 11, column 28",
        '  11 | INSERT INTO counted SELECT CAST(NULL AS BIGINT), url FROM clicks;',
        '     |                            ^^^^^^^^^^^^^^^^^^^^',
      ].join('\n'),
    )
    expect(run.err).toContain(
      "warning: column 'user_id' of counted is NOT NULL, but the value written into it can be NULL: a NULL fails the job; use COALESCE(…, <default>), or SET 'table.exec.sink.not-null-enforcer' = 'DROP' to drop such rows as dead letters at line 12, column 28",
    )
    expect(run.err).toContain('not-null.sql: 1 error(s)')
    // With DROP a nullable value is what the enforcer is for: no warning.
    const dropping = await validate(
      'not-null-drop',
      `SET 'table.exec.sink.not-null-enforcer' = 'DROP';\n${kafkaTable('clicks')}${sink}INSERT INTO counted SELECT user_id, url FROM clicks;\n`,
    )
    expect(dropping).toEqual({ out: 'ok: 4 statements\n', err: '', exitCode: 0 })
    expect(connections).toBe(0)
  })

  it('weir sql explain refuses the same scripts, with the same errors', async () => {
    const script = `${kafkaTable('clicks', { 'scan.startup.mode': 'bogus' })}SELECT * FROM clicks;\n`
    const run = await validate('explain', script, 'explain')
    expect(run.exitCode).toBe(1)
    expect(run.out).toBe('')
    expect(run.err).toContain(
      "error: table 'clicks': option 'scan.startup.mode' must be one of group-offsets, earliest-offset, latest-offset, timestamp, specific-offsets; got 'bogus' at line 9, column 3",
    )
    expect(connections).toBe(0)
  })
})
