/**
 * `weir sql`: plan a Flink SQL script (SET, CREATE TEMPORARY TABLE/VIEW, INSERT / STATEMENT SET, SELECT) and
 * validate it, print its plan or run it on the embedded engine. Tables the script does not create are UDM
 * datasets by logical name (`traffic.pageview`), resolved on a server (--url) or the embedded catalog.
 */
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { explain, type LogicalPlan, type PlannedStatement, SqlSession } from '../../sql/index.ts'
import { planJob, runJob } from '../../sql/job/index.ts'
import { lastOption } from '../../sql/job/job-pipeline.ts'
import { validateScript } from '../../sql/job/validate-script.ts'
import type { LogicalPlan as JobPlan } from '../../sql/plan/nodes.ts'
import { TOP_LEVEL_DESCRIPTIONS } from '../command-descriptions.ts'
import { ResultDisplay } from '../result-view/result-display.ts'
import { chooseResultMode, RESULT_MODE_OPTION, type ResultMode } from '../result-view/result-mode.ts'
import { ProgressReporter } from './job-progress.ts'
import { LazyCatalogResolver, type SqlCatalogOptions, withSqlCatalogOptions } from './sql-catalog.ts'
import { reportFailures } from './udm-options.ts'

interface RunOptions extends SqlCatalogOptions {
  set: string[]
  operatorMetrics?: boolean
  resultMode?: string
}

export function registerSqlCommands(program: Command): void {
  const sql = program.command('sql').description(TOP_LEVEL_DESCRIPTIONS.sql)

  withScriptOptions(
    sql
      .command('run')
      .description(
        'run the INSERTs of a script as one job until its bounded sources end (or Ctrl-C); print tables and SELECTs show their results',
      )
      .option(
        '--operator-metrics',
        'add a progress line per operator: records in/out and rates, watermark, state, late records',
      )
      .option(
        '--result-mode <mode>',
        `how print tables and SELECTs show results: table (updated in place), changelog (+I[…] lines) or tableau; as SET '${RESULT_MODE_OPTION}' (default: table on a terminal, else changelog)`,
      ),
  ).action((file: string, options: RunOptions) =>
    withCatalog(options, async (resolver) => {
      const script = await readFile(file, 'utf8')
      await runWithProgress(script, parseSets(options.set), resolver, {
        perOperator: options.operatorMetrics === true,
        resultMode: options.resultMode,
      })
    }),
  )

  withScriptOptions(
    sql.command('explain').description('print the optimized plan of every query and INSERT of a script'),
  ).action((file: string, options: RunOptions) =>
    withCatalog(options, async (resolver) => {
      const script = await readFile(file, 'utf8')
      // Validate's checks first: the plan of a job that would fail as it starts is not worth printing.
      if (reportErrors(file, (await validateWithCatalog(script, resolver, options)).errors)) return
      const session = new SqlSession({ resolver, options: parseSets(options.set) })
      const plans = (await session.planScript(script)).flatMap((statement) => planOf(statement))
      printWarnings(session.warnings)
      if (plans.length === 0) throw new Error(`${file} has no query or INSERT to explain`)
      process.stdout.write(`${plans.map((plan) => explain(plan)).join('\n\n')}\n`)
    }),
  )

  withScriptOptions(
    sql
      .command('validate')
      .description('parse and plan every statement against the catalog; report each error with its position'),
  ).action((file: string, options: RunOptions) =>
    withCatalog(options, async (resolver) => {
      const script = await readFile(file, 'utf8')
      const { statements, errors, warnings } = await validateWithCatalog(script, resolver, options)
      printWarnings(warnings)
      if (reportErrors(file, errors)) return
      process.stdout.write(`ok: ${statements} statements\n`)
    }),
  )
}

/** The script argument, session options and where the catalog is. */
function withScriptOptions(command: Command): Command {
  return withSqlCatalogOptions(
    command
      .argument('<file>', 'the SQL script')
      .option('--set <key=value>', "a session option, as SET 'key' = 'value' (repeatable)", collect, []),
  )
}

/** Runs `action` with the catalog resolver; failures print one line and set exit code 1. */
function withCatalog(
  options: SqlCatalogOptions,
  action: (resolver: LazyCatalogResolver) => Promise<void>,
): Promise<void> {
  return reportFailures(async () => {
    const resolver = new LazyCatalogResolver(options)
    try {
      await action(resolver)
    } finally {
      await resolver.close()
    }
  })
}

/** Validates a script as `weir sql run` would start it, its connectors getting the catalog's schemas. */
function validateWithCatalog(
  script: string,
  resolver: LazyCatalogResolver,
  options: RunOptions,
): ReturnType<typeof validateScript> {
  return validateScript(script, resolver, parseSets(options.set), () => resolver.connectorContext())
}

/** Prints a script's errors, each with its line and caret, and sets exit code 1; false when there are none. */
function reportErrors(file: string, errors: readonly string[]): boolean {
  if (errors.length === 0) return false
  process.stderr.write(`${errors.join('\n\n')}\n${file}: ${errors.length} error(s)\n`)
  process.exitCode = 1
  return true
}

/** Options the script sets that Weir ignores: on stderr, so that ignoring them is never silent. */
function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`)
}

function planOf(statement: PlannedStatement): LogicalPlan[] {
  return statement.kind === 'query' || statement.kind === 'insert' || statement.kind === 'explain'
    ? [statement.plan]
    : []
}

async function runWithProgress(
  script: string,
  sets: Record<string, string>,
  resolver: LazyCatalogResolver,
  show: { perOperator: boolean; resultMode: string | undefined },
): Promise<void> {
  // Planned once up front: the catalog opens only if the script reads or writes its tables, and only then
  // do connectors get its schemas (a context that worker threads of a parallel job cannot take).
  const job = await planJob({ script, resolver, sets })
  printWarnings(job.warnings)
  const display = new ResultDisplay({
    mode: resultModeOf(show.resultMode, lastOption(job.inserts, RESULT_MODE_OPTION), job.inserts),
    stdout: process.stdout,
    stderr: process.stderr,
  })
  const connectorContext = await resolver.connectorContext()
  const controller = new AbortController()
  const cancel = (): void => controller.abort()
  // `weir sql run job.sql | head` closes stdout early: stop the job as Unix tools do instead of crashing.
  const onStdoutError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') throw error
    cancel()
  }
  process.once('SIGINT', cancel)
  process.stdout.on('error', onStdoutError)
  const progress = new ProgressReporter(display.progress, show.perOperator)
  try {
    const result = await runJob({
      script,
      sets,
      resolver,
      ...(connectorContext === undefined ? {} : { connectorContext }),
      ...(display.sinkFor === undefined ? {} : { sinkFor: display.sinkFor }),
      signal: controller.signal,
      onProgress: progress.report,
    })
    progress.finish(result)
    display.finish()
  } finally {
    display.close()
    process.off('SIGINT', cancel)
  }
}

function resultModeOf(
  flag: string | undefined,
  setting: string | undefined,
  inserts: readonly JobPlan[],
): ResultMode {
  const mode = chooseResultMode(flag, setting, process.stdout.isTTY === true)
  const parallelism = lastOption(inserts, 'parallelism.default') ?? '1'
  if (mode === 'changelog' || parallelism === '1') return mode
  process.stderr.write(
    `note: result mode '${mode}' needs 'parallelism.default' = '1' for now; printing the changelog of the ${parallelism} subtasks instead\n`,
  )
  return 'changelog'
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
