import type { ConnectorContext } from '../../connectors/engine/context.ts'
import type { TableResolver } from '../catalog/table-resolver.ts'
import { SqlValidationError } from '../errors.ts'
import { parseScript, SqlSyntaxError } from '../parser/index.ts'
import { type PlannedStatement, SqlSession } from '../session.ts'
import { checkLikeRuntime } from './runtime-checks.ts'
import { ScriptLocations } from './script-locations.ts'

export interface ScriptValidation {
  /** How many statements the script has (0 when it does not parse). */
  readonly statements: number
  /** Each problem as a terminal would show it: the message, and for SQL errors the line with a caret. */
  readonly errors: readonly string[]
  /** Options Weir accepts but ignores (Flink runtime tuning), each naming the option. */
  readonly warnings: readonly string[]
}

/**
 * Parses a script and plans every statement against the catalog, going on after a statement that fails so
 * that one run reports every problem (a statement that uses a failed one's table fails too). A syntax
 * error stops at once: what follows it cannot be split into statements reliably. Each query and INSERT is
 * then checked as `weir sql run` would check it before reading data (see `checkLikeRuntime`), without
 * opening any connection. `connectorContext` gives what `weir sql run` would give the connectors (a catalog's
 * schemas), asked after each statement is planned, since planning is what opens the catalog.
 */
export async function validateScript(
  script: string,
  resolver: TableResolver,
  sets: Readonly<Record<string, string>> = {},
  connectorContext: () => Promise<ConnectorContext | undefined> = async () => undefined,
): Promise<ScriptValidation> {
  let statements: ReturnType<typeof parseScript>
  try {
    statements = parseScript(script)
  } catch (error) {
    return { statements: 0, errors: [describe(error, script)], warnings: [] }
  }
  const errors: string[] = []
  let session: SqlSession
  try {
    session = new SqlSession({ resolver, options: { ...sets } })
  } catch (error) {
    return { statements: statements.length, errors: [describe(error, script)], warnings: [] }
  }
  const locations = new ScriptLocations(script, statements)
  const warnings: string[] = []
  for (const [index, statement] of statements.entries()) {
    let planned: PlannedStatement
    try {
      planned = await session.plan(statement)
    } catch (error) {
      errors.push(describe(error, script))
      continue
    }
    // What planning accepts may still fail when the job starts: connector options, unsupported nodes.
    const checks = await checkLikeRuntime(planned, statement, index, locations, {
      connectorContext: (await connectorContext()) ?? {},
    })
    errors.push(...checks.errors.map((error) => error.format(script)))
    warnings.push(...checks.warnings)
  }
  // A table used by several statements would report its bad option once per statement.
  return {
    statements: statements.length,
    errors: [...new Set(errors)],
    warnings: [...session.warnings, ...new Set(warnings)],
  }
}

function describe(error: unknown, script: string): string {
  if (error instanceof SqlSyntaxError) return error.format()
  if (error instanceof SqlValidationError) return error.format(script)
  if (error instanceof Error) return `error: ${error.message}`
  throw error
}
