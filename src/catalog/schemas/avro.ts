/**
 * Avro schemas: parsing (with Confluent-style references), the canonical form used for identity, and (re-exported
 * from avro-compatibility.ts) the resolution check.
 *
 * Canonical form: Avro's Parsing Canonical Form rules (full names everywhere, namespace attributes dropped, `doc`
 * dropped, primitives written as bare names, keys in the order name, type, fields, symbols, items, values, size,
 * no whitespace) but keeping what Parsing Canonical Form strips and a registry must not: field defaults, `order`
 * when not ascending, aliases (fully qualified), enum defaults, logical types and any other attributes (keys
 * sorted). Two schemas that read data differently therefore never share a canonical form, which would happen
 * with plain Parsing Canonical Form (it drops defaults, so adding a default would look like no change).
 */

import type { Type as AvscType } from 'avsc'
import avro from 'avsc'
import {
  type AvroAttributes,
  type AvroField,
  type AvroNamed,
  type AvroNode,
  candidateFullNames,
  isAvroPrimitiveName,
  readAvroSchema,
} from './avro-model.ts'
import { isJsonObject, parseJsonText, withSortedKeys } from './json-text.ts'
import { InvalidSchemaError, type ParsedSchemaBase } from './types.ts'

export { checkAvroCompatibility } from './avro-compatibility.ts'

export interface ParsedAvroSchema extends ParsedSchemaBase<'AVRO'> {
  readonly root: AvroNode
  /** The avsc type, ready for encoding and decoding. */
  readonly avscType: AvscType
}

/**
 * Parses an Avro schema. `references` maps reference names to the referenced schemas' texts; the named types they
 * define can be used by name, as with Confluent's registry. Their order does not matter.
 */
export function parseAvroSchema(
  text: string,
  references: ReadonlyMap<string, string> = new Map(),
): ParsedAvroSchema {
  const { names, avscRegistry } = loadReferences(references)
  const json = parseJsonText(text, 'AVRO')
  const referencedNames = new Set(names.keys())
  const root = readAvroSchema(json, names)
  return {
    type: 'AVRO',
    canonical: renderCanonical(root, referencedNames),
    root,
    avscType: toAvscType(json, avscRegistry),
  }
}

interface LoadedReferences {
  readonly names: Map<string, AvroNamed>
  readonly avscRegistry: Record<string, AvscType>
}

/** Reads referenced schemas in whatever order lets each one's names resolve, as they may refer to each other. */
function loadReferences(references: ReadonlyMap<string, string>): LoadedReferences {
  let names = new Map<string, AvroNamed>()
  const avscRegistry: Record<string, AvscType> = {}
  let pending = [...references].map(([name, text]) => ({
    name,
    json: attributeTo(name, () => parseJsonText(text, 'AVRO')),
  }))
  while (pending.length > 0) {
    const unresolved: typeof pending = []
    let firstFailure: InvalidSchemaError | undefined
    for (const reference of pending) {
      // A reference that fails must leave no half-registered names behind, so each attempt works on a copy.
      const attempt = new Map(names)
      try {
        readAvroSchema(reference.json, attempt)
      } catch (error) {
        if (!(error instanceof InvalidSchemaError)) throw error
        firstFailure ??= error.inReference(reference.name)
        unresolved.push(reference)
        continue
      }
      names = attempt
      attributeTo(reference.name, () => toAvscType(reference.json, avscRegistry))
    }
    if (firstFailure !== undefined && unresolved.length === pending.length) throw firstFailure
    pending = unresolved
  }
  return { names, avscRegistry }
}

function attributeTo<T>(referenceName: string, action: () => T): T {
  try {
    return action()
  } catch (error) {
    throw error instanceof InvalidSchemaError ? error.inReference(referenceName) : error
  }
}

const AVRO_TYPE_KEYWORDS: ReadonlySet<string> = new Set(['record', 'enum', 'fixed', 'array', 'map', 'error'])

function toAvscType(json: unknown, registry: Record<string, AvscType>): AvscType {
  try {
    return avro.Type.forSchema(json as avro.Schema, { registry, typeHook: resolveLikeAvroJava(registry) })
  } catch (error) {
    throw new InvalidSchemaError(
      'AVRO',
      `avsc rejected the schema: ${error instanceof Error ? error.message : String(error)}`,
      {},
      'Check the schema against the Avro specification.',
    )
  }
}

/**
 * avsc resolves an unqualified name only in the current namespace and does not accept `{"type": "SomeName"}`;
 * Avro Java (and so Confluent) does both, and so does our model, so avsc is taught the same lookup.
 */
function resolveLikeAvroJava(registry: Record<string, AvscType>) {
  return (schema: unknown, options: { namespace?: string }): AvscType | undefined => {
    const name = typeof schema === 'string' ? schema : isJsonObject(schema) ? schema.type : undefined
    if (typeof name !== 'string' || isAvroPrimitiveName(name) || AVRO_TYPE_KEYWORDS.has(name))
      return undefined
    return candidateFullNames(name, options.namespace ?? '')
      .map((fullName) => registry[fullName])
      .find((type) => type !== undefined)
  }
}

/** Renders the canonical form (see the module comment). `predefined` names are referenced, never redefined. */
function renderCanonical(root: AvroNode, predefined: ReadonlySet<string>): string {
  const emitted = new Set(predefined)

  const render = (node: AvroNode, enclosingNamespace: string): unknown => {
    switch (node.kind) {
      case 'primitive':
        return Object.keys(node.attributes).length === 0
          ? node.name
          : { type: node.name, ...sortedAttributes(node.attributes) }
      case 'array':
        return {
          type: 'array',
          items: render(node.items, enclosingNamespace),
          ...sortedAttributes(node.attributes),
        }
      case 'map':
        return {
          type: 'map',
          values: render(node.values, enclosingNamespace),
          ...sortedAttributes(node.attributes),
        }
      case 'union':
        return node.branches.map((branch) => render(branch, enclosingNamespace))
      default:
        return renderNamed(node, enclosingNamespace)
    }
  }

  const renderNamed = (node: AvroNamed, enclosingNamespace: string): unknown => {
    if (emitted.has(node.fullName)) return node.fullName
    emitted.add(node.fullName)
    const definition: Record<string, unknown> = { name: node.fullName }
    // A full name without dots would otherwise inherit the enclosing namespace when read back.
    if (node.namespace === '' && enclosingNamespace !== '') definition.namespace = ''
    definition.type = node.kind
    switch (node.kind) {
      case 'record':
        definition.fields = node.fields.map((field) => renderField(field, node.namespace))
        break
      case 'enum':
        definition.symbols = node.symbols
        if (node.default !== undefined) definition.default = node.default
        break
      case 'fixed':
        definition.size = node.size
        break
    }
    if (node.aliases.length > 0) definition.aliases = [...node.aliases].sort()
    return { ...definition, ...sortedAttributes(node.attributes) }
  }

  const renderField = (field: AvroField, namespace: string): unknown => {
    const rendered: Record<string, unknown> = { name: field.name, type: render(field.type, namespace) }
    if (field.default !== undefined) rendered.default = withSortedKeys(field.default.value)
    if (field.order !== 'ascending') rendered.order = field.order
    if (field.aliases.length > 0) rendered.aliases = [...field.aliases].sort()
    return { ...rendered, ...sortedAttributes(field.attributes) }
  }

  return JSON.stringify(render(root, ''))
}

function sortedAttributes(attributes: AvroAttributes): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(attributes)
      .sort()
      .map((key) => [key, withSortedKeys(attributes[key])]),
  )
}
