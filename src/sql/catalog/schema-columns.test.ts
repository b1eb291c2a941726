import { describe, expect, it } from 'vitest'
import type { RegisteredSchema, SchemaSource } from '../../formats/index.ts'
import { formatType } from '../types/type-format.ts'
import { CatalogTableError } from './catalog-table-error.ts'
import { columnsOfSchema } from './schema-columns.ts'

/** A registry holding just the referenced schemas a test needs, by subject and version. */
function registry(subjects: Record<string, RegisteredSchema> = {}): SchemaSource {
  return {
    schemaById: async () => undefined,
    schemaBySubjectVersion: async (subject, version) => subjects[`${subject}/${version}`],
  }
}

async function columnsOf(registered: RegisteredSchema, source = registry(), message?: string) {
  const columns = await columnsOfSchema('test.dataset', registered, source, message)
  return columns.map((column) => `${column.name} ${formatType(column.type)}`)
}

describe('schema columns', () => {
  it('maps Avro types as Flink does: null unions are nullable, logical types keep their meaning', async () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'PageView',
      fields: [
        { name: 'event_id', type: 'string' },
        { name: 'user_id', type: 'long' },
        { name: 'score', type: ['null', 'double'], default: null },
        { name: 'platform', type: { type: 'enum', name: 'Platform', symbols: ['WEB', 'IOS'] } },
        { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
        { name: 'tags', type: { type: 'array', items: 'string' } },
        { name: 'attrs', type: { type: 'map', values: ['null', 'int'] } },
        {
          name: 'geo',
          type: ['null', { type: 'record', name: 'Geo', fields: [{ name: 'lat', type: 'float' }] }],
        },
        { name: 'digest', type: { type: 'fixed', name: 'Md5', size: 16 } },
      ],
    })
    expect(await columnsOf({ schema })).toEqual([
      'event_id STRING NOT NULL',
      'user_id BIGINT NOT NULL',
      'score DOUBLE',
      'platform STRING NOT NULL',
      'ts TIMESTAMP(3) NOT NULL',
      'day DATE NOT NULL',
      'price DECIMAL(10, 2) NOT NULL',
      'tags ARRAY<STRING NOT NULL> NOT NULL',
      'attrs MAP<STRING NOT NULL, INT> NOT NULL',
      'geo ROW<lat FLOAT NOT NULL>',
      'digest BINARY(16) NOT NULL',
    ])
  })

  it('uses named types from referenced Avro schemas', async () => {
    const source = registry({
      'common.geo/1': {
        schema: JSON.stringify({
          type: 'record',
          name: 'Geo',
          namespace: 'c',
          fields: [{ name: 'lat', type: 'double' }],
        }),
      },
    })
    const schema = JSON.stringify({ type: 'record', name: 'V', fields: [{ name: 'geo', type: 'c.Geo' }] })
    const references = [{ name: 'c.Geo', subject: 'common.geo', version: 1 }]
    expect(await columnsOf({ schema, references }, source)).toEqual(['geo ROW<lat DOUBLE NOT NULL> NOT NULL'])
  })

  it('refuses Avro unions of several types, naming the field', async () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'V',
      fields: [{ name: 'v', type: ['int', 'string'] }],
    })
    const failure = columnsOf({ schema })
    await expect(failure).rejects.toBeInstanceOf(CatalogTableError)
    await expect(failure).rejects.toThrow(/dataset 'test.dataset': field 'v' is a union of 2 non-null types/)
  })

  it('maps a Protobuf message: scalars NOT NULL, messages nullable ROWs, repeated and map fields', async () => {
    const schema = `syntax = "proto3";
package shop;
message Envelope { string note = 1; }
message Order {
  string order_id = 1;
  int64 user_id = 2;
  double amount = 3;
  Status status = 4;
  repeated Line lines = 5;
  map<string, int32> counts = 6;
  oneof payment { string card = 7; string wallet = 8; }
  message Line { int64 product_id = 1; uint32 quantity = 2; }
  enum Status { NEW = 0; PAID = 1; }
}`
    expect(await columnsOf({ schemaType: 'PROTOBUF', schema }, registry(), 'shop.Order')).toEqual([
      'order_id STRING NOT NULL',
      'user_id BIGINT NOT NULL',
      'amount DOUBLE NOT NULL',
      'status STRING NOT NULL',
      'lines ARRAY<ROW<product_id BIGINT NOT NULL, quantity INT NOT NULL>> NOT NULL',
      'counts MAP<STRING NOT NULL, INT NOT NULL> NOT NULL',
      'card STRING',
      'wallet STRING',
    ])
    // Without a message name, the file's first message.
    expect(await columnsOf({ schemaType: 'PROTOBUF', schema })).toEqual(['note STRING NOT NULL'])
  })

  it('maps JSON Schema properties: required ones NOT NULL unless they admit null, $refs followed', async () => {
    const schema = JSON.stringify({
      type: 'object',
      required: ['id', 'name', 'address'],
      properties: {
        id: { type: 'integer' },
        name: { type: ['string', 'null'] },
        score: { type: 'number' },
        active: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
        address: { $ref: '#/$defs/address' },
        extra: { type: 'object' },
      },
      $defs: {
        address: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } },
      },
    })
    expect(await columnsOf({ schemaType: 'JSON', schema })).toEqual([
      'id BIGINT NOT NULL',
      'name STRING',
      'score DOUBLE',
      'active BOOLEAN',
      'tags ARRAY<STRING NOT NULL>',
      'address ROW<city STRING NOT NULL> NOT NULL',
      'extra MAP<STRING NOT NULL, STRING>',
    ])
  })

  it('says which schema does not parse', async () => {
    await expect(columnsOf({ schema: '{"type": "record"' })).rejects.toThrow(
      /dataset 'test.dataset': its registered schema does not parse/,
    )
  })
})
