import { tableFromDdl, viewFromDdl } from './binder/bind-ddl.ts'
import { bindInsert } from './binder/bind-insert.ts'
import { QueryBinder } from './binder/bind-query.ts'
import type { BindCatalog, BindContext, CatalogEntry, ViewDefinition } from './binder/context.ts'
import { findRowNumber } from './binder/top-n.ts'
import { referencedTables, tablesOfQuery } from './catalog/referenced-tables.ts'
import type { ResolvedTable, TableResolver } from './catalog/table-resolver.ts'
import { invalid } from './errors.ts'
import type { FunctionRegistry } from './functions/registry.ts'
import { type InsertStatement, parseScript, type Statement } from './parser/index.ts'
import { explain } from './plan/explain.ts'
import type { LogicalNode, LogicalPlan, SinkNode } from './plan/nodes.ts'
import { optimize } from './plan/optimize.ts'
import { checkSinkChangelog } from './plan/sink-changelog.ts'
import { checkSessionOption } from './settings.ts'

export interface SqlSessionOptions {
  readonly resolver: TableResolver
  readonly functions?: FunctionRegistry
  /** Initial session options, as `SET 'k' = 'v'` would set them. */
  readonly options?: Readonly<Record<string, string>>
}

/** What executing one statement of a script produced. */
export type PlannedStatement =
  | { readonly kind: 'set'; readonly key: string; readonly value: string; readonly warning?: string }
  | { readonly kind: 'showOptions'; readonly options: Readonly<Record<string, string>> }
  | { readonly kind: 'reset'; readonly key?: string }
  | { readonly kind: 'createTable'; readonly name: string; readonly table: ResolvedTable }
  | { readonly kind: 'createView'; readonly name: string }
  | { readonly kind: 'drop'; readonly name: string; readonly dropped: boolean }
  | { readonly kind: 'query'; readonly plan: LogicalPlan }
  | { readonly kind: 'insert'; readonly plan: LogicalPlan }
  | { readonly kind: 'explain'; readonly plan: LogicalPlan; readonly text: string }

/**
 * A SQL session: the options set so far and the temporary tables and views created so far (they override
 * catalog tables of the same name), over a `TableResolver`. Statements are planned in order; each query or
 * INSERT becomes an optimized logical plan carrying the options in force at that point.
 */
export class SqlSession {
  private readonly resolver: TableResolver
  private readonly functions: FunctionRegistry | undefined
  private readonly options: Map<string, string>
  private readonly tables = new Map<string, ResolvedTable>()
  private readonly views = new Map<string, ViewDefinition>()
  /**
   * Warnings about options Weir accepts but ignores (Flink runtime tuning, see `settings.ts`), in the order
   * they were set; callers show them (the CLI on stderr), so an ignored option is never silent.
   */
  readonly warnings: string[] = []

  constructor(options: SqlSessionOptions) {
    this.resolver = options.resolver
    this.functions = options.functions
    this.options = new Map(Object.entries(options.options ?? {}))
    for (const key of this.options.keys()) {
      const warning = checkSessionOption(key, undefined)
      if (warning !== undefined) this.warnings.push(warning)
    }
  }

  /** Parses and plans every statement of a script, in order. */
  async planScript(sql: string): Promise<PlannedStatement[]> {
    const results: PlannedStatement[] = []
    for (const statement of parseScript(sql)) results.push(await this.plan(statement))
    return results
  }

