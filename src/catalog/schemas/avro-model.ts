/**
 * The Avro schema model the registry reasons about: named types resolved to shared nodes (so recursive types are
 * cyclic graphs), full names computed by the specification's namespace rules, and every structural mistake
 * reported with the JSON pointer of the offending element.
 */
import { childPath } from './incompatibility.ts'
import { isJsonObject } from './json-text.ts'
import { InvalidSchemaError } from './types.ts'

export type AvroPrimitiveName = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string'

/** Attributes the specification gives no meaning to (logicalType, precision, custom props); kept for identity. */
export type AvroAttributes = Readonly<Record<string, unknown>>

export interface AvroPrimitive {
  readonly kind: 'primitive'
  readonly name: AvroPrimitiveName
  readonly attributes: AvroAttributes
}

interface AvroNamedCommon {
  readonly fullName: string
  readonly namespace: string
  /** Fully qualified. */
  readonly aliases: readonly string[]
  readonly attributes: AvroAttributes
}

export interface AvroRecord extends AvroNamedCommon {
  readonly kind: 'record'
  readonly fields: AvroField[]
}

export interface AvroField {
  readonly name: string
  readonly aliases: readonly string[]
  readonly type: AvroNode
  /** Boxed so that a `null` default is told apart from no default. */
  readonly default: { readonly value: unknown } | undefined
  readonly order: 'ascending' | 'descending' | 'ignore'
  readonly attributes: AvroAttributes
}

export interface AvroEnum extends AvroNamedCommon {
  readonly kind: 'enum'
  readonly symbols: readonly string[]
  readonly default: string | undefined
}

export interface AvroFixed extends AvroNamedCommon {
  readonly kind: 'fixed'
  readonly size: number
}

export interface AvroArray {
  readonly kind: 'array'
  readonly items: AvroNode
  readonly attributes: AvroAttributes
}

export interface AvroMap {
  readonly kind: 'map'
  readonly values: AvroNode
  readonly attributes: AvroAttributes
}

export interface AvroUnion {
  readonly kind: 'union'
  readonly branches: readonly AvroNode[]
}

export type AvroNamed = AvroRecord | AvroEnum | AvroFixed
export type AvroNode = AvroPrimitive | AvroNamed | AvroArray | AvroMap | AvroUnion

const PRIMITIVE_NAMES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
])

export function isAvroPrimitiveName(name: string): name is AvroPrimitiveName {
  return PRIMITIVE_NAMES.has(name)
}

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/
const INT_RANGE = { min: -(2 ** 31), max: 2 ** 31 - 1 }

/** Keys with a meaning in the specification; everything else on a type object is an attribute. */
const RESERVED_KEYS = {
  primitive: ['type', 'doc'],
  record: ['type', 'name', 'namespace', 'aliases', 'doc', 'fields'],
  enum: ['type', 'name', 'namespace', 'aliases', 'doc', 'symbols', 'default'],
  fixed: ['type', 'name', 'namespace', 'aliases', 'doc', 'size'],
  array: ['type', 'items', 'doc'],
  map: ['type', 'values', 'doc'],
  field: ['name', 'type', 'default', 'order', 'aliases', 'doc'],
} as const

interface ReadContext {
  /** The namespace of the most tightly enclosing named type: unqualified names are resolved against it. */
  readonly namespace: string
  readonly path: string
  readonly names: Map<string, AvroNamed>
}

/**
 * Reads a parsed Avro schema document. `names` holds the named types already defined (by referenced schemas) and
 * receives the ones this document defines.
 */
export function readAvroSchema(json: unknown, names: Map<string, AvroNamed>): AvroNode {
  return readNode(json, { namespace: '', path: '/', names })
}

/**
 * The full names a type name may stand for, most specific first: Avro Java looks an unqualified name up in the
 * current namespace, then in the null namespace.
 */
export function candidateFullNames(name: string, namespace: string): string[] {
  if (name.includes('.')) return [name.replace(/^\./, '')]
  return namespace === '' ? [name] : [`${namespace}.${name}`, name]
}

function invalid(path: string, problem: string, remedy: string): InvalidSchemaError {
  return new InvalidSchemaError('AVRO', problem, { path }, remedy)
}

function readNode(value: unknown, context: ReadContext): AvroNode {
  if (typeof value === 'string') return readTypeName(value, context)
  if (Array.isArray(value)) return readUnion(value, context)
  if (isJsonObject(value)) return readTypeObject(value, context)
  throw invalid(
    context.path,
    `expected a type name, a union array or a type object but found ${JSON.stringify(value)}`,
    'Write the type as a string such as "string", an array such as ["null", "string"] or an object with a "type".',
  )
}

