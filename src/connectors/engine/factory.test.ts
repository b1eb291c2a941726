import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { RowKind } from '../../engine/index.ts'
import { BlackholeSink } from '../blackhole/blackhole-sink.ts'
import { createSink, createSource } from './factory.ts'
import { ConnectorOptionError } from './options.ts'
import type { ConnectorTable } from './table.ts'

const columns = [
  { name: 'name', type: 'STRING' },
  { name: 'amount', type: 'BIGINT' },
]

function table(options: Record<string, string>, extra: Partial<ConnectorTable> = {}): ConnectorTable {
  return { name: 'orders', columns, options, ...extra }
}

const kafka = {
  connector: 'kafka',
  topic: 't',
  'properties.bootstrap.servers': 'localhost:9092',
  format: 'json',
}

describe('connector factory', () => {
  it('lists the supported connectors for an unknown or missing connector', () => {
    expect(() => createSource(table({ connector: 'jdbc' }))).toThrow(
      "connector 'jdbc' cannot be used as a source; supported source connectors: datagen, kafka, upsert-kafka, filesystem",
    )
    expect(() => createSink(table({ connector: 'datagen' }))).toThrow(
      'supported sink connectors: kafka, upsert-kafka, filesystem, print, blackhole',
    )
    expect(() => createSink(table({}))).toThrow("table 'orders' has no 'connector' option")
    expect(() => createSink(table({ connector: 'kafak' }))).toThrow(
      "connector 'kafak' cannot be used as a sink; did you mean 'kafka'? supported sink connectors:",
    )
  })

  it('names an unknown option and lists the valid ones', () => {
    const create = () => createSource(table({ ...kafka, 'scan.startup.mod': 'earliest-offset' }))
    expect(create).toThrow(ConnectorOptionError)
    expect(create).toThrow(
      /unknown option 'scan.startup.mod' for connector 'kafka'; did you mean 'scan\.startup\.mode'\? valid options: /,
    )
    expect(() => createSink(table({ connector: 'blackhole', path: '/tmp' }))).toThrow(
      "unknown option 'path' for connector 'blackhole'",
    )
  })

  it('says which required option to add', () => {
    expect(() =>
      createSource(table({ connector: 'kafka', 'properties.bootstrap.servers': 'b:9092' })),
    ).toThrow("connector 'kafka' requires option 'topic': add 'topic' = '...' to the WITH clause")
    expect(() => createSource(table({ connector: 'filesystem', path: '/tmp/x' }))).toThrow(
      "requires option 'format'",
    )
    const { format: _, ...withoutFormat } = kafka
    expect(() => createSink(table(withoutFormat))).toThrow("requires option 'format' (or 'value.format')")
    expect(() => createSource(table({ ...kafka, 'scan.startup.mode': 'timestamp' }))).toThrow(
      "requires option 'scan.startup.timestamp-millis'",
    )
    expect(() => createSink(table({ ...kafka, 'sink.delivery-guarantee': 'exactly-once' }))).toThrow(
      "requires option 'sink.transactional-id-prefix'",
    )
  })

  it('checks option values', () => {
    expect(() => createSource(table({ ...kafka, 'scan.startup.mode': 'newest' }))).toThrow(
      "option 'scan.startup.mode' must be one of group-offsets, earliest-offset, latest-offset, timestamp, specific-offsets; got 'newest'",
    )
    expect(() =>
      createSource(
        table({ ...kafka, 'scan.startup.mode': 'specific-offsets', 'scan.startup.specific-offsets': 'p0:1' }),
      ),
    ).toThrow("write 'partition:0,offset:42;partition:1,offset:300'")
    expect(() => createSource(table({ ...kafka, format: 'raw' }))).toThrow(
      "format 'raw' needs exactly one column",
    )
    expect(() => createSink(table({ ...kafka, format: 'avro-confluent' }))).toThrow(
      "connector 'kafka' requires option 'avro-confluent.url'",
    )
    expect(() => createSink(table({ ...kafka, format: 'parquet' }))).toThrow(
      "option 'format' must be one of json, csv, raw, avro-confluent, protobuf-confluent, json-confluent; got 'parquet'",
    )
    expect(() =>
      createSink(table({ ...kafka, format: 'protobuf-confluent', 'protobuf-confluent.url': 'http://r' })),
    ).toThrow("format 'protobuf-confluent' writes the schema given in 'protobuf-confluent.schema'")
    expect(() =>
      createSink(
        table({
          connector: 'filesystem',
          path: '/tmp/x',
          format: 'json',
          'sink.rolling-policy.file-size': 'big',
        }),
      ),
    ).toThrow("option 'sink.rolling-policy.file-size' must be a size")
  })

  it('requires a primary key for upsert-kafka and key fields that are columns', () => {
    const upsert = { ...kafka, connector: 'upsert-kafka', 'key.format': 'json', 'value.format': 'json' }
    const { format: _, ...upsertOptions } = upsert
    expect(() => createSink(table(upsertOptions))).toThrow('requires a PRIMARY KEY')
    expect(() => createSource(table(upsertOptions))).toThrow('requires a PRIMARY KEY')
    expect(() => createSink(table(upsertOptions, { primaryKey: ['id'] }))).toThrow(
      "PRIMARY KEY names 'id', which is not a column of 'orders'; columns: name, amount",
    )
    expect(() => createSink(table({ ...kafka, 'key.fields': 'name;missing' }))).toThrow(
      "key.fields names 'missing'",
    )
  })

  it('builds the datagen source with its own option validation', () => {
    expect(() => createSource(table({ connector: 'datagen' }))).toThrow(
      "connector 'datagen' requires option 'generator'",
    )
    expect(() => createSource(table({ connector: 'datagen', generator: 'dim_user', rows: '5' }))).toThrow(
      /unknown option 'rows' for connector 'datagen'; valid options: .*number-of-rows.*datagen\.partitions/,
    )
    expect(() => createSource(table({ connector: 'datagen', generator: 'dim_user', users: '-1' }))).toThrow(
      "option 'users' must be in 1..2^31",
    )
    expect(() =>
      createSource({
        name: 'users',
        columns: [{ name: 'nope', type: 'BIGINT' }],
        options: { connector: 'datagen', generator: 'dim_user' },
      }),
    ).toThrow("datagen generator 'dim_user' has no column 'nope'; it has: user_id")
  })

  it('prints rows as Flink does, with the identifier and row kinds', async () => {
    const output = new PassThrough()
    const chunks: string[] = []
    output.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
    const sink = createSink(
      {
        name: 'out',
        columns: [...columns, { name: 'at', type: 'TIMESTAMP(3)' }],
        options: { connector: 'print', 'print-identifier': 'orders' },
      },
      { printOutput: output },
    )
    await sink.write({
      rows: [
        ['a', 1, 0],
        ['a', 1, null],
        ['b', 2, 1_500],
      ],
      kinds: Uint8Array.of(RowKind.Insert, RowKind.UpdateBefore, RowKind.Delete),
    })
    expect(chunks.join('')).toBe(
      'orders> +I[a, 1, 1970-01-01 00:00:00.000]\norders> -U[a, 1, null]\norders> -D[b, 2, 1970-01-01 00:00:01.500]\n',
    )
  })

  it('counts rows in the blackhole sink', async () => {
    const sink = createSink(table({ connector: 'blackhole' }))
    await sink.write({
      rows: [
        ['a', 1],
        ['b', 2],
      ],
      kinds: null,
    })
    expect(sink).toBeInstanceOf(BlackholeSink)
    expect((sink as BlackholeSink).rows).toBe(2)
  })
})
