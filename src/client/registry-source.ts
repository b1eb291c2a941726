import type { RegisteredSchema, SchemaSource } from '../formats/index.ts'
import type { UdmHttp } from './http.ts'

/** Confluent's "not found" codes: only these mean a schema does not exist (any other failure is a fault). */
const SCHEMA_NOT_FOUND = [40403]
const SUBJECT_OR_VERSION_NOT_FOUND = [40401, 40402]

/**
 * Serves codecs from the UDM server's Confluent-compatible registry routes. Resolves `undefined` only when
 * the registry says the schema does not exist; an outage, a timeout or a refusal (401/403) rejects, so the
 * codec registry reports REGISTRY_UNAVAILABLE rather than UNKNOWN_SCHEMA_ID and no good record is
 * mistaken for a bad one.
 */
export class RegistrySchemaSource implements SchemaSource {
  constructor(private readonly http: UdmHttp) {}

  schemaById(id: number): Promise<RegisteredSchema | undefined> {
    return this.http.get<RegisteredSchema>(`/schemas/ids/${id}`, SCHEMA_NOT_FOUND)
  }

  schemaBySubjectVersion(subject: string, version: number): Promise<RegisteredSchema | undefined> {
    return this.http.get<RegisteredSchema>(
      `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
      SUBJECT_OR_VERSION_NOT_FOUND,
    )
  }
}
