/**
 * A catalog document: the clusters, datasets and schemas of a whole catalog in one YAML or JSON file, applied
 * with `weir catalog apply catalog.yaml` (or POST /api/v1/catalog/apply). Schemas may be inline (`schema:`) or
 * in a file next to the document (`file:`); files are read where the document is read, before it is sent.
 */
import { parseDocument } from 'yaml'
import { CatalogError, invalidField } from './locations/errors.ts'
import { describeValue, isRecord, rejectUnknownKeys } from './locations/input.ts'

export interface CatalogSchemaEntry {
  subject: string
  /** The request body Confluent's API takes: { schema, schemaType?, references? }. */
  body: Record<string, unknown>
  normalize: boolean
}

export interface CatalogDocument {
  clusters: unknown[]
  datasets: unknown[]
  schemas: CatalogSchemaEntry[]
}

const DOCUMENT_FIELDS = ['clusters', 'datasets', 'schemas'] as const
const SCHEMA_FIELDS = ['subject', 'schema', 'schemaType', 'references', 'normalize', 'file'] as const

/**
 * Parses YAML (JSON is YAML too). Syntax errors name the line and column; `source` names the file in messages.
 */
export function parseDefinitionText(text: string, source: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  const error = document.errors[0]
  if (error !== undefined) {
    const position = error.linePos?.[0]
    const where = position === undefined ? '' : ` at line ${position.line}, column ${position.col}`
    throw new CatalogError(
      400,
      'invalid_document',
      `${source}${where}: ${error.message.split('\n')[0]}. Fix the YAML/JSON syntax there and retry.`,
    )
  }
  return document.toJS()
}

/**
 * Validates a document's outline. `readFile` resolves `file:` entries of schemas (relative to the document);
 * without it, such entries are refused (a server cannot read the client's files).
 */
export function readCatalogDocument(value: unknown, readFile?: (path: string) => string): CatalogDocument {
  if (!isRecord(value)) {
    throw new CatalogError(
      400,
      'invalid_document',
      `a catalog document is an object with clusters, datasets and schemas lists, got ${describeValue(value)}`,
    )
  }
  rejectUnknownKeys(value, DOCUMENT_FIELDS, '', 'a catalog document')
  return {
    clusters: readList(value, 'clusters'),
    datasets: readList(value, 'datasets'),
    schemas: readList(value, 'schemas').map((entry, index) =>
      readSchemaEntry(entry, `schemas[${index}]`, readFile),
    ),
  }
}

function readList(value: Record<string, unknown>, key: string): unknown[] {
  const list = value[key]
  if (list === undefined || list === null) return []
  if (!Array.isArray(list)) throw invalidField(key, `expected a list, got ${describeValue(list)}`)
  return list
}

function readSchemaEntry(
  entry: unknown,
  field: string,
  readFile?: (path: string) => string,
): CatalogSchemaEntry {
  if (!isRecord(entry))
    throw invalidField(
      field,
      `expected a schema entry { subject, schema | file, schemaType }, got ${describeValue(entry)}`,
    )
  rejectUnknownKeys(entry, SCHEMA_FIELDS, field, 'a schema entry')
  const { subject, schema, file, schemaType, references, normalize } = entry
  if (typeof subject !== 'string' || subject === '')
    throw invalidField(`${field}.subject`, 'is required, e.g. traffic.pageview-value')
  let text: string
  if (typeof schema === 'string' && file === undefined) text = schema
  else if (isRecord(schema) && file === undefined) text = JSON.stringify(schema)
  else if (typeof file === 'string' && schema === undefined) {
    if (readFile === undefined) {
      throw invalidField(
        `${field}.file`,
        'files can only be read by the CLI; inline the schema text as schema: | ... when calling the API',
      )
    }
    text = readFile(file)
  } else {
    throw invalidField(
      field,
      'give the schema either inline (schema: ...) or as a file next to the document (file: pageview.avsc), not both',
    )
  }
  const body: Record<string, unknown> = { schema: text }
  if (schemaType !== undefined) body.schemaType = schemaType
  if (references !== undefined) body.references = references
  if (normalize !== undefined && typeof normalize !== 'boolean')
    throw invalidField(`${field}.normalize`, 'must be true or false')
  return { subject, body, normalize: normalize === true }
}
