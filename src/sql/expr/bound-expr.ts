import type { LogicalType } from '../types/logical-type.ts'
import { types } from '../types/logical-type.ts'

/**
 * A bound, typed scalar expression: what the binder makes of an AST expression once names are resolved to
 * input positions and every node has a type. Plans hold these; the compiler turns them into JS source.
 *
 * Deliberately small: a reference to a field of the input row, a literal in its runtime representation, and
 * calls. Operators, CASE, CAST and built-in functions are all calls named by `op` (upper case, e.g. `+`,
 * `AND`, `CASE`, `CAST`, `UPPER`); user-defined functions are calls with `udf` set, so the compiler calls them
 * through the function table instead of inlining anything.
 */
export type BoundExpr = InputRef | Literal | Call

export interface InputRef {
  readonly kind: 'input'
  readonly index: number
  readonly type: LogicalType
}

export interface Literal {
  readonly kind: 'literal'
  /** The runtime representation (see `types/logical-type.ts`); null for NULL. */
  readonly value: unknown
  readonly type: LogicalType
}

export interface Call {
  readonly kind: 'call'
  readonly op: string
  readonly args: readonly BoundExpr[]
  readonly type: LogicalType
  /** A user-defined function: `op` is its registered name. */
  readonly udf?: true
  /** The result may differ between calls with equal arguments (RAND, CURRENT_TIMESTAMP, …). */
  readonly nondeterministic?: true
}

export function inputRef(index: number, type: LogicalType): InputRef {
  return { kind: 'input', index, type }
}

export function literal(value: unknown, type: LogicalType): Literal {
  return { kind: 'literal', value, type }
}

export function call(op: string, args: readonly BoundExpr[], type: LogicalType): Call {
  return { kind: 'call', op, args, type }
}

export const TRUE_LITERAL: Literal = literal(true, types.boolean(false))

/** A literal's value when `expr` is one (a NULL literal gives null); undefined for anything else. */
export function literalValue(expr: BoundExpr | undefined): unknown {
  return expr?.kind === 'literal' ? expr.value : undefined
}

/** The number a literal argument holds (a bit position, a field index): the binder put it there. */
export function numberLiteral(expr: BoundExpr | undefined): number {
  const value = literalValue(expr)
  if (typeof value !== 'number')
    throw new TypeError(`expected a numeric literal argument, got ${String(value)}`)
  return value
}
