import { invalid } from '../errors.ts'
import { type BoundExpr, inputRef } from '../expr/bound-expr.ts'
import type {
  NumericLiteral,
  OrderItem,
  Query,
  QueryBody,
  SetOperation,
  ValuesQuery,
} from '../parser/index.ts'
import * as plan from '../plan/builders.ts'
import type { LogicalNode, SortKey } from '../plan/nodes.ts'
import { commonType } from '../types/coercion.ts'
import { isComparable } from '../types/logical-type.ts'
import { formatType } from '../types/type-format.ts'
import { bindSelect, SINGLE_PHASE, sortKey } from './bind-select.ts'
import { retype } from './coercion.ts'
import type { BindContext } from './context.ts'
import { ExpressionBinder } from './expression-binder.ts'
import { type BoundQuery, CteScope, type SubqueryBinder } from './relation.ts'
import { Scope } from './scope.ts'

/** Binds queries: WITH, SELECT, set operations, VALUES, and ORDER BY/LIMIT as a Top-N. */
export class QueryBinder implements SubqueryBinder {
  constructor(readonly context: BindContext) {}

  bindQuery(query: Query, outer: CteScope = CteScope.EMPTY): BoundQuery {
    let ctes = outer
    const names = new Set<string>()
    for (const cte of query.with) {
      if (names.has(cte.name)) invalid(cte.span, `WITH defines '${cte.name}' twice`)
      names.add(cte.name)
      ctes = ctes.with(cte)
    }
    const body = this.bindBody(query.body, ctes)
    if (query.orderBy.length === 0 && query.limit === undefined && query.offset === undefined) return body
    return { node: this.orderAndLimit(query, body.node), columnSpans: body.columnSpans }
  }

  private bindBody(body: QueryBody, ctes: CteScope): BoundQuery {
    switch (body.kind) {
      case 'select':
        return bindSelect(this, body, ctes)
      case 'query':
        return this.bindQuery(body, ctes)
      case 'setOperation':
        return this.bindSetOperation(body, ctes)
      case 'values':
        return this.bindValues(body)
    }
  }

  /** UNION ALL of any number of inputs (nested ones are flattened); UNION adds a DISTINCT aggregation. */
  private bindSetOperation(body: SetOperation, ctes: CteScope): BoundQuery {
    if (body.operator !== 'UNION')
      invalid(
        body.span,
        `${body.operator} is not supported in streaming queries`,
        'use UNION ALL, or a JOIN / NOT EXISTS rewrite',
      )
    const branches = flattenUnion(body, body.all).map((branch) => ({
      ast: branch,
      bound: this.bindBody(branch, ctes),
    }))
    const first = branches[0]!.bound
    const width = first.node.schema.length
    for (const branch of branches.slice(1))
      if (branch.bound.node.schema.length !== width)
        invalid(
          branch.ast.span,
          `each UNION input must have ${width} columns like the first, this one has ${branch.bound.node.schema.length}`,
        )
    const types = first.node.schema.map((field, column) => {
      let type = field.type
      for (const branch of branches.slice(1)) {
        const merged = commonType(type, branch.bound.node.schema[column]!.type)
        if (merged === undefined)
          invalid(
            branch.bound.columnSpans[column] ?? branch.ast.span,
            `UNION column ${column + 1} ('${field.name}') is ${formatType(type)} in one input and ${formatType(branch.bound.node.schema[column]!.type)} in another`,
            'CAST them to one type',
          )
        type = merged
      }
      return type
    })
    const inputs = branches.map(({ bound }) => {
      const exprs = bound.node.schema.map((field, i) => retype(inputRef(i, field.type), types[i]!))
      const unchanged = exprs.every((expr) => expr.kind === 'input')
      return unchanged ? bound.node : plan.project(bound.node, exprs, plan.fieldNames(bound.node.schema))
    })
    const union = plan.union(inputs)
    const node = body.all
      ? union
      : plan.aggregate(
          union,
          union.schema.map((_, i) => i),
          undefined,
          [],
          SINGLE_PHASE,
        )
    return { node, columnSpans: first.columnSpans }
  }

