/**
 * Issue #19: every schema walk is bounded. Memoised pairs make shared definitions cost once; what memoising
 * cannot collapse (every path with its own findings) runs into the WorkBudget; parse-time limits stop inputs
 * whose parsing is superlinear.
 */
import { describe, expect, it } from 'vitest'
import {
  AVRO_TREE,
  hostileAvroSchema,
  hostileJsonSchema,
  hostileProtoSchema,
} from '../../../test/udm/schema-work-limits.fixtures.ts'
import { checkAvroCompatibility, parseAvroSchema } from './avro.ts'
import { checkAgainstHistory } from './compatibility.ts'
import { READER_WRITER_ROLES } from './incompatibility.ts'
import { checkJsonSchemaCompatibility, parseJsonSchema } from './json-schema.ts'
import { checkProtobufCompatibility, parseProtobufSchema } from './protobuf.ts'
import { MAX_PROTO_BLOCK_STATEMENTS } from './protobuf-limits.ts'
import { invalidSchemaErrorOf } from './test-helpers.ts'
import { SchemaTooComplexError, WorkBudget } from './work-budget.ts'

/** Enough for the linear work of the memoised walks below, far too little for 2^40 paths. */
const SMALL = { maxSteps: 2_000, maxMillis: 60_000 }

function tooComplex(action: () => unknown): SchemaTooComplexError {
  const error = invalidSchemaErrorOf(action)
  expect(error).toBeInstanceOf(SchemaTooComplexError)
  return error as SchemaTooComplexError
}

describe('JSON Schema compatibility work', () => {
  const string = parseJsonSchema('{"type":"string"}')

  it('compares a definition shared by both branches of 40 nested anyOfs once (reader side)', () => {
    const hostile = parseJsonSchema(hostileJsonSchema(40, 'anyOf'))
    const findings = checkJsonSchemaCompatibility(hostile, string, READER_WRITER_ROLES, new WorkBudget(SMALL))
    expect(findings.map((finding) => JSON.parse(finding).type)).toEqual(['SUM_TYPE_NARROWED'])
  })

  it('reports a shared writer branch once (writer side), within the same small budget', () => {
    const hostile = parseJsonSchema(hostileJsonSchema(40, 'oneOf'))
    const findings = checkJsonSchemaCompatibility(string, hostile, READER_WRITER_ROLES, new WorkBudget(SMALL))
    expect(findings.map((finding) => JSON.parse(finding).type)).toEqual(['TYPE_CHANGED'])
  })

  it('stops a walk whose 2^40 paths each have their own findings, naming the limit', () => {
    const hostile = parseJsonSchema(hostileJsonSchema(40, 'allOf'))
    const error = tooComplex(() => checkJsonSchemaCompatibility(hostile, string))
    expect(error.limit).toBe('steps')
    expect(error.errorCode).toBe(42201)
    expect(error.message).toMatch(/too complex for compatibility checking: it needs more than 100000 steps/)
    expect(error.message).toMatch(/Simplify it/)
  })

  it('stops a patternProperties pattern that backtracks exponentially, by time', () => {
    const reader = parseJsonSchema(
      JSON.stringify({ type: 'object', patternProperties: { '^(a+)+$': { type: 'string' } } }),
    )
    const writer = parseJsonSchema(
      JSON.stringify({ type: 'object', properties: { [`${'a'.repeat(40)}!`]: { type: 'integer' } } }),
    )
    const began = performance.now()
    const error = tooComplex(() =>
      checkJsonSchemaCompatibility(
        reader,
        writer,
        READER_WRITER_ROLES,
        new WorkBudget({ maxSteps: 1_000, maxMillis: 200 }),
      ),
    )
    expect(error.limit).toBe('time')
    expect(error.message).toMatch(/matching the pattern "\^\(a\+\)\+\$"/)
    expect(performance.now() - began).toBeLessThan(5_000)
  })

  it('resolves thousands of $anchor references without searching the document for each', () => {
    const references = Array.from({ length: 10_000 }, () => ({ $ref: '#target' }))
    const text = JSON.stringify({ allOf: references, $defs: { t: { $anchor: 'target', type: 'string' } } })
    const began = performance.now()
    parseJsonSchema(text)
    // Searching the document once per $ref took 18 s here; the index takes about 0.1 s.
    expect(performance.now() - began).toBeLessThan(3_000)
  })
})

describe('Avro compatibility work', () => {
  const tree = parseAvroSchema(AVRO_TREE)

  it('compares record types reused at 40 levels once each when a reader union decides', () => {
    // The same shape as hostileAvroSchema, with the children in unions: each level is one memoised pair.
    const hostile = parseAvroSchema(
      JSON.stringify(rewrapChildren(JSON.parse(hostileAvroSchema(40)) as Record<string, unknown>)),
    )
    const findings = checkAvroCompatibility(hostile, tree, READER_WRITER_ROLES, new WorkBudget(SMALL))
    // One for each child of the root: `left` and `right`.
    expect(findings.map((finding) => JSON.parse(finding).location)).toEqual([
      '/fields/1/type/1',
      '/fields/2/type/1',
    ])
  })

  it('stops a walk whose 2^40 paths each have their own findings', () => {
    const hostile = parseAvroSchema(hostileAvroSchema(40))
    expect(tooComplex(() => checkAvroCompatibility(hostile, tree)).limit).toBe('steps')
  })
})

describe('Protobuf work', () => {
  it(`refuses a message of more than ${MAX_PROTO_BLOCK_STATEMENTS} statements before protobufjs parses it`, () => {
    const error = tooComplex(() => parseProtobufSchema(hostileProtoSchema(20_000)))
    expect(error.limit).toBe('size')
    expect(error.message).toMatch(
      /too complex for parsing: more than 1000 statements in one block \(near line/,
    )
  })

  it('counts comparisons against the budget like the other checkers', () => {
    const order = parseProtobufSchema('syntax = "proto3";\nmessage Order {\n  string id = 1;\n}\n')
    expect(checkProtobufCompatibility(order, order, READER_WRITER_ROLES, new WorkBudget(SMALL))).toEqual([])
    const none = new WorkBudget({ maxSteps: 1, maxMillis: 60_000 })
    expect(tooComplex(() => checkProtobufCompatibility(order, order, READER_WRITER_ROLES, none)).limit).toBe(
      'steps',
    )
  })
})

describe('checkAgainstHistory', () => {
  it('spends one budget on all the versions it compares', () => {
    const string = parseJsonSchema('{"type":"string"}')
    const history = Array.from({ length: 10 }, () => string)
    const budget = () => new WorkBudget({ maxSteps: 5, maxMillis: 60_000 })
    // One comparison fits in 5 steps; ten of them, transitively, do not.
    expect(checkAgainstHistory('BACKWARD', string, history, budget()).compatible).toBe(true)
    expect(() => checkAgainstHistory('BACKWARD_TRANSITIVE', string, history, budget())).toThrow(
      SchemaTooComplexError,
    )
  })
})

/** The children of every record wrapped in a ["null", ...] union, as the tree's are. */
function rewrapChildren(record: Record<string, unknown>): Record<string, unknown> {
  const fields = (record.fields as Array<Record<string, unknown>>).map((field) => {
    if (field.name === 'value') return field
    const type = field.type
    const inner =
      typeof type === 'object' && type !== null ? rewrapChildren(type as Record<string, unknown>) : type
    return { ...field, type: ['null', inner], default: null }
  })
  return { ...record, fields }
}
