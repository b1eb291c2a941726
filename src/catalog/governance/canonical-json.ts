/**
 * The one serialization audit hashes are computed over. It must give the same text for a record before it is
 * stored and after it comes back from a jsonb column, on every Weir version, so: object keys sorted (jsonb
 * reorders them), undefined members dropped (JSON has none), and anything without an exact JSON form (NaN,
 * Infinity, bigint, Dates and other class instances) refused instead of silently converted.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

export function canonicalJson(value: unknown): string {
  return write(value, '$')
}

function write(value: unknown, path: string): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} has no JSON form`)
    return JSON.stringify(value)
  }
  if (Array.isArray(value))
    return `[${value.map((item, index) => write(item, `${path}[${index}]`)).join(',')}]`
  if (isPlainObject(value)) {
    const members = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${write(value[key], `${path}.${key}`)}`)
    return `{${members.join(',')}}`
  }
  throw new TypeError(
    `${path}: a ${describe(value)} has no canonical JSON form; convert it to plain JSON first`,
  )
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object'
  return typeof value
}
