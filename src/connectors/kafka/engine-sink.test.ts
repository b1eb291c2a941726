import type { Kafka } from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { freshTopic } from '../../../test/harness/kafka.ts'
import { useService } from '../../../test/harness/services.ts'
import { CollectSink, insertBatch, MemorySource, PipelineBuilder, RowKind } from '../../engine/index.ts'
import type { SchemaSource } from '../../formats/index.ts'
import { createSink, createSource } from '../engine/factory.ts'
import { kafkaTestTable, ORDER_COLUMNS, readTopic } from '../engine/kafka-testing.ts'
import type { ConnectorTable } from '../engine/table.ts'
import { kafkaClient } from './client.ts'
import type { KafkaSinkSnapshot } from './engine-sink.ts'

const columns = ORDER_COLUMNS

const values = (records: Array<{ value: Buffer | null }>) =>
  records.map((record) => (record.value === null ? null : String(record.value)))

describe('kafka engine sink', () => {
  let kafka: Kafka
  let bootstrapServers: string
  beforeAll(async () => {
    bootstrapServers = (await useService('kafka')).bootstrapServers
    kafka = kafkaClient({ bootstrapServers: [bootstrapServers] })
  })

  const table = (topic: string, options: Record<string, string> = {}): ConnectorTable =>
    kafkaTestTable(bootstrapServers, topic, options)

  it('round-trips rows through a topic: memory source → kafka sink, kafka source → memory sink', async () => {
    const topic = await freshTopic(kafka, 'engine-sink')
    const rows = Array.from({ length: 50 }, (_, i) => [i, `name-${i}`, Date.UTC(2024, 0, 1) + i])
    const write = new PipelineBuilder()
    const input = write.source('rows', new MemorySource([{ partition: 0, batch: insertBatch(rows) }]))
    write.sink('kafka', createSink(table(topic, { 'key.fields': 'id', 'key.format': 'raw' })), input)
    await write.build().run()

    const written = await readTopic(kafka, topic, 50)
    expect(String(written[0]!.key)).toBe('0')
    expect(JSON.parse(String(written[0]!.value))).toEqual({
      id: 0,
      name: 'name-0',
      ts: '2024-01-01 00:00:00.000',
    })

    const collected = new CollectSink()
    const read = new PipelineBuilder()
    const source = createSource(table(topic))
    read.sink('rows', collected, read.source('kafka', source))
    const pipeline = read.build()
    const running = pipeline.run()
    const deadline = Date.now() + 30_000
    while (collected.rows.length < rows.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    pipeline.cancel()
    await running
    await source.close()
    expect(collected.rows).toEqual(rows)
  })

  it('writes csv and raw values', async () => {
    const topic = await freshTopic(kafka, 'engine-csv')
    const sink = createSink(table(topic, { format: 'csv' }))
    await sink.write(insertBatch([[1, 'a,b', 0]]))
    await sink.close!()
    expect(values(await readTopic(kafka, topic, 1))).toEqual(['1,"a,b",1970-01-01 00:00:00.000'])
  })

  it('exactly-once: records stay invisible until their checkpoint completes, and are aborted on restore', async () => {
    const topic = await freshTopic(kafka, 'engine-eos')
    const options = {
      'sink.delivery-guarantee': 'exactly-once',
      'sink.transactional-id-prefix': `${topic}-tx`,
    }
    const crashed = createSink(table(topic, options))
    await crashed.write(insertBatch([[1, 'first', 0]]))
    const first = (await crashed.onBarrier!(1)) as KafkaSinkSnapshot
    await crashed.write(insertBatch([[2, 'after barrier', 0]]))
    expect(await readTopic(kafka, topic, 1, 1_500)).toEqual([])

    await crashed.onCheckpointComplete!(1)
    expect(values(await readTopic(kafka, topic, 1))).toEqual([
      '{"id":1,"name":"first","ts":"1970-01-01 00:00:00.000"}',
    ])
    await crashed.write(insertBatch([[3, 'lost epoch', 0]]))

    // The failed run never closes: restoring must abort its open transaction by fencing.
    const restored = createSink(table(topic, options))
    await restored.restore!(structuredClone(first))
    await restored.write(insertBatch([[2, 'replayed', 0]]))
    await restored.onBarrier!(2)
    await restored.onCheckpointComplete!(2)
    await restored.close!()
    // The failed run's producer was fenced; closing it may fail, as a crashed process would have.
    await Promise.resolve(crashed.close!()).catch(() => undefined)

    const committed = (await readTopic(kafka, topic, 3, 2_000)).map(
      (record) => JSON.parse(String(record.value)).name,
    )
    expect(committed).toEqual(['first', 'replayed'])
  })

  it('writes avro-confluent records under the schema it registers, readable by the avro-confluent source', async () => {
    const topic = await freshTopic(kafka, 'engine-avro-sink')
    const registered = new Map<number, { subject: string; schema: string }>()
    const schemaRegistrar = async (subject: string, schema: string) => {
      registered.set(21, { subject, schema })
      return 21
    }
    const schemaSource: SchemaSource = {
      schemaById: async (id) => registered.get(id),
      schemaBySubjectVersion: async () => undefined,
    }
    const avro = table(topic, { format: 'avro-confluent', 'avro-confluent.url': 'http://registry.invalid' })
    const rows = [
      [1, 'a', Date.UTC(2024, 0, 1)],
      [2, null, 0],
    ]
    const sink = createSink(avro, { schemaRegistrar })
    await sink.write(insertBatch(rows))
    await sink.close!()
    expect(registered.get(21)!.subject).toBe(`${topic}-value`)
    expect(JSON.parse(registered.get(21)!.schema).fields[2]).toEqual({
      name: 'ts',
      type: ['null', { type: 'long', logicalType: 'timestamp-millis' }],
      default: null,
    })

    const source = createSource(avro, undefined, { schemaSource })
    const read: unknown[][] = []
    const deadline = Date.now() + 30_000
    try {
      while (read.length < rows.length && Date.now() < deadline)
        read.push(...(await source.pull())!.batch.rows)
    } finally {
      await source.close()
    }
    expect(read).toEqual(rows)
  })

  it('rejects changelog input and points to upsert-kafka', async () => {
    const sink = createSink(table('never-written'))
    await expect(sink.write({ rows: [[1, 'a', 0]], kinds: Uint8Array.of(RowKind.Delete) })).rejects.toThrow(
      "connector 'kafka' only takes insert-only input, but the query produces retractions (-D rows); declare a PRIMARY KEY and use 'connector' = 'upsert-kafka'",
    )
  })

  const upsertSink = (topic: string) =>
    createSink({
      name: 'latest',
      columns,
      primaryKey: ['id'],
      options: {
        connector: 'upsert-kafka',
        topic,
        'properties.bootstrap.servers': bootstrapServers,
        'key.format': 'json',
        'value.format': 'json',
      },
    })

  it('upsert-kafka: keys by primary key, updates as values, deletes as tombstones, skips -U before its +U', async () => {
    const topic = await freshTopic(kafka, 'engine-upsert')
    const sink = upsertSink(topic)
    await sink.write({
      rows: [
        [1, 'a', 0],
        [1, 'a', 0],
        [1, 'b', 0],
        [1, 'b', 0],
      ],
      kinds: Uint8Array.of(RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter, RowKind.Delete),
    })
    await sink.close!()
    const records = await readTopic(kafka, topic, 3)
    expect(records.map((record) => String(record.key))).toEqual(['{"id":1}', '{"id":1}', '{"id":1}'])
    expect(values(records).map((value) => (value === null ? null : JSON.parse(value).name))).toEqual([
      'a',
      'b',
      null,
    ])
  })

  it('upsert-kafka: a -U without the +U of its key (filtered out after an update) deletes the key', async () => {
    const topic = await freshTopic(kafka, 'engine-upsert-lone-before')
    const sink = upsertSink(topic)
    await sink.write({
      rows: [
        [1, 'a', 0],
        [2, 'b', 0],
        [2, 'b', 0],
        [1, 'a', 0],
        [1, 'c', 0],
      ],
      kinds: Uint8Array.of(
        RowKind.Insert,
        RowKind.Insert,
        RowKind.UpdateBefore,
        RowKind.UpdateBefore,
        RowKind.UpdateAfter,
      ),
    })
    await sink.close!()
    const records = await readTopic(kafka, topic, 4)
    expect(
      records.map((record) => [
        String(record.key),
        record.value === null ? null : JSON.parse(String(record.value)).name,
      ]),
    ).toEqual([
      ['{"id":1}', 'a'],
      ['{"id":2}', 'b'],
      ['{"id":2}', null],
      ['{"id":1}', 'c'],
    ])
  })
})
