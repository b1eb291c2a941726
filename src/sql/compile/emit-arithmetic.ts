import { SqlRuntimeError } from '../errors.ts'
import type { Call } from '../expr/bound-expr.ts'
import { addMonths, MS_PER_DAY } from '../functions/runtime/calendar.ts'
import {
  addInt64,
  divideInt64,
  multiplyInt64,
  negateInt64,
  remainderInt64,
  subtractInt64,
} from '../functions/runtime/int64-arithmetic.ts'
import { divideIntegers, integerRemainder, roundHalfUp } from '../functions/runtime/numbers.ts'
import { toInstant, toLocal } from '../functions/runtime/time-zone.ts'
import { isDatetime, isInterval, type LogicalType } from '../types/logical-type.ts'
import type { CallEmitter, ExpressionCodegen } from './codegen.ts'

/**
 * Arithmetic by result type, like Flink's generated Java: INT, SMALLINT and TINYINT wrap on overflow, integer
 * division truncates and fails on a zero divisor, DECIMAL results are rounded half-up to the result scale
 * (they are doubles, see `types/logical-type.ts`), FLOAT/DOUBLE follow IEEE (x / 0 is Infinity).
 */
function numericSource(
  gen: ExpressionCodegen,
  op: string,
  type: LogicalType,
  left: string,
  right: string,
): string {
  switch (type.kind) {
    case 'INT':
      if (op === '*') return `Math.imul(${left}, ${right})`
      if (op === '/') return `(${gen.constant(divideIntegers)}(${left}, ${right}) | 0)`
      if (op === '%') return `${gen.constant(integerRemainder)}(${left}, ${right})`
      return `((${left} ${op} ${right}) | 0)`
    case 'TINYINT':
    case 'SMALLINT': {
      const shift = type.kind === 'TINYINT' ? 24 : 16
      if (op === '%') return `${gen.constant(integerRemainder)}(${left}, ${right})`
      const value =
        op === '/' ? `${gen.constant(divideIntegers)}(${left}, ${right})` : `(${left} ${op} ${right})`
      return `((${value} << ${shift}) >> ${shift})`
    }
    case 'BIGINT':
      // Exact over the whole 64-bit range, wrapping like Java's long (see int64-arithmetic.ts).
      return `${gen.constant(INT64_OPERATIONS[op as keyof typeof INT64_OPERATIONS])}(${left}, ${right})`
    case 'DECIMAL':
      if (op === '/')
        return `${gen.constant(roundHalfUp)}(${gen.constant(divideDecimal)}(${left}, ${right}), ${type.scale})`
      return `${gen.constant(roundHalfUp)}(${left} ${op} ${right}, ${type.scale})`
    default:
      return `(${left} ${op} ${right})`
  }
}

function divideDecimal(left: number, right: number): number {
  if (right === 0) throw new SqlRuntimeError('division by zero')
  return left / right
}

function arithmetic(gen: ExpressionCodegen, call: Call): string {
  const [left, right] = call.args as [Call['args'][0], Call['args'][0]]
  if (isDatetime(left.type) || isDatetime(right.type)) return datetimeArithmetic(gen, call)
  if (isInterval(left.type) || isInterval(right.type)) {
    const source =
      call.op === '*' || call.op === '/'
        ? (l: string, r: string) => `Math.trunc(${l} ${call.op} ${r})`
        : (l: string, r: string) => `(${l} ${call.op} ${r})`
    return gen.strict(call.args, ([l, r]) => source(l!, r!))
  }
  return gen.strict(call.args, ([l, r]) =>
    numericSource(
      gen,
      call.op,
      call.type,
      asDouble(left.type, call.type, l!),
      asDouble(right.type, call.type, r!),
    ),
  )
}

const INT64_OPERATIONS = {
  '+': addInt64,
  '-': subtractInt64,
  '*': multiplyInt64,
  '/': divideInt64,
  '%': remainderInt64,
} as const

/**
 * A BIGINT operand of DOUBLE/FLOAT/DECIMAL arithmetic (the binder does not cast numeric operands) as a double:
 * BIGINTs beyond 2^53 are bigints, which JS refuses to mix with numbers.
 */
function asDouble(operand: LogicalType, result: LogicalType, value: string): string {
  if (operand.kind !== 'BIGINT' || result.kind === 'BIGINT') return value
  // Inline, not a call: this sits on hot paths such as Nexmark q1's `0.908 * price`.
  return `(typeof ${value} === 'number' ? ${value} : Number(${value}))`
}

/** datetime ± interval and interval + datetime; month intervals move along the calendar in local time. */
function datetimeArithmetic(gen: ExpressionCodegen, call: Call): string {
  const datetimeFirst = isDatetime(call.args[0]!.type)
  const datetime = datetimeFirst ? call.args[0]! : call.args[1]!
  const interval = datetimeFirst ? call.args[1]! : call.args[0]!
  const sign = call.op === '-' ? '-' : ''
  const shift = intervalShift(gen, datetime.type, interval.type)
  return gen.strict(call.args, ([a, b]) => {
    const [dt, iv] = datetimeFirst ? [a!, b!] : [b!, a!]
    return shift(dt, `${sign}${iv}`)
  })
}

function intervalShift(
  gen: ExpressionCodegen,
  type: LogicalType,
  interval: LogicalType,
): (dt: string, iv: string) => string {
  const zone = gen.env.zone
  if (interval.kind === 'INTERVAL_YEAR_MONTH') {
    switch (type.kind) {
      case 'DATE':
        return (dt, iv) =>
          `Math.floor(${gen.constant(addMonths)}(${dt} * ${MS_PER_DAY}, ${iv}) / ${MS_PER_DAY})`
      case 'TIMESTAMP_LTZ': {
        const shiftLocal = (instant: number, months: number) =>
          toInstant(zone, addMonths(toLocal(zone, instant), months))
        return (dt, iv) => `${gen.constant(shiftLocal)}(${dt}, ${iv})`
      }
      case 'TIME':
        return (dt) => dt
      default:
        return (dt, iv) => `${gen.constant(addMonths)}(${dt}, ${iv})`
    }
  }
  switch (type.kind) {
    case 'DATE':
      return (dt, iv) => `(${dt} + Math.trunc((${iv}) / ${MS_PER_DAY}))`
    case 'TIME':
      return (dt, iv) => `((((${dt} + (${iv})) % ${MS_PER_DAY}) + ${MS_PER_DAY}) % ${MS_PER_DAY})`
    default:
      return (dt, iv) => `(${dt} + (${iv}))`
  }
}

function negate(gen: ExpressionCodegen, call: Call): string {
  const kind = call.type.kind
  if (kind === 'BIGINT') return gen.strict(call.args, ([value]) => `${gen.constant(negateInt64)}(${value})`)
  return gen.strict(call.args, ([value]) => (kind === 'INT' ? `((-${value}) | 0)` : `(-${value})`))
}

function concat(gen: ExpressionCodegen, call: Call): string {
  return gen.strict(call.args, (values) => `(${values.join(' + ')})`)
}

export const ARITHMETIC_EMITTERS: ReadonlyMap<string, CallEmitter> = new Map<string, CallEmitter>([
  ...['+', '-', '*', '/', '%'].map((op): [string, CallEmitter] => [op, arithmetic]),
  ['NEG', negate],
  ['||', concat],
])