function readTypeName(name: string, context: ReadContext): AvroNode {
  if (isAvroPrimitiveName(name)) return { kind: 'primitive', name, attributes: {} }
  for (const fullName of candidateFullNames(name, context.namespace)) {
    const named = context.names.get(fullName)
    if (named !== undefined) return named
  }
  throw invalid(
    context.path,
    `unknown type name '${name}'`,
    'Define the type before its first use, correct the name, or add a schema reference whose schema defines it.',
  )
}

function readUnion(branches: readonly unknown[], context: ReadContext): AvroUnion {
  if (branches.length === 0) {
    throw invalid(
      context.path,
      'a union needs at least one branch',
      'List the branch types, e.g. ["null", "string"].',
    )
  }
  const seen = new Set<string>()
  const nodes = branches.map((branch, index) => {
    const path = childPath(context.path, index)
    const node = readNode(branch, { ...context, path })
    if (node.kind === 'union') {
      throw invalid(
        path,
        'a union cannot directly contain another union',
        'Merge the branches into one union.',
      )
    }
    const key = unionBranchKey(node)
    if (seen.has(key)) {
      throw invalid(path, `the union has more than one branch of type '${key}'`, 'Keep one branch per type.')
    }
    seen.add(key)
    return node
  })
  return { kind: 'union', branches: nodes }
}

/** Unions may hold one branch per unnamed type and one per named type's full name. */
function unionBranchKey(node: Exclude<AvroNode, AvroUnion>): string {
  switch (node.kind) {
    case 'primitive':
      return node.name
    case 'array':
    case 'map':
      return node.kind
    default:
      return node.fullName
  }
}

function readTypeObject(object: Record<string, unknown>, context: ReadContext): AvroNode {
  const type = object.type
  if (typeof type !== 'string') {
    throw invalid(
      childPath(context.path, 'type'),
      `"type" must be a type name string but found ${JSON.stringify(type)}`,
      'Use e.g. "record", "enum", "array", a primitive name, or put a union array directly where the type goes.',
    )
  }
  if (isAvroPrimitiveName(type)) {
    return { kind: 'primitive', name: type, attributes: attributesOf(object, RESERVED_KEYS.primitive) }
  }
  switch (type) {
    case 'record':
      return readRecord(object, context)
    case 'enum':
      return readEnum(object, context)
    case 'fixed':
      return readFixed(object, context)
    case 'array':
      return {
        kind: 'array',
        items: readRequired(object, 'items', context),
        attributes: attributesOf(object, RESERVED_KEYS.array),
      }
    case 'map':
      return {
        kind: 'map',
        values: readRequired(object, 'values', context),
        attributes: attributesOf(object, RESERVED_KEYS.map),
      }
    case 'error':
      throw invalid(
        childPath(context.path, 'type'),
        "the type 'error' is only valid inside Avro protocols",
        "Use 'record' for a schema.",
      )
    default:
      return readTypeName(type, { ...context, path: childPath(context.path, 'type') })
  }
}

function readRequired(
  object: Record<string, unknown>,
  key: 'items' | 'values',
  context: ReadContext,
): AvroNode {
  const path = childPath(context.path, key)
  if (!(key in object))
    throw invalid(path, `"${key}" is missing`, `Give the ${key === 'items' ? 'item' : 'value'} type.`)
  return readNode(object[key], { ...context, path })
}

function attributesOf(object: Record<string, unknown>, reserved: readonly string[]): AvroAttributes {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !reserved.includes(key)))
}

function isValidFullName(name: string): boolean {
  return name.split('.').every((part) => NAME_PATTERN.test(part))
}

