import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkAvroCompatibility, type ParsedAvroSchema, parseAvroSchema } from './avro.ts'
import { checkAgainstHistory } from './compatibility.ts'
import { invalidSchemaErrorOf } from './test-helpers.ts'

const NEW_READS_OLD = { reader: 'new', writer: 'old' }

function avro(schema: unknown, references?: ReadonlyMap<string, string>): ParsedAvroSchema {
  return parseAvroSchema(JSON.stringify(schema), references)
}

function record(fields: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'record', name: 'User', namespace: 'com.acme', fields, ...extra }
}

function field(name: string, type: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, type, ...extra }
}

interface Finding {
  type: string
  location: string
  message: string
  description: string
}

function findings(reader: unknown, writer: unknown): Finding[] {
  return checkAvroCompatibility(avro(reader), avro(writer), NEW_READS_OLD).map((line) => JSON.parse(line))
}

function findingTypes(reader: unknown, writer: unknown): string[] {
  return findings(reader, writer).map((finding) => `${finding.type} ${finding.location}`)
}

const ENUM_RGB = { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN', 'BLUE'] }
const ENUM_RG = { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN'] }
const LINKED_LIST = (valueType: string) =>
  record([field('value', valueType), field('next', ['null', 'User'], { default: null })])

describe('Avro schema resolution', () => {
  // [case, reader (new), writer (old), expected findings as "TYPE location"]
  const cases: [string, unknown, unknown, string[]][] = [
    ['identical records', record([field('id', 'long')]), record([field('id', 'long')]), []],
    [
      'reader adds a field with a default',
      record([field('id', 'long'), field('email', 'string', { default: '' })]),
      record([field('id', 'long')]),
      [],
    ],
    [
      'reader adds a field without a default',
      record([field('id', 'long'), field('email', 'string')]),
      record([field('id', 'long')]),
      ['READER_FIELD_MISSING_DEFAULT_VALUE /fields/1'],
    ],
    [
      'reader adds a nullable field whose default is null',
      record([field('id', 'long'), field('email', ['null', 'string'], { default: null })]),
      record([field('id', 'long')]),
      [],
    ],
    [
      'writer field missing in reader is ignored',
      record([field('id', 'long')]),
      record([field('id', 'long'), field('email', 'string')]),
      [],
    ],
    [
      'reader renames a field and keeps the old name as alias',
      record([field('mail', 'string', { aliases: ['email'] })]),
      record([field('email', 'string')]),
      [],
    ],
    [
      'reader renames a field without alias or default',
      record([field('mail', 'string')]),
      record([field('email', 'string')]),
      ['READER_FIELD_MISSING_DEFAULT_VALUE /fields/0'],
    ],
    ['promotes int to long', record([field('n', 'long')]), record([field('n', 'int')]), []],
    ['promotes int to float', record([field('n', 'float')]), record([field('n', 'int')]), []],
    ['promotes int to double', record([field('n', 'double')]), record([field('n', 'int')]), []],
    ['promotes long to float', record([field('n', 'float')]), record([field('n', 'long')]), []],
    ['promotes long to double', record([field('n', 'double')]), record([field('n', 'long')]), []],
    ['promotes float to double', record([field('n', 'double')]), record([field('n', 'float')]), []],
    ['promotes string to bytes', record([field('n', 'bytes')]), record([field('n', 'string')]), []],
    ['promotes bytes to string', record([field('n', 'string')]), record([field('n', 'bytes')]), []],
    [
      'does not demote long to int',
      record([field('n', 'int')]),
      record([field('n', 'long')]),
      ['TYPE_MISMATCH /fields/0/type'],
    ],
    [
      'does not demote double to float',
      record([field('n', 'float')]),
      record([field('n', 'double')]),
      ['TYPE_MISMATCH /fields/0/type'],
    ],
    [
      'does not turn float into long',
      record([field('n', 'long')]),
      record([field('n', 'float')]),
      ['TYPE_MISMATCH /fields/0/type'],
    ],
    [
      'does not read an int as a string',
      record([field('n', 'string')]),
      record([field('n', 'int')]),
      ['TYPE_MISMATCH /fields/0/type'],
    ],
    ['reader enum with more symbols', ENUM_RGB, ENUM_RG, []],
    ['reader enum missing a writer symbol', ENUM_RG, ENUM_RGB, ['MISSING_ENUM_SYMBOLS /symbols']],
    ['reader enum default covers unknown symbols', { ...ENUM_RG, default: 'RED' }, ENUM_RGB, []],
    ['enum renamed', { ...ENUM_RGB, name: 'Colour' }, ENUM_RGB, ['NAME_MISMATCH /name']],
    ['enum renamed with alias', { ...ENUM_RGB, name: 'Colour', aliases: ['Color'] }, ENUM_RGB, []],
    [
      'record renamed',
      record([field('id', 'long')], { name: 'Customer' }),
      record([field('id', 'long')]),
      ['NAME_MISMATCH /name'],
    ],
    [
      'record renamed with an alias naming the old full name',
      record([field('id', 'long')], { name: 'Customer', aliases: ['com.acme.User'] }),
      record([field('id', 'long')]),
      [],
    ],
    [
      'record namespace changed: names match unqualified, as the specification says',
      record([field('id', 'long')], { namespace: 'org.other' }),
      record([field('id', 'long')]),
      [],
    ],
    ['reader union gains a branch', ['null', 'string', 'int'], ['null', 'string'], []],
    [
      'reader union loses a branch',
      ['null', 'string'],
      ['null', 'string', 'int'],
      ['MISSING_UNION_BRANCH /2'],
    ],
    ['non-union writer read by a union', ['null', 'string'], 'string', []],
    ['non-union writer promoted into a union branch', ['null', 'long'], 'int', []],
    ['non-union writer matching no union branch', ['null', 'string'], 'int', ['MISSING_UNION_BRANCH /']],
    ['union writer read by a non-union', 'string', ['null', 'string'], ['TYPE_MISMATCH /0']],
    ['union writer whose branches all promote', 'double', ['int', 'long', 'float'], []],
    ['array items promoted', { type: 'array', items: 'long' }, { type: 'array', items: 'int' }, []],
    [
      'array items not readable',
      { type: 'array', items: 'int' },
      { type: 'array', items: 'long' },
      ['TYPE_MISMATCH /items'],
    ],
    ['map values promoted', { type: 'map', values: 'double' }, { type: 'map', values: 'float' }, []],
    [
      'map values not readable',
      { type: 'map', values: 'boolean' },
      { type: 'map', values: 'string' },
      ['TYPE_MISMATCH /values'],
    ],
    [
      'array read as map',
      { type: 'map', values: 'int' },
      { type: 'array', items: 'int' },
      ['TYPE_MISMATCH /'],
    ],
    [
      'fixed with same name and size',
      { type: 'fixed', name: 'Md5', size: 16 },
      { type: 'fixed', name: 'Md5', size: 16 },
      [],
    ],
    [
      'fixed with another size',
      { type: 'fixed', name: 'Md5', size: 32 },
      { type: 'fixed', name: 'Md5', size: 16 },
      ['FIXED_SIZE_MISMATCH /size'],
    ],
    [
      'fixed with another name',
      { type: 'fixed', name: 'Sha', size: 16 },
      { type: 'fixed', name: 'Md5', size: 16 },
      ['NAME_MISMATCH /name'],
    ],
    [
      'nested record field changed',
      record([field('id', 'long'), field('address', record([field('zip', 'int')], { name: 'Address' }))]),
      record([field('id', 'long'), field('address', record([field('zip', 'string')], { name: 'Address' }))]),
      ['TYPE_MISMATCH /fields/1/type/fields/0/type'],
    ],
    [
      'nested record gains a field without default',
      record([field('address', record([field('zip', 'int'), field('city', 'string')], { name: 'Address' }))]),
      record([field('address', record([field('zip', 'int')], { name: 'Address' }))]),
      ['READER_FIELD_MISSING_DEFAULT_VALUE /fields/0/type/fields/1'],
    ],
    [
      'record inside a union branch changed',
      ['null', record([field('id', 'string')])],
      ['null', record([field('id', 'long')])],
      ['MISSING_UNION_BRANCH /1'],
    ],
    ['recursive type compared with itself', LINKED_LIST('int'), LINKED_LIST('int'), []],
    ['recursive type with a promoted value', LINKED_LIST('long'), LINKED_LIST('int'), []],
    [
      'recursive type with an unreadable value',
      LINKED_LIST('int'),
      LINKED_LIST('string'),
      ['TYPE_MISMATCH /fields/0/type'],
    ],
    [
      'mutually recursive types',
      record([
        field('child', { type: 'record', name: 'Child', fields: [field('parent', ['null', 'User'])] }),
      ]),
      record([
        field('child', { type: 'record', name: 'Child', fields: [field('parent', ['null', 'User'])] }),
      ]),
      [],
    ],
  ]

  it.each(cases)('%s', (_name, reader, writer, expected) => {
    expect(findingTypes(reader, writer)).toEqual(expected)
  })

  it('words a missing default the way Confluent does', () => {
    const [finding] = findings(
      record([field('id', 'long'), field('email', 'string')]),
      record([field('id', 'long')]),
    )
    expect(finding).toEqual({
      type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
      location: '/fields/1',
      message: 'email',
      description:
        "The field 'email' at path '/fields/1' in the new schema has no default value and is missing in the old schema",
    })
  })

  it('names the missing enum symbols and the union branch type', () => {
    expect(findings(ENUM_RG, ENUM_RGB)[0]?.message).toBe('[BLUE]')
    expect(findings(['null', 'string'], 'int')[0]?.message).toBe('reader union lacking writer type: INT')
  })

  it('uses reader/writer wording when no roles are given', () => {
    const [line] = checkAvroCompatibility(avro(ENUM_RG), avro(ENUM_RGB))
    expect(line).toContain('The reader schema is missing enum symbols')
  })

  it('is directional: adding a field without default breaks only the new reader', () => {
    const old = record([field('id', 'long')])
    const added = record([field('id', 'long'), field('email', 'string')])
    expect(findingTypes(added, old)).toHaveLength(1)
    expect(findingTypes(old, added)).toEqual([])
  })
})

describe('Avro parsing', () => {
  it('gives equal canonical forms to schemas that differ only in layout, docs and how names are spelled', () => {
    const compact = avro(record([field('id', 'long')]))
    const spelled = parseAvroSchema(`{
      "doc": "a user",
      "fields": [{"type": {"type": "long"}, "name": "id", "doc": "the id", "order": "ascending"}],
      "type": "record",
      "name": "com.acme.User"
    }`)
    expect(spelled.canonical).toBe(compact.canonical)
    expect(compact.canonical).toBe(
      '{"name":"com.acme.User","type":"record","fields":[{"name":"id","type":"long"}]}',
    )
  })

  it('keeps what changes how data is read in the canonical form', () => {
    const base = avro(record([field('id', 'long')])).canonical
    expect(avro(record([field('id', 'long', { default: 0 })])).canonical).not.toBe(base)
    expect(avro(record([field('id', { type: 'long', logicalType: 'timestamp-millis' })])).canonical).not.toBe(
      base,
    )
    expect(avro(record([field('id', 'long', { aliases: ['key'] })])).canonical).not.toBe(base)
  })

  it('writes each named type once and refers to it by full name afterwards', () => {
    const parsed = avro(
      record([field('home', record([field('zip', 'int')], { name: 'Address' })), field('work', 'Address')]),
    )
    expect(parsed.canonical).toContain('"name":"work","type":"com.acme.Address"')
  })

  it('keeps a null-namespace type nested in a namespaced record in the null namespace', () => {
    const parsed = avro(record([field('e', { type: 'enum', name: 'Plain', namespace: '', symbols: ['A'] })]))
    expect(parsed.canonical).toContain('"name":"Plain","namespace":""')
    expect(parseAvroSchema(parsed.canonical).canonical).toBe(parsed.canonical)
  })

  it('resolves named types from references, in any order', () => {
    const references = new Map([
      [
        'customer',
        JSON.stringify({
          type: 'record',
          name: 'Customer',
          namespace: 'shop',
          fields: [field('address', 'geo.Address')],
        }),
      ],
      [
        'address',
        JSON.stringify({
          type: 'record',
          name: 'Address',
          namespace: 'geo',
          fields: [field('zip', 'string')],
        }),
      ],
    ])
    const order = avro(
      { type: 'record', name: 'Order', namespace: 'shop', fields: [field('customer', 'Customer')] },
      references,
    )
    expect(order.canonical).toBe(
      '{"name":"shop.Order","type":"record","fields":[{"name":"customer","type":"shop.Customer"}]}',
    )
    const value = { customer: { address: { zip: '1234' } } }
    expect(order.avscType.fromBuffer(order.avscType.toBuffer(value))).toEqual(value)
  })

  it('resolves an unqualified name in the null namespace as Avro Java does', () => {
    const references = new Map([['money', JSON.stringify({ type: 'fixed', name: 'Money', size: 8 })]])
    const parsed = avro(record([field('price', 'Money')]), references)
    expect(parsed.root.kind === 'record' && parsed.root.fields[0]?.type.kind).toBe('fixed')
  })

  it('gives an avsc type that encodes and decodes', () => {
    const parsed = avro(LINKED_LIST('int'))
    const value = { value: 1, next: { value: 2, next: null } }
    expect(parsed.avscType.fromBuffer(parsed.avscType.toBuffer(value))).toEqual(value)
  })

  it.each([
    ['an unknown type name', record([field('a', 'Adress')]), '/fields/0/type', "unknown type name 'Adress'"],
    [
      'a default of the wrong type',
      record([field('a', 'int', { default: 'x' })]),
      '/fields/0/default',
      'expected a 32-bit integer',
    ],
    [
      'a union default that does not match the first branch',
      record([field('a', ['null', 'int'], { default: 1 })]),
      '/fields/0/default',
      'expected null',
    ],
    [
      'a duplicate field',
      record([field('a', 'int'), field('a', 'long')]),
      '/fields/1/name',
      'declared twice',
    ],
    ['a missing field type', record([{ name: 'a' }]), '/fields/0/type', 'has no "type"'],
    ['an invalid field name', record([field('1a', 'int')]), '/fields/0/name', 'valid "name"'],
    [
      'an enum default not among the symbols',
      { ...ENUM_RG, default: 'BLUE' },
      '/default',
      'not one of its symbols',
    ],
    ['a duplicate enum symbol', { ...ENUM_RG, symbols: ['A', 'A'] }, '/symbols/1', 'unique enum symbol'],
    ['a negative fixed size', { type: 'fixed', name: 'F', size: -1 }, '/size', 'non-negative integer'],
    ['a nested union', ['null', ['int', 'string']], '/1', 'cannot directly contain another union'],
    ['a repeated union branch', ['int', 'string', 'int'], '/2', "more than one branch of type 'int'"],
    ['an empty union', [], '/', 'at least one branch'],
    ['an array without items', { type: 'array' }, '/items', '"items" is missing'],
    [
      'a type defined twice',
      record([field('a', ENUM_RG), field('b', ENUM_RG)]),
      '/fields/1/type/name',
      'defined more than once',
    ],
    ['a primitive used as a name', { type: 'fixed', name: 'int', size: 1 }, '/name', 'primitive type name'],
    ['an error type', { type: 'error', name: 'E', fields: [] }, '/type', 'only valid inside Avro protocols'],
    ['a number as a schema', 42, '/', 'expected a type name'],
  ])('rejects %s with the JSON path', (_name, schema, path, problem) => {
    const error = invalidSchemaErrorOf(() => avro(schema))
    expect(error.location.path).toBe(path)
    expect(error.message).toContain(problem)
    expect(error.errorCode).toBe(42201)
  })

  it('rejects malformed JSON with line and column', () => {
    const error = invalidSchemaErrorOf(() =>
      parseAvroSchema('{\n  "type": "record",\n  "name": "R"\n  "fields": []\n}'),
    )
    expect(error.location.position).toEqual({ line: 4, column: 3 })
    expect(error.message).toMatch(/^Invalid AVRO schema at line 4, column 3: .*Fix the JSON syntax/)
  })

  it('attributes a problem in a referenced schema to that reference', () => {
    const error = invalidSchemaErrorOf(() =>
      avro(
        record([field('a', 'Thing')]),
        new Map([['thing.avsc', '{"type":"record","name":"Thing","fields":[{"name":"x","type":"Nope"}]}']]),
      ),
    )
    expect(error.location.reference).toBe('thing.avsc')
    expect(error.message).toContain("in referenced schema 'thing.avsc' at /fields/0/type")
  })
})

type Shape =
  | { readonly kind: 'primitive'; readonly name: string; readonly logical?: string }
  | { readonly kind: 'array'; readonly items: Shape }
  | { readonly kind: 'map'; readonly values: Shape }
  | { readonly kind: 'union'; readonly branches: readonly string[]; readonly named?: Shape }
  | {
      readonly kind: 'record'
      readonly namespace?: string
      readonly fields: readonly {
        readonly shape: Shape
        readonly withDefault: boolean
        readonly doc: boolean
      }[]
    }
  | { readonly kind: 'enum'; readonly symbols: readonly string[]; readonly withDefault: boolean }
  | { readonly kind: 'fixed'; readonly size: number }

const PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']

const shapes = fc.letrec<{ shape: Shape; named: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('primitive' as const), name: fc.constantFrom(...PRIMITIVES) }),
    fc.record({
      kind: fc.constant('primitive' as const),
      name: fc.constant('long'),
      logical: fc.constant('timestamp-millis'),
    }),
    fc.record({ kind: fc.constant('array' as const), items: tie('shape') }),
    fc.record({ kind: fc.constant('map' as const), values: tie('shape') }),
    fc.record(
      {
        kind: fc.constant('union' as const),
        branches: fc.uniqueArray(fc.constantFrom(...PRIMITIVES), { minLength: 1, maxLength: 4 }),
        named: tie('named'),
      },
      { requiredKeys: ['kind', 'branches'] },
    ),
    tie('named'),
  ),
  named: fc.oneof(
    { depthSize: 'small' },
    fc.record(
      {
        kind: fc.constant('record' as const),
        namespace: fc.constantFrom('', 'com.acme', 'org.example.deep'),
        fields: fc.array(fc.record({ shape: tie('shape'), withDefault: fc.boolean(), doc: fc.boolean() }), {
          maxLength: 4,
        }),
      },
      { requiredKeys: ['kind', 'fields'] },
    ),
    fc.record({
      kind: fc.constant('enum' as const),
      symbols: fc.uniqueArray(fc.constantFrom('A', 'B', 'C', 'D'), { minLength: 1 }),
      withDefault: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('fixed' as const), size: fc.nat(8) }),
  ),
})).shape

