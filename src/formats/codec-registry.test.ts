import { describe, expect, it } from 'vitest'
import { CodecRegistry } from './codec-registry.ts'
import { DecodeError } from './errors.ts'
import { formatErrorOf, MemorySchemaSource, rejectionOf } from './testing.ts'

const userSchema = JSON.stringify({
  type: 'record',
  name: 'User',
  fields: [{ name: 'name', type: 'string' }],
})

function clock(): { now: () => number; advance: (ms: number) => void } {
  let time = 0
  return { now: () => time, advance: (ms) => (time += ms) }
}

describe('CodecRegistry', () => {
  it('asks the source once per id, even for concurrent first requests, then answers from the cache', async () => {
    const source = new MemorySchemaSource().register(1, { schema: userSchema })
    const registry = new CodecRegistry(source)
    expect(registry.peek(1)).toBeUndefined()
    const [a, b] = await Promise.all([registry.load(1), registry.load(1)])
    expect(a).toBe(b)
    expect(await registry.load(1)).toBe(a)
    expect(registry.peek(1)).toBe(a)
    expect(a.schemaType).toBe('AVRO')
    expect(source.idCalls).toEqual([1])
  })

  it('remembers an unknown id for a while, then asks again', async () => {
    const source = new MemorySchemaSource()
    const time = clock()
    const registry = new CodecRegistry(source, { unknownIdTtlMs: 5_000, now: time.now })
    expect((await rejectionOf(registry.load(9))).reason).toBe('UNKNOWN_SCHEMA_ID')
    expect((await rejectionOf(registry.load(9))).reason).toBe('UNKNOWN_SCHEMA_ID')
    expect(registry.peek(9)).toBeInstanceOf(DecodeError)
    expect(source.idCalls).toEqual([9])
    source.register(9, { schema: userSchema })
    time.advance(5_000)
    expect((await registry.load(9)).schemaType).toBe('AVRO')
    expect(source.idCalls).toEqual([9, 9])
  })

  it('reports an outage as REGISTRY_UNAVAILABLE and retries after the retry delay', async () => {
    const source = new MemorySchemaSource().register(1, { schema: userSchema })
    source.outage = new Error('connect ECONNREFUSED')
    const time = clock()
    const registry = new CodecRegistry(source, { retryDelayMs: 1_000, now: time.now })
    const failure = await rejectionOf(registry.load(1))
    expect(failure.reason).toBe('REGISTRY_UNAVAILABLE')
    expect(failure.context.schemaId).toBe(1)
    expect(failure.message).toContain('ECONNREFUSED')
    source.outage = undefined
    expect((await rejectionOf(registry.load(1))).reason).toBe('REGISTRY_UNAVAILABLE')
    time.advance(1_000)
    expect((await registry.load(1)).schemaType).toBe('AVRO')
  })

  it('keeps a schema that does not compile as failed for good', async () => {
    const source = new MemorySchemaSource().register(3, { schemaType: 'JSON', schema: '{"type": 12}' })
    const time = clock()
    const registry = new CodecRegistry(source, { now: time.now })
    expect((await rejectionOf(registry.load(3))).reason).toBe('INVALID_SCHEMA')
    time.advance(86_400_000)
    expect((await rejectionOf(registry.load(3))).reason).toBe('INVALID_SCHEMA')
    expect(source.idCalls).toEqual([3])
  })

  it('resolves references transitively, dependencies first', async () => {
    const currency = JSON.stringify({
      type: 'enum',
      name: 'Currency',
      namespace: 'shop',
      symbols: ['EUR', 'USD'],
    })
    const money = JSON.stringify({
      type: 'record',
      name: 'Money',
      namespace: 'shop',
      fields: [
        { name: 'currency', type: 'shop.Currency' },
        { name: 'cents', type: 'long' },
      ],
    })
    const order = JSON.stringify({
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      fields: [{ name: 'total', type: 'shop.Money' }],
    })
    const source = new MemorySchemaSource()
      .register(10, { schema: currency }, 'currency', 1)
      .register(
        11,
        { schema: money, references: [{ name: 'shop.Currency', subject: 'currency', version: 1 }] },
        'money',
        1,
      )
      .register(12, { schema: order, references: [{ name: 'shop.Money', subject: 'money', version: 1 }] })
    const compiled = await new CodecRegistry(source).load(12)
    if (compiled.schemaType !== 'AVRO') throw new Error('expected Avro')
    const value = { total: { currency: 'USD', cents: 5 } }
    expect(compiled.avro.decode(compiled.avro.encode(value))).toEqual(value)
  })

  it('resolves Protobuf imports and JSON Schema $refs from references', async () => {
    const source = new MemorySchemaSource()
      .register(
        20,
        {
          schemaType: 'PROTOBUF',
          schema: 'syntax = "proto3"; package geo; message Point { double lat = 1; double lon = 2; }',
        },
        'point',
        3,
      )
      .register(21, {
        schemaType: 'PROTOBUF',
        schema:
          'syntax = "proto3"; package geo; import "geo/point.proto"; message Visit { string place = 1; geo.Point at = 2; }',
        references: [{ name: 'geo/point.proto', subject: 'point', version: 3 }],
      })
      .register(30, { schemaType: 'JSON', schema: '{"type": "integer", "minimum": 0}' }, 'count', 1)
      .register(31, {
        schemaType: 'JSON',
        schema: '{"type": "object", "properties": {"visits": {"$ref": "count.json"}}}',
        references: [{ name: 'count.json', subject: 'count', version: 1 }],
      })
    const registry = new CodecRegistry(source)
    const visits = await registry.load(21)
    if (visits.schemaType !== 'PROTOBUF') throw new Error('expected Protobuf')
    const visit = { place: 'harbour', at: { lat: 53.5, lon: 10 } }
    expect(visits.protobuf.firstMessage.decode(visits.protobuf.firstMessage.encode(visit))).toEqual(visit)
    const counts = await registry.load(31)
    if (counts.schemaType !== 'JSON') throw new Error('expected JSON')
    expect(formatErrorOf(() => counts.json.decode(Buffer.from('{"visits": -1}'))).reason).toBe(
      'SCHEMA_VALIDATION',
    )
  })

  it('fails a schema whose reference is missing as INVALID_SCHEMA', async () => {
    const source = new MemorySchemaSource().register(1, {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; import "a.proto"; message M { A a = 1; }',
      references: [{ name: 'a.proto', subject: 'a', version: 1 }],
    })
    expect((await rejectionOf(new CodecRegistry(source).load(1))).reason).toBe('INVALID_SCHEMA')
  })

  it('refuses schema types it does not know', async () => {
    const source = new MemorySchemaSource().register(1, { schemaType: 'XML' as 'JSON', schema: '<a/>' })
    expect((await rejectionOf(new CodecRegistry(source).load(1))).reason).toBe('INVALID_SCHEMA')
  })
})
