import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AvroCodec } from './avro.ts'
import { DecodeError } from './errors.ts'
import { formatErrorOf } from './testing.ts'

const pageViewV1 = JSON.stringify({
  type: 'record',
  name: 'PageView',
  namespace: 'traffic',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'url', type: 'string' },
    { name: 'referrer', type: ['null', 'string'], default: null },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['VIEW', 'CLICK'] } },
  ],
})

const pageViewV2 = JSON.stringify({
  type: 'record',
  name: 'PageView',
  namespace: 'traffic',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'url', type: 'string' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['VIEW', 'CLICK'] } },
    { name: 'site', type: 'string', default: 'main' },
    { name: 'durationMs', type: ['null', 'long'], default: null },
  ],
})

const view = { id: 42, at: 1_700_000_000_123, url: '/home', referrer: 'search', kind: 'CLICK' }

describe('AvroCodec', () => {
  it('round-trips a record; timestamp-millis stays a number of milliseconds', () => {
    const codec = AvroCodec.parse(pageViewV1)
    expect(codec.decode(codec.encode(view))).toEqual(view)
  })

  it('encodes records larger than its scratch buffer', () => {
    const codec = AvroCodec.parse(pageViewV1)
    const large = { ...view, url: 'x'.repeat(200_000) }
    expect(codec.decode(codec.encode(large))).toEqual(large)
    expect(codec.decode(codec.encode(view))).toEqual(view)
  })

  it('reads a record written with v1 as v2: removed fields dropped, added fields defaulted', () => {
    const v1 = AvroCodec.parse(pageViewV1)
    const v2 = AvroCodec.parse(pageViewV2)
    expect(v2.readerOf(v1).decode(v1.encode(view))).toEqual({
      id: 42,
      at: 1_700_000_000_123,
      url: '/home',
      kind: 'CLICK',
      site: 'main',
      durationMs: null,
    })
  })

  it('keeps longs beyond 2^53 exact as bigints, in plain and resolved reads', () => {
    const codec = AvroCodec.parse(pageViewV1)
    const snowflake = { ...view, id: 1_234_567_890_123_456_789n, at: -(2n ** 63n) }
    expect(codec.decode(codec.encode(snowflake))).toEqual(snowflake)
    expect(AvroCodec.parse(pageViewV2).readerOf(codec).decode(codec.encode(snowflake))).toMatchObject({
      id: 1_234_567_890_123_456_789n,
    })
  })

  it('accepts bigints that are safe integers, and returns them as numbers', () => {
    const codec = AvroCodec.parse(pageViewV1)
    expect(codec.decode(codec.encode({ ...view, id: 7n }))).toEqual({ ...view, id: 7 })
  })

  it('resolves named types from references', () => {
    const money = JSON.stringify({
      type: 'record',
      name: 'Money',
      namespace: 'shop',
      fields: [
        { name: 'currency', type: 'string' },
        { name: 'cents', type: 'long' },
      ],
    })
    const order = JSON.stringify({
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      fields: [{ name: 'total', type: 'shop.Money' }],
    })
    const codec = AvroCodec.parse(order, [money])
    const value = { total: { currency: 'EUR', cents: 1999 } }
    expect(codec.decode(codec.encode(value))).toEqual(value)
  })

  it('reports truncated payloads, trailing bytes and undecodable bytes', () => {
    const codec = AvroCodec.parse(pageViewV1)
    const bytes = codec.encode(view)
    expect(formatErrorOf(() => codec.decode(bytes.subarray(0, bytes.length - 2))).reason).toBe('TRUNCATED')
    expect(formatErrorOf(() => codec.decode(Buffer.concat([bytes, Buffer.from([0])]))).reason).toBe(
      'SCHEMA_MISMATCH',
    )
    const badEnum = Buffer.from(bytes)
    badEnum[badEnum.length - 1] = 0x0e // the enum index, last field: 7 of 2 symbols
    expect(formatErrorOf(() => codec.decode(badEnum)).reason).toBe('SCHEMA_MISMATCH')
  })

  it('reads a payload at an offset of a larger buffer as the same bytes on their own, checks included', () => {
    const codec = AvroCodec.parse(pageViewV1)
    const header = Buffer.from([9, 9, 9])
    const bytes = codec.encode(view)
    const reader = AvroCodec.parse(pageViewV2).readerOf(codec)
    expect(codec.decodePayload(Buffer.concat([header, bytes]), header.length)).toEqual(codec.decode(bytes))
    expect(reader.decodePayload(Buffer.concat([header, bytes]), header.length)).toEqual(reader.decode(bytes))
    const truncated = Buffer.concat([header, bytes.subarray(0, bytes.length - 2)])
    expect(formatErrorOf(() => codec.decodePayload(truncated, header.length)).reason).toBe('TRUNCATED')
    const trailing = Buffer.concat([header, bytes, Buffer.from([0])])
    expect(formatErrorOf(() => reader.decodePayload(trailing, header.length)).reason).toBe('SCHEMA_MISMATCH')
  })

  it('names the offending field when a value does not fit the schema', () => {
    const codec = AvroCodec.parse(pageViewV1)
    const error = formatErrorOf(() => codec.encode({ ...view, url: 42 }))
    expect(error.name).toBe('EncodeError')
    expect(error.reason).toBe('SCHEMA_MISMATCH')
    expect(error.context.path).toBe('url')
    expect(error.message).toContain("Field 'url' is 42, not a valid Avro string")
    expect(formatErrorOf(() => codec.encode({ ...view, id: 2 ** 60 })).reason).toBe('SCHEMA_MISMATCH')
    expect(formatErrorOf(() => codec.encode({ ...view, id: 2n ** 64n })).reason).toBe('SCHEMA_MISMATCH')
  })

  it('rejects schemas that do not compile and writers that cannot be resolved', () => {
    expect(formatErrorOf(() => AvroCodec.parse('{"type": "record"')).reason).toBe('INVALID_SCHEMA')
    expect(
      formatErrorOf(() =>
        AvroCodec.parse('{"type": "record", "name": "R", "fields": [{"name": "a", "type": "Nope"}]}'),
      ).reason,
    ).toBe('INVALID_SCHEMA')
    const strings = AvroCodec.parse(
      '{"type": "record", "name": "PageView", "namespace": "traffic", "fields": [{"name": "id", "type": "string"}]}',
    )
    expect(formatErrorOf(() => strings.readerOf(AvroCodec.parse(pageViewV1))).reason).toBe(
      'INCOMPATIBLE_SCHEMA',
    )
  })
  it('never throws anything but DecodeError on random payloads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          AvroCodec.parse(pageViewV1).decode(Buffer.from(bytes))
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError)
        }
      }),
    )
  })
})
