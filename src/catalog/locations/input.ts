/**
 * Small readers for untrusted definitions (HTTP bodies, YAML files). Each failure names the field, in the
 * dotted path form users see in their files: `datasets[2].locations.prod[0].topic`.
 */
import { invalidField, joinField } from './errors.ts'

export type Fields = Record<string, unknown>

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${JSON.stringify(value)}`
}

export function requireRecord(value: unknown, field: string, what: string): Fields {
  if (!isRecord(value))
    throw invalidField(field || '(document)', `expected ${what} (an object), got ${describeValue(value)}`)
  return value
}

/** Rejects keys the reader does not know: a misspelt `topik` should fail loudly, not be ignored. */
export function rejectUnknownKeys(
  record: Fields,
  known: readonly string[],
  field: string,
  what: string,
): void {
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) {
      const suggestion = closest(key, known)
      throw invalidField(
        joinField(field, key),
        `unknown field for ${what}${suggestion ? `; did you mean '${suggestion}'?` : ''} Known fields: ${known.join(', ')}`,
      )
    }
  }
}

export function readString(record: Fields, key: string, field: string, required: true): string
export function readString(record: Fields, key: string, field: string, required?: false): string | undefined
export function readString(record: Fields, key: string, field: string, required = false): string | undefined {
  const value = record[key]
  const path = joinField(field, key)
  if (value === undefined || value === null) {
    if (required) throw invalidField(path, 'is required')
    return undefined
  }
  if (typeof value !== 'string') throw invalidField(path, `expected a string, got ${describeValue(value)}`)
  if (required && value.trim() === '') throw invalidField(path, 'must not be empty')
  return value
}

export function readStringList(record: Fields, key: string, field: string): string[] {
  const value = record[key]
  const path = joinField(field, key)
  if (value === undefined || value === null) return []
  // A single name is accepted where a list is expected: `primaryKey: user_id`.
  if (typeof value === 'string') return [value]
  if (!Array.isArray(value))
    throw invalidField(path, `expected a list of strings, got ${describeValue(value)}`)
  return value.map((item, index) => {
    if (typeof item !== 'string' || item === '') {
      throw invalidField(`${path}[${index}]`, `expected a non-empty string, got ${describeValue(item)}`)
    }
    return item
  })
}

export function readPositiveInteger(record: Fields, key: string, field: string): number | undefined {
  const value = record[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalidField(joinField(field, key), `expected a positive whole number, got ${describeValue(value)}`)
  }
  return value
}

export function readEnum<T extends string>(
  record: Fields,
  key: string,
  field: string,
  allowed: readonly T[],
  required: boolean,
): T | undefined {
  const value = readString(record, key, field, required as false)
  if (value === undefined) return undefined
  const normalized = value.toLowerCase()
  const match = allowed.find((candidate) => candidate === normalized)
  if (match === undefined) {
    throw invalidField(joinField(field, key), `'${value}' is not one of ${allowed.join(', ')}`)
  }
  return match
}

/** The known name nearest to a misspelling (edit distance ≤ 2), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
