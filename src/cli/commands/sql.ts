/**
 * `weir sql`: plan a Flink SQL script (SET, CREATE TEMPORARY TABLE/VIEW, INSERT / STATEMENT SET) and print its
 * plan or run it on the embedded engine. Tables come from the script only: catalog (UDM) datasets are not
 * resolved yet, so every table a script reads or writes must be a CREATE TEMPORARY TABLE of the script.
 */
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { OperatorMetricsSnapshot } from '../../engine/index.ts'
import {
  createRuntimeEnv,
  explain,
  type LogicalPlan,
  type PlannedStatement,
  SqlSession,
  StaticTableResolver,
} from '../../sql/index.ts'
import { type PlannedPipeline, planPipeline } from '../../sql/physical/index.ts'
import { reportFailures } from './udm-options.ts'

const PROGRESS_INTERVAL_MS = 1000

interface RunOptions {
  set: string[]
}

export function registerSqlCommands(program: Command): void {
  const sql = program.command('sql').description('plan and run Flink SQL scripts on the embedded engine')

  sql
    .command('run')
    .description('run the INSERTs of a script as one job until its bounded sources end (or Ctrl-C)')
    .argument('<file>', 'the SQL script')
    .option('--set <key=value>', "a session option, as SET 'key' = 'value' (repeatable)", collect, [])
    .action((file: string, options: RunOptions) =>
      reportFailures(async () => {
        const statements = await planFile(file, parseSets(options.set))
        const inserts = insertPlans(statements)
        if (inserts.length === 0) throw new Error(`${file} has no INSERT INTO statement to run`)
        const env = createRuntimeEnv(envOptions(inserts))
        await runPipeline(await planPipeline(inserts, { env }))
      }),
    )

  sql
    .command('explain')
    .description('print the optimized plan of every query and INSERT of a script')
    .argument('<file>', 'the SQL script')
    .option('--set <key=value>', "a session option, as SET 'key' = 'value' (repeatable)", collect, [])
    .action((file: string, options: RunOptions) =>
      reportFailures(async () => {
        const statements = await planFile(file, parseSets(options.set))
        const plans = statements.flatMap((statement) => planOf(statement))
        if (plans.length === 0) throw new Error(`${file} has no query or INSERT to explain`)
        process.stdout.write(`${plans.map((plan) => explain(plan)).join('\n\n')}\n`)
      }),
    )
}

async function planFile(file: string, options: Record<string, string>): Promise<PlannedStatement[]> {
  const script = await readFile(file, 'utf8')
  const session = new SqlSession({ resolver: new StaticTableResolver({}), options })
  return session.planScript(script)
}

function planOf(statement: PlannedStatement): LogicalPlan[] {
  return statement.kind === 'query' || statement.kind === 'insert' || statement.kind === 'explain'
    ? [statement.plan]
    : []
}

function insertPlans(statements: readonly PlannedStatement[]): LogicalPlan[] {
  const plans: LogicalPlan[] = []
  for (const statement of statements) {
    if (statement.kind === 'explain') process.stdout.write(`${statement.text}\n`)
    if (statement.kind === 'query')
      throw new Error('a SELECT without INSERT INTO cannot run yet: INSERT INTO a print table instead')
    if (statement.kind === 'insert') plans.push(statement.plan)
  }
  return plans
}

/** Compiled expressions evaluate in the session time zone in force at the last INSERT. */
function envOptions(inserts: readonly LogicalPlan[]): { timeZone?: string } {
  const zone = inserts[inserts.length - 1]?.options['table.local-time-zone']
  return zone === undefined ? {} : { timeZone: zone }
}

async function runPipeline(planned: PlannedPipeline): Promise<void> {
  const { pipeline } = planned
  const cancel = (): void => pipeline.cancel()
  // `weir sql run job.sql | head` closes stdout early: stop the job as Unix tools do instead of crashing.
  const onStdoutError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') throw error
    cancel()
  }
  process.once('SIGINT', cancel)
  process.stdout.on('error', onStdoutError)
  let last = { at: Date.now(), records: 0 }
  const timer = setInterval(() => {
    const now = Date.now()
    const progress = measure(planned, pipeline.metrics())
    const rate = ((progress.records - last.records) * 1000) / Math.max(1, now - last.at)
    last = { at: now, records: progress.records }
    process.stderr.write(
      `records in: ${progress.records} (${Math.round(rate)}/s), watermark: ${formatWatermark(progress.watermark)}\n`,
    )
  }, PROGRESS_INTERVAL_MS)
  try {
    const result = await pipeline.run()
    const progress = measure(planned, result.metrics)
    const late = result.metrics.reduce((total, node) => total + node.lateRecords, 0)
    process.stderr.write(
      `${result.cancelled ? 'cancelled' : 'finished'}: ${progress.records} records in, ${late} late\n`,
    )
  } finally {
    clearInterval(timer)
    process.off('SIGINT', cancel)
  }
}

/** Records read by all sources, and the event time the sinks have reached (the least of their watermarks). */
function measure(
  planned: PlannedPipeline,
  metrics: readonly OperatorMetricsSnapshot[],
): { records: number; watermark: number } {
  const byName = new Map(metrics.map((node) => [node.name, node]))
  const records = planned.sourceNodes.reduce((total, name) => total + (byName.get(name)?.recordsOut ?? 0), 0)
  const watermark = Math.min(...planned.sinkNodes.map((name) => byName.get(name)?.watermark ?? -Infinity))
  return { records, watermark }
}

function formatWatermark(watermark: number): string {
  if (watermark === -Infinity) return 'none'
  if (watermark === Infinity) return 'end of input'
  return new Date(watermark).toISOString()
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

function parseSets(pairs: readonly string[]): Record<string, string> {
  const options: Record<string, string> = {}
  for (const pair of pairs) {
    const equals = pair.indexOf('=')
    if (equals <= 0) throw new Error(`--set takes key=value, got '${pair}'`)
    options[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim()
  }
  return options
}
