import type { RegisteredSchema, SchemaSource } from '../formats/index.ts'
import type { UdmHttp } from './http.ts'

/** Serves codecs from the UDM server's Confluent-compatible registry routes. */
export class RegistrySchemaSource implements SchemaSource {
  constructor(private readonly http: UdmHttp) {}

  schemaById(id: number): Promise<RegisteredSchema | undefined> {
    return this.http.get<RegisteredSchema>(`/schemas/ids/${id}`, true)
  }

  schemaBySubjectVersion(subject: string, version: number): Promise<RegisteredSchema | undefined> {
    return this.http.get<RegisteredSchema>(
      `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
      true,
    )
  }
}
