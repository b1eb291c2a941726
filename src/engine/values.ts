/**
 * SQL ordering of comparable scalar values (numbers, bigints, strings, booleans, bytes), shared by MIN/MAX
 * and ORDER BY. Strings compare by UTF-16 code units, like Java's String.compareTo in Flink. Null handling is
 * the caller's: aggregates never see nulls and ORDER BY decides NULLS FIRST/LAST itself.
 */
export function compareValues(left: unknown, right: unknown): number {
  if (typeof left === 'number' && typeof right === 'number') return left < right ? -1 : left > right ? 1 : 0
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0
  if (isNumeric(left) && isNumeric(right)) return left < right ? -1 : left > right ? 1 : 0
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right)
  if (left instanceof Uint8Array && right instanceof Uint8Array) return Buffer.compare(left, right)
  throw new TypeError(`cannot compare ${typeof left} with ${typeof right}`)
}

function isNumeric(value: unknown): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint'
}
