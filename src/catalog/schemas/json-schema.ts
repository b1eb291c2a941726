/**
 * JSON Schema documents (draft-07 and 2020-12 keywords; draft-04's boolean `exclusiveMaximum` is tolerated):
 * parsed, checked for well-formed keywords with the JSON pointer of any mistake, and given a canonical form (the
 * document re-serialized with keys sorted at every level). `$ref`s must resolve: within the document (`#/...`
 * pointers, `$anchor`s), or to a referenced schema whose reference name is the `$ref`'s URI.
 */
import { childPath } from './incompatibility.ts'
import { isJsonSchemaNode, JSON_TYPE_NAMES, type JsonSchemaNode } from './json-schema-node.ts'
import { isJsonObject, parseJsonText, stableStringify } from './json-text.ts'
import { InvalidSchemaError, type ParsedSchemaBase } from './types.ts'

export { checkJsonSchemaCompatibility } from './json-schema-compatibility.ts'
export type { JsonSchemaNode } from './json-schema-node.ts'

export interface ParsedJsonSchema extends ParsedSchemaBase<'JSON'> {
  readonly document: JsonSchemaNode
  readonly resolver: JsonSchemaRefResolver
}

/**
 * Parses a JSON Schema. `references` maps reference names (the URIs used in `$ref`, without fragment) to the
 * referenced schemas' texts.
 */
export function parseJsonSchema(
  text: string,
  references: ReadonlyMap<string, string> = new Map(),
): ParsedJsonSchema {
  const document = readDocument(text)
  const documents = new Map<string, JsonSchemaNode>()
  for (const [name, referencedText] of references) {
    documents.set(
      name,
      inReference(name, () => readDocument(referencedText)),
    )
  }
  const resolver = new JsonSchemaRefResolver(document, documents)
  for (const [name, referenced] of documents)
    inReference(name, () => validateSchema(referenced, '#/', resolver))
  validateSchema(document, '#/', resolver)
  return { type: 'JSON', canonical: stableStringify(document), document, resolver }
}

function readDocument(text: string): JsonSchemaNode {
  const json = parseJsonText(text, 'JSON')
  if (!isJsonSchemaNode(json)) {
    throw invalid(
      '#/',
      `a schema must be a JSON object or a boolean, not ${describeJson(json)}`,
      'Wrap it in {...}.',
    )
  }
  return json
}

function inReference<T>(name: string, action: () => T): T {
  try {
    return action()
  } catch (error) {
    throw error instanceof InvalidSchemaError ? error.inReference(name) : error
  }
}

function invalid(path: string, problem: string, remedy: string): InvalidSchemaError {
  return new InvalidSchemaError('JSON', problem, { path }, remedy)
}

