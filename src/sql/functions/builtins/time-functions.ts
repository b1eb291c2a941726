import type { BoundExpr } from '../../expr/bound-expr.ts'
import { literalValue } from '../../expr/bound-expr.ts'
import type { TimeUnit } from '../../parser/index.ts'
import { asTimeAttribute, type LogicalType, types, withoutTimeAttribute } from '../../types/logical-type.ts'
import { daysOfMillis, MS_PER_DAY, MS_PER_SECOND, millisOfDay } from '../runtime/calendar.ts'
import { type DatePattern, datePattern } from '../runtime/date-pattern.ts'
import { formatTimestamp, parseTimestamp } from '../runtime/temporal-text.ts'
import { addUnits, diffUnits, extractField, timeUnit } from '../runtime/time-units.ts'
import { type TimeZone, timeZone, toInstant, toLocal } from '../runtime/time-zone.ts'
import { type Implementation, type RuntimeEnv, type ScalarFunction, scalar } from '../scalar-function.ts'
import { P } from '../signature.ts'

const DEFAULT_TIMESTAMP_PATTERN = 'yyyy-MM-dd HH:mm:ss'
const DEFAULT_DATE_PATTERN = 'yyyy-MM-dd'

/**
 * The wall-clock reading of a DATE, TIME, TIMESTAMP or TIMESTAMP_LTZ value as epoch milliseconds, which is
 * what calendar fields are computed on; TIMESTAMP_LTZ instants are read in the session time zone.
 */
function wallClock(type: LogicalType, zone: TimeZone): (value: number) => number {
  if (type.kind === 'DATE') return (days) => days * MS_PER_DAY
  if (type.kind === 'TIMESTAMP_LTZ') return (instant) => toLocal(zone, instant)
  return (value) => value
}

/** The inverse of `wallClock` for a result of the same type. */
function fromWallClock(type: LogicalType, zone: TimeZone): (local: number) => number {
  if (type.kind === 'DATE') return (local) => daysOfMillis(local)
  if (type.kind === 'TIMESTAMP_LTZ') return (local) => toInstant(zone, local)
  return (local) => local
}

/** A literal pattern argument compiled once, or the shared pattern cache for computed patterns. */
function patternAt(
  args: readonly BoundExpr[],
  index: number,
  fallback: string,
): (text: string | undefined) => DatePattern {
  const fixed = literalValue(args[index])
  if (typeof fixed === 'string' || args[index] === undefined) {
    const compiled = datePattern(typeof fixed === 'string' ? fixed : fallback)
    return () => compiled
  }
  return (text) => datePattern(text ?? fallback)
}

