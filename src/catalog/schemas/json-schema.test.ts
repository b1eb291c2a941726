import { describe, expect, it } from 'vitest'
import { checkJsonSchemaCompatibility, type ParsedJsonSchema, parseJsonSchema } from './json-schema.ts'
import { invalidSchemaErrorOf } from './test-helpers.ts'

const NEW_READS_OLD = { reader: 'new', writer: 'old' }

function json(schema: unknown, references?: ReadonlyMap<string, string>): ParsedJsonSchema {
  return parseJsonSchema(JSON.stringify(schema), references)
}

function findingTypes(reader: unknown, writer: unknown): string[] {
  return checkJsonSchemaCompatibility(json(reader), json(writer), NEW_READS_OLD).map((line) => {
    const { type, location } = JSON.parse(line)
    return `${type} ${location}`
  })
}

function object(
  properties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { type: 'object', properties, ...extra }
}

const closed = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  object(properties, { additionalProperties: false, ...extra })

const STRING = { type: 'string' }
const INTEGER = { type: 'integer' }
const NUMBER = { type: 'number' }

describe('JSON Schema compatibility', () => {
  // [case, reader (new), writer (old), expected findings as "TYPE location"]
  const cases: [string, unknown, unknown, string[]][] = [
    ['identical', object({ a: STRING }), object({ a: STRING }), []],
    ['true reads anything', true, object({ a: STRING }), []],
    ['anything reads false', object({ a: STRING }), false, []],
    ['false reads nothing', false, true, ['TYPE_NARROWED #/']],
    ['integer widened to number', NUMBER, INTEGER, []],
    ['number narrowed to integer', INTEGER, NUMBER, ['TYPE_CHANGED #/type']],
    ['type changed', STRING, INTEGER, ['TYPE_CHANGED #/type']],
    ['type union extended', { type: ['string', 'null'] }, STRING, []],
    ['type union narrowed', STRING, { type: ['string', 'null'] }, ['TYPE_NARROWED #/type']],
    ['type added where there was none', STRING, {}, ['TYPE_NARROWED #/type']],
    ['enum extended', { enum: ['a', 'b', 'c'] }, { enum: ['a', 'b'] }, []],
    ['enum narrowed', { enum: ['a'] }, { enum: ['a', 'b'] }, ['ENUM_ARRAY_NARROWED #/enum']],
    ['enum added', { type: 'string', enum: ['a'] }, STRING, ['ENUM_ARRAY_NARROWED #/enum']],
    ['const within enum', { enum: ['a', 'b'] }, { const: 'a' }, []],
    ['enum removed', STRING, { type: 'string', enum: ['a'] }, []],
    ['maxLength added', { type: 'string', maxLength: 5 }, STRING, ['MAX_LENGTH_ADDED #/maxLength']],
    [
      'maxLength decreased',
      { type: 'string', maxLength: 5 },
      { type: 'string', maxLength: 9 },
      ['MAX_LENGTH_DECREASED #/maxLength'],
    ],
    ['maxLength increased', { type: 'string', maxLength: 9 }, { type: 'string', maxLength: 5 }, []],
    [
      'minLength increased',
      { type: 'string', minLength: 3 },
      { type: 'string', minLength: 1 },
      ['MIN_LENGTH_INCREASED #/minLength'],
    ],
    ['minimum decreased', { type: 'number', minimum: 0 }, { type: 'number', minimum: 5 }, []],
    ['maximum added', { type: 'number', maximum: 10 }, NUMBER, ['MAXIMUM_ADDED #/maximum']],
    [
      'exclusiveMinimum increased',
      { type: 'number', exclusiveMinimum: 1 },
      { type: 'number', exclusiveMinimum: 0 },
      ['EXCLUSIVE_MINIMUM_INCREASED #/exclusiveMinimum'],
    ],
    ['string bounds ignored for numbers', { type: 'integer', maxLength: 2 }, INTEGER, []],
    ['multipleOf relaxed', { type: 'integer', multipleOf: 2 }, { type: 'integer', multipleOf: 4 }, []],
    [
      'multipleOf expanded',
      { type: 'integer', multipleOf: 4 },
      { type: 'integer', multipleOf: 2 },
      ['MULTIPLE_OF_EXPANDED #/multipleOf'],
    ],
    ['pattern added', { type: 'string', pattern: '^a' }, STRING, ['PATTERN_ADDED #/pattern']],
    [
      'pattern changed',
      { type: 'string', pattern: '^a' },
      { type: 'string', pattern: '^b' },
      ['PATTERN_CHANGED #/pattern'],
    ],
    ['pattern removed', STRING, { type: 'string', pattern: '^b' }, []],
    [
      'property added to an open content model',
      object({ a: STRING, b: STRING }),
      object({ a: STRING }),
      ['PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b'],
    ],
    [
      'unconstrained property added to an open content model',
      object({ a: STRING, b: {} }),
      object({ a: STRING }),
      [],
    ],
    ['property added to a closed content model', closed({ a: STRING, b: STRING }), closed({ a: STRING }), []],
    [
      'property added under a partially open content model it fits',
      object({ a: STRING, b: STRING }, { additionalProperties: STRING }),
      object({ a: STRING }, { additionalProperties: STRING }),
      [],
    ],
    [
      'property added under a partially open content model it does not fit',
      object({ a: STRING, b: INTEGER }, { additionalProperties: STRING }),
      object({ a: STRING }, { additionalProperties: STRING }),
      ['PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/b'],
    ],
    [
      'property removed from an open content model',
      object({ a: STRING }),
      object({ a: STRING, b: STRING }),
      [],
    ],
    [
      'property removed from a closed content model',
      closed({ a: STRING }),
      closed({ a: STRING, b: STRING }),
      ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b'],
    ],
    [
      'property removed but covered by a matching pattern',
      closed({ a: STRING }, { patternProperties: { '^b': STRING } }),
      closed({ a: STRING, b: STRING }),
      [],
    ],
    [
      'content model closed',
      closed({ a: STRING }),
      object({ a: STRING }),
      ['ADDITIONAL_PROPERTIES_REMOVED #/additionalProperties'],
    ],
    [
      'additionalProperties narrowed',
      object({}, { additionalProperties: INTEGER }),
      object({}, { additionalProperties: NUMBER }),
      ['ADDITIONAL_PROPERTIES_NARROWED #/additionalProperties'],
    ],
    ['content model opened', object({ a: STRING }), closed({ a: STRING }), []],
    [
      'required added',
      object({ a: STRING }, { required: ['a'] }),
      object({ a: STRING }),
      ['REQUIRED_ATTRIBUTE_ADDED #/required'],
    ],
    [
      'required added with a default',
      object({ a: { type: 'string', default: 'x' } }, { required: ['a'] }),
      object({ a: STRING }),
      [],
    ],
    ['required removed', object({ a: STRING }), object({ a: STRING }, { required: ['a'] }), []],
    [
      'dependentRequired extended',
      object({ a: STRING, b: STRING }, { dependentRequired: { a: ['b'] } }),
      object({ a: STRING, b: STRING }),
      ['DEPENDENCY_ARRAY_EXTENDED #/dependentRequired/a'],
    ],
    [
      'nested property type changed',
      object({ address: object({ zip: STRING }) }),
      object({ address: object({ zip: INTEGER }) }),
      ['TYPE_CHANGED #/properties/address/properties/zip/type'],
    ],
    [
      'nested object gains a required property',
      object({ address: object({ zip: STRING }, { required: ['zip'] }) }),
      object({ address: object({ zip: STRING }) }),
      ['REQUIRED_ATTRIBUTE_ADDED #/properties/address/required'],
    ],
    ['array items widened', { type: 'array', items: NUMBER }, { type: 'array', items: INTEGER }, []],
    [
      'array items changed',
      { type: 'array', items: STRING },
      { type: 'array', items: INTEGER },
      ['TYPE_CHANGED #/items/type'],
    ],
    [
      'uniqueItems added',
      { type: 'array', uniqueItems: true },
      { type: 'array' },
      ['UNIQUE_ITEMS_ADDED #/uniqueItems'],
    ],
    ['maxItems added', { type: 'array', maxItems: 3 }, { type: 'array' }, ['MAX_ITEMS_ADDED #/maxItems']],
    [
      'tuple item added to an open tuple',
      { type: 'array', prefixItems: [STRING, INTEGER] },
      { type: 'array', prefixItems: [STRING] },
      ['ITEM_ADDED_TO_OPEN_CONTENT_MODEL #/prefixItems/1'],
    ],
    [
      'tuple item removed from a closed tuple',
      { type: 'array', prefixItems: [STRING], items: false },
      { type: 'array', prefixItems: [STRING, INTEGER], items: false },
      ['ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL #/prefixItems/1'],
    ],
    [
      'draft-07 tuple closed',
      { type: 'array', items: [STRING], additionalItems: false },
      { type: 'array', items: [STRING] },
      ['ADDITIONAL_ITEMS_REMOVED #/additionalItems'],
    ],
    [
      'local $ref followed',
      { $defs: { zip: STRING }, ...object({ zip: { $ref: '#/$defs/zip' } }) },
      { definitions: { zip: INTEGER }, ...object({ zip: { $ref: '#/definitions/zip' } }) },
      ['TYPE_CHANGED #/properties/zip/type'],
    ],
    [
      'recursive schemas compared without looping',
      { $defs: { node: object({ value: NUMBER, next: { $ref: '#/$defs/node' } }) }, $ref: '#/$defs/node' },
      { $defs: { node: object({ value: INTEGER, next: { $ref: '#/$defs/node' } }) }, $ref: '#/$defs/node' },
      [],
    ],
    [
      'recursive schemas with a narrowed leaf',
      { $defs: { node: object({ value: INTEGER, next: { $ref: '#/$defs/node' } }) }, $ref: '#/$defs/node' },
      { $defs: { node: object({ value: NUMBER, next: { $ref: '#/$defs/node' } }) }, $ref: '#/$defs/node' },
      ['TYPE_CHANGED #/properties/value/type'],
    ],
    ['oneOf extended', { oneOf: [STRING, INTEGER, { type: 'null' }] }, { oneOf: [STRING, INTEGER] }, []],
    ['oneOf narrowed', { oneOf: [STRING] }, { oneOf: [STRING, INTEGER] }, ['SUM_TYPE_NARROWED #/oneOf']],
    ['plain type absorbed into anyOf', { anyOf: [STRING, INTEGER] }, STRING, []],
    ['anyOf writer read by a wider plain type', NUMBER, { anyOf: [INTEGER, NUMBER] }, []],
    [
      'allOf reader needs every branch',
      { allOf: [STRING, { maxLength: 3 }] },
      STRING,
      ['MAX_LENGTH_ADDED #/allOf/1/maxLength'],
    ],
    ['allOf writer merged', { type: 'string', maxLength: 5 }, { allOf: [STRING, { maxLength: 3 }] }, []],
    ['not added', { type: 'string', not: { const: 'x' } }, STRING, ['NOT_TYPE_EXTENDED #/not']],
    ['not removed', STRING, { type: 'string', not: { const: 'x' } }, []],
    ['not narrowed (rejects less)', { not: { const: 'x' } }, { not: { enum: ['x', 'y'] } }, []],
    [
      'not extended (rejects more)',
      { not: { enum: ['x', 'y'] } },
      { not: { const: 'x' } },
      ['NOT_TYPE_EXTENDED #/not'],
    ],
    [
      'required entry naming no declared property is not compared, as in Confluent',
      object({ a: STRING }, { required: ['b'] }),
      object({ a: STRING }),
      [],
    ],
    [
      'declared property newly required',
      object({ a: STRING }, { required: ['a'] }),
      object({ a: STRING }),
      ['REQUIRED_ATTRIBUTE_ADDED #/required'],
    ],
    [
      'unevaluatedProperties false reads like additionalProperties false',
      object({ a: STRING, b: NUMBER }, { unevaluatedProperties: false }),
      object({ a: STRING }, { unevaluatedProperties: false }),
      [],
    ],
    [
      'unevaluatedProperties beside if/else stays undecided',
      object(
        { a: STRING },
        { if: { required: ['a'] }, else: { required: ['b'] }, unevaluatedProperties: false },
      ),
      object({ a: STRING }, { if: { required: ['a'] }, else: { required: ['b'] } }),
      ['CONSTRAINT_CHANGED #/unevaluatedProperties'],
    ],
    [
      'dependent schema added',
      object({ a: STRING }, { dependentSchemas: { a: { required: ['b'] } } }),
      object({ a: STRING }),
      ['DEPENDENCY_SCHEMA_ADDED #/dependentSchemas/a'],
    ],
    [
      'dependent schema relaxed',
      object({ a: STRING }, { dependentSchemas: { a: { maxProperties: 5 } } }),
      object({ a: STRING }, { dependentSchemas: { a: { maxProperties: 3 } } }),
      [],
    ],
    [
      'minContains increased',
      { type: 'array', contains: NUMBER, minContains: 2 },
      { type: 'array', contains: NUMBER, minContains: 1 },
      ['MIN_CONTAINS_INCREASED #/minContains'],
    ],
    [
      'maxContains over a wider contains',
      { type: 'array', contains: NUMBER, maxContains: 2 },
      { type: 'array', contains: INTEGER, maxContains: 2 },
      ['MAX_CONTAINS_DECREASED #/maxContains'],
    ],
    [
      'contains widened',
      { type: 'array', contains: NUMBER, maxContains: 3 },
      { type: 'array', contains: NUMBER, minContains: 2, maxContains: 2 },
      [],
    ],
  ]

  it.each(cases)('%s', (_name, reader, writer, expected) => {
    expect(findingTypes(reader, writer)).toEqual(expected)
  })

  it('follows $refs into referenced documents', () => {
    const references = new Map([['address.json', JSON.stringify(object({ zip: STRING }))]])
    const reader = json(object({ home: { $ref: 'address.json' } }), references)
    const writer = json(object({ home: { $ref: 'address.json#/properties/zip' } }), references)
    expect(
      checkJsonSchemaCompatibility(reader, writer, NEW_READS_OLD).map((line) => JSON.parse(line).type),
    ).toEqual(['TYPE_CHANGED'])
  })

  it('words findings with the given roles', () => {
    const [line] = checkJsonSchemaCompatibility(json(closed({})), json(closed({ b: STRING })), NEW_READS_OLD)
    expect(JSON.parse(line ?? '{}').description).toBe(
      "The property 'b' of the old schema is missing from the new schema at '#/', whose content model rejects values the old schema allows for it",
    )
  })
})

