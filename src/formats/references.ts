import type { ResolvedReference } from './compiled-schema.ts'
import { DecodeError } from './errors.ts'
import type { SchemaReference, SchemaSource } from './schema-source.ts'

/**
 * Fetches references and their own references, depth first, so every schema comes after the ones it
 * depends on (Avro must parse named types in that order). Each name is fetched once.
 */
export async function resolveReferences(
  source: SchemaSource,
  references: readonly SchemaReference[],
): Promise<ResolvedReference[]> {
  const resolved: ResolvedReference[] = []
  const seen = new Set<string>()
  async function visit(level: readonly SchemaReference[]): Promise<void> {
    for (const reference of level) {
      if (seen.has(reference.name)) continue
      seen.add(reference.name)
      const found = await source.schemaBySubjectVersion(reference.subject, reference.version)
      if (found === undefined) {
        throw new DecodeError(
          'INVALID_SCHEMA',
          `Schema reference '${reference.name}' (subject ${reference.subject}, version ${reference.version}) is not in the registry.`,
        )
      }
      await visit(found.references ?? [])
      resolved.push({ name: reference.name, schema: found.schema })
    }
  }
  await visit(references)
  return resolved
}
