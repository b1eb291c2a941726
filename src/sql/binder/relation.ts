import type { CommonTableExpr, Query, SourceSpan } from '../parser/index.ts'
import type { LogicalNode } from '../plan/nodes.ts'
import type { BindContext } from './context.ts'
import type { Scope } from './scope.ts'

/** A FROM item once bound: the plan that produces its rows and the names its columns are reachable by. */
export interface Relation {
  readonly node: LogicalNode
  readonly scope: Scope
}

/** A bound query: its plan, and where each output column came from in the SQL (for INSERT type errors). */
export interface BoundQuery {
  readonly node: LogicalNode
  readonly columnSpans: readonly SourceSpan[]
}

interface CteEntry {
  readonly cte: CommonTableExpr
  /** The CTEs visible where this one was defined (a CTE sees only the ones before it). */
  readonly scope: CteScope
}

/** The WITH names visible at a point of a query, innermost first. */
export class CteScope {
  private constructor(
    private readonly entry: CteEntry | undefined,
    private readonly parent: CteScope | undefined,
  ) {}

  static readonly EMPTY = new CteScope(undefined, undefined)

  with(cte: CommonTableExpr): CteScope {
    return new CteScope({ cte, scope: this }, this)
  }

  lookup(name: string): CteEntry | undefined {
    if (this.entry?.cte.name === name) return this.entry
    return this.parent?.lookup(name)
  }
}

/** What FROM and SELECT binding need from the query binder: binding nested queries. */
export interface SubqueryBinder {
  readonly context: BindContext
  bindQuery(query: Query, ctes: CteScope): BoundQuery
}
