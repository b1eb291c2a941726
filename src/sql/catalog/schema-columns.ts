import { parseAvroSchema } from '../../catalog/schemas/avro.ts'
import { parseJsonSchema } from '../../catalog/schemas/json-schema.ts'
import { messageByIndexes, messageIndexes, parseProtobufSchema } from '../../catalog/schemas/protobuf.ts'
import type { RegisteredSchema, SchemaSource } from '../../formats/index.ts'
import { avroColumns } from './avro-columns.ts'
import { CatalogTableError } from './catalog-table-error.ts'
import { jsonSchemaColumns } from './json-schema-columns.ts'
import { protobufColumns } from './protobuf-columns.ts'
import type { ResolvedColumn } from './table-resolver.ts'

/**
 * The columns a registered schema describes, with Flink's logical types: an Avro record's fields, a Protobuf
 * message's fields (`message` names it; the file's first message by default), a JSON Schema object's
 * properties. References are fetched from `schemas` first, as the registry stores them.
 */
export async function columnsOfSchema(
  dataset: string,
  registered: RegisteredSchema,
  schemas: SchemaSource,
  message?: string,
): Promise<ResolvedColumn[]> {
  const references = await referenceTexts(dataset, registered, schemas)
  const problem = (text: string): never => {
    throw new CatalogTableError(dataset, text)
  }
  const parsed = parseOrExplain(dataset, () => parse(registered, references, message))
  switch (parsed.type) {
    case 'AVRO':
      return avroColumns(parsed.root, problem)
    case 'PROTOBUF':
      return protobufColumns(parsed.message, problem)
    case 'JSON':
      return jsonSchemaColumns(parsed.document, parsed.resolver, problem)
  }
}

function parse(registered: RegisteredSchema, references: ReadonlyMap<string, string>, message?: string) {
  switch (registered.schemaType ?? 'AVRO') {
    case 'AVRO':
      return { type: 'AVRO' as const, root: parseAvroSchema(registered.schema, references).root }
    case 'PROTOBUF': {
      const schema = parseProtobufSchema(registered.schema, references)
      const indexes = message === undefined ? [0] : messageIndexes(schema, message)
      return { type: 'PROTOBUF' as const, message: messageByIndexes(schema, indexes) }
    }
    case 'JSON': {
      const { document, resolver } = parseJsonSchema(registered.schema, references)
      return { type: 'JSON' as const, document, resolver }
    }
  }
}

function parseOrExplain<T>(dataset: string, action: () => T): T {
  try {
    return action()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new CatalogTableError(
      dataset,
      `its registered schema does not parse (${reason}); fix it in the registry`,
    )
  }
}

/** Every schema the registered one refers to, directly or through others, by reference name. */
async function referenceTexts(
  dataset: string,
  registered: RegisteredSchema,
  schemas: SchemaSource,
): Promise<Map<string, string>> {
  const texts = new Map<string, string>()
  const pending = [...(registered.references ?? [])]
  while (pending.length > 0) {
    const reference = pending.pop()!
    if (texts.has(reference.name)) continue
    const found = await schemas.schemaBySubjectVersion(reference.subject, reference.version)
    if (found === undefined)
      throw new CatalogTableError(
        dataset,
        `its schema refers to ${reference.subject} version ${reference.version}, which the registry does not have`,
      )
    texts.set(reference.name, found.schema)
    pending.push(...(found.references ?? []))
  }
  return texts
}
