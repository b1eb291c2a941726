/** The registry's view of schemas, shaped like Confluent Schema Registry responses so its REST client fits. */

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON'

/** A named dependency: an Avro named type, a Protobuf import path, or a JSON Schema `$ref` URL. */
export interface SchemaReference {
  readonly name: string
  readonly subject: string
  readonly version: number
}

export interface RegisteredSchema {
  /** Confluent omits it for Avro. */
  readonly schemaType?: SchemaType
  readonly schema: string
  readonly references?: readonly SchemaReference[]
}

/**
 * Where codecs get schemas. Resolve to `undefined` when the registry answers "not found"; reject only when
 * it could not answer (so a missing id is never confused with an outage).
 */
export interface SchemaSource {
  schemaById(id: number): Promise<RegisteredSchema | undefined>
  schemaBySubjectVersion(subject: string, version: number): Promise<RegisteredSchema | undefined>
}
