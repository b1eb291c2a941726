import { type Int64, wrapInt64 } from '../../../engine/int64.ts'
import type { BoundExpr } from '../../expr/bound-expr.ts'
import { literalValue } from '../../expr/bound-expr.ts'
import type { TimeUnit } from '../../parser/index.ts'
import { commonTypeOf } from '../../types/coercion.ts'
import {
  isInteger,
  type LogicalType,
  MAX_DECIMAL_PRECISION,
  types,
  withoutTimeAttribute,
} from '../../types/logical-type.ts'
import { MS_PER_DAY } from '../runtime/calendar.ts'
import { absInt64 } from '../runtime/int64-arithmetic.ts'
import { roundHalfUp } from '../runtime/numbers.ts'
import { ceilTo, floorTo, timeUnit } from '../runtime/time-units.ts'
import { type TimeZone, toInstant, toLocal } from '../runtime/time-zone.ts'
import {
  firstArgumentType,
  fn,
  type Implementation,
  inline,
  type RuntimeEnv,
  type ScalarFunction,
  scalar,
} from '../scalar-function.ts'
import { P } from '../signature.ts'

const DOUBLE = types.double()

function doubleFunction(name: string, source: (x: string) => string): ScalarFunction {
  return scalar({
    name,
    signatures: { params: [P.numeric] },
    returnType: DOUBLE,
    implement: asDoubles(([x]) => source(x!)),
  })
}

/**
 * An inline implementation over doubles: numeric arguments are not cast, and a BIGINT beyond 2^53 is a
 * bigint, which Math refuses; such arguments go through Number() first.
 */
function asDoubles(
  source: (args: readonly string[]) => string,
): (args: readonly BoundExpr[]) => Implementation {
  return (args) => {
    const bigints = args.map((arg) => arg.type.kind === 'BIGINT')
    if (!bigints.includes(true)) return { inline: source }
    return { inline: (values) => source(values.map((value, i) => (bigints[i] ? `Number(${value})` : value))) }
  }
}

/** FLOOR/CEIL of a number keep integer types; a DECIMAL loses its fraction digits. */
function roundedType(args: readonly BoundExpr[]): LogicalType {
  const type = args[0]!.type
  if (args.length === 2) return withoutTimeAttribute(type)
  if (type.kind !== 'DECIMAL') return type
  return types.decimal(Math.min(MAX_DECIMAL_PRECISION, type.precision - type.scale + 1), 0)
}

/** FLOOR(ts TO unit) / CEIL(ts TO unit) on DATE, TIMESTAMP and TIMESTAMP_LTZ (rounded in the session zone). */
function roundTime(
  args: readonly BoundExpr[],
  zone: TimeZone,
  round: (unit: TimeUnit, ms: number) => number,
): Implementation {
  const unit = timeUnit(literalValue(args[1]))
  const type = args[0]!.type
  if (type.kind === 'DATE')
    return { fn: (days: number) => Math.floor(round(unit, days * MS_PER_DAY) / MS_PER_DAY) }
  if (type.kind === 'TIMESTAMP_LTZ')
    return { fn: (instant: number) => toInstant(zone, round(unit, toLocal(zone, instant))) }
  return { fn: (ms: number) => round(unit, ms) }
}

function floorOrCeil(
  name: string,
  jsFunction: string,
  round: (unit: TimeUnit, ms: number) => number,
): ScalarFunction {
  return scalar({
    name,
    signatures: [{ params: [P.numeric] }, { params: [P.datetime, P.symbol] }],
    returnType: roundedType,
    implement: (args: readonly BoundExpr[], env: RuntimeEnv) => {
      if (args.length === 2) return roundTime(args, env.zone, round)
      // An integer is its own floor and ceiling (and a BIGINT beyond 2^53 is a bigint, which Math refuses).
      if (isInteger(args[0]!.type)) return { inline: ([x]) => x! }
      return { inline: ([x]) => `${jsFunction}(${x})` }
    },
  })
}

function isBigint(args: readonly BoundExpr[]): boolean {
  return args[0]!.type.kind === 'BIGINT'
}

/**
 * ROUND/TRUNCATE of a BIGINT to `digits` (negative: to tens, hundreds …), exactly, as Flink rounds a long:
 * HALF_UP (away from zero) or DOWN (toward zero). Non-negative digits leave an integer as it is.
 */
function roundInt64(value: Int64, digits: number, mode: 'half-up' | 'down'): Int64 {
  if (digits >= 0) return value
  const factor = 10n ** BigInt(-digits)
  const exact = BigInt(value)
  const magnitude = exact < 0n ? -exact : exact
  let rounded = (magnitude / factor) * factor
  if (mode === 'half-up' && (magnitude % factor) * 2n >= factor) rounded += factor
  return wrapInt64(exact < 0n ? -rounded : rounded)
}

