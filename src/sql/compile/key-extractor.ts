import { keyEncoder } from '../../engine/index.ts'
import { isCharacter, isNumeric, type LogicalType } from '../types/logical-type.ts'
import { type Compiled, type CompileOptions, createCodegen, type Row } from './compile-expression.ts'

/** A group key as the engine's keyed state takes it (`StateKey`). */
export type GroupKey = string | number | null

export interface KeyField {
  readonly index: number
  readonly type: LogicalType
}

/**
 * A generated extractor of the GROUP BY / PARTITION BY key of a row, producing exactly the keys of the engine's
 * `keyEncoder` (so state written by either is found by the other):
 *
 * - one numeric (INT, BIGINT, DOUBLE, DATE, TIMESTAMP …) or string column: the value itself, no allocation
 *   (a BIGINT beyond 2^53, a bigint at run time, is the string `b<digits>;`);
 * - several columns: one string concatenating a self-delimiting encoding of each value, `d<number>;` for numbers,
 *   `b<digits>;` for bigints,
 *   `s<length>:<text>` for strings (the length prefix, not a separator, keeps `('a|b','c')` apart from
 *   `('a','b|c')` whatever characters the strings hold), `t`/`f` for booleans and `n` for NULL.
 *
 * Keys with other types (bytes, arrays, rows) use the engine's encoder itself. A nested Map per column would
 * avoid building strings but costs a Map lookup per key column and complicates state snapshots; the flat
 * string is one hash lookup and plain data.
 */
export function compileKeyExtractor(
  fields: readonly KeyField[],
  options: CompileOptions,
): Compiled<(row: Row) => GroupKey> {
  const gen = createCodegen(options)
  if (fields.length === 0) return gen.instantiate(`function key(row) {\n  return ''\n}`)
  const composite = fields.length > 1
  if (!fields.every((field) => isScalarKey(field.type) || (composite && field.type.kind === 'BOOLEAN'))) {
    const columns = fields.map((field) => field.index)
    return { fn: keyEncoder(columns), source: `engine keyEncoder([${columns.join(', ')}])` }
  }
  if (!composite) {
    // A BIGINT beyond 2^53 is a bigint; state keys are strings or numbers, so it is tagged like keyEncoder does.
    const bigint = fields[0]!.type.kind === 'BIGINT' ? ` : typeof v === 'bigint' ? 'b' + v + ';'` : ''
    return gen.instantiate(
      `function key(row) {\n  const v = row[${fields[0]!.index}]\n  return v === undefined ? null${bigint} : v\n}`,
    )
  }
  const parts = fields.map(({ index, type }) => {
    const v = `c${index}`
    gen.line(`const ${v} = row[${index}]`)
    if (isCharacter(type)) return `(${v} == null ? 'n' : 's' + ${v}.length + ':' + ${v})`
    if (type.kind === 'BOOLEAN') return `(${v} == null ? 'n' : ${v} ? 't' : 'f')`
    if (type.kind === 'BIGINT')
      return `(${v} == null ? 'n' : (typeof ${v} === 'bigint' ? 'b' : 'd') + ${v} + ';')`
    return `(${v} == null ? 'n' : 'd' + ${v} + ';')`
  })
  return gen.instantiate(
    `function key(row) {\n${gen.takeLines().join('\n')}\n  return ${parts.join(' + ')}\n}`,
  )
}

const NUMBER_KINDS = new Set([
  'DATE',
  'TIME',
  'TIMESTAMP',
  'TIMESTAMP_LTZ',
  'INTERVAL_YEAR_MONTH',
  'INTERVAL_DAY_TIME',
])

/** Types whose values are JS numbers or strings, which keyed state uses as keys directly. */
function isScalarKey(type: LogicalType): boolean {
  return isNumeric(type) || isCharacter(type) || NUMBER_KINDS.has(type.kind)
}
