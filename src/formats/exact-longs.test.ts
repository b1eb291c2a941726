/**
 * 64-bit integers survive every format's round trip exactly (issue #10, "Exact numbers"), over random values
 * with the ±2^63 and ±2^53 edges: Avro `long`, Protobuf `int64`/`sint64`/`sfixed64`/`uint64`/`fixed64`, and
 * JSON numbers beyond 2^53, which `JSON.parse` would round. Decoded values are in the engine's normal form: a
 * number while safe, a bigint beyond.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AvroCodec } from './avro.ts'
import { JsonCodec } from './json.ts'
import { hasLongInteger, parseJson, stringifyJson } from './json-exact.ts'
import { ProtobufSchema } from './protobuf.ts'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n
const SAFE = 2n ** 53n

function edges(min: bigint, max: bigint): bigint[] {
  return [min, min + 1n, max, max - 1n, -SAFE - 1n, -SAFE, SAFE - 1n, SAFE, SAFE + 1n, 0n, 1n, -1n].filter(
    (v) => v >= min && v <= max,
  )
}

function integers(min: bigint, max: bigint): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.constantFrom(...edges(min, max)),
    fc.bigInt({ min, max }),
    fc.bigInt({ min: SAFE - 100n, max: SAFE + 100n }).map((v) => (min < 0n && v % 2n === 0n ? -v : v)),
  )
}

/** A bigint in the normal form decoders hand out. */
function normal(value: bigint): number | bigint {
  return value >= -(SAFE - 1n) && value <= SAFE - 1n ? Number(value) : value
}

/**
 * What the exact parser gives for what JSON.parse gives: an integer written without exponent (JSON.stringify
 * writes them so below 1e21, as the shortest digits that read back as the double) and beyond 2^53 is a bigint
 * of those digits.
 */
function exactIntegers(_key: string, value: unknown): unknown {
  return typeof value === 'number' &&
    Number.isInteger(value) &&
    !Number.isSafeInteger(value) &&
    Math.abs(value) < 1e21
    ? BigInt(String(value))
    : value
}

describe('exact 64-bit integers in every format', () => {
  it('Avro long', () => {
    const codec = AvroCodec.parse(
      JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'id', type: 'long' }] }),
    )
    fc.assert(
      fc.property(integers(INT64_MIN, INT64_MAX), (id) => {
        expect(codec.decode(codec.encode({ id: normal(id) }))).toEqual({ id: normal(id) })
      }),
    )
  })

  it.each([
    ['int64', INT64_MIN, INT64_MAX],
    ['sint64', INT64_MIN, INT64_MAX],
    ['sfixed64', INT64_MIN, INT64_MAX],
    ['uint64', 0n, UINT64_MAX],
    ['fixed64', 0n, UINT64_MAX],
  ] as const)('Protobuf %s', (type, min, max) => {
    const codec = ProtobufSchema.parse(
      `syntax = "proto3"; message R { ${type} id = 1; repeated ${type} ids = 2; }`,
    ).firstMessage
    fc.assert(
      fc.property(integers(min, max), fc.array(integers(min, max), { maxLength: 3 }), (id, ids) => {
        const value = { id: normal(id), ids: ids.map(normal) }
        expect(codec.decode(codec.encode(value))).toEqual(value)
      }),
    )
  })

  it('JSON numbers beyond 2^53, schemaless and with a JSON Schema, nested anywhere', () => {
    const schema = JsonCodec.parse(
      JSON.stringify({
        type: 'object',
        properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'integer' } } },
      }),
    )
    fc.assert(
      fc.property(integers(INT64_MIN, INT64_MAX), fc.array(integers(INT64_MIN, INT64_MAX)), (id, tags) => {
        const value = { id: normal(id), tags: tags.map(normal), name: `n${id}` }
        const text = `{"id":${id},"tags":[${tags.join(',')}],"name":"n${id}"}`
        expect(JsonCodec.schemaless.decode(Buffer.from(text))).toEqual(value)
        expect(schema.decode(Buffer.from(text))).toEqual(value)
        expect(JsonCodec.schemaless.encode(value).toString()).toBe(text)
        expect(schema.encode(value).toString()).toBe(text)
      }),
    )
  })

  it('parses exactly what JSON.parse parses, and fails where it fails', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value)
        expect(parseJson(text)).toEqual(JSON.parse(text, exactIntegers))
      }),
    )
    // Long digit runs force the exact parser; its answers must still be JSON.parse's for everything else.
    const long = '{"a":[1.5e300,-0,"x\\"y\\u00e9",true,null,{}],"b":12345678901234567,"__proto__":{"c":1}}'
    expect(hasLongInteger(long)).toBe(true)
    expect(parseJson(long)).toEqual({ ...(JSON.parse(long) as object), b: 12345678901234567n })
    expect(Object.keys(parseJson(long) as object)).toContain('__proto__')
    for (const bad of [
      '{"a":12345678901234567',
      '[12345678901234567,]',
      '12345678901234567 x',
      '[01234567890123456]',
    ])
      expect(() => parseJson(bad), bad).toThrow(SyntaxError)
    expect(stringifyJson({ a: 2n ** 63n - 1n, b: [1n, undefined], c: undefined, d: new Date(0) })).toBe(
      '{"a":9223372036854775807,"b":[1,null],"d":"1970-01-01T00:00:00.000Z"}',
    )
  })
})
