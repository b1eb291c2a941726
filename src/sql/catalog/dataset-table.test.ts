import { describe, expect, it } from 'vitest'
import type { ResolvedDataset, ResolvedLocation } from '../../catalog/locations/model.ts'
import { types } from '../types/logical-type.ts'
import { tableOfDataset } from './dataset-table.ts'

const KAFKA: ResolvedLocation = {
  system: 'kafka',
  cluster: { name: 'kafka-main', system: 'kafka', properties: { 'bootstrap.servers': 'k1:9092,k2:9092' } },
  topic: 'site_totals',
}
const REDIS: ResolvedLocation = {
  system: 'redis',
  cluster: { name: 'redis-dim', system: 'redis', properties: { url: 'redis://r:6379' } },
  keyPattern: 'dim:user:{user_id}',
  dataType: 'hash',
}
const HDFS: ResolvedLocation = {
  system: 'hdfs',
  cluster: { name: 'hdfs-main', system: 'hdfs', properties: {} },
  path: '/data/users',
}

function dataset(overrides: Partial<ResolvedDataset>): ResolvedDataset {
  return {
    dataset: 'analytics.site_totals',
    environment: 'prod',
    kind: 'stream',
    key: null,
    value: { format: 'avro', subject: 'analytics.site_totals-value', schema: null },
    primaryKey: [],
    eventTime: null,
    locations: [KAFKA],
    secretsResolved: false,
    ...overrides,
  }
}

const input = {
  columns: [
    { name: 'site', type: types.string(false) },
    { name: 'pv', type: types.bigint(false) },
  ],
  valueSchema: '{"type":"record","name":"SiteTotal","fields":[]}',
}

describe('tableOfDataset', () => {
  it('writes a table dataset with a primary key through upsert-kafka', () => {
    const table = tableOfDataset(dataset({ kind: 'table', primaryKey: ['site'] }), {
      ...input,
      registryUrl: 'http://udm:8081',
    })
    expect(table).toMatchObject({ kind: 'table', primaryKey: ['site'], changelog: true })
    expect(table.connector.options).toEqual({
      connector: 'upsert-kafka',
      topic: 'site_totals',
      'properties.bootstrap.servers': 'k1:9092,k2:9092',
      'key.format': 'json',
      'value.format': 'avro-confluent',
      'avro-confluent.url': 'http://udm:8081',
      'avro-confluent.subject': 'analytics.site_totals-value',
      'avro-confluent.schema': input.valueSchema,
    })
  })

  it('makes a Redis dataset a kv table, preferring Kafka and Redis over other locations', () => {
    const table = tableOfDataset(
      dataset({
        kind: 'kv',
        primaryKey: ['user_id'],
        value: { format: 'json', schema: null },
        locations: [HDFS, REDIS],
      }),
      input,
    )
    expect(table.kind).toBe('kv')
    expect(table.connector.options).toEqual({
      connector: 'redis',
      'key-pattern': 'dim:user:{user_id}',
      'data-type': 'hash',
      format: 'json',
      'properties.url': 'redis://r:6379',
    })
  })

  it('says what is not supported yet', () => {
    expect(() => tableOfDataset(dataset({ locations: [HDFS] }), input)).toThrow(
      "dataset 'analytics.site_totals': only its Kafka or Redis locations can be SQL tables yet, and in environment 'prod' it has hdfs ones",
    )
    expect(() => tableOfDataset(dataset({ value: { format: 'raw', schema: null } }), input)).toThrow(
      /its values are raw; SQL jobs read and write Avro, Protobuf and JSON Schema datasets on Kafka/,
    )
  })

  it('reads and writes Protobuf datasets as protobuf-confluent, naming the dataset message', () => {
    const value = {
      format: 'protobuf' as const,
      message: 'shop.Order',
      subject: 'shop.orders-value',
      schema: null,
    }
    expect(tableOfDataset(dataset({ value }), input).connector.options).toEqual({
      connector: 'kafka',
      topic: 'site_totals',
      'properties.bootstrap.servers': 'k1:9092,k2:9092',
      format: 'protobuf-confluent',
      'protobuf-confluent.subject': 'analytics.site_totals-value',
      'protobuf-confluent.schema': input.valueSchema,
      'protobuf-confluent.message': 'shop.Order',
    })
  })

  it('reads a JSON Schema table dataset with a primary key through upsert-kafka and json-confluent', () => {
    const table = tableOfDataset(
      dataset({ kind: 'table', primaryKey: ['site'], value: { format: 'json', schema: null } }),
      input,
    )
    expect(table.changelog).toBe(true)
    expect(table.connector.options).toMatchObject({
      connector: 'upsert-kafka',
      'key.format': 'json',
      'value.format': 'json-confluent',
      'json-confluent.subject': 'analytics.site_totals-value',
    })
  })
})
