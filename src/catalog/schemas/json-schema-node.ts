import { isJsonObject } from './json-text.ts'

/** A JSON Schema: an object of keywords, or `true` (accepts everything) / `false` (accepts nothing). */
export type JsonSchemaNode = boolean | Readonly<Record<string, unknown>>

export function isJsonSchemaNode(value: unknown): value is JsonSchemaNode {
  return typeof value === 'boolean' || isJsonObject(value)
}

export const JSON_TYPE_NAMES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'object',
  'array',
  'number',
  'string',
  'integer',
])
