import { describe, expect, it } from 'vitest'
import { CodecRegistry, DecodeError, FramedCodec, type SchemaType } from '../../formats/index.ts'
import { MemorySchemaSource, SHOP_ORDER_PROTO } from '../../formats/testing.ts'
import { confluentDecoder, confluentEncoder } from './confluent-format.ts'

/** The columns the catalog gives shop.Order (see protobuf-columns.ts), as the connector sees them. */
const ORDER_COLUMNS = [
  { name: 'order_id', type: 'STRING', nullable: false },
  { name: 'amount_cents', type: 'BIGINT', nullable: false },
  { name: 'customer', type: 'ROW<name STRING NOT NULL, city STRING NOT NULL>' },
  { name: 'lines', type: 'ARRAY<ROW<sku STRING NOT NULL, quantity INT NOT NULL>>', nullable: false },
  { name: 'tags', type: 'MAP<STRING NOT NULL, INT NOT NULL>', nullable: false },
  { name: 'status', type: 'STRING', nullable: false },
]

const ORDER = {
  order_id: 'o-1',
  amount_cents: 1250,
  customer: { name: 'Ann', city: 'Lyon' },
  lines: [{ sku: 'a', quantity: 2 }],
  tags: { x: 1 },
  status: 'PAID',
}
const ORDER_ROW = ['o-1', 1250, ['Ann', 'Lyon'], [['a', 2]], new Map([['x', 1]]), 'PAID']

const PROFILE_SCHEMA = JSON.stringify({
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    address: { type: 'object', properties: { city: { type: 'string' } } },
  },
})
const PROFILE_COLUMNS = [
  { name: 'id', type: 'BIGINT', nullable: false },
  { name: 'name', type: 'STRING' },
  { name: 'address', type: 'ROW<city STRING>' },
]

function registryWith(schemas: Record<number, [SchemaType, string]>): {
  registry: CodecRegistry
  source: MemorySchemaSource
} {
  const source = new MemorySchemaSource()
  for (const [id, [schemaType, schema]] of Object.entries(schemas))
    source.register(Number(id), { schemaType, schema })
  return { registry: new CodecRegistry(source), source }
}

describe('Confluent-framed Protobuf and JSON Schema rows', () => {
  it('decodes the message a Protobuf record names, even when it is not the first of its file', async () => {
    const { registry } = registryWith({ 7: ['PROTOBUF', SHOP_ORDER_PROTO] })
    // Written as the SDK writes it: the framed codec of the dataset's message.
    const sdk = await FramedCodec.create(registry, { schemaId: 7, messageName: 'shop.Order' })
    const bytes = sdk.encode(ORDER)
    expect([...bytes.subarray(5, 7)]).toEqual([2, 2]) // message indexes [1]: not the first message
    const decoder = confluentDecoder('protobuf-confluent', registry, ORDER_COLUMNS)
    await decoder.prepare?.([bytes])
    expect(decoder.decode(bytes)).toEqual(ORDER_ROW)
  })

  it('writes rows the SDK reads back, with the registered id and the message’s indexes', async () => {
    const { registry } = registryWith({ 7: ['PROTOBUF', SHOP_ORDER_PROTO] })
    const registered: unknown[] = []
    const encoder = confluentEncoder('protobuf-confluent', {
      register: async (...args) => {
        registered.push(args)
        return 7
      },
      subject: 'shop.orders-value',
      columns: ORDER_COLUMNS,
      writerSchema: SHOP_ORDER_PROTO,
      message: 'shop.Order',
    })
    await encoder.prepare?.()
    expect(registered).toEqual([['shop.orders-value', SHOP_ORDER_PROTO, 'PROTOBUF']])
    const sdk = await FramedCodec.create(registry, { schemaId: 7, messageName: 'shop.Order' })
    expect(sdk.decode(encoder.encode(ORDER_ROW))).toEqual(ORDER)
  })

  it('round-trips JSON Schema records, leaving null properties out', async () => {
    const { registry } = registryWith({ 3: ['JSON', PROFILE_SCHEMA] })
    const encoder = confluentEncoder('json-confluent', {
      register: async () => 3,
      subject: 'people-value',
      columns: PROFILE_COLUMNS,
      writerSchema: PROFILE_SCHEMA,
    })
    await encoder.prepare?.()
    const bytes = encoder.encode([42, null, ['Oslo']])
    const sdk = await FramedCodec.create(registry, { schemaId: 3 })
    expect(sdk.decode(bytes)).toEqual({ id: 42, address: { city: 'Oslo' } })
    const decoder = confluentDecoder('json-confluent', registry, PROFILE_COLUMNS)
    await decoder.prepare?.([bytes])
    expect(decoder.decode(bytes)).toEqual([42, null, ['Oslo']])
  })

  it('says why a sink cannot write with the given schema', () => {
    const encoder = (writerSchema: string, message?: string) =>
      confluentEncoder('protobuf-confluent', {
        register: async () => 1,
        subject: 's',
        columns: ORDER_COLUMNS,
        writerSchema,
        ...(message === undefined ? {} : { message }),
      })
    expect(() => encoder(SHOP_ORDER_PROTO, 'shop.Missing')).toThrow(
      /cannot write with the schema in 'protobuf-confluent.schema': Protobuf schema defines no message shop.Missing/,
    )
    expect(() => encoder('syntax = "proto3"; import "common/geo.proto"; message A { Geo g = 1; }')).toThrow(
      /Sinks write schemas without imports or external \$refs only/,
    )
  })

  it('rejects records that do not fit, with the reason the dead-letter headers carry', async () => {
    const { registry } = registryWith({ 3: ['JSON', PROFILE_SCHEMA], 7: ['PROTOBUF', SHOP_ORDER_PROTO] })
    const decoder = confluentDecoder('json-confluent', registry, PROFILE_COLUMNS)
    const notJson = Buffer.concat([Buffer.of(0, 0, 0, 0, 3), Buffer.from('{oops')])
    const invalid = Buffer.concat([Buffer.of(0, 0, 0, 0, 3), Buffer.from('{"name":"no id"}')])
    const protobuf = (await FramedCodec.create(registry, { schemaId: 7 })).encode({ note: 'x' })
    const unknownId = Buffer.of(0, 0, 0, 0, 99, 1)
    const unframed = Buffer.from('{"id":1}')
    await decoder.prepare?.([notJson, invalid, protobuf, unknownId, unframed])
    const reasonOf = (bytes: Buffer): string => {
      try {
        decoder.decode(bytes)
      } catch (error) {
        return error instanceof DecodeError ? error.reason : String(error)
      }
      return 'decoded'
    }
    expect([notJson, invalid, protobuf, unknownId, unframed].map(reasonOf)).toEqual([
      'INVALID_JSON',
      'SCHEMA_VALIDATION',
      'INCOMPATIBLE_SCHEMA',
      'UNKNOWN_SCHEMA_ID',
      'BAD_MAGIC_BYTE',
    ])
  })
})