function validPattern(args: readonly BoundExpr[], index: number): string | undefined {
  const pattern = literalValue(args[index])
  if (typeof pattern !== 'string') return undefined
  try {
    datePattern(pattern)
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

/** Parses a timestamp text with an optional pattern into wall-clock millis in the session zone, or null. */
function timestampParser(
  args: readonly BoundExpr[],
  patternIndex: number,
  zone: TimeZone,
): (text: string, pattern?: string) => number | null {
  if (args[patternIndex] === undefined) return (text) => parseTimestamp(text)
  const pattern = patternAt(args, patternIndex, DEFAULT_TIMESTAMP_PATTERN)
  return (text, source) => {
    const parsed = pattern(source).parse(text)
    if (parsed === null) return null
    return parsed.offsetMs === undefined ? parsed.local : toLocal(zone, parsed.local - parsed.offsetMs)
  }
}

function fieldFunction(name: string, unit: TimeUnit): ScalarFunction {
  return scalar({
    name,
    signatures: { params: [P.temporal] },
    returnType: types.bigint(),
    implement: (args, env) => {
      const local = wallClock(args[0]!.type, env.zone)
      return { fn: (value: number) => extractField(unit, local(value)) }
    },
  })
}

function clockFunction(
  name: string,
  type: LogicalType,
  read: (env: RuntimeEnv) => () => unknown,
): ScalarFunction {
  return scalar({
    name,
    signatures: { params: [] },
    returnType: type,
    deterministic: false,
    implement: (_args, env) => ({ fn: read(env) }),
  })
}

const now = (env: RuntimeEnv) => env.now
const localNow = (env: RuntimeEnv) => () => toLocal(env.zone, env.now())

export const TIME_FUNCTIONS: readonly ScalarFunction[] = [
  scalar({
    name: 'DATE_FORMAT',
    signatures: { params: [P.timestampOrString, P.string] },
    returnType: types.string(),
    nulls: 'strict-nullable',
    validate: (args) => validPattern(args, 1),
    implement: (args, env): Implementation => {
      const pattern = patternAt(args, 1, DEFAULT_TIMESTAMP_PATTERN)
      const type = args[0]!.type
      if (type.kind === 'TIMESTAMP_LTZ')
        return {
          fn: (instant: number, source: string) =>
            pattern(source).format(toLocal(env.zone, instant), env.zone.offsetAt(instant)),
        }
      if (type.kind === 'TIMESTAMP') return { fn: (ms: number, source: string) => pattern(source).format(ms) }
      return {
        fn: (text: string, source: string) => {
          const ms = parseTimestamp(text)
          return ms === null ? null : pattern(source).format(ms)
        },
      }
    },
  }),
  scalar({
    name: 'TO_TIMESTAMP',
    signatures: { params: [P.string, P.string], optional: 1 },
    returnType: types.timestamp(3),
    nulls: 'strict-nullable',
    validate: (args) => validPattern(args, 1),
    implement: (args, env) => ({ fn: timestampParser(args, 1, env.zone) }),
  }),
  scalar({
    name: 'TO_TIMESTAMP_LTZ',
    signatures: { params: [P.numeric, P.integer] },
    returnType: types.timestampLtz(3),
    validate: (args) => {
      const precision = literalValue(args[1])
      return precision === 0 || precision === 3
        ? undefined
        : 'TO_TIMESTAMP_LTZ precision must be the literal 0 (seconds) or 3 (milliseconds)'
    },
    implement: (args) => {
      const scale = literalValue(args[1]) === 0 ? MS_PER_SECOND : 1
      return { fn: (epoch: number) => Math.floor(epoch * scale) }
    },
  }),
  scalar({
    name: 'TO_DATE',
    signatures: { params: [P.string, P.string], optional: 1 },
    returnType: types.date(),
    nulls: 'strict-nullable',
    validate: (args) => validPattern(args, 1),
    implement: (args) => {
      const pattern = patternAt(args, 1, DEFAULT_DATE_PATTERN)
      return {
        fn: (text: string, source?: string) => {
          const parsed = pattern(source).parse(text)
          return parsed === null ? null : daysOfMillis(parsed.local)
        },
      }
    },
  }),
  scalar({
    name: 'FROM_UNIXTIME',
    signatures: { params: [P.numeric, P.string], optional: 1 },
    returnType: types.string(),
    validate: (args) => validPattern(args, 1),
    implement: (args, env) => {
      const pattern = patternAt(args, 1, DEFAULT_TIMESTAMP_PATTERN)
      return {
        fn: (seconds: number, source?: string) => {
          const instant = Math.floor(seconds) * MS_PER_SECOND
          return pattern(source).format(toLocal(env.zone, instant), env.zone.offsetAt(instant))
        },
      }
    },
  }),
  scalar({
    name: 'UNIX_TIMESTAMP',
    signatures: { params: [P.string, P.string], optional: 2 },
    returnType: (args) => types.bigint(args.length > 0),
    nulls: 'custom',
    deterministic: false,
    validate: (args) => validPattern(args, 1),
    implement: (args, env) => {
      if (args.length === 0) return { fn: () => Math.floor(env.now() / MS_PER_SECOND) }
      const pattern = patternAt(args, 1, DEFAULT_TIMESTAMP_PATTERN)
      return {
        fn: (text: string | null, source?: string | null) => {
          if (text === null || text === undefined || source === null) return null
          const parsed = pattern(source).parse(text)
          if (parsed === null) return null
          const instant =
            parsed.offsetMs === undefined ? toInstant(env.zone, parsed.local) : parsed.local - parsed.offsetMs
          return Math.floor(instant / MS_PER_SECOND)
        },
      }
    },
  }),
  scalar({
    name: 'CONVERT_TZ',
    signatures: { params: [P.string, P.string, P.string] },
    returnType: types.string(),
    nulls: 'strict-nullable',
    implement: () => ({
      fn: (text: string, from: string, to: string) => {
        const local = parseTimestamp(text)
        if (local === null) return null
        return formatTimestamp(toLocal(timeZone(to), toInstant(timeZone(from), local)), 0)
      },
    }),
  }),
  scalar({
    name: 'EXTRACT',
    signatures: { params: [P.symbol, P.temporal] },
    returnType: types.bigint(),
    implement: (args, env) => {
      const unit = timeUnit(literalValue(args[0]))
      const local = wallClock(args[1]!.type, env.zone)
      return { fn: (_unit: string, value: number) => extractField(unit, local(value)) }
    },
  }),
  fieldFunction('YEAR', 'YEAR'),
  fieldFunction('QUARTER', 'QUARTER'),
  fieldFunction('MONTH', 'MONTH'),
  fieldFunction('WEEK', 'WEEK'),
  fieldFunction('DAYOFYEAR', 'DOY'),
  fieldFunction('DAYOFMONTH', 'DAY'),
  fieldFunction('DAYOFWEEK', 'DOW'),
  fieldFunction('HOUR', 'HOUR'),
  fieldFunction('MINUTE', 'MINUTE'),
  fieldFunction('SECOND', 'SECOND'),
  clockFunction('CURRENT_TIMESTAMP', types.timestampLtz(3, false), now),
  clockFunction('NOW', types.timestampLtz(3, false), now),
  clockFunction('CURRENT_ROW_TIMESTAMP', types.timestampLtz(3, false), now),
  clockFunction('PROCTIME', asTimeAttribute(types.timestampLtz(3, false), 'proctime'), now),
  clockFunction('LOCALTIMESTAMP', types.timestamp(3, false), localNow),
  clockFunction('CURRENT_DATE', types.date(false), (env) => () => daysOfMillis(localNow(env)())),
  clockFunction('CURRENT_TIME', types.time(0, false), (env) => () => millisOfDay(localNow(env)())),
  clockFunction('LOCALTIME', types.time(0, false), (env) => () => millisOfDay(localNow(env)())),
  scalar({
    name: 'TIMESTAMPADD',
    signatures: { params: [P.symbol, P.integer, P.datetime] },
    returnType: (args) => withoutTimeAttribute(args[2]!.type),
    implement: (args, env) => {
      const unit = timeUnit(literalValue(args[0]))
      const type = args[2]!.type
      const local = wallClock(type, env.zone)
      const back = fromWallClock(type, env.zone)
      return {
        fn: (_unit: string, amount: number, value: number) => back(addUnits(unit, amount, local(value))),
      }
    },
  }),
  scalar({
    name: 'TIMESTAMPDIFF',
    signatures: { params: [P.symbol, P.datetime, P.datetime] },
    returnType: types.int(),
    implement: (args, env) => {
      const unit = timeUnit(literalValue(args[0]))
      const from = wallClock(args[1]!.type, env.zone)
      const to = wallClock(args[2]!.type, env.zone)
      return { fn: (_unit: string, a: number, b: number) => diffUnits(unit, from(a), to(b)) }
    },
  }),
]