function readNamedHeader(
  object: Record<string, unknown>,
  context: ReadContext,
  reserved: readonly string[],
): AvroNamedCommon {
  const { name, namespace: declaredNamespace, aliases } = object
  if (typeof name !== 'string' || !isValidFullName(name)) {
    throw invalid(
      childPath(context.path, 'name'),
      `a named type needs a valid "name" but found ${JSON.stringify(name)}`,
      'Use letters, digits and underscores, not starting with a digit; dots separate namespace parts.',
    )
  }
  if (
    declaredNamespace !== undefined &&
    (typeof declaredNamespace !== 'string' || !isValidNamespace(declaredNamespace))
  ) {
    throw invalid(
      childPath(context.path, 'namespace'),
      `"namespace" must be a dotted name but found ${JSON.stringify(declaredNamespace)}`,
      'Use e.g. "com.example", or "" for the null namespace.',
    )
  }
  const fullName = qualify(name, declaredNamespace ?? context.namespace)
  const lastDot = fullName.lastIndexOf('.')
  const namespace = lastDot < 0 ? '' : fullName.slice(0, lastDot)
  if (isAvroPrimitiveName(fullName.slice(lastDot + 1))) {
    throw invalid(
      childPath(context.path, 'name'),
      `'${name}' is a primitive type name`,
      'Choose another name.',
    )
  }
  if (context.names.has(fullName)) {
    throw invalid(
      childPath(context.path, 'name'),
      `the type '${fullName}' is defined more than once`,
      'Define it once and refer to it by name afterwards.',
    )
  }
  return {
    fullName,
    namespace,
    aliases: readAliases(aliases, childPath(context.path, 'aliases')).map((alias) =>
      qualify(alias, namespace),
    ),
    attributes: attributesOf(object, reserved),
  }
}

function isValidNamespace(namespace: string): boolean {
  return namespace === '' || isValidFullName(namespace)
}

