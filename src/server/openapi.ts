/**
 * Schema fragments for the OpenAPI document at /api/docs. They document; they do not validate: every route
 * validates its input in the domain code, which knows the right error codes and field names.
 */
export const REGISTRY_TAG = 'Schema registry (Confluent-compatible)'
export const UDM_TAG = 'UDM catalog'
export const OPS_TAG = 'Operations'

export const subjectParams = {
  type: 'object',
  properties: { subject: { type: 'string', description: 'Subject name, e.g. traffic.pageview-value' } },
  required: ['subject'],
} as const

export const subjectVersionParams = {
  type: 'object',
  properties: {
    subject: { type: 'string' },
    version: { type: 'string', description: 'A version number, or "latest" (also -1)' },
  },
  required: ['subject', 'version'],
} as const

export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', description: 'Global schema id' } },
  required: ['id'],
} as const

export const nameParams = {
  type: 'object',
  properties: { name: { type: 'string' } },
  required: ['name'],
} as const

const reference = {
  type: 'object',
  properties: { name: { type: 'string' }, subject: { type: 'string' }, version: { type: 'integer' } },
  required: ['name', 'subject', 'version'],
} as const

export const schemaRequestBody = {
  type: 'object',
  properties: {
    schema: { type: 'string', description: 'The schema text (Avro JSON, .proto text or JSON Schema)' },
    schemaType: { type: 'string', enum: ['AVRO', 'PROTOBUF', 'JSON'], description: 'AVRO when absent' },
    references: { type: 'array', items: reference },
  },
  required: ['schema'],
} as const

export function booleanQuery(...names: string[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, { type: 'boolean' }])),
  }
}

export const registryError = {
  type: 'object',
  properties: { error_code: { type: 'integer' }, message: { type: 'string' } },
} as const

export const apiError = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
    },
  },
} as const

/** Free-form object bodies (clusters, datasets, catalog documents), described in docs/udm.md. */
export const objectBody = { type: 'object', additionalProperties: true } as const