/** A deterministic generator per seed (mulberry32), so RAND(seed) repeats its sequence like Flink's. */
function seeded(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function greatestOrLeast(name: string, pick: '>' | '<'): ScalarFunction {
  return scalar({
    name,
    signatures: { params: [P.any], variadic: P.any },
    returnType: (args) => commonTypeOf(args.map((arg) => arg.type)).type ?? args[0]!.type,
    implement: fn((...values: (number | string)[]) =>
      values.reduce((best, value) => ((pick === '>' ? value > best : value < best) ? value : best)),
    ),
  })
}

export const MATH_FUNCTIONS: readonly ScalarFunction[] = [
  scalar({
    name: 'ABS',
    signatures: { params: [P.numeric] },
    returnType: firstArgumentType,
    implement: (args) => (isBigint(args) ? { fn: absInt64 } : { inline: ([x]) => `Math.abs(${x})` }),
  }),
  scalar({
    name: 'SIGN',
    signatures: { params: [P.numeric] },
    returnType: firstArgumentType,
    implement: (args) =>
      isBigint(args)
        ? { fn: (value: Int64) => (typeof value === 'bigint' ? (value < 0n ? -1 : 1) : Math.sign(value)) }
        : { inline: ([x]) => `Math.sign(${x})` },
  }),
  scalar({
    name: 'ROUND',
    signatures: { params: [P.numeric, P.integer], optional: 1 },
    returnType: (args) => {
      const type = args[0]!.type
      const digits = literalValue(args[1])
      if (type.kind !== 'DECIMAL') return type
      const scale = Math.max(0, Math.min(type.scale, typeof digits === 'number' ? digits : 0))
      return types.decimal(type.precision, scale)
    },
    implement: (args) =>
      isBigint(args)
        ? { fn: (value: Int64, digits = 0) => roundInt64(value, digits, 'half-up') }
        : { fn: (value: number, digits = 0) => roundHalfUp(value, digits) },
  }),
  scalar({
    name: 'TRUNCATE',
    signatures: { params: [P.numeric, P.integer], optional: 1 },
    returnType: firstArgumentType,
    implement: (args) =>
      isBigint(args)
        ? { fn: (value: Int64, digits = 0) => roundInt64(value, digits, 'down') }
        : {
            fn: (value: number, digits = 0) => {
              const factor = 10 ** digits
              return Math.trunc(value * factor) / factor
            },
          },
  }),
  floorOrCeil('FLOOR', 'Math.floor', floorTo),
  floorOrCeil('CEIL', 'Math.ceil', ceilTo),
  scalar({
    name: 'POWER',
    signatures: { params: [P.numeric, P.numeric] },
    returnType: DOUBLE,
    implement: asDoubles(([a, b]) => `Math.pow(${a}, ${b})`),
  }),
  doubleFunction('SQRT', (x) => `Math.sqrt(${x})`),
  doubleFunction('EXP', (x) => `Math.exp(${x})`),
  doubleFunction('LN', (x) => `Math.log(${x})`),
  doubleFunction('LOG10', (x) => `Math.log10(${x})`),
  doubleFunction('LOG2', (x) => `Math.log2(${x})`),
  scalar({
    name: 'LOG',
    signatures: { params: [P.numeric, P.numeric], optional: 1 },
    returnType: DOUBLE,
    implement: asDoubles((args) =>
      args.length === 1 ? `Math.log(${args[0]})` : `(Math.log(${args[1]}) / Math.log(${args[0]}))`,
    ),
  }),
  doubleFunction('SIN', (x) => `Math.sin(${x})`),
  doubleFunction('COS', (x) => `Math.cos(${x})`),
  doubleFunction('TAN', (x) => `Math.tan(${x})`),
  doubleFunction('COT', (x) => `(1 / Math.tan(${x}))`),
  doubleFunction('ASIN', (x) => `Math.asin(${x})`),
  doubleFunction('ACOS', (x) => `Math.acos(${x})`),
  doubleFunction('ATAN', (x) => `Math.atan(${x})`),
  doubleFunction('SINH', (x) => `Math.sinh(${x})`),
  doubleFunction('COSH', (x) => `Math.cosh(${x})`),
  doubleFunction('TANH', (x) => `Math.tanh(${x})`),
  doubleFunction('DEGREES', (x) => `(${x} * 180 / Math.PI)`),
  doubleFunction('RADIANS', (x) => `(${x} * Math.PI / 180)`),
  scalar({
    name: 'ATAN2',
    signatures: { params: [P.numeric, P.numeric] },
    returnType: DOUBLE,
    implement: asDoubles(([a, b]) => `Math.atan2(${a}, ${b})`),
  }),
  scalar({
    name: 'PI',
    signatures: { params: [] },
    returnType: types.double(false),
    implement: inline(() => 'Math.PI'),
  }),
  scalar({
    name: 'E',
    signatures: { params: [] },
    returnType: types.double(false),
    implement: inline(() => 'Math.E'),
  }),
  scalar({
    name: 'RAND',
    signatures: { params: [P.integer], optional: 1 },
    returnType: types.double(false),
    deterministic: false,
    nulls: 'custom',
    implement: (args, env) => {
      const seed = literalValue(args[0])
      return { fn: typeof seed === 'number' ? seeded(seed) : env.random }
    },
  }),
  scalar({
    name: 'RAND_INTEGER',
    signatures: [{ params: [P.integer] }, { params: [P.integer, P.integer] }],
    returnType: types.int(false),
    deterministic: false,
    implement: (args, env) => {
      const seed = args.length === 2 ? literalValue(args[0]) : undefined
      const random = typeof seed === 'number' ? seeded(seed) : env.random
      return { fn: (...bounds: number[]) => Math.floor(random() * bounds[bounds.length - 1]!) }
    },
  }),
  scalar({
    name: 'BIN',
    signatures: { params: [P.integer] },
    returnType: types.string(),
    implement: fn((value: number) =>
      (value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value)).toString(2),
    ),
  }),
  scalar({
    name: 'HEX',
    signatures: [{ params: [P.integer] }, { params: [P.string] }],
    returnType: types.string(),
    implement: fn((value: number | string) =>
      typeof value === 'string'
        ? Buffer.from(value, 'utf8').toString('hex').toUpperCase()
        : (value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value)).toString(16).toUpperCase(),
    ),
  }),
  greatestOrLeast('GREATEST', '>'),
  greatestOrLeast('LEAST', '<'),
]