function qualify(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`
}

function readAliases(aliases: unknown, path: string): string[] {
  if (aliases === undefined) return []
  if (
    !Array.isArray(aliases) ||
    !aliases.every((alias) => typeof alias === 'string' && isValidFullName(alias))
  ) {
    throw invalid(path, '"aliases" must be an array of names', 'List the former names, e.g. ["OldName"].')
  }
  return aliases
}

function readRecord(object: Record<string, unknown>, context: ReadContext): AvroRecord {
  const record: AvroRecord = {
    kind: 'record',
    ...readNamedHeader(object, context, RESERVED_KEYS.record),
    fields: [],
  }
  // Registered before the fields are read so that a field can refer to its own record (recursive types).
  context.names.set(record.fullName, record)
  const fieldsPath = childPath(context.path, 'fields')
  if (!Array.isArray(object.fields)) {
    throw invalid(fieldsPath, 'a record needs a "fields" array', 'Add "fields": [...] (it may be empty).')
  }
  const fieldContext = { ...context, namespace: record.namespace }
  // A set, not a search of the fields read so far: that was quadratic (20 000 fields took seconds).
  const fieldNames = new Set<string>()
  for (const [index, field] of object.fields.entries()) {
    const path = childPath(fieldsPath, index)
    if (!isJsonObject(field))
      throw invalid(path, 'a field must be an object', 'Write {"name": ..., "type": ...}.')
    const parsed = readField(field, { ...fieldContext, path })
    if (fieldNames.has(parsed.name)) {
      throw invalid(
        childPath(path, 'name'),
        `the field '${parsed.name}' is declared twice`,
        'Rename or remove one.',
      )
    }
    fieldNames.add(parsed.name)
    record.fields.push(parsed)
  }
  return record
}

function readField(field: Record<string, unknown>, context: ReadContext): AvroField {
  const { name, order } = field
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw invalid(
      childPath(context.path, 'name'),
      `a field needs a valid "name" but found ${JSON.stringify(name)}`,
      'Use letters, digits and underscores, not starting with a digit.',
    )
  }
  if (!('type' in field))
    throw invalid(childPath(context.path, 'type'), `the field '${name}' has no "type"`, 'Add one.')
  const type = readNode(field.type, { ...context, path: childPath(context.path, 'type') })
  if (order !== undefined && order !== 'ascending' && order !== 'descending' && order !== 'ignore') {
    throw invalid(
      childPath(context.path, 'order'),
      `"order" must be "ascending", "descending" or "ignore" but found ${JSON.stringify(order)}`,
      'Fix or remove it.',
    )
  }
  let fieldDefault: AvroField['default']
  if ('default' in field) {
    const problem = defaultValueProblem(type, field.default)
    if (problem !== undefined) {
      throw invalid(
        childPath(context.path, 'default'),
        `the default ${JSON.stringify(field.default)} of field '${name}' does not match its type: ${problem}`,
        "Give a default valid for the field's type; a union's default must match the union's first branch.",
      )
    }
    fieldDefault = { value: field.default }
  }
  return {
    name,
    aliases: readAliases(field.aliases, childPath(context.path, 'aliases')),
    type,
    default: fieldDefault,
    order: order ?? 'ascending',
    attributes: attributesOf(field, RESERVED_KEYS.field),
  }
}

function readEnum(object: Record<string, unknown>, context: ReadContext): AvroEnum {
  const header = readNamedHeader(object, context, RESERVED_KEYS.enum)
  const { symbols, default: defaultSymbol } = object
  const symbolsPath = childPath(context.path, 'symbols')
  if (!Array.isArray(symbols) || symbols.length === 0) {
    throw invalid(
      symbolsPath,
      'an enum needs a non-empty "symbols" array',
      'List the symbols, e.g. ["RED", "GREEN"].',
    )
  }
  const seen = new Set<string>()
  for (const [index, symbol] of symbols.entries()) {
    if (typeof symbol !== 'string' || !NAME_PATTERN.test(symbol) || seen.has(symbol)) {
      throw invalid(
        childPath(symbolsPath, index),
        `${JSON.stringify(symbol)} is not a valid, unique enum symbol`,
        'Symbols are distinct names of letters, digits and underscores, not starting with a digit.',
      )
    }
    seen.add(symbol)
  }
  if (defaultSymbol !== undefined && (typeof defaultSymbol !== 'string' || !seen.has(defaultSymbol))) {
    throw invalid(
      childPath(context.path, 'default'),
      `the enum default ${JSON.stringify(defaultSymbol)} is not one of its symbols`,
      'Use one of the symbols.',
    )
  }
  const node: AvroEnum = { kind: 'enum', ...header, symbols: [...seen], default: defaultSymbol }
  context.names.set(node.fullName, node)
  return node
}

function readFixed(object: Record<string, unknown>, context: ReadContext): AvroFixed {
  const header = readNamedHeader(object, context, RESERVED_KEYS.fixed)
  const { size } = object
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
    throw invalid(
      childPath(context.path, 'size'),
      `a fixed type needs a non-negative integer "size" but found ${JSON.stringify(size)}`,
      'Give the size in bytes.',
    )
  }
  const node: AvroFixed = { kind: 'fixed', ...header, size }
  context.names.set(node.fullName, node)
  return node
}

/** Checks a field default against the specification's JSON encoding of defaults; undefined when it is valid. */
function defaultValueProblem(type: AvroNode, value: unknown): string | undefined {
  switch (type.kind) {
    case 'primitive':
      return primitiveDefaultProblem(type.name, value)
    case 'enum':
      return typeof value === 'string' && type.symbols.includes(value)
        ? undefined
        : `expected one of the symbols of '${type.fullName}'`
    case 'fixed':
      return typeof value === 'string' && value.length === type.size && isLatin1(value)
        ? undefined
        : `expected a string of ${type.size} characters in the range \\u0000-\\u00ff`
    case 'array': {
      if (!Array.isArray(value)) return 'expected an array'
      return firstProblem(value.entries(), (index) => `[${index}]`, type.items)
    }
    case 'map': {
      if (!isJsonObject(value)) return 'expected an object'
      return firstProblem(Object.entries(value), (key) => `.${key}`, type.values)
    }
    case 'record': {
      if (!isJsonObject(value)) return 'expected an object'
      for (const field of type.fields) {
        if (!(field.name in value)) {
          if (field.default === undefined) return `the field '${field.name}' is missing and has no default`
          continue
        }
        const problem = defaultValueProblem(field.type, value[field.name])
        if (problem !== undefined) return `.${field.name}: ${problem}`
      }
      return undefined
    }
    case 'union': {
      const [first] = type.branches
      return first === undefined ? 'the union has no branches' : defaultValueProblem(first, value)
    }
  }
}

function firstProblem<K>(
  entries: Iterable<[K, unknown]>,
  describeKey: (key: K) => string,
  elementType: AvroNode,
): string | undefined {
  for (const [key, element] of entries) {
    const problem = defaultValueProblem(elementType, element)
    if (problem !== undefined) return `${describeKey(key)}: ${problem}`
  }
  return undefined
}

function primitiveDefaultProblem(name: AvroPrimitiveName, value: unknown): string | undefined {
  switch (name) {
    case 'null':
      return value === null ? undefined : 'expected null'
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false'
    case 'int':
      return Number.isInteger(value) && Number(value) >= INT_RANGE.min && Number(value) <= INT_RANGE.max
        ? undefined
        : 'expected a 32-bit integer'
    case 'long':
      return Number.isInteger(value) ? undefined : 'expected an integer'
    case 'float':
    case 'double':
      return typeof value === 'number' ? undefined : 'expected a number'
    case 'string':
      return typeof value === 'string' ? undefined : 'expected a string'
    case 'bytes':
      return typeof value === 'string' && isLatin1(value)
        ? undefined
        : 'expected a string of characters in the range \\u0000-\\u00ff'
  }
}

/** Avro encodes bytes and fixed defaults as strings whose code points are the byte values. */
function isLatin1(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 0xff) return false
  }
  return true
}