function describeJson(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

/** Finds what a `$ref` points to, relative to the document the referring schema object sits in. */
export class JsonSchemaRefResolver {
  private readonly root: JsonSchemaNode
  private readonly documents: ReadonlyMap<string, JsonSchemaNode>
  private readonly owners = new WeakMap<object, JsonSchemaNode>()
  /**
   * Each document's anchors, indexed on first use: searching the document for every `$ref` made parsing
   * quadratic (70 KB of `{"$ref": "#a"}` took 18 s).
   */
  private readonly anchors = new WeakMap<object, ReadonlyMap<string, JsonSchemaNode>>()

  constructor(root: JsonSchemaNode, documents: ReadonlyMap<string, JsonSchemaNode>) {
    this.root = root
    this.documents = documents
    for (const document of [root, ...documents.values()]) this.claim(document, document)
  }

  /** Lets an object built from `original`'s keywords resolve `$ref`s the way `original` does. */
  adopt(derived: object, original: object): void {
    this.owners.set(derived, this.owners.get(original) ?? this.root)
  }

  resolve(ref: string, from: object): JsonSchemaNode | undefined {
    const base = this.owners.get(from) ?? this.root
    const hash = ref.indexOf('#')
    const uri = hash < 0 ? ref : ref.slice(0, hash)
    const fragment = decodeURIComponent(hash < 0 ? '' : ref.slice(hash + 1))
    const document = uri === '' ? base : this.documentAt(uri, base)
    if (document === undefined) return undefined
    if (fragment === '') return document
    return fragment.startsWith('/') ? followPointer(document, fragment) : this.findAnchor(document, fragment)
  }

  private findAnchor(document: JsonSchemaNode, anchor: string): JsonSchemaNode | undefined {
    if (typeof document === 'boolean') return undefined
    let index = this.anchors.get(document)
    if (index === undefined) {
      index = indexAnchors(document)
      this.anchors.set(document, index)
    }
    return index.get(anchor)
  }

  private documentAt(uri: string, base: JsonSchemaNode): JsonSchemaNode | undefined {
    const baseId = idOf(base)
    if (uri === baseId) return base
    const direct = this.documents.get(uri)
    if (direct !== undefined || baseId === undefined || !URL.canParse(uri, baseId)) return direct
    const absolute = new URL(uri, baseId).href
    return (
      this.documents.get(absolute) ??
      [...this.documents.values()].find((document) => idOf(document) === absolute)
    )
  }

  private claim(value: unknown, document: JsonSchemaNode): void {
    if (typeof value !== 'object' || value === null) return
    this.owners.set(value, document)
    for (const nested of Object.values(value)) this.claim(nested, document)
  }
}

function idOf(document: JsonSchemaNode): string | undefined {
  return typeof document === 'object' && typeof document.$id === 'string' ? document.$id : undefined
}

function followPointer(document: JsonSchemaNode, pointer: string): JsonSchemaNode | undefined {
  let current: unknown = document
  for (const segment of pointer.slice(1).split('/')) {
    const key = segment.replaceAll('~1', '/').replaceAll('~0', '~')
    current = Array.isArray(current) ? current[Number(key)] : isJsonObject(current) ? current[key] : undefined
  }
  return isJsonSchemaNode(current) ? current : undefined
}

/** Every `$anchor` (and draft-07 `"$id": "#name"`) of a document; the first in document order wins. */
function indexAnchors(document: JsonSchemaNode): ReadonlyMap<string, JsonSchemaNode> {
  const index = new Map<string, JsonSchemaNode>()
  const add = (name: unknown, node: JsonSchemaNode): void => {
    if (typeof name === 'string' && !index.has(name)) index.set(name, node)
  }
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return
    if (isJsonObject(value)) {
      add(value.$anchor, value)
      if (typeof value.$id === 'string' && value.$id.startsWith('#')) add(value.$id.slice(1), value)
    }
    for (const nested of Object.values(value)) visit(nested)
  }
  visit(document)
  return index
}

const SUBSCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  'not',
  'if',
  'then',
  'else',
  'additionalProperties',
  'additionalItems',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
])
const SUBSCHEMA_MAP_KEYWORDS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
])
const SUBSCHEMA_ARRAY_KEYWORDS: ReadonlySet<string> = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems'])
const COUNT_KEYWORDS: ReadonlySet<string> = new Set([
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maxProperties',
  'minProperties',
  'minContains',
  'maxContains',
])

function validateSchema(node: unknown, path: string, resolver: JsonSchemaRefResolver): void {
  if (typeof node === 'boolean') return
  if (!isJsonObject(node)) {
    throw invalid(
      path,
      `a schema must be an object or a boolean, not ${describeJson(node)}`,
      'Fix the value.',
    )
  }
  for (const [keyword, value] of Object.entries(node)) {
    const at = childPath(path, keyword)
    if (SUBSCHEMA_KEYWORDS.has(keyword)) validateSchema(value, at, resolver)
    else if (SUBSCHEMA_MAP_KEYWORDS.has(keyword)) validateSchemaMap(keyword, value, at, resolver)
    else if (SUBSCHEMA_ARRAY_KEYWORDS.has(keyword)) validateSchemaArray(keyword, value, at, resolver)
    else if (COUNT_KEYWORDS.has(keyword))
      expect(at, Number.isInteger(value) && Number(value) >= 0, 'a non-negative integer')
    else validateOtherKeyword(node, keyword, value, at, resolver)
  }
}

function expect(path: string, valid: boolean, what: string): void {
  if (!valid) throw invalid(path, `the value must be ${what}`, `Replace it with ${what}.`)
}