  private bindValues(body: ValuesQuery): BoundQuery {
    const binder = new ExpressionBinder(this.context, Scope.empty(), 'VALUES')
    const rows = body.rows.map((row) => row.map((expr) => binder.bind(expr)))
    const width = rows[0]?.length ?? 0
    for (const [i, row] of rows.entries())
      if (row.length !== width)
        invalid(body.rows[i]![0]?.span ?? body.span, `VALUES rows must all have ${width} values`)
    const types = Array.from({ length: width }, (_, column) => {
      let type = rows[0]![column]!.type
      for (const [i, row] of rows.entries()) {
        const merged = commonType(type, row[column]!.type)
        if (merged === undefined)
          invalid(
            body.rows[i]![column]!.span,
            `VALUES column ${column + 1} mixes ${formatType(type)} and ${formatType(row[column]!.type)}`,
          )
        type = merged
      }
      return type
    })
    const typed = rows.map((row) => row.map((expr, column): BoundExpr => retype(expr, types[column]!)))
    const schema = types.map((type, column) => ({ name: `EXPR$${column}`, type }))
    return { node: plan.values(typed, schema), columnSpans: body.rows[0]?.map((expr) => expr.span) ?? [] }
  }

  /**
   * ORDER BY … LIMIT n is a Top-N over the whole result (Rank without partition); LIMIT alone keeps the first
   * n rows. ORDER BY without LIMIT would need the whole unbounded stream sorted, which streaming cannot do.
   */
  private orderAndLimit(query: Query, node: LogicalNode): LogicalNode {
    if (query.limit === undefined)
      invalid(
        query.orderBy[0]?.span ?? query.span,
        'ORDER BY without LIMIT is not supported on a stream',
        'add LIMIT n to keep the top n rows (a Top-N query)',
      )
    const limit = integerOf(query.limit, 'LIMIT')
    const offset = query.offset === undefined ? 0 : integerOf(query.offset, 'OFFSET')
    if (limit < 1) invalid(query.limit.span, 'LIMIT must be at least 1')
    const orderKeys = query.orderBy.map((item) => this.orderKey(item, node))
    return plan.rank(node, [], orderKeys, offset + 1, offset + limit, undefined)
  }

  private orderKey(item: OrderItem, node: LogicalNode): SortKey {
    const expr = item.expr
    if (expr.kind === 'numericLiteral' && expr.form === 'integer') {
      const ordinal = Number(expr.text)
      if (ordinal < 1 || ordinal > node.schema.length)
        invalid(expr.span, `ORDER BY ${ordinal} is out of range: the query has ${node.schema.length} columns`)
      return sortKey(item, ordinal - 1)
    }
    const scope = Scope.of(node.schema, { qualifiers: [], display: 'the query result' })
    const bound = new ExpressionBinder(this.context, scope, 'ORDER BY').bind(expr)
    if (bound.kind !== 'input')
      invalid(
        expr.span,
        'ORDER BY must name a column of the result',
        'select the expression with an alias and order by the alias',
      )
    if (!isComparable(bound.type)) invalid(expr.span, `cannot order by a ${formatType(bound.type)} column`)
    return sortKey(item, bound.index)
  }
}

function flattenUnion(body: QueryBody, all: boolean): QueryBody[] {
  if (body.kind === 'setOperation' && body.operator === 'UNION' && body.all === all)
    return [...flattenUnion(body.left, all), ...flattenUnion(body.right, all)]
  return [body]
}

function integerOf(literal: NumericLiteral, clause: string): number {
  if (literal.form !== 'integer') invalid(literal.span, `${clause} must be a whole number`)
  return Number(literal.text)
}
