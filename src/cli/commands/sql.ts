/**
 * `weir sql`: plan a Flink SQL script (SET, CREATE TEMPORARY TABLE/VIEW, INSERT / STATEMENT SET) and print its
 * plan or run it on the embedded engine. Tables come from the script only: catalog (UDM) datasets are not
 * resolved yet, so every table a script reads or writes must be a CREATE TEMPORARY TABLE of the script.
 */
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import {
  explain,
  type LogicalPlan,
  type PlannedStatement,
  SqlSession,
  StaticTableResolver,
} from '../../sql/index.ts'
import { type JobProgress, runJob } from '../../sql/job/index.ts'
import { reportFailures } from './udm-options.ts'

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
        const script = await readFile(file, 'utf8')
        await runWithProgress(script, parseSets(options.set))
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

async function runWithProgress(script: string, sets: Record<string, string>): Promise<void> {
  const controller = new AbortController()
  const cancel = (): void => controller.abort()
  // `weir sql run job.sql | head` closes stdout early: stop the job as Unix tools do instead of crashing.
  const onStdoutError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') throw error
    cancel()
  }
  process.once('SIGINT', cancel)
  process.stdout.on('error', onStdoutError)
  let last = { at: Date.now(), records: 0 }
  const onProgress = (progress: JobProgress): void => {
    const now = Date.now()
    const rate = ((progress.recordsIn - last.records) * 1000) / Math.max(1, now - last.at)
    last = { at: now, records: progress.recordsIn }
    process.stderr.write(
      `records in: ${progress.recordsIn} (${Math.round(rate)}/s), watermark: ${formatWatermark(progress.watermark)}\n`,
    )
  }
  try {
    const result = await runJob({ script, sets, signal: controller.signal, onProgress })
    process.stderr.write(
      `${result.cancelled ? 'cancelled' : 'finished'}: ${result.recordsIn} records in, ${result.lateRecords} late\n`,
    )
  } finally {
    process.off('SIGINT', cancel)
  }
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