/** Turns a shape into schema JSON, naming every named type uniquely. */
function toSchema(shape: Shape): unknown {
  let counter = 0
  const defaultFor = (node: Shape): unknown => {
    switch (node.kind) {
      case 'primitive':
        return {
          null: null,
          boolean: true,
          int: 1,
          long: 2,
          float: 1.5,
          double: 2.5,
          bytes: '\u00ff',
          string: 's',
        }[node.name]
      case 'array':
        return [defaultFor(node.items)]
      case 'map':
        return { key: defaultFor(node.values) }
      case 'union':
        return defaultFor({ kind: 'primitive', name: node.branches[0] ?? 'null' })
      case 'record':
        return Object.fromEntries(node.fields.map((entry, index) => [`f${index}`, defaultFor(entry.shape)]))
      case 'enum':
        return node.symbols[0]
      case 'fixed':
        return 'x'.repeat(node.size)
    }
  }
  const build = (node: Shape): unknown => {
    switch (node.kind) {
      case 'primitive':
        return node.logical === undefined ? node.name : { type: node.name, logicalType: node.logical }
      case 'array':
        return { type: 'array', items: build(node.items) }
      case 'map':
        return { type: 'map', values: build(node.values) }
      case 'union':
        return node.named === undefined ? [...node.branches] : [...node.branches, build(node.named)]
      case 'record':
        return {
          type: 'record',
          name: `R${counter++}`,
          ...(node.namespace === undefined ? {} : { namespace: node.namespace }),
          fields: node.fields.map((entry, index) => ({
            name: `f${index}`,
            type: build(entry.shape),
            ...(entry.withDefault ? { default: defaultFor(entry.shape) } : {}),
            ...(entry.doc ? { doc: 'documentation' } : {}),
          })),
        }
      case 'enum':
        return {
          type: 'enum',
          name: `E${counter++}`,
          symbols: [...node.symbols],
          ...(node.withDefault ? { default: node.symbols[0] } : {}),
        }
      case 'fixed':
        return { type: 'fixed', name: `F${counter++}`, size: node.size }
    }
  }
  return build(shape)
}

describe('Avro properties', () => {
  it('every valid schema is FULL-compatible with itself and its canonical form is idempotent', () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        const json = toSchema(shape)
        const parsed = avro(json)
        expect(checkAvroCompatibility(parsed, parsed)).toEqual([])
        expect(checkAgainstHistory('FULL', parsed, [parsed]).compatible).toBe(true)
        const reparsed = parseAvroSchema(parsed.canonical)
        expect(reparsed.canonical).toBe(parsed.canonical)
        expect(parseAvroSchema(JSON.stringify(json, null, 2)).canonical).toBe(parsed.canonical)
        expect(checkAgainstHistory('FULL', reparsed, [parsed]).compatible).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
