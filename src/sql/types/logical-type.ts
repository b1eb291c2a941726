/**
 * Flink's logical types as plain immutable objects, and the JS value that represents each at run time.
 *
 * | SQL type                        | runtime value                                                           |
 * | ------------------------------- | ----------------------------------------------------------------------- |
 * | BOOLEAN                         | `boolean`                                                               |
 * | TINYINT, SMALLINT, INT          | `number` (an integer in the type's range; arithmetic wraps like Java)    |
 * | BIGINT                          | `number` while the value is a safe integer (|v| <= 2^53 - 1), `bigint`  |
 * |                                 | beyond: exact over the whole signed 64-bit range, one representation per |
 * |                                 | value (engine/int64.ts); arithmetic and SUM wrap at 64 bits like Java    |
 * | FLOAT, DOUBLE                   | `number`                                                                |
 * | DECIMAL(p, s)                   | `number` (a double, rounded half-up to `s` digits by CAST and by        |
 * |                                 | arithmetic): exact to ~15 significant digits, not to 38 as in Flink;    |
 * |                                 | SUM and AVG add in exact units of 10^-s and round once at the end       |
 * | CHAR(n), VARCHAR(n), STRING     | `string` (CHAR values are not blank-padded)                             |
 * | BINARY(n), VARBINARY(n), BYTES  | `Uint8Array`                                                            |
 * | DATE                            | `number`: days since 1970-01-01                                         |
 * | TIME(p)                         | `number`: milliseconds since midnight                                   |
 * | TIMESTAMP(p)                    | `number`: epoch milliseconds of the wall-clock time read as UTC         |
 * | TIMESTAMP_LTZ(p)                | `number`: epoch milliseconds of the instant                             |
 * | INTERVAL YEAR TO MONTH          | `number`: months                                                        |
 * | INTERVAL DAY TO SECOND          | `number`: milliseconds                                                  |
 * | ARRAY<T>                        | `unknown[]`                                                             |
 * | MULTISET<T>                     | `Map<unknown, number>` (element → count)                                |
 * | MAP<K, V>                       | `Map<unknown, unknown>`                                                 |
 * | ROW<…>                          | `unknown[]`, positional like a table row                                |
 * | NULL (and any NULL value)       | `null` (readers also accept `undefined` as NULL)                        |
 *
 * Timestamps carry at most millisecond precision at run time: TIMESTAMP(6) and TIMESTAMP(9) keep their declared
 * type (and print their digits), but sub-millisecond digits are dropped when a value is parsed.
 */

export type IntegerKind = 'TINYINT' | 'SMALLINT' | 'INT' | 'BIGINT'
export type ApproximateKind = 'FLOAT' | 'DOUBLE'
export type CharacterKind = 'CHAR' | 'VARCHAR'
export type BinaryKind = 'BINARY' | 'VARBINARY'
export type TimestampKind = 'TIMESTAMP' | 'TIMESTAMP_LTZ'
export type IntervalKind = 'INTERVAL_YEAR_MONTH' | 'INTERVAL_DAY_TIME'

/**
 * A time attribute, as Flink marks it on a TIMESTAMP column: `rowtime` is the event-time column a watermark is
 * defined on, `proctime` is the processing time (`PROCTIME()`). Windows and temporal joins require one.
 */
export type TimeAttribute = 'rowtime' | 'proctime'

interface Base {
  readonly nullable: boolean
}

export interface BooleanType extends Base {
  readonly kind: 'BOOLEAN'
}
export interface IntegerType extends Base {
  readonly kind: IntegerKind
}
export interface ApproximateType extends Base {
  readonly kind: ApproximateKind
}
export interface DecimalType extends Base {
  readonly kind: 'DECIMAL'
  readonly precision: number
  readonly scale: number
}
export type NumericType = IntegerType | ApproximateType | DecimalType

