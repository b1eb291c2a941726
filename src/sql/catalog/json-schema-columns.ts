import type { JsonSchemaNode, JsonSchemaRefResolver } from '../../catalog/schemas/json-schema.ts'
import { type LogicalType, types, withNullability } from '../types/logical-type.ts'
import type { ResolvedColumn } from './table-resolver.ts'

type Problem = (message: string) => never
type JsonObject = Readonly<Record<string, unknown>>

/** How deep `$ref`s may nest before a schema counts as recursive (a SQL ROW cannot be). */
const MAX_DEPTH = 32

/**
 * Table columns of a JSON Schema object: `integer` is BIGINT, `number` DOUBLE, `string` STRING (whatever its
 * `format`), objects with `properties` ROWs, other objects MAP<STRING, STRING>, arrays ARRAYs. A property is
 * NOT NULL when it is `required` and its type does not admit null.
 */
export function jsonSchemaColumns(
  document: JsonSchemaNode,
  resolver: JsonSchemaRefResolver,
  problem: Problem,
): ResolvedColumn[] {
  const root = deref(document, resolver, '', problem)
  const properties = root.properties
  if (!isObject(properties) || Object.keys(properties).length === 0)
    return problem('its value schema is not an object with properties; SQL tables need named columns')
  return objectFields(root, resolver, '', 0, problem)
}

function objectFields(
  node: JsonObject,
  resolver: JsonSchemaRefResolver,
  path: string,
  depth: number,
  problem: Problem,
): { name: string; type: LogicalType }[] {
  const properties = isObject(node.properties) ? node.properties : {}
  const required = new Set(Array.isArray(node.required) ? node.required : [])
  return Object.entries(properties).map(([name, schema]) => {
    const type = jsonType(schema, resolver, `${path}${name}`, depth + 1, problem)
    return { name, type: required.has(name) ? type : withNullability(type, true) }
  })
}

function jsonType(
  schema: unknown,
  resolver: JsonSchemaRefResolver,
  path: string,
  depth: number,
  problem: Problem,
): LogicalType {
  if (depth > MAX_DEPTH)
    return problem(`${where(path)} nests too deeply (a recursive schema?), which a SQL ROW cannot express`)
  const node = deref(schema, resolver, path, problem)
  const alternatives = node.oneOf ?? node.anyOf
  if (Array.isArray(alternatives)) return alternativesType(alternatives, resolver, path, depth, problem)
  const declared = Array.isArray(node.type) ? node.type : [node.type]
  const present = declared.filter((type) => type !== 'null')
  const nullable = present.length < declared.length
  if (present.length !== 1 || typeof present[0] !== 'string')
    return problem(
      `${where(path)} has type ${JSON.stringify(node.type)}; give it one type (and optionally null)`,
    )
  const type = scalarOrNested(present[0], node, resolver, path, depth, problem)
  return withNullability(type, nullable)
}

function alternativesType(
  alternatives: readonly unknown[],
  resolver: JsonSchemaRefResolver,
  path: string,
  depth: number,
  problem: Problem,
): LogicalType {
  const present = alternatives.filter(
    (alternative) => !isNullSchema(deref(alternative, resolver, path, problem)),
  )
  if (present.length !== 1)
    return problem(`${where(path)} is one of ${present.length} non-null schemas, which has no SQL type`)
  const type = jsonType(present[0], resolver, path, depth, problem)
  return withNullability(type, present.length < alternatives.length || type.nullable)
}

function scalarOrNested(
  type: string,
  node: JsonObject,
  resolver: JsonSchemaRefResolver,
  path: string,
  depth: number,
  problem: Problem,
): LogicalType {
  switch (type) {
    case 'integer':
      return types.bigint(false)
    case 'number':
      return types.double(false)
    case 'string':
      return types.string(false)
    case 'boolean':
      return types.boolean(false)
    case 'array':
      return types.array(jsonType(node.items ?? {}, resolver, `${path}[]`, depth + 1, problem), false)
    case 'object':
      return isObject(node.properties)
        ? types.row(objectFields(node, resolver, `${path}.`, depth, problem), false)
        : types.map(types.string(false), types.string(), false)
    default:
      return problem(`${where(path)} has the unknown type '${type}'`)
  }
}

function deref(schema: unknown, resolver: JsonSchemaRefResolver, path: string, problem: Problem): JsonObject {
  let node = schema
  for (let hops = 0; isObject(node) && typeof node.$ref === 'string'; hops++) {
    if (hops > MAX_DEPTH) return problem(`${where(path)} has a cycle of $refs`)
    const target = resolver.resolve(node.$ref, node)
    if (target === undefined)
      return problem(`${where(path)} refers to '${node.$ref}', which does not resolve`)
    node = target
  }
  if (node === true || node === undefined) return {}
  if (!isObject(node)) return problem(`${where(path)} is the schema 'false', which admits no value`)
  return node
}

/** `path` is the dotted property name; empty for the root schema. */
function where(path: string): string {
  return path === '' ? 'the value schema' : `property '${path}'`
}

function isNullSchema(node: JsonObject): boolean {
  return node.type === 'null'
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
