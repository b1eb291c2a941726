import type { AvroNode, AvroPrimitive } from '../../catalog/schemas/avro-model.ts'
import { type LogicalType, types, withNullability } from '../types/logical-type.ts'
import type { ResolvedColumn } from './table-resolver.ts'

/**
 * Table columns of an Avro record schema, typed as Flink's avro format maps Avro (legacy timestamp mapping):
 * a union of null and one type is that type, nullable; everything else is NOT NULL. `problem` reports what
 * has no SQL equivalent (other unions, recursive records).
 */
export function avroColumns(root: AvroNode, problem: (message: string) => never): ResolvedColumn[] {
  if (root.kind !== 'record')
    return problem(`its value schema is an Avro ${root.kind}, not a record; SQL tables need a record`)
  return root.fields.map((field) => ({
    name: field.name,
    type: avroType(field.type, `field '${field.name}'`, new Set(), problem),
  }))
}

function avroType(
  node: AvroNode,
  path: string,
  enclosing: ReadonlySet<string>,
  problem: (message: string) => never,
): LogicalType {
  switch (node.kind) {
    case 'primitive':
      return primitiveType(node, path, problem)
    case 'enum':
      return types.string(false)
    case 'fixed':
      return logicalType(node.attributes) === 'decimal'
        ? decimalType(node.attributes)
        : types.binary(node.size, false)
    case 'array':
      return types.array(avroType(node.items, `${path}[]`, enclosing, problem), false)
    case 'map':
      return types.map(types.string(false), avroType(node.values, `${path}{}`, enclosing, problem), false)
    case 'record': {
      if (enclosing.has(node.fullName))
        return problem(`${path} is the recursive record ${node.fullName}, which a SQL ROW cannot express`)
      const inner = new Set([...enclosing, node.fullName])
      return types.row(
        node.fields.map((field) => ({
          name: field.name,
          type: avroType(field.type, `${path}.${field.name}`, inner, problem),
        })),
        false,
      )
    }
    case 'union': {
      const present = node.branches.filter(
        (branch) => !(branch.kind === 'primitive' && branch.name === 'null'),
      )
      if (present.length !== 1)
        return problem(
          `${path} is a union of ${present.length} non-null types, which has no SQL type; use a union of null and one type`,
        )
      const type = avroType(present[0]!, path, enclosing, problem)
      return withNullability(type, present.length < node.branches.length)
    }
  }
}

function primitiveType(node: AvroPrimitive, path: string, problem: (message: string) => never): LogicalType {
  const logical = logicalType(node.attributes)
  switch (node.name) {
    case 'null':
      return problem(`${path} is always null, which has no SQL column type`)
    case 'boolean':
      return types.boolean(false)
    case 'int':
      if (logical === 'date') return types.date(false)
      if (logical === 'time-millis') return types.time(3, false)
      return types.int(false)
    case 'long':
      if (logical === 'timestamp-millis' || logical === 'local-timestamp-millis')
        return types.timestamp(3, false)
      if (logical === 'timestamp-micros' || logical === 'local-timestamp-micros')
        return types.timestamp(6, false)
      if (logical === 'time-micros') return types.time(6, false)
      return types.bigint(false)
    case 'float':
      return types.float(false)
    case 'double':
      return types.double(false)
    case 'bytes':
      return logical === 'decimal' ? decimalType(node.attributes) : types.bytes(false)
    case 'string':
      return types.string(false)
  }
}

function logicalType(attributes: Readonly<Record<string, unknown>>): unknown {
  return attributes.logicalType
}

function decimalType(attributes: Readonly<Record<string, unknown>>): LogicalType {
  const precision = typeof attributes.precision === 'number' ? attributes.precision : 38
  const scale = typeof attributes.scale === 'number' ? attributes.scale : 0
  return types.decimal(precision, scale, false)
}
