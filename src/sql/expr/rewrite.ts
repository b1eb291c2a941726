import { valuesEqual } from '../../engine/rows.ts'
import { changesRepresentation } from '../types/coercion.ts'
import { types, typesEqual } from '../types/logical-type.ts'
import { type BoundExpr, call, type InputRef, literal, TRUE_LITERAL } from './bound-expr.ts'

/** Structural equality of bound expressions (types included), used to match GROUP BY expressions. */
export function exprEquals(left: BoundExpr, right: BoundExpr): boolean {
  if (left.kind !== right.kind || !typesEqual(left.type, right.type)) return false
  switch (left.kind) {
    case 'input':
      return right.kind === 'input' && left.index === right.index
    case 'literal':
      return right.kind === 'literal' && valuesEqual(left.value, right.value)
    case 'call':
      return (
        right.kind === 'call' &&
        left.op === right.op &&
        left.udf === right.udf &&
        left.args.length === right.args.length &&
        left.args.every((arg, i) => exprEquals(arg, right.args[i]!))
      )
  }
}

/** Replaces every input reference by `replace(ref)`; the rest of the tree is rebuilt only where it changes. */
export function mapInputs(expr: BoundExpr, replace: (ref: InputRef) => BoundExpr): BoundExpr {
  switch (expr.kind) {
    case 'input':
      return replace(expr)
    case 'literal':
      return expr
    case 'call': {
      let changed = false
      const args = expr.args.map((arg) => {
        const mapped = mapInputs(arg, replace)
        if (mapped !== arg) changed = true
        return mapped
      })
      return changed ? { ...expr, args } : expr
    }
  }
}

/** Renumbers input references through `mapping` (old index → new index). */
export function remapInputs(expr: BoundExpr, mapping: (index: number) => number): BoundExpr {
  return mapInputs(expr, (ref) => {
    const target = mapping(ref.index)
    return target === ref.index ? ref : { ...ref, index: target }
  })
}

export function shiftInputs(expr: BoundExpr, offset: number): BoundExpr {
  return offset === 0 ? expr : remapInputs(expr, (index) => index + offset)
}

/** Adds the input positions `expr` reads to `into`. */
export function collectInputs(expr: BoundExpr, into: Set<number>): Set<number> {
  if (expr.kind === 'input') into.add(expr.index)
  else if (expr.kind === 'call') for (const arg of expr.args) collectInputs(arg, into)
  return into
}

export function inputsOf(expr: BoundExpr): Set<number> {
  return collectInputs(expr, new Set())
}

export function isDeterministic(expr: BoundExpr): boolean {
  if (expr.kind !== 'call') return true
  return expr.nondeterministic !== true && expr.args.every(isDeterministic)
}

/** The operands of a chain of ANDs: `a AND (b AND c)` gives [a, b, c]. */
export function conjuncts(expr: BoundExpr): BoundExpr[] {
  if (expr.kind === 'call' && expr.op === 'AND') return expr.args.flatMap(conjuncts)
  if (expr.kind === 'literal' && expr.value === true) return []
  return [expr]
}

/** The AND of `exprs`, TRUE for none. */
export function conjunction(exprs: readonly BoundExpr[]): BoundExpr {
  if (exprs.length === 0) return TRUE_LITERAL
  return exprs.reduce((left, right) =>
    call('AND', [left, right], types.boolean(left.type.nullable || right.type.nullable)),
  )
}

/** Folds CASTs of literals that keep the representation (`CAST('x' AS STRING)` becomes `'x'` typed STRING). */
export function foldLiteralCasts(expr: BoundExpr): BoundExpr {
  if (expr.kind !== 'call') return expr
  const args = expr.args.map(foldLiteralCasts)
  const [operand] = args
  if (expr.op === 'CAST' && operand?.kind === 'literal' && !changesRepresentation(operand.type, expr.type))
    return literal(operand.value, expr.type)
  return args.every((arg, i) => arg === expr.args[i]) ? expr : { ...expr, args }
}
