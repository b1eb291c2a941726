import { ConnectorOptionError } from '../../connectors/engine/options.ts'
import { SqlValidationError } from '../errors.ts'
import type { InsertStatement, Statement } from '../parser/index.ts'
import { UnsupportedPlanError } from '../physical/errors.ts'
import type { PlannedStatement } from '../session.ts'
import { type DryRunOptions, type DryRunProblem, dryRun } from './dry-run.ts'
import { checkNotNullColumns } from './not-null-check.ts'
import { printQuery } from './print-query.ts'
import type { ScriptLocations } from './script-locations.ts'

export interface RuntimeChecks {
  /** What `weir sql run` would fail on before reading data, each at its place in the script. */
  readonly errors: readonly SqlValidationError[]
  /** What may fail once data flows (a nullable value into a NOT NULL column), with its place. */
  readonly warnings: readonly string[]
}

/**
 * The checks `weir sql run` makes before it reads any data, for statement `index` of a script, without
 * opening a connection: the physical translation with every connector's options checked (see `dryRun`) and
 * the sinks' NOT NULL columns against the values written to them.
 */
export async function checkLikeRuntime(
  planned: PlannedStatement,
  statement: Statement,
  index: number,
  locations: ScriptLocations,
  connectors: DryRunOptions = {},
): Promise<RuntimeChecks> {
  if (planned.kind !== 'insert' && planned.kind !== 'query') return { errors: [], warnings: [] }
  const plan = printQuery(planned.plan)
  const problems = await dryRun(plan, connectors)
  const errors = problems.map((problem) => locate(problem, index, locations))
  const warnings: string[] = []
  const inserts = insertsOf(statement)
  if (planned.kind === 'insert' && plan.kind === 'insert') {
    for (const [i, sink] of plan.sinks.entries()) {
      const insert = inserts[i]
      if (insert === undefined) continue
      for (const finding of notNullFindings(() => checkNotNullColumns(sink, insert, plan.options))) {
        const located = new SqlValidationError({
          problem: finding.problem,
          hint: finding.hint,
          span: finding.span,
        })
        if (finding.severity === 'error') errors.push(located)
        else warnings.push(located.message)
      }
    }
  }
  return { errors, warnings }
}

function insertsOf(statement: Statement): readonly InsertStatement[] {
  if (statement.kind === 'insert') return [statement]
  if (statement.kind === 'statementSet') return statement.inserts
  return []
}

/** A bad enforcer option is reported once, by the translation that reads it too. */
function notNullFindings<T>(check: () => readonly T[]): readonly T[] {
  try {
    return check()
  } catch {
    return []
  }
}

/** A problem as a positioned error naming its table: the option at fault, the table's use, or the statement. */
function locate(problem: DryRunProblem, index: number, locations: ScriptLocations): SqlValidationError {
  const { error, table } = problem
  if (error instanceof SqlValidationError && error.span !== undefined) return error
  const message =
    error instanceof SqlValidationError ? error.problem : String((error as Error)?.message ?? error)
  const hint = error instanceof SqlValidationError ? error.hint : undefined
  if (table === undefined)
    return new SqlValidationError({
      problem: message,
      ...(hint === undefined ? {} : { hint }),
      span: locations.statementSpan(index),
    })
  const span =
    error instanceof UnsupportedPlanError
      ? locations.tableUse(index, table, true)
      : locations.tableOption(index, table, error instanceof ConnectorOptionError ? error.option : undefined)
  // Connector messages name the connector and option; the table is added where they do not name it.
  const named = message.includes(`'${table}'`) || message.includes(` ${table}`)
  return new SqlValidationError({ problem: named ? message : `table '${table}': ${message}`, span })
}
