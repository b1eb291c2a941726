import type { BoundExpr, Call } from '../expr/bound-expr.ts'
import type { CallEmitter, ExpressionCodegen } from './codegen.ts'
import { emitEquals } from './emit-comparison.ts'

/**
 * SQL's three-valued logic. AND is FALSE as soon as one side is FALSE (the right side is then not evaluated),
 * TRUE when both are TRUE, NULL otherwise; OR mirrors it.
 */
function andOr(gen: ExpressionCodegen, call: Call): string {
  const decisive = call.op === 'AND' ? 'false' : 'true'
  const other = call.op === 'AND' ? 'true' : 'false'
  const result = gen.declare(decisive)
  const emitFrom = (index: number, sawNull: string | undefined): void => {
    const arg = call.args[index]!
    const value = gen.emit(arg)
    const last = index === call.args.length - 1
    const nullSoFar = arg.type.nullable
      ? sawNull === undefined
        ? `${value} == null`
        : `${sawNull} || ${value} == null`
      : sawNull
    gen.branch(`${value} !== ${decisive}`, () => {
      if (last) gen.assign(result, nullSoFar === undefined ? other : `${nullSoFar} ? null : ${other}`)
      else emitFrom(index + 1, nullSoFar === undefined ? undefined : gen.bind(nullSoFar))
    })
  }
  emitFrom(0, undefined)
  return result
}

function not(gen: ExpressionCodegen, call: Call): string {
  return gen.strict(call.args, ([value]) => `!${value}`)
}

const IS_TESTS: Readonly<Record<string, (value: string) => string>> = {
  'IS NULL': (v) => `${v} == null`,
  'IS NOT NULL': (v) => `${v} != null`,
  'IS TRUE': (v) => `${v} === true`,
  'IS NOT TRUE': (v) => `${v} !== true`,
  'IS FALSE': (v) => `${v} === false`,
  'IS NOT FALSE': (v) => `${v} !== false`,
}

function isTest(gen: ExpressionCodegen, call: Call): string {
  const value = gen.emit(call.args[0]!)
  return gen.bind(`(${IS_TESTS[call.op]!(value)})`)
}

/** CASE WHEN c1 THEN r1 … ELSE e END, args [c1, r1, …, e]: conditions and results are evaluated lazily. */
function caseWhen(gen: ExpressionCodegen, call: Call): string {
  const result = gen.declare()
  const emitFrom = (index: number): void => {
    if (index === call.args.length - 1) {
      gen.assign(result, gen.emit(call.args[index]!))
      return
    }
    const condition = gen.emit(call.args[index]!)
    gen.branch(
      `${condition} === true`,
      () => gen.assign(result, gen.emit(call.args[index + 1]!)),
      () => emitFrom(index + 2),
    )
  }
  emitFrom(0)
  return result
}

/** COALESCE(a, b, …): the first non-null argument; later arguments are evaluated only when needed. */
function coalesce(gen: ExpressionCodegen, call: Call): string {
  const result = gen.declare()
  const emitFrom = (index: number): void => {
    const arg = call.args[index]!
    gen.assign(result, gen.emit(arg))
    if (index + 1 < call.args.length && arg.type.nullable)
      gen.branch(`${result} == null`, () => emitFrom(index + 1))
  }
  emitFrom(0)
  return result
}

/** IF(condition, then, else): a NULL condition takes the else branch. */
function ifThenElse(gen: ExpressionCodegen, call: Call): string {
  const result = gen.declare()
  const condition = gen.emit(call.args[0]!)
  gen.branch(
    `${condition} === true`,
    () => gen.assign(result, gen.emit(call.args[1]!)),
    () => gen.assign(result, gen.emit(call.args[2]!)),
  )
  return result
}

/** NULLIF(a, b): NULL when a = b, else a. */
function nullIf(gen: ExpressionCodegen, call: Call): string {
  const [left, right] = call.args as [BoundExpr, BoundExpr]
  const value = gen.emit(left)
  const equal = emitEquals(gen, left, right, value, gen.emit(right))
  return gen.bind(`${equal} === true ? null : ${value}`)
}

/**
 * x IN (v1, v2, …), args [x, v1, …]: TRUE when some vi equals x, else NULL when x or some vi is NULL, else
 * FALSE. Literal lists are compiled to a Set, or to a chain of === for a few values.
 */
function inList(gen: ExpressionCodegen, call: Call): string {
  const [operand, ...list] = call.args as [BoundExpr, ...BoundExpr[]]
  const value = gen.emit(operand)
  const literals = list.every((item) => item.kind === 'literal' && isPrimitive(item.value))
  if (literals) {
    const values = list.map((item) => (item.kind === 'literal' ? item.value : undefined))
    const present = values.filter((item) => item !== null)
    const missing = values.length > present.length ? 'null' : 'false'
    const test =
      present.length <= 4
        ? present.map((item) => `${value} === ${gen.literal(item)}`).join(' || ') || 'false'
        : `${gen.constant(new Set(present))}.has(${value})`
    return gen.bind(`${value} == null ? null : (${test}) ? true : ${missing}`)
  }
  const result = gen.declare('false')
  const sawNull = gen.declare(operand.type.nullable ? `${value} == null` : 'false')
  for (const item of list) {
    gen.branch(`${result} !== true`, () => {
      const candidate = gen.emit(item)
      const equal = emitEquals(gen, operand, item, value, candidate)
      gen.branch(
        `${equal} === true`,
        () => gen.assign(result, 'true'),
        () => gen.branch(`${equal} == null`, () => gen.assign(sawNull, 'true')),
      )
    })
  }
  return gen.bind(`${result} === true ? true : ${sawNull} ? null : false`)
}

function isPrimitive(value: unknown): boolean {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  )
}

/** x BETWEEN lo AND hi is (x >= lo AND x <= hi) with x evaluated once; SYMMETRIC swaps lo and hi if needed. */
function between(gen: ExpressionCodegen, call: Call): string {
  const [x, low, high] = call.args.map((arg) => gen.emit(arg)) as [string, string, string]
  const [lo, hi] =
    call.op === 'BETWEEN SYMMETRIC'
      ? [
          gen.bind(`${low} != null && ${high} != null && ${low} > ${high} ? ${high} : ${low}`),
          gen.bind(`${low} != null && ${high} != null && ${low} > ${high} ? ${low} : ${high}`),
        ]
      : [low, high]
  const ge = gen.bind(`${x} == null || ${lo} == null ? null : ${x} >= ${lo}`)
  const le = gen.bind(`${x} == null || ${hi} == null ? null : ${x} <= ${hi}`)
  return gen.bind(
    `${ge} === false || ${le} === false ? false : ${ge} === null || ${le} === null ? null : true`,
  )
}

export const LOGIC_EMITTERS: ReadonlyMap<string, CallEmitter> = new Map<string, CallEmitter>([
  ['AND', andOr],
  ['OR', andOr],
  ['NOT', not],
  ...Object.keys(IS_TESTS).map((op): [string, CallEmitter] => [op, isTest]),
  ['CASE', caseWhen],
  ['COALESCE', coalesce],
  ['IF', ifThenElse],
  ['NULLIF', nullIf],
  ['IN', inList],
  ['BETWEEN', between],
  ['BETWEEN SYMMETRIC', between],
])
