import { valuesEqual } from '../../engine/rows.ts'
import type { BoundExpr, Call } from '../expr/bound-expr.ts'
import { isBinary, isNumeric, type LogicalType } from '../types/logical-type.ts'
import type { CallEmitter, ExpressionCodegen } from './codegen.ts'

/** Values JS compares correctly with ===, < and friends: numbers, strings, booleans. */
function isPrimitive(type: LogicalType): boolean {
  return (
    !isBinary(type) &&
    type.kind !== 'ARRAY' &&
    type.kind !== 'MULTISET' &&
    type.kind !== 'MAP' &&
    type.kind !== 'ROW'
  )
}

function compareBytes(left: Uint8Array, right: Uint8Array): number {
  return Buffer.compare(left, right)
}

/** The JS test `left op right` for non-null values of the operand type. */
function comparisonSource(
  gen: ExpressionCodegen,
  type: LogicalType,
  op: string,
  left: string,
  right: string,
): string {
  const jsOp = op === '=' ? '===' : op === '<>' ? '!==' : op
  if (isPrimitive(type)) return `${left} ${jsOp} ${right}`
  if (isBinary(type)) return `${gen.constant(compareBytes)}(${left}, ${right}) ${jsOp} 0`
  const equal = `${gen.constant(valuesEqual)}(${left}, ${right})`
  if (op === '=') return equal
  if (op === '<>') return `!${equal}`
  throw new TypeError(`cannot order values of type ${type.kind}`)
}

/** 3-valued `left = right` over already evaluated operands; NULL when either is NULL. */
export function emitEquals(
  gen: ExpressionCodegen,
  leftExpr: BoundExpr,
  rightExpr: BoundExpr,
  left: string,
  right: string,
): string {
  const test = comparisonSource(gen, leftExpr.type, '=', left, right)
  if (!leftExpr.type.nullable && !rightExpr.type.nullable) return gen.bind(test)
  return gen.bind(`${left} == null || ${right} == null ? null : ${test}`)
}

function comparison(gen: ExpressionCodegen, call: Call): string {
  const type = call.args[0]!.type.kind === 'NULL' ? call.args[1]!.type : call.args[0]!.type
  if (mixesBigint(call.args[0]!.type, call.args[1]!.type)) {
    // Numeric operands are not cast to a common type; a BIGINT beyond 2^53 is a bigint, which `===` never
    // finds equal to a number, while `==` (and `<`) compare a bigint with a number by mathematical value.
    const looseOp = call.op === '=' ? '==' : call.op === '<>' ? '!=' : call.op
    return gen.strict(call.args, ([left, right]) => `${left} ${looseOp} ${right}`)
  }
  return gen.strict(call.args, ([left, right]) => comparisonSource(gen, type, call.op, left!, right!))
}

/** A BIGINT compared with another numeric type (INT, DOUBLE, DECIMAL): numbers meet bigints. */
function mixesBigint(left: LogicalType, right: LogicalType): boolean {
  return (
    left.kind !== right.kind &&
    (left.kind === 'BIGINT' || right.kind === 'BIGINT') &&
    isNumeric(left) &&
    isNumeric(right)
  )
}

/** IS [NOT] DISTINCT FROM: equality where NULL equals NULL; never NULL itself. */
function distinctFrom(gen: ExpressionCodegen, call: Call): string {
  const [leftExpr, rightExpr] = call.args as [BoundExpr, BoundExpr]
  const left = gen.emit(leftExpr)
  const right = gen.emit(rightExpr)
  const equal = comparisonSource(
    gen,
    leftExpr.type.kind === 'NULL' ? rightExpr.type : leftExpr.type,
    '=',
    left,
    right,
  )
  const notDistinct = `(${left} == null ? ${right} == null : ${right} != null && ${equal})`
  return gen.bind(call.op === 'IS NOT DISTINCT FROM' ? notDistinct : `!${notDistinct}`)
}

export const COMPARISON_EMITTERS: ReadonlyMap<string, CallEmitter> = new Map<string, CallEmitter>([
  ...['=', '<>', '<', '<=', '>', '>='].map((op): [string, CallEmitter] => [op, comparison]),
  ['IS DISTINCT FROM', distinctFrom],
  ['IS NOT DISTINCT FROM', distinctFrom],
])