function validateSchemaMap(
  keyword: string,
  value: unknown,
  path: string,
  resolver: JsonSchemaRefResolver,
): void {
  if (!isJsonObject(value)) throw invalid(path, `"${keyword}" must be an object of schemas`, 'Fix the value.')
  for (const [name, schema] of Object.entries(value)) {
    if (keyword === 'patternProperties') validatePattern(name, childPath(path, name))
    validateSchema(schema, childPath(path, name), resolver)
  }
}

function validateSchemaArray(
  keyword: string,
  value: unknown,
  path: string,
  resolver: JsonSchemaRefResolver,
): void {
  if (!Array.isArray(value) || (keyword !== 'prefixItems' && value.length === 0)) {
    throw invalid(path, `"${keyword}" must be a non-empty array of schemas`, 'Fix the value.')
  }
  for (const [index, schema] of value.entries()) validateSchema(schema, childPath(path, index), resolver)
}

function validatePattern(pattern: unknown, path: string): void {
  try {
    if (typeof pattern !== 'string') throw new Error('not a string')
    new RegExp(pattern)
  } catch (error) {
    throw invalid(
      path,
      `${JSON.stringify(pattern)} is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`,
      'Use an ECMA-262 regular expression.',
    )
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((element) => typeof element === 'string')
}

/** Keywords whose value only needs the right shape: predicate and what to say when it fails. */
const VALUE_SHAPES: Readonly<Record<string, readonly [(value: unknown) => boolean, string]>> = {
  required: [
    (value) => isStringArray(value) && new Set(value).size === value.length,
    'an array of distinct property names',
  ],
  enum: [Array.isArray, 'an array of values'],
  multipleOf: [(value) => typeof value === 'number' && value > 0, 'a number greater than 0'],
  maximum: [(value) => typeof value === 'number', 'a number'],
  minimum: [(value) => typeof value === 'number', 'a number'],
  // Booleans are draft-04's form, still found in registered schemas.
  exclusiveMaximum: [(value) => typeof value === 'number' || typeof value === 'boolean', 'a number'],
  exclusiveMinimum: [(value) => typeof value === 'number' || typeof value === 'boolean', 'a number'],
  uniqueItems: [(value) => typeof value === 'boolean', 'true or false'],
  dependentRequired: [
    (value) => isJsonObject(value) && Object.values(value).every(isStringArray),
    'an object of property name arrays',
  ],
}

function validateOtherKeyword(
  node: Readonly<Record<string, unknown>>,
  keyword: string,
  value: unknown,
  path: string,
  resolver: JsonSchemaRefResolver,
): void {
  const shape = VALUE_SHAPES[keyword]
  if (shape !== undefined) {
    expect(path, shape[0](value), shape[1])
    return
  }
  switch (keyword) {
    case 'type':
      validateTypeKeyword(value, path)
      break
    case 'pattern':
      validatePattern(value, path)
      break
    case 'items':
      if (Array.isArray(value)) validateSchemaArray(keyword, value, path, resolver)
      else validateSchema(value, path, resolver)
      break
    case 'dependencies':
      if (!isJsonObject(value)) throw invalid(path, '"dependencies" must be an object', 'Fix the value.')
      for (const [name, dependency] of Object.entries(value)) {
        if (!isStringArray(dependency)) validateSchema(dependency, childPath(path, name), resolver)
      }
      break
    case '$ref':
      if (typeof value !== 'string' || resolver.resolve(value, node) === undefined) {
        throw invalid(
          path,
          `the $ref ${JSON.stringify(value)} cannot be resolved`,
          "Point it at a definition in this document (e.g. '#/$defs/Name') or add a schema reference whose name is the $ref's URI.",
        )
      }
      break
  }
}

function validateTypeKeyword(value: unknown, path: string): void {
  const names = Array.isArray(value) ? value : [value]
  const valid =
    names.length > 0 &&
    names.every((name) => typeof name === 'string' && JSON_TYPE_NAMES.has(name)) &&
    new Set(names).size === names.length
  if (!valid) {
    throw invalid(
      path,
      `${JSON.stringify(value)} is not a type name or a list of distinct type names`,
      `Use one or more of: ${[...JSON_TYPE_NAMES].join(', ')}.`,
    )
  }
}
