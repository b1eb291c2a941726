import {
  type DecimalType,
  isApproximate,
  isBinary,
  isCharacter,
  isDatetime,
  isInteger,
  isInterval,
  isNumeric,
  isTimestamp,
  type LogicalType,
  MAX_DECIMAL_PRECISION,
  type NumericType,
  sameShape,
  timeAttributeOf,
  types,
  withNullability,
  withoutTimeAttribute,
} from './logical-type.ts'

/**
 * Implicit conversions, following Flink's `LogicalTypeMerging` and `LogicalTypeCasts`: the common type of
 * CASE branches, UNION inputs and comparison operands; which assignments (INSERT, function arguments) convert
 * silently; which CASTs exist at all; and the result types of arithmetic.
 */

const INTEGER_RANK = { TINYINT: 0, SMALLINT: 1, INT: 2, BIGINT: 3 } as const
const INTEGER_DIGITS = { TINYINT: 3, SMALLINT: 5, INT: 10, BIGINT: 19 } as const
/** Flink keeps at least this many fraction digits when a DECIMAL result must shrink to 38 digits. */
const MINIMUM_ADJUSTED_SCALE = 6

/**
 * The least type both values convert to without loss of meaning, or undefined when there is none
 * (e.g. INT and STRING). Nullable when either is; a time attribute survives only when both carry it.
 */
export function commonType(left: LogicalType, right: LogicalType): LogicalType | undefined {
  const nullable = left.nullable || right.nullable
  if (left.kind === 'NULL') return withNullability(right, true)
  if (right.kind === 'NULL') return withNullability(left, true)
  const merged = mergeShapes(left, right)
  if (merged === undefined) return undefined
  const keepsAttribute =
    timeAttributeOf(left) !== undefined && timeAttributeOf(left) === timeAttributeOf(right)
  return withNullability(keepsAttribute ? merged : withoutTimeAttribute(merged), nullable)
}

/** The common type of several types, or undefined with the index of the first one that does not fit. */
export function commonTypeOf(
  all: readonly LogicalType[],
): { type: LogicalType } | { type: undefined; conflict: number } {
  let result: LogicalType = all[0] ?? types.null()
  for (const [index, type] of all.entries()) {
    const merged = commonType(result, type)
    if (merged === undefined) return { type: undefined, conflict: index }
    result = merged
  }
  return { type: result }
}

/**
 * The type two operands of a comparison are compared in. Besides the common type, a character string
 * compares with a date or time value by converting the string (so `ts > '2024-01-31 00:00:00'` works).
 */
export function comparisonType(left: LogicalType, right: LogicalType): LogicalType | undefined {
  if (isCharacter(left) && isDatetime(right))
    return withNullability(withoutTimeAttribute(right), left.nullable || right.nullable)
  if (isCharacter(right) && isDatetime(left))
    return withNullability(withoutTimeAttribute(left), left.nullable || right.nullable)
  return commonType(left, right)
}

function mergeShapes(left: LogicalType, right: LogicalType): LogicalType | undefined {
  if (isNumeric(left) && isNumeric(right)) return numericCommonType(left, right)
  if (isCharacter(left) && isCharacter(right)) {
    if (left.kind === 'CHAR' && right.kind === 'CHAR' && left.length === right.length) return left
    return types.varchar(Math.max(left.length, right.length))
  }
  if (isBinary(left) && isBinary(right)) {
    if (left.kind === 'BINARY' && right.kind === 'BINARY' && left.length === right.length) return left
    return types.varbinary(Math.max(left.length, right.length))
  }
  if (isTimestamp(left) && isTimestamp(right)) {
    if (left.kind !== right.kind) return undefined
    return { ...left, precision: Math.max(left.precision, right.precision) }
  }
  if (left.kind === 'DATE' && right.kind === 'TIMESTAMP') return right
  if (left.kind === 'TIMESTAMP' && right.kind === 'DATE') return left
  if (left.kind === 'TIME' && right.kind === 'TIME')
    return types.time(Math.max(left.precision, right.precision))
  if (left.kind === 'ARRAY' || left.kind === 'MULTISET') {
    if (right.kind !== left.kind) return undefined
    const element = commonType(left.element, right.element)
    return element === undefined ? undefined : { ...left, element }
  }
  if (left.kind === 'MAP') {
    if (right.kind !== 'MAP') return undefined
    const key = commonType(left.key, right.key)
    const value = commonType(left.value, right.value)
    return key === undefined || value === undefined ? undefined : types.map(key, value)
  }
  if (left.kind === 'ROW') {
    if (right.kind !== 'ROW' || right.fields.length !== left.fields.length) return undefined
    const fields = []
    for (const [i, field] of left.fields.entries()) {
      const type = commonType(field.type, right.fields[i]!.type)
      if (type === undefined) return undefined
      fields.push({ name: field.name, type })
    }
    return types.row(fields)
  }
  return left.kind === right.kind && sameShape(left, right) ? left : undefined
}

