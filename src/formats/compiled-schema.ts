import { AvroCodec } from './avro.ts'
import { DecodeError } from './errors.ts'
import { JsonCodec } from './json.ts'
import { ProtobufSchema } from './protobuf.ts'
import type { SchemaType } from './schema-source.ts'

/** A registered schema turned into something that encodes and decodes; what the registry caches per id. */
export type CompiledSchema =
  | { readonly schemaType: 'AVRO'; readonly avro: AvroCodec }
  | { readonly schemaType: 'PROTOBUF'; readonly protobuf: ProtobufSchema }
  | { readonly schemaType: 'JSON'; readonly json: JsonCodec }

/** A referenced schema's text under the name the referencing schema uses for it. */
export interface ResolvedReference {
  readonly name: string
  readonly schema: string
}

/** @param references dependencies before their dependents */
export function compileSchema(
  schemaType: SchemaType,
  schema: string,
  references: readonly ResolvedReference[],
): CompiledSchema {
  const byName = new Map(references.map((reference) => [reference.name, reference.schema]))
  switch (schemaType) {
    case 'AVRO':
      return { schemaType, avro: AvroCodec.parse(schema, [...byName.values()]) }
    case 'PROTOBUF':
      return { schemaType, protobuf: ProtobufSchema.parse(schema, byName) }
    case 'JSON':
      return { schemaType, json: JsonCodec.parse(schema, byName) }
    default:
      // Registries are remote: the declared type is a promise about data we have not checked.
      throw new DecodeError('INVALID_SCHEMA', `Schema type ${String(schemaType)} is not supported.`)
  }
}