  async plan(statement: Statement): Promise<PlannedStatement> {
    switch (statement.kind) {
      case 'set': {
        if (statement.key === undefined) return { kind: 'showOptions', options: this.currentOptions() }
        const warning = checkSessionOption(statement.key, statement.span)
        this.options.set(statement.key, statement.value ?? '')
        const planned = { kind: 'set', key: statement.key, value: statement.value ?? '' } as const
        if (warning === undefined) return planned
        const located = `${warning} (line ${statement.span.start.line})`
        this.warnings.push(located)
        return { ...planned, warning: located }
      }
      case 'reset':
        if (statement.key === undefined) this.options.clear()
        else this.options.delete(statement.key)
        return statement.key === undefined ? { kind: 'reset' } : { kind: 'reset', key: statement.key }
      case 'createTable': {
        const name = statement.name.path.join('.')
        if (this.exists(name, statement.ifNotExists, statement.span))
          return { kind: 'createTable', name, table: this.tables.get(name)! }
        const table = tableFromDdl(statement, await this.context(statement))
        this.tables.set(name, table)
        return { kind: 'createTable', name, table }
      }
      case 'createView': {
        const name = statement.name.path.join('.')
        if (this.exists(name, statement.ifNotExists, statement.span)) return { kind: 'createView', name }
        // Bind once now so that a broken view fails where it is defined, not where it is used. Its ROW_NUMBER()
        // may be filtered by the queries that use the view, so an unmatched one is not an error yet.
        new QueryBinder(await this.context(statement)).bindQuery(statement.query)
        this.views.set(name, viewFromDdl(statement))
        return { kind: 'createView', name }
      }
      case 'createFunction':
        return invalid(
          statement.span,
          'CREATE FUNCTION is not supported: Weir runs no JVM code',
          'register a TypeScript function in the session FunctionRegistry and call it by name',
        )
      case 'drop': {
        const name = statement.name.path.join('.')
        const store = statement.objectType === 'VIEW' ? this.views : this.tables
        const dropped = statement.objectType !== 'FUNCTION' && store.delete(name)
        if (!dropped && !statement.ifExists)
          invalid(
            statement.name.span,
            `${statement.objectType.toLowerCase()} '${name}' does not exist in this session`,
          )
        return { kind: 'drop', name, dropped }
      }
      case 'query':
        return { kind: 'query', plan: await this.planQuery(statement) }
      case 'insert':
      case 'statementSet':
        return {
          kind: 'insert',
          plan: await this.planInserts(
            statement.kind === 'insert' ? [statement] : statement.inserts,
            statement,
          ),
        }
      case 'explain': {
        const inner = statement.statement
        const plan =
          inner.kind === 'query'
            ? await this.planQuery(inner)
            : await this.planInserts(inner.kind === 'insert' ? [inner] : inner.inserts, inner)
        return { kind: 'explain', plan, text: explain(plan) }
      }
    }
  }

  private exists(name: string, ifNotExists: boolean, span: Statement['span']): boolean {
    if (!this.tables.has(name) && !this.views.has(name)) return false
    if (ifNotExists) return true
    return invalid(
      span,
      `'${name}' already exists in this session`,
      'use CREATE … IF NOT EXISTS, or DROP it first',
    )
  }

  private currentOptions(): Record<string, string> {
    return Object.fromEntries(this.options)
  }

  private async planQuery(statement: Statement & { kind: 'query' }): Promise<LogicalPlan> {
    const root = new QueryBinder(await this.context(statement)).bindQuery(statement).node
    rejectUnmatchedRowNumber(root)
    return optimize({ kind: 'query', root, options: this.currentOptions() })
  }

  private async planInserts(inserts: readonly InsertStatement[], statement: Statement): Promise<LogicalPlan> {
    const context = await this.context(statement)
    const binder = new QueryBinder(context)
    const sinks: SinkNode[] = inserts.map((insert) => {
      const sink = bindInsert(binder, insert)
      rejectUnmatchedRowNumber(sink)
      return sink
    })
    const plan = optimize({ kind: 'insert', sinks, options: this.currentOptions() })
    if (plan.kind === 'insert')
      for (const [i, sink] of plan.sinks.entries()) checkSinkChangelog(sink, inserts[i]!.span)
    return plan
  }

  /** Resolves every table the statement (and the views it uses) may read, then binds synchronously. */
  private async context(statement: Statement): Promise<BindContext> {
    const resolved = new Map<string, ResolvedTable>()
    let missing = false
    const pending = referencedTables(statement)
    const seenViews = new Set<string>()
    while (pending.length > 0) {
      const path = pending.pop()!
      const key = path.join('.')
      const view = this.views.get(key)
      if (view !== undefined) {
        if (!seenViews.has(key)) pending.push(...tablesOfQuery(view.query))
        seenViews.add(key)
        continue
      }
      if (this.tables.has(key) || resolved.has(key)) continue
      const table = await this.resolver.resolveTable(path)
      if (table === undefined) missing = true
      else resolved.set(key, table)
    }
    const known = missing && this.resolver.listTables !== undefined ? await this.resolver.listTables() : []
    const names = [...this.tables.keys(), ...this.views.keys(), ...known.map((path) => path.join('.'))]
    const catalog: BindCatalog = {
      lookup: (path): CatalogEntry | undefined => {
        const key = path.join('.')
        const view = this.views.get(key)
        if (view !== undefined) return { kind: 'view', ...view }
        const table = this.tables.get(key) ?? resolved.get(key)
        return table === undefined ? undefined : { kind: 'table', table }
      },
      names: () => names,
    }
    return { catalog, functions: this.functions, options: this.currentOptions() }
  }
}

function rejectUnmatchedRowNumber(node: LogicalNode): void {
  const rowNumber = findRowNumber(node)
  if (rowNumber !== undefined)
    invalid(
      rowNumber.span,
      'ROW_NUMBER() OVER (…) must be filtered by the enclosing query to become a Top-N or a deduplication',
      `wrap the query and add WHERE ${rowNumber.schema[rowNumber.schema.length - 1]!.name} <= N (Top-N) or = 1 (deduplication)`,
    )
}
