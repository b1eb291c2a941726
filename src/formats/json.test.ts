import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DecodeError } from './errors.ts'
import { JsonCodec } from './json.ts'
import { formatErrorOf } from './testing.ts'

const orderSchema = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['id', 'lines'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', minimum: 1 },
    status: { enum: ['NEW', 'PAID'] },
    lines: { type: 'array', items: { $ref: 'line.json' } },
    placedAt: { type: 'string', format: 'date-time' },
  },
})

const lineSchema = JSON.stringify({
  $id: 'line.json',
  type: 'object',
  required: ['sku'],
  properties: { sku: { type: 'string' }, price: { type: 'number', maximum: 1000 } },
})

const order = { id: 7, status: 'PAID', lines: [{ sku: 'A-1', price: 19.99 }], placedAt: 'yesterday' }

describe('JsonCodec', () => {
  const codec = JsonCodec.parse(orderSchema, new Map([['line.json', lineSchema]]))

  it('round-trips UTF-8 JSON, resolving $refs from references (formats are not checked)', () => {
    expect(codec.decode(codec.encode(order))).toEqual(order)
    expect(JsonCodec.schemaless.decode(Buffer.from('{"ü": [1, null]}'))).toEqual({ ü: [1, null] })
  })

  it('rejects payloads that are not JSON or not UTF-8', () => {
    expect(formatErrorOf(() => codec.decode(Buffer.from('{"id": 7,'))).reason).toBe('INVALID_JSON')
    expect(formatErrorOf(() => JsonCodec.schemaless.decode(Buffer.from([0x22, 0xff, 0x22]))).reason).toBe(
      'INVALID_JSON',
    )
    expect(formatErrorOf(() => JsonCodec.schemaless.decode(Buffer.alloc(0))).reason).toBe('INVALID_JSON')
  })

  it('reports schema violations on decode with the field path', () => {
    const error = formatErrorOf(() =>
      codec.decode(Buffer.from(JSON.stringify({ ...order, lines: [{ sku: 'A', price: 5000 }] }))),
    )
    expect(error.name).toBe('DecodeError')
    expect(error.reason).toBe('SCHEMA_VALIDATION')
    expect(error.context.path).toBe('lines[0].price')
    expect(error.message).toContain("Field 'lines[0].price' must be <= 1000")
    for (const bad of [
      { lines: [] },
      { ...order, id: 0 },
      { ...order, status: 'LOST' },
      { ...order, extra: 1 },
      [order],
    ]) {
      expect(formatErrorOf(() => codec.decode(Buffer.from(JSON.stringify(bad)))).reason).toBe(
        'SCHEMA_VALIDATION',
      )
    }
  })

  it('validates on encode too, and refuses values JSON cannot hold', () => {
    const error = formatErrorOf(() => codec.encode({ ...order, id: 'seven' }))
    expect(error.name).toBe('EncodeError')
    expect(error.reason).toBe('SCHEMA_VALIDATION')
    const circular: Record<string, unknown> = { id: 1 }
    circular.self = circular
    expect(formatErrorOf(() => JsonCodec.schemaless.encode(circular)).reason).toBe('INVALID_JSON')
    expect(formatErrorOf(() => JsonCodec.schemaless.encode(undefined)).reason).toBe('INVALID_JSON')
  })

  it('picks the validator dialect from $schema', () => {
    const tuple = JsonCodec.parse(
      JSON.stringify({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        prefixItems: [{ type: 'string' }],
        items: false,
      }),
    )
    expect(tuple.decode(Buffer.from('["a"]'))).toEqual(['a'])
    expect(formatErrorOf(() => tuple.decode(Buffer.from('["a", 1]'))).reason).toBe('SCHEMA_VALIDATION')
  })

  it('rejects schemas that do not compile', () => {
    expect(formatErrorOf(() => JsonCodec.parse('{"type": ')).reason).toBe('INVALID_SCHEMA')
    expect(formatErrorOf(() => JsonCodec.parse('{"type": "colour"}')).reason).toBe('INVALID_SCHEMA')
    expect(formatErrorOf(() => JsonCodec.parse('{"$ref": "missing.json"}')).reason).toBe('INVALID_SCHEMA')
  })
  it('never throws anything but DecodeError on random payloads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          codec.decode(Buffer.from(bytes))
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError)
        }
      }),
    )
  })
})
