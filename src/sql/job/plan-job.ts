import type { ResolvedTable, TableResolver } from '../catalog/table-resolver.ts'
import type { FunctionRegistry } from '../functions/registry.ts'
import type { LogicalPlan } from '../plan/nodes.ts'
import { reuseSourcesOfJob } from '../plan/rules/reuse-source.ts'
import { type PlannedStatement, SqlSession } from '../session.ts'
import { printQuery } from './print-query.ts'

/** A script planned as one job: its INSERTs run together, like a STATEMENT SET. */
export interface PlannedJob {
  readonly statements: readonly PlannedStatement[]
  /** What the job runs, in script order: the INSERT plans, and each bare SELECT as an INSERT into print. */
  readonly inserts: readonly LogicalPlan[]
  /** The bare SELECT plans, in script order. */
  readonly queries: readonly LogicalPlan[]
  /**
   * Every catalog table the script resolved, by dotted path. Worker threads re-plan the script over exactly
   * these tables, so that every subtask sees the same catalog snapshot and builds the same plan.
   */
  readonly resolvedTables: Readonly<Record<string, ResolvedTable>>
  /** Options the script sets that Weir ignores (Flink runtime tuning), for the caller to show. */
  readonly warnings: readonly string[]
}

export interface PlanJobOptions {
  readonly script: string
  readonly resolver: TableResolver
  /** Session options, as `SET 'key' = 'value'` at the top of the script would set them. */
  readonly sets?: Readonly<Record<string, string>>
  /** User-defined scalar functions the script may call by name. */
  readonly functions?: FunctionRegistry
}

export async function planJob(options: PlanJobOptions): Promise<PlannedJob> {
  const recorder = new RecordingResolver(options.resolver)
  const session = new SqlSession({
    resolver: recorder,
    options: { ...options.sets },
    ...(options.functions === undefined ? {} : { functions: options.functions }),
  })
  const statements = await session.planScript(options.script)
  const inserts: LogicalPlan[] = []
  const queries: LogicalPlan[] = []
  for (const statement of statements) {
    if (statement.kind === 'insert') inserts.push(statement.plan)
    if (statement.kind === 'query') {
      queries.push(statement.plan)
      inserts.push(printQuery(statement.plan))
    }
  }
  // The INSERTs run as one pipeline, so a table they all read is opened once for all of them too.
  return {
    statements,
    inserts: reuseSourcesOfJob(inserts),
    queries,
    resolvedTables: Object.fromEntries(recorder.resolved),
    warnings: session.warnings,
  }
}

/** Remembers what the catalog answered, so that the same answers can be replayed elsewhere. */
class RecordingResolver implements TableResolver {
  readonly resolved = new Map<string, ResolvedTable>()

  constructor(private readonly inner: TableResolver) {}

  async resolveTable(path: readonly string[]): Promise<ResolvedTable | undefined> {
    const table = await this.inner.resolveTable(path)
    if (table !== undefined) this.resolved.set(path.join('.'), table)
    return table
  }

  async listTables(): Promise<readonly (readonly string[])[]> {
    return (await this.inner.listTables?.()) ?? []
  }
}