describe('JSON Schema parsing', () => {
  it('canonicalizes key order and whitespace', () => {
    const a = parseJsonSchema(
      '{ "type": "object", "properties": { "b": {"type":"string"}, "a": {"type":"integer"} } }',
    )
    const b = parseJsonSchema('{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}')
    expect(a.canonical).toBe(b.canonical)
    expect(a.canonical).toBe('{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}')
  })

  it('accepts boolean schemas, anchors and $ids', () => {
    expect(parseJsonSchema('true').document).toBe(true)
    expect(() =>
      json({
        $id: 'https://acme.example/user.json',
        $defs: { a: { $anchor: 'name', type: 'string' } },
        properties: { n: { $ref: '#name' }, m: { $ref: 'https://acme.example/user.json#/$defs/a' } },
      }),
    ).not.toThrow()
  })

  it.each([
    ['an array document', [1], '#/', 'must be a JSON object or a boolean'],
    ['an unknown type', { type: 'strin' }, '#/type', 'not a type name'],
    ['repeated types', { type: ['string', 'string'] }, '#/type', 'distinct type names'],
    ['a non-schema property', { properties: { a: 3 } }, '#/properties/a', 'object or a boolean'],
    ['a bad required list', { required: 'a' }, '#/required', 'array of distinct property names'],
    ['a negative maxLength', { maxLength: -1 }, '#/maxLength', 'non-negative integer'],
    ['a zero multipleOf', { multipleOf: 0 }, '#/multipleOf', 'greater than 0'],
    ['an invalid pattern', { pattern: '(' }, '#/pattern', 'not a valid regular expression'],
    [
      'an invalid patternProperties key',
      { patternProperties: { '[': {} } },
      '#/patternProperties/[',
      'regular expression',
    ],
    ['an empty anyOf', { anyOf: [] }, '#/anyOf', 'non-empty array'],
    [
      'an unresolvable $ref',
      { properties: { a: { $ref: '#/$defs/missing' } } },
      '#/properties/a/$ref',
      'cannot be resolved',
    ],
    ['an unknown referenced document', { $ref: 'other.json' }, '#/$ref', 'add a schema reference'],
  ])('rejects %s with the JSON path', (_name, schema, path, problem) => {
    const error = invalidSchemaErrorOf(() => json(schema))
    expect(error.location.path).toBe(path)
    expect(error.message).toContain(problem)
    expect(error.errorCode).toBe(42201)
  })

  it('rejects malformed JSON with line and column', () => {
    const error = invalidSchemaErrorOf(() =>
      parseJsonSchema('{\n  "type": "object",\n  "properties": {,}\n}'),
    )
    expect(error.location.position).toEqual({ line: 3, column: 18 })
  })

  it('attributes a problem in a referenced document to its reference', () => {
    const error = invalidSchemaErrorOf(() =>
      json({ $ref: 'bad.json' }, new Map([['bad.json', '{"type": 5}']])),
    )
    expect(error.location.reference).toBe('bad.json')
    expect(error.location.path).toBe('#/type')
  })
})