export interface CharacterType extends Base {
  readonly kind: CharacterKind
  readonly length: number
}
export interface BinaryType extends Base {
  readonly kind: BinaryKind
  readonly length: number
}
export interface DateType extends Base {
  readonly kind: 'DATE'
}
export interface TimeType extends Base {
  readonly kind: 'TIME'
  readonly precision: number
}
export interface TimestampType extends Base {
  readonly kind: TimestampKind
  readonly precision: number
  readonly timeAttribute?: TimeAttribute
}
export interface IntervalType extends Base {
  readonly kind: IntervalKind
}
export interface ArrayType extends Base {
  readonly kind: 'ARRAY' | 'MULTISET'
  readonly element: LogicalType
}
export interface MapType extends Base {
  readonly kind: 'MAP'
  readonly key: LogicalType
  readonly value: LogicalType
}
export interface RowField {
  readonly name: string
  readonly type: LogicalType
}
export interface RowType extends Base {
  readonly kind: 'ROW'
  readonly fields: readonly RowField[]
}
/** The type of an untyped NULL literal; it converts to every type. */
export interface NullType extends Base {
  readonly kind: 'NULL'
}
/**
 * Not a value type: the type of flag arguments such as the unit in `FLOOR(ts TO HOUR)` or
 * `TIMESTAMPDIFF(DAY, a, b)`, which are bound as literals holding the unit name.
 */
export interface SymbolType extends Base {
  readonly kind: 'SYMBOL'
}

export type LogicalType =
  | BooleanType
  | IntegerType
  | ApproximateType
  | DecimalType
  | CharacterType
  | BinaryType
  | DateType
  | TimeType
  | TimestampType
  | IntervalType
  | ArrayType
  | MapType
  | RowType
  | NullType
  | SymbolType

/** Flink's maximum length, used for STRING (= VARCHAR(MAX)) and BYTES (= VARBINARY(MAX)). */
export const MAX_LENGTH = 2147483647
export const MAX_DECIMAL_PRECISION = 38

/** Constructors; every type is nullable unless `false` is passed. */
export const types = {
  boolean: (nullable = true): BooleanType => ({ kind: 'BOOLEAN', nullable }),
  tinyint: (nullable = true): IntegerType => ({ kind: 'TINYINT', nullable }),
  smallint: (nullable = true): IntegerType => ({ kind: 'SMALLINT', nullable }),
  int: (nullable = true): IntegerType => ({ kind: 'INT', nullable }),
  bigint: (nullable = true): IntegerType => ({ kind: 'BIGINT', nullable }),
  float: (nullable = true): ApproximateType => ({ kind: 'FLOAT', nullable }),
  double: (nullable = true): ApproximateType => ({ kind: 'DOUBLE', nullable }),
  decimal: (precision: number, scale: number, nullable = true): DecimalType => ({
    kind: 'DECIMAL',
    precision,
    scale,
    nullable,
  }),
  char: (length: number, nullable = true): CharacterType => ({ kind: 'CHAR', length, nullable }),
  varchar: (length: number, nullable = true): CharacterType => ({ kind: 'VARCHAR', length, nullable }),
  string: (nullable = true): CharacterType => ({ kind: 'VARCHAR', length: MAX_LENGTH, nullable }),
  binary: (length: number, nullable = true): BinaryType => ({ kind: 'BINARY', length, nullable }),
  varbinary: (length: number, nullable = true): BinaryType => ({ kind: 'VARBINARY', length, nullable }),
  bytes: (nullable = true): BinaryType => ({ kind: 'VARBINARY', length: MAX_LENGTH, nullable }),
  date: (nullable = true): DateType => ({ kind: 'DATE', nullable }),
  time: (precision = 0, nullable = true): TimeType => ({ kind: 'TIME', precision, nullable }),
  timestamp: (precision = 6, nullable = true): TimestampType => ({ kind: 'TIMESTAMP', precision, nullable }),
  timestampLtz: (precision = 6, nullable = true): TimestampType => ({
    kind: 'TIMESTAMP_LTZ',
    precision,
    nullable,
  }),
  intervalYearMonth: (nullable = true): IntervalType => ({ kind: 'INTERVAL_YEAR_MONTH', nullable }),
  intervalDayTime: (nullable = true): IntervalType => ({ kind: 'INTERVAL_DAY_TIME', nullable }),
  array: (element: LogicalType, nullable = true): ArrayType => ({ kind: 'ARRAY', element, nullable }),
  multiset: (element: LogicalType, nullable = true): ArrayType => ({ kind: 'MULTISET', element, nullable }),
  map: (key: LogicalType, value: LogicalType, nullable = true): MapType => ({
    kind: 'MAP',
    key,
    value,
    nullable,
  }),
  row: (fields: readonly RowField[], nullable = true): RowType => ({ kind: 'ROW', fields, nullable }),
  null: (): NullType => ({ kind: 'NULL', nullable: true }),
  symbol: (): SymbolType => ({ kind: 'SYMBOL', nullable: false }),
} as const

