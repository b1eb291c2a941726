import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { SqlValidationError } from './errors.ts'
import { validateScript } from './job/validate-script.ts'
import { SqlSession } from './session.ts'
import { HONOURED_OPTIONS } from './settings.ts'
import { testCatalog } from './testing/fixtures.ts'

const session = (options: Record<string, string> = {}) => new SqlSession({ resolver: testCatalog(), options })

async function errorOf(script: string): Promise<SqlValidationError> {
  const error = await session()
    .planScript(script)
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
  if (!(error instanceof SqlValidationError)) throw new Error(`expected a SqlValidationError, got ${error}`)
  return error
}

const KAFKA_SINK = (options: string) => `
  CREATE TEMPORARY TABLE out (site STRING) WITH (
    'connector' = 'kafka', 'topic' = 'out', 'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'json'${options});`

describe('session options Weir does not honour', () => {
  it('accepts every option it honours, without a warning', async () => {
    const s = session()
    for (const key of Object.keys(HONOURED_OPTIONS)) await s.planScript(`SET '${key}' = '1'`)
    expect(s.warnings).toEqual([])
  })

  it.each([
    ['execution.checkpointing.interval', '1s', 'checkpointing is not available'],
    ['execution.checkpointing.mode', 'EXACTLY_ONCE', 'checkpointing is not available'],
    ['state.backend.type', 'rocksdb', 'keeps operator state in memory'],
    ['state.checkpoints.dir', 's3://bucket/cp', 'keeps operator state in memory'],
    ['table.exec.state.ttl', '1 h', 'state TTL is not implemented'],
    ['execution.runtime-mode', 'batch', 'streaming mode'],
  ])('SET %s is an error at its line that says what to do', async (key, value, advice) => {
    const error = await errorOf(`SET 'parallelism.default' = '1';\nSET '${key}' = '${value}';`)
    expect(error.line).toBe(2)
    expect(error.problem).toBe(`'${key}' is not supported by Weir`)
    expect(error.hint).toContain(advice)
  })

  it('an unknown key is an error suggesting the honoured key it resembles', async () => {
    const error = await errorOf("SET 'table.exec.mini-batch.enable' = 'true'")
    expect(error.problem).toBe("unknown session option 'table.exec.mini-batch.enable'")
    expect(error.hint).toBe("did you mean 'table.exec.mini-batch.enabled'?")
  })

  it('a Flink runtime-only key is accepted with a warning naming it and its line', async () => {
    const s = session()
    const [, set] = await s.planScript(
      "SET 'parallelism.default' = '1';\nSET 'taskmanager.memory.process.size' = '4g';",
    )
    const expected = "'taskmanager.memory.process.size' only tunes Flink's runtime; Weir ignores it (line 2)"
    expect(set).toEqual({
      kind: 'set',
      key: 'taskmanager.memory.process.size',
      value: '4g',
      warning: expected,
    })
    expect(s.warnings).toEqual([expected])
  })

  it('--set options follow the same rules', () => {
    expect(() => session({ 'execution.checkpointing.interval': '1s' })).toThrow(
      /'execution.checkpointing.interval' is not supported by Weir; checkpointing is not available/,
    )
    expect(session({ 'rest.port': '8081' }).warnings).toEqual([
      "'rest.port' only tunes Flink's runtime; Weir ignores it",
    ])
  })
})

describe('exactly-once delivery without checkpoints', () => {
  it("'sink.delivery-guarantee' = 'exactly-once' is an error that says to use at-least-once", async () => {
    const error = await errorOf(`${KAFKA_SINK(
      ", 'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'tx'",
    )}
      INSERT INTO out SELECT site FROM traffic.clickstream;`)
    expect(error.problem).toContain("'sink.delivery-guarantee' = 'exactly-once', which needs checkpointing")
    expect(error.hint).toContain("use 'sink.delivery-guarantee' = 'at-least-once'")
    expect(error.line).toBe(5)
  })

  it('also when a query hint asks for it, and for a transactional id prefix alone', async () => {
    const hinted = await errorOf(`${KAFKA_SINK('')}
      INSERT INTO out /*+ OPTIONS('sink.delivery-guarantee' = 'exactly-once') */ SELECT site FROM traffic.clickstream;`)
    expect(hinted.problem).toContain('exactly-once')
    const prefix = await errorOf(`${KAFKA_SINK(", 'sink.transactional-id-prefix' = 'tx'")}
      INSERT INTO out SELECT site FROM traffic.clickstream;`)
    expect(prefix.problem).toContain("sets 'sink.transactional-id-prefix'")
  })

  it('at-least-once (the default) plans', async () => {
    const planned = await session().planScript(`${KAFKA_SINK(", 'sink.delivery-guarantee' = 'at-least-once'")}
      INSERT INTO out SELECT site FROM traffic.clickstream;`)
    expect(planned.map((statement) => statement.kind)).toEqual(['createTable', 'insert'])
  })
})

describe('weir sql validate', () => {
  it('reports unsupported options and exactly-once as errors, runtime-only keys as warnings', async () => {
    const script = `SET 'taskmanager.numberOfTaskSlots' = '4';
SET 'execution.checkpointing.interval' = '1s';
${KAFKA_SINK(", 'sink.delivery-guarantee' = 'exactly-once'")}
INSERT INTO out SELECT site FROM traffic.clickstream;`
    const result = await validateScript(script, testCatalog())
    expect(result.errors).toHaveLength(2)
    expect(result.errors[0]).toContain("'execution.checkpointing.interval' is not supported by Weir")
    expect(result.errors[1]).toContain('exactly-once')
    expect(result.warnings).toEqual([
      "'taskmanager.numberOfTaskSlots' only tunes Flink's runtime; Weir ignores it (line 1)",
    ])
  })

  it('prints the warning on stderr from the command line', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'weir-settings-'))
    try {
      const file = join(directory, 'job.sql')
      await writeFile(
        file,
        `SET 'pipeline.name' = 'daily';
CREATE TEMPORARY TABLE src (url STRING) WITH ('connector' = 'datagen', 'generator' = 'clickstream');
CREATE TEMPORARY TABLE dst (url STRING) WITH ('connector' = 'blackhole');
INSERT INTO dst SELECT url FROM src;`,
      )
      const weir = fileURLToPath(new URL('../../bin/weir.js', import.meta.url))
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [
        weir,
        'sql',
        'validate',
        file,
        '--data-dir',
        directory,
      ])
      expect(stdout).toBe('ok: 4 statements\n')
      expect(stderr).toBe("warning: 'pipeline.name' only tunes Flink's runtime; Weir ignores it (line 1)\n")
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })
})
