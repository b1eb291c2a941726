import { type BoundExpr, call, literal } from '../expr/bound-expr.ts'
import { changesRepresentation } from '../types/coercion.ts'
import { type LogicalType, sameShape, withNullability } from '../types/logical-type.ts'

/**
 * `expr` as a value of `target` (nullability follows `expr`): a CAST where the representation changes, a
 * retyped literal for NULL, the expression itself otherwise.
 */
export function coerce(expr: BoundExpr, target: LogicalType): BoundExpr {
  const type = withNullability(target, expr.type.nullable)
  if (expr.kind === 'literal' && expr.value === null) return literal(null, withNullability(target, true))
  if (!changesRepresentation(expr.type, target)) return expr
  return call('CAST', [expr], type)
}

/**
 * `expr` with exactly the shape of `target` (nullability follows `expr`): CAST unless the shapes already
 * agree, so that the inputs of a UNION or the columns of a sink have identical types. A CAST that keeps the
 * representation costs nothing at run time.
 */
export function retype(expr: BoundExpr, target: LogicalType): BoundExpr {
  if (expr.kind === 'literal' && expr.value === null) return literal(null, withNullability(target, true))
  if (sameShape(expr.type, target)) return expr
  const type = withNullability(target, expr.type.nullable)
  if (expr.kind === 'literal' && !changesRepresentation(expr.type, target)) return literal(expr.value, type)
  return call('CAST', [expr], type)
}