export function withNullability<T extends LogicalType>(type: T, nullable: boolean): T {
  return type.nullable === nullable ? type : { ...type, nullable }
}

/** The same type without a time attribute: what a time attribute becomes once it is computed on or joined. */
export function withoutTimeAttribute<T extends LogicalType>(type: T): T {
  if (!isTimestamp(type) || type.timeAttribute === undefined) return type
  const { timeAttribute: _dropped, ...plain } = type
  return plain as T
}

export function asTimeAttribute(type: TimestampType, attribute: TimeAttribute): TimestampType {
  return { ...type, timeAttribute: attribute }
}

export function isInteger(type: LogicalType): type is IntegerType {
  return type.kind === 'TINYINT' || type.kind === 'SMALLINT' || type.kind === 'INT' || type.kind === 'BIGINT'
}

export function isApproximate(type: LogicalType): type is ApproximateType {
  return type.kind === 'FLOAT' || type.kind === 'DOUBLE'
}

export function isNumeric(type: LogicalType): type is NumericType {
  return isInteger(type) || isApproximate(type) || type.kind === 'DECIMAL'
}

export function isCharacter(type: LogicalType): type is CharacterType {
  return type.kind === 'CHAR' || type.kind === 'VARCHAR'
}

export function isBinary(type: LogicalType): type is BinaryType {
  return type.kind === 'BINARY' || type.kind === 'VARBINARY'
}

export function isTimestamp(type: LogicalType): type is TimestampType {
  return type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ'
}

/** DATE, TIME, TIMESTAMP and TIMESTAMP_LTZ. */
export function isDatetime(type: LogicalType): boolean {
  return type.kind === 'DATE' || type.kind === 'TIME' || isTimestamp(type)
}

export function isInterval(type: LogicalType): type is IntervalType {
  return type.kind === 'INTERVAL_YEAR_MONTH' || type.kind === 'INTERVAL_DAY_TIME'
}

export function timeAttributeOf(type: LogicalType): TimeAttribute | undefined {
  return isTimestamp(type) ? type.timeAttribute : undefined
}

/** Whether comparisons and ORDER BY are defined on values of this type. */
export function isComparable(type: LogicalType): boolean {
  return (
    type.kind === 'BOOLEAN' ||
    isNumeric(type) ||
    isCharacter(type) ||
    isBinary(type) ||
    isDatetime(type) ||
    isInterval(type) ||
    type.kind === 'NULL'
  )
}

/** Structural equality, nullability and time attributes included. */
export function typesEqual(left: LogicalType, right: LogicalType): boolean {
  if (left.nullable !== right.nullable || timeAttributeOf(left) !== timeAttributeOf(right)) return false
  return sameShape(left, right)
}

/** Structural equality ignoring the nullability and time attribute of the outermost type. */
export function sameShape(left: LogicalType, right: LogicalType): boolean {
  switch (left.kind) {
    case 'DECIMAL':
      return right.kind === 'DECIMAL' && left.precision === right.precision && left.scale === right.scale
    case 'CHAR':
    case 'VARCHAR':
    case 'BINARY':
    case 'VARBINARY':
      return right.kind === left.kind && left.length === right.length
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return right.kind === left.kind && left.precision === right.precision
    case 'ARRAY':
    case 'MULTISET':
      return right.kind === left.kind && typesEqual(left.element, right.element)
    case 'MAP':
      return right.kind === 'MAP' && typesEqual(left.key, right.key) && typesEqual(left.value, right.value)
    case 'ROW':
      return (
        right.kind === 'ROW' &&
        left.fields.length === right.fields.length &&
        left.fields.every((field, i) => {
          const other = right.fields[i]!
          return field.name === other.name && typesEqual(field.type, other.type)
        })
      )
    default:
      return left.kind === right.kind
  }
}
