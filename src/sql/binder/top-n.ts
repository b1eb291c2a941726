import { invalid } from '../errors.ts'
import { type BoundExpr, inputRef, literal } from '../expr/bound-expr.ts'
import { conjunction, conjuncts } from '../expr/rewrite.ts'
import * as plan from '../plan/builders.ts'
import { fieldOrigin } from '../plan/field-origin.ts'
import { inputsOfNode, type LogicalNode, type RowNumberNode } from '../plan/nodes.ts'
import { timeAttributeOf } from '../types/logical-type.ts'

interface RankRange {
  readonly start: number
  readonly end: number
}

/**
 * A WHERE over a query with `ROW_NUMBER() OVER (…) AS rn`: conditions on rn (`rn <= N`, `rn < N`, `rn = N`,
 * `rn BETWEEN a AND b`) turn the row number into a Top-N (Rank) node, or into a Deduplicate node for `rn = 1`
 * ordered by a time attribute (ASC keeps the first row, DESC the last). Other conditions stay a filter above.
 */
export function filterOverRowNumber(node: LogicalNode, condition: BoundExpr): LogicalNode {
  let target: RowNumberNode | undefined
  let range: RankRange = { start: 1, end: Number.POSITIVE_INFINITY }
  const rest: BoundExpr[] = []
  for (const part of conjuncts(condition)) {
    const bound = rankBound(part, (index) => {
      const found = traceRowNumber(node, index)
      return found !== undefined && (target === undefined || target === found) ? found : undefined
    })
    if (bound === undefined) {
      rest.push(part)
      continue
    }
    target = bound.node
    range = { start: Math.max(range.start, bound.range.start), end: Math.min(range.end, bound.range.end) }
  }
  if (target === undefined || !Number.isFinite(range.end)) return plan.filter(node, condition)
  if (range.start > range.end || range.end < 1)
    invalid(
      target.span,
      `the filter on the row number selects no rows (ranks ${range.start} to ${range.end})`,
    )
  const replaced = replaceNode(node, target, rankOrDeduplicate(target, Math.max(1, range.start), range.end))
  return rest.length === 0 ? replaced : plan.filter(replaced, conjunction(rest))
}

/** The RowNumber node whose rank field is field `index` of `node`, looking through projections and filters. */
function traceRowNumber(node: LogicalNode, index: number): RowNumberNode | undefined {
  const origin = fieldOrigin(node, index)
  return origin?.node.kind === 'rowNumber' && origin.field === origin.node.schema.length - 1
    ? origin.node
    : undefined
}

const FLIPPED: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' }

/** The rank range a comparison of the row number with an integer literal allows. */
function rankBound(
  part: BoundExpr,
  rowNumberAt: (index: number) => RowNumberNode | undefined,
): { node: RowNumberNode; range: RankRange } | undefined {
  if (part.kind !== 'call') return undefined
  const integer = (expr: BoundExpr | undefined): number | undefined =>
    expr?.kind === 'literal' && typeof expr.value === 'number' && Number.isInteger(expr.value)
      ? expr.value
      : undefined
  if (part.op === 'BETWEEN') {
    const [field, low, high] = part.args
    const node = field?.kind === 'input' ? rowNumberAt(field.index) : undefined
    const start = integer(low)
    const end = integer(high)
    return node === undefined || start === undefined || end === undefined
      ? undefined
      : { node, range: { start, end } }
  }
  const op = FLIPPED[part.op]
  if (op === undefined || part.args.length !== 2) return undefined
  const [a, b] = part.args as [BoundExpr, BoundExpr]
  const [field, value, comparison] = a.kind === 'input' ? [a, integer(b), part.op] : [b, integer(a), op]
  if (field.kind !== 'input' || value === undefined) return undefined
  const node = rowNumberAt(field.index)
  if (node === undefined) return undefined
  const infinity = Number.POSITIVE_INFINITY
  const ranges: Readonly<Record<string, RankRange>> = {
    '<': { start: 1, end: value - 1 },
    '<=': { start: 1, end: value },
    '=': { start: value, end: value },
    '>': { start: value + 1, end: infinity },
    '>=': { start: value, end: infinity },
  }
  const range = ranges[comparison]
  return range === undefined ? undefined : { node, range }
}

function rankOrDeduplicate(rowNumber: RowNumberNode, start: number, end: number): LogicalNode {
  const rankName = rowNumber.schema[rowNumber.schema.length - 1]!.name
  const order = rowNumber.orderKeys
  if (start === 1 && end === 1 && order.length === 1) {
    const key = order[0]!
    const attribute = timeAttributeOf(rowNumber.input.schema[key.field]!.type)
    if (attribute !== undefined) {
      const kept = plan.deduplicate(
        rowNumber.input,
        rowNumber.partitionKeys,
        key.descending ? 'last' : 'first',
        key.field,
        attribute,
        false,
      )
      const exprs = [
        ...kept.schema.map((field, i) => inputRef(i, field.type)),
        literal(1, plan.RANK_FIELD_TYPE),
      ]
      return plan.project(kept, exprs, plan.fieldNames(rowNumber.schema))
    }
  }
  return plan.rank(rowNumber.input, rowNumber.partitionKeys, order, start, end, rankName)
}

function replaceNode(node: LogicalNode, target: LogicalNode, replacement: LogicalNode): LogicalNode {
  if (node === target) return replacement
  const inputs = inputsOfNode(node)
  const replaced = inputs.map((input) => replaceNode(input, target, replacement))
  return replaced.every((input, i) => input === inputs[i]) ? node : plan.withInputs(node, replaced)
}

/** A ROW_NUMBER() no enclosing filter turned into a Top-N or deduplication, if the plan still has one. */
export function findRowNumber(node: LogicalNode): RowNumberNode | undefined {
  if (node.kind === 'rowNumber') return node
  for (const input of inputsOfNode(node)) {
    const found = findRowNumber(input)
    if (found !== undefined) return found
  }
  return undefined
}
