import { aggregateDefinition } from '../functions/aggregate-functions.ts'
import type { Expression, FunctionCall, SelectItem } from '../parser/index.ts'

/** Whether the expression calls an aggregate (or GROUPING) outside of subqueries and OVER windows. */
export function containsAggregate(expr: Expression): boolean {
  let found = false
  visit(expr, (node) => {
    if (node.kind === 'functionCall' && isAggregateCall(node)) found = true
  })
  return found
}

function isAggregateCall(call: FunctionCall): boolean {
  if (call.over !== undefined) return false
  const name = call.name.toUpperCase()
  return aggregateDefinition(name) !== undefined || name === 'GROUPING' || name === 'GROUPING_ID'
}

/** Whether any SELECT item is an aggregate, making the SELECT an aggregation even without GROUP BY. */
export function selectsAggregates(items: readonly SelectItem[]): boolean {
  return items.some((item) => item.kind === 'selectExpression' && containsAggregate(item.expr))
}

/** Visits every expression node, not descending into subqueries. */
function visit(expr: Expression, action: (node: Expression) => void): void {
  action(expr)
  for (const child of children(expr)) visit(child, action)
}

function children(expr: Expression): Expression[] {
  switch (expr.kind) {
    case 'unary':
      return [expr.operand]
    case 'binary':
      return [expr.left, expr.right]
    case 'is':
      return [expr.operand]
    case 'between':
      return [expr.operand, expr.low, expr.high]
    case 'like':
      return [expr.operand, expr.pattern, ...(expr.escape === undefined ? [] : [expr.escape])]
    case 'inList':
      return [expr.operand, ...expr.list]
    case 'inSubquery':
      return [expr.operand]
    case 'case':
      return [
        ...(expr.operand === undefined ? [] : [expr.operand]),
        ...expr.whens.flatMap((when) => [when.condition, when.result]),
        ...(expr.otherwise === undefined ? [] : [expr.otherwise]),
      ]
    case 'cast':
    case 'extract':
      return [expr.operand]
    case 'trim':
      return [expr.operand, ...(expr.characters === undefined ? [] : [expr.characters])]
    case 'functionCall':
      return [...expr.args, ...(expr.filter === undefined ? [] : [expr.filter])]
    case 'fieldAccess':
      return [expr.operand]
    case 'subscript':
      return [expr.operand, expr.index]
    case 'rowConstructor':
      return [...expr.fields]
    case 'arrayConstructor':
      return [...expr.elements]
    case 'mapConstructor':
      return expr.entries.flatMap((entry) => [entry.key, entry.value])
    default:
      return []
  }
}