function numericCommonType(left: NumericType, right: NumericType): LogicalType {
  if (isInteger(left) && isInteger(right))
    return INTEGER_RANK[left.kind] >= INTEGER_RANK[right.kind] ? left : right
  if (left.kind === 'DOUBLE' || right.kind === 'DOUBLE') return types.double()
  if (left.kind === 'FLOAT' || right.kind === 'FLOAT') {
    const other = left.kind === 'FLOAT' ? right : left
    return other.kind === 'DECIMAL' ? types.double() : types.float()
  }
  const a = asDecimal(left)
  const b = asDecimal(right)
  const scale = Math.max(a.scale, b.scale)
  const integerDigits = Math.max(a.precision - a.scale, b.precision - b.scale)
  return types.decimal(Math.min(MAX_DECIMAL_PRECISION, integerDigits + scale), scale)
}

/** An exact numeric type as DECIMAL: INT is DECIMAL(10, 0) and so on. */
function asDecimal(type: LogicalType): DecimalType {
  if (type.kind === 'DECIMAL') return type
  if (isInteger(type)) return types.decimal(INTEGER_DIGITS[type.kind], 0, type.nullable)
  throw new TypeError(`${type.kind} is not an exact numeric type`)
}

/**
 * Whether a value of `from` may be stored where `to` is expected without an explicit CAST: INSERT columns,
 * function arguments, UNION branches. Nullability is not checked here (a NOT NULL sink checks at run time).
 */
export function canCastImplicitly(from: LogicalType, to: LogicalType): boolean {
  if (from.kind === 'NULL') return true
  if (isNumeric(from) && isNumeric(to)) return numericWidens(from, to)
  if (isCharacter(from) && isCharacter(to)) return true
  if (isBinary(from) && isBinary(to)) return true
  if (isTimestamp(from) && isTimestamp(to)) return true
  if (from.kind === 'DATE' && isTimestamp(to)) return true
  if ((from.kind === 'ARRAY' || from.kind === 'MULTISET') && to.kind === from.kind)
    return canCastImplicitly(from.element, to.element)
  if (from.kind === 'MAP' && to.kind === 'MAP')
    return canCastImplicitly(from.key, to.key) && canCastImplicitly(from.value, to.value)
  if (from.kind === 'ROW' && to.kind === 'ROW')
    return (
      from.fields.length === to.fields.length &&
      from.fields.every((field, i) => canCastImplicitly(field.type, to.fields[i]!.type))
    )
  return from.kind === to.kind
}

function numericWidens(from: NumericType, to: NumericType): boolean {
  if (isInteger(from)) return !isInteger(to) || INTEGER_RANK[from.kind] <= INTEGER_RANK[to.kind]
  if (from.kind === 'DECIMAL') return !isInteger(to)
  if (from.kind === 'FLOAT') return isApproximate(to)
  return to.kind === 'DOUBLE'
}

