import { valuesEqual } from '../../engine/rows.ts'
import type { BoundExpr, Call } from '../expr/bound-expr.ts'
import { int64ToDouble } from '../functions/runtime/int64-arithmetic.ts'
import { isBinary, isInteger, isNumeric, type LogicalType, types } from '../types/logical-type.ts'
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
  const [leftExpr, rightExpr] = call.args as [BoundExpr, BoundExpr]
  const type = leftExpr.type.kind === 'NULL' ? rightExpr.type : leftExpr.type
  const mixed = bigintMix(leftExpr.type, rightExpr.type)
  if (mixed === 'double') {
    // Numeric operands are not cast to a common type. Like Flink, a BIGINT meets a DOUBLE/FLOAT/DECIMAL (a
    // double at run time) as a double; beyond 2^53 it is a bigint, which must be converted first.
    const toDouble = gen.constant(int64ToDouble)
    const asDouble = (expr: BoundExpr, value: string) =>
      expr.type.kind === 'BIGINT' ? `${toDouble}(${value})` : value
    return gen.strict(call.args, ([left, right]) =>
      comparisonSource(gen, types.double(), call.op, asDouble(leftExpr, left!), asDouble(rightExpr, right!)),
    )
  }
  if (mixed === 'integer') {
    // A BIGINT and an INT/SMALLINT/TINYINT: `==` and `<` compare a bigint with a number by value, exactly;
    // `===` would never find them equal.
    const looseOp = call.op === '=' ? '==' : call.op === '<>' ? '!=' : call.op
    return gen.strict(call.args, ([left, right]) => `${left} ${looseOp} ${right}`)
  }
  return gen.strict(call.args, ([left, right]) => comparisonSource(gen, type, call.op, left!, right!))
}

/** How a BIGINT compared with another numeric type is compared: as doubles, or exactly as integers. */
function bigintMix(left: LogicalType, right: LogicalType): 'double' | 'integer' | undefined {
  if (left.kind === right.kind || (left.kind !== 'BIGINT' && right.kind !== 'BIGINT')) return undefined
  if (!isNumeric(left) || !isNumeric(right)) return undefined
  return isInteger(left) && isInteger(right) ? 'integer' : 'double'
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
