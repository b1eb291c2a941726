/**
 * Field names of a schema, for "which datasets have a field called user_id?". Nested fields are listed by
 * dotted path (`user.address.city`); search matches a name against whole paths and their last segment.
 */
import protobuf from 'protobufjs'
import type { AvroNode } from '../schemas/avro-model.ts'
import type { ParsedSchema } from '../schemas/types.ts'

/** Enough for any real schema; stops pathological (or recursive) schemas from exploding the index. */
const MAX_FIELDS = 2000
const MAX_DEPTH = 8
/**
 * Nodes visited, in all. Named types are shared, so a union listing many recursive record types revisits the same
 * paths (which add no field) a number of times exponential in the depth: 200 such records took 12 s, on the
 * event loop, for a lookup any viewer may send.
 */
const MAX_VISITS = 20_000

export function fieldNamesOf(schema: ParsedSchema): string[] {
  const fields = new Set<string>()
  let visits = 0
  const add = (path: string): boolean => {
    // `fields` also holds '' (see avroFields), hence `>`.
    if (fields.size > MAX_FIELDS || ++visits > MAX_VISITS) return false
    fields.add(path)
    return true
  }
  if (schema.type === 'AVRO') avroFields(schema.root, '', 0, add)
  else if (schema.type === 'PROTOBUF') {
    for (const declaration of schema.file.declarations) {
      if (declaration instanceof protobuf.Type) protobufFields(declaration, '', 0, add)
    }
  } else jsonSchemaFields(schema.document, '', 0, add)
  fields.delete('')
  return [...fields]
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`
}

function avroFields(node: AvroNode, prefix: string, depth: number, add: (path: string) => boolean): void {
  // An empty path is never a field; adding it counts the visit and says whether the budget is spent.
  if (depth > MAX_DEPTH || !add('')) return
  switch (node.kind) {
    case 'record':
      for (const field of node.fields) {
        const path = join(prefix, field.name)
        if (!add(path)) return
        avroFields(field.type, path, depth + 1, add)
      }
      return
    case 'array':
      avroFields(node.items, prefix, depth + 1, add)
      return
    case 'map':
      avroFields(node.values, prefix, depth + 1, add)
      return
    case 'union':
      for (const branch of node.branches) avroFields(branch, prefix, depth + 1, add)
      return
    default:
      return
  }
}

function protobufFields(
  type: protobuf.Type,
  prefix: string,
  depth: number,
  add: (path: string) => boolean,
): void {
  if (depth > MAX_DEPTH || !add('')) return
  for (const field of type.fieldsArray) {
    const path = join(prefix, field.name)
    if (!add(path)) return
    if (field.resolvedType instanceof protobuf.Type) protobufFields(field.resolvedType, path, depth + 1, add)
  }
}

function jsonSchemaFields(
  node: unknown,
  prefix: string,
  depth: number,
  add: (path: string) => boolean,
): void {
  if (depth > MAX_DEPTH || !add('') || typeof node !== 'object' || node === null || Array.isArray(node))
    return
  const schema = node as Record<string, unknown>
  const properties = schema.properties
  if (typeof properties === 'object' && properties !== null && !Array.isArray(properties)) {
    for (const [name, child] of Object.entries(properties)) {
      const path = join(prefix, name)
      if (!add(path)) return
      jsonSchemaFields(child, path, depth + 1, add)
    }
  }
  jsonSchemaFields(schema.items, prefix, depth + 1, add)
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const branches = schema[keyword]
    if (Array.isArray(branches))
      for (const branch of branches) jsonSchemaFields(branch, prefix, depth + 1, add)
  }
}