/** Why `CAST(from AS to)` is not defined, or undefined when it is. */
export function explicitCastProblem(from: LogicalType, to: LogicalType): string | undefined {
  if (canCastImplicitly(from, to) || isCharacter(to)) return undefined
  if (isCharacter(from) && (to.kind === 'BOOLEAN' || isNumeric(to) || isDatetime(to) || isBinary(to)))
    return undefined
  if ((isNumeric(from) || from.kind === 'BOOLEAN') && (isNumeric(to) || to.kind === 'BOOLEAN'))
    return undefined
  if (isTimestamp(from) && (to.kind === 'DATE' || to.kind === 'TIME')) return undefined
  if (isNumeric(from) && isTimestamp(to))
    return 'use TO_TIMESTAMP_LTZ(x, 3) for epoch milliseconds or TO_TIMESTAMP_LTZ(x, 0) for epoch seconds'
  if (isTimestamp(from) && isNumeric(to)) return 'use UNIX_TIMESTAMP(CAST(x AS STRING)) for epoch seconds'
  if ((from.kind === 'ARRAY' || from.kind === 'MULTISET') && to.kind === from.kind)
    return explicitCastProblem(from.element, to.element)
  if (from.kind === 'MAP' && to.kind === 'MAP')
    return explicitCastProblem(from.key, to.key) ?? explicitCastProblem(from.value, to.value)
  if (from.kind === 'ROW' && to.kind === 'ROW' && from.fields.length === to.fields.length) {
    for (const [i, field] of from.fields.entries()) {
      const problem = explicitCastProblem(field.type, to.fields[i]!.type)
      if (problem !== undefined) return problem
    }
    return undefined
  }
  return ''
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%'

/**
 * The result type of `left op right`, or undefined when the operator does not apply. Integer division stays
 * integral (INT / INT is INT, truncating), as in Flink; DECIMAL precision and scale follow Flink's rules.
 */
export function arithmeticType(
  op: ArithmeticOperator,
  left: LogicalType,
  right: LogicalType,
): LogicalType | undefined {
  const nullable = left.nullable || right.nullable
  const result = arithmeticShape(op, withoutTimeAttribute(left), withoutTimeAttribute(right))
  return result === undefined ? undefined : withNullability(result, nullable)
}

function arithmeticShape(
  op: ArithmeticOperator,
  left: LogicalType,
  right: LogicalType,
): LogicalType | undefined {
  if (left.kind === 'NULL' && right.kind === 'NULL') return undefined
  if (left.kind === 'NULL') return arithmeticShape(op, right, right)
  if (right.kind === 'NULL') return arithmeticShape(op, left, left)
  if (isNumeric(left) && isNumeric(right)) return numericArithmetic(op, left, right)
  const datetime = isDatetime(left) ? left : isDatetime(right) ? right : undefined
  const interval = isInterval(left) ? left : isInterval(right) ? right : undefined
  if (datetime !== undefined && interval !== undefined) {
    if (op === '+' || (op === '-' && isDatetime(left))) return datetime
    return undefined
  }
  if (isInterval(left) && isInterval(right) && left.kind === right.kind && (op === '+' || op === '-'))
    return left
  if (isInterval(left) && isNumeric(right) && (op === '*' || op === '/')) return left
  if (isNumeric(left) && isInterval(right) && op === '*') return right
  return undefined
}

function numericArithmetic(op: ArithmeticOperator, left: NumericType, right: NumericType): LogicalType {
  if (isInteger(left) && isInteger(right))
    return INTEGER_RANK[left.kind] >= INTEGER_RANK[right.kind] ? left : right
  if (isApproximate(left) || isApproximate(right)) return numericCommonType(left, right)
  const a = asDecimal(left)
  const b = asDecimal(right)
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(a.scale, b.scale)
      return fitDecimal(Math.max(a.precision - a.scale, b.precision - b.scale) + scale + 1, scale)
    }
    case '*':
      return fitDecimal(a.precision + b.precision, a.scale + b.scale)
    case '/': {
      const scale = Math.max(MINIMUM_ADJUSTED_SCALE, a.scale + b.precision + 1)
      return fitDecimal(a.precision - a.scale + b.scale + scale, scale)
    }
    case '%': {
      const scale = Math.max(a.scale, b.scale)
      return fitDecimal(Math.min(a.precision - a.scale, b.precision - b.scale) + scale, scale)
    }
  }
}

/** Shrinks an over-wide DECIMAL to 38 digits the way Flink does: integer digits win, down to 6 fraction digits. */
function fitDecimal(precision: number, scale: number): DecimalType {
  if (precision <= MAX_DECIMAL_PRECISION) return types.decimal(precision, scale)
  const integerDigits = precision - scale
  const adjustedScale = Math.max(
    MAX_DECIMAL_PRECISION - integerDigits,
    Math.min(scale, MINIMUM_ADJUSTED_SCALE),
  )
  return types.decimal(MAX_DECIMAL_PRECISION, adjustedScale)
}

/**
 * Whether converting a value of `from` to `to` changes its runtime representation, so a CAST must be
 * evaluated. Numbers stay numbers, strings stay strings, TIMESTAMP(3) and TIMESTAMP(6) are both epoch millis.
 */
export function changesRepresentation(from: LogicalType, to: LogicalType): boolean {
  if (from.kind === 'NULL' || sameShape(from, to)) return false
  if (isNumeric(from) && isNumeric(to)) {
    // A BIGINT beyond 2^53 is a bigint at run time; as a DOUBLE, FLOAT or DECIMAL it must become a number.
    if (from.kind === 'BIGINT' && !isInteger(to)) return true
    if (to.kind === 'DECIMAL')
      return isApproximate(from) || (from.kind === 'DECIMAL' && from.scale > to.scale)
    return isInteger(to) && !isInteger(from)
  }
  if (isCharacter(from) && isCharacter(to)) return to.length < from.length
  if (isBinary(from) && isBinary(to)) return false
  if (isTimestamp(from) && isTimestamp(to)) return from.kind !== to.kind
  return true
}
