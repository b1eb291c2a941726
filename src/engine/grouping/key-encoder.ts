import type { Row } from '../rows.ts'
import type { StateKey } from '../state/keyed-state.ts'

/** Maps a row to the canonical state key of some of its columns. */
export type KeyEncoder = (row: Row) => StateKey

/**
 * A key encoder over `columns`. One column: numbers, strings and null are the key themselves, so the common
 * single-column GROUP BY allocates nothing; any other type is encoded as below. Several columns: an
 * injective string, each value tagged by type and strings length-prefixed, so ('a|b', 'c') and ('a', 'b|c')
 * never meet. A column holds one type per plan, so raw and encoded keys of one encoder never collide.
 */
export function keyEncoder(columns: readonly number[]): KeyEncoder {
  if (columns.length === 0) return () => ''
  if (columns.length === 1) {
    const column = columns[0]!
    return (row) => singleValueKey(row[column])
  }
  return (row) => {
    let key = ''
    for (let i = 0; i < columns.length; i++) key += encodeValue(row[columns[i]!])
    return key
  }
}

function singleValueKey(value: unknown): StateKey {
  if (typeof value === 'number' || typeof value === 'string') return value
  if (value === null || value === undefined) return null
  return encodeValue(value)
}

/** The tagged, self-delimiting encoding of one value inside a composite key. */
export function encodeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`
    case 'number':
      // String(-0) is '0', so -0 and 0 share a group as SQL requires.
      return `d${value};`
    case 'bigint':
      return `b${value};`
    case 'boolean':
      return value ? 't' : 'f'
    case 'undefined':
      return 'n'
    default:
      return encodeObject(value)
  }
}

function encodeObject(value: unknown): string {
  if (value === null) return 'n'
  if (value instanceof Uint8Array) return `x${value.length}:${Buffer.from(value).toString('latin1')}`
  if (value instanceof Date) return `d${value.getTime()};`
  if (Array.isArray(value)) return `a${value.length}:${value.map(encodeValue).join('')}`
  throw new TypeError(
    `cannot group by a value of type ${typeof value === 'object' ? 'object' : typeof value}`,
  )
}
