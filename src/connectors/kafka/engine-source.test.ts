import type { Kafka } from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { freshTopic } from '../../../test/harness/kafka.ts'
import { useService } from '../../../test/harness/services.ts'
import { DEAD_LETTER_HEADERS } from '../../client/dead-letter.ts'
import { kindAt, type Row, rowKindSymbol, type Source } from '../../engine/index.ts'
import { AvroCodec, encodeFrame, type RegisteredSchema, type SchemaSource } from '../../formats/index.ts'
import { createSource, openSource } from '../engine/factory.ts'
import { kafkaTestTable, readTopic } from '../engine/kafka-testing.ts'
import type { ConnectorTable } from '../engine/table.ts'
import { kafkaClient } from './client.ts'
import type { KafkaSourcePosition } from './engine-source.ts'
import { KafkaWriter } from './writer.ts'

/** Pulls until `count` rows arrived (empty chunks are the source's idle polls). */
async function pullRows(source: Source, count: number): Promise<Row[]> {
  const rows: Row[] = []
  const deadline = Date.now() + 30_000
  while (rows.length < count && Date.now() < deadline) rows.push(...(await source.pull())!.batch.rows)
  return rows
}

describe('kafka engine source', () => {
  let kafka: Kafka
  let bootstrapServers: string
  beforeAll(async () => {
    bootstrapServers = (await useService('kafka')).bootstrapServers
    kafka = kafkaClient({ bootstrapServers: [bootstrapServers] })
  })

  const table = (topic: string, options: Record<string, string> = {}): ConnectorTable =>
    kafkaTestTable(bootstrapServers, topic, options)

  /** Polls the read-committed high watermark of partition 0 until it reaches `end`. */
  async function waitForCommittedEnd(topic: string, end: string): Promise<void> {
    const admin = kafka.admin()
    await admin.connect()
    try {
      const deadline = Date.now() + 10_000
      for (;;) {
        const [partition0] = await admin.fetchTopicOffsets(topic)
        if (partition0?.high === end) return
        if (Date.now() > deadline)
          throw new Error(`${topic}: high watermark ${partition0?.high}, expected ${end}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    } finally {
      await admin.disconnect()
    }
  }

  async function produce(topic: string, values: Array<string | Buffer>, partition?: number): Promise<void> {
    const writer = await KafkaWriter.open(kafka, { topic })
    await writer.send(values.map((value) => (partition === undefined ? { value } : { value, partition })))
    await writer.close()
  }

  it('decodes JSON records to rows and sends undecodable ones to the dead-letter topic with reasons', async () => {
    const topic = await freshTopic(kafka, 'engine-json')
    await produce(topic, [
      '{"id": 1, "name": "a", "ts": "2024-03-01 12:00:00.000"}',
      'not json',
      '{"id": "x"}',
      '{"id": 2, "name": "b", "ts": 5}',
    ])
    const source = createSource(table(topic), [2, 0])
    try {
      expect(await pullRows(source, 2)).toEqual([
        [Date.UTC(2024, 2, 1, 12), 1],
        [5, 2],
      ])
      expect(source.partitions()).toEqual([0])
    } finally {
      await source.close()
    }
    const dead = await readTopic(kafka, `${topic}.dlq`, 2)
    expect(dead.map((record) => String(record.value))).toEqual(['not json', '{"id": "x"}'])
    expect(dead[0]!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.dataset]: 'orders',
      [DEAD_LETTER_HEADERS.topic]: topic,
      [DEAD_LETTER_HEADERS.partition]: '0',
      [DEAD_LETTER_HEADERS.offset]: '1',
    })
    expect(dead[0]!.headers[DEAD_LETTER_HEADERS.message]).toContain('JSON')
    expect(dead[1]!.headers[DEAD_LETTER_HEADERS.message]).toContain("column 'id' (BIGINT) cannot hold")
  })

  it('restores to the snapshot offsets per partition and commits offsets on checkpoint completion', async () => {
    const topic = await freshTopic(kafka, 'engine-restore', 2)
    for (const partition of [0, 1]) {
      const values = Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: partition * 100 + i }))
      await produce(topic, values, partition)
    }
    const options = { 'properties.group.id': `${topic}-group` }
    const first = await openSource(table(topic, options), [0])
    expect(first.partitions()).toEqual([0, 1])
    const seen = await pullRows(first, 10)
    const snapshot = structuredClone(first.snapshot()) as KafkaSourcePosition
    expect(Object.fromEntries(snapshot)).toEqual({ 0: '5', 1: '5' })
    await first.onCheckpointComplete!(1)
    await first.close()
    const admin = kafka.admin()
    await admin.connect()
    const [committed] = await admin.fetchOffsets({ groupId: `${topic}-group`, topics: [topic] })
    await admin.disconnect()
    expect(committed!.partitions.map(({ offset }) => offset)).toEqual(['5', '5'])
    expect(seen.map((row) => Number(row[0])).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 100, 101, 102, 103, 104,
    ])

    await produce(topic, [JSON.stringify({ id: 5 })], 0)
    // A different group with earliest startup would read everything again: the snapshot decides.
    const restored = createSource(table(topic, { 'properties.group.id': `${topic}-other` }), [0])
    restored.restore(snapshot)
    try {
      expect(await pullRows(restored, 1)).toEqual([[5]])
    } finally {
      await restored.close()
    }
  })

  it('starts at specific offsets and reads raw values', async () => {
    const topic = await freshTopic(kafka, 'engine-raw')
    await produce(topic, ['zero', 'one', 'two'])
    const source = createSource({
      ...table(topic, {
        format: 'raw',
        'scan.startup.mode': 'specific-offsets',
        'scan.startup.specific-offsets': 'partition:0,offset:1',
      }),
      columns: [{ name: 'line', type: 'STRING' }],
    })
    try {
      expect(await pullRows(source, 2)).toEqual([['one'], ['two']])
    } finally {
      await source.close()
    }
  })

  it('a bounded source ends at a stop behind a transaction marker, which is no record', async () => {
    const topic = await freshTopic(kafka, 'engine-bounded-txn')
    const producer = kafka.producer({
      transactionalId: `${topic}-tx`,
      idempotent: true,
      maxInFlightRequests: 1,
    })
    await producer.connect()
    const transaction = await producer.transaction()
    await transaction.send({ topic, messages: [1, 2, 3].map((id) => ({ value: JSON.stringify({ id }) })) })
    await transaction.commit()
    await producer.disconnect()
    // Offsets 0-2 are the records, 3 the commit marker: the high watermark, so the stop, is 4.
    // The commit returns before the broker writes the marker; until then the read-committed
    // high watermark is 0 and a source opened now would rightly stop before the records.
    await waitForCommittedEnd(topic, '4')
    const source = createSource(table(topic, { 'scan.bounded.mode': 'latest-offset' }), [0])
    const rows: Row[] = []
    const deadline = Date.now() + 30_000
    try {
      for (let chunk = await source.pull(); chunk !== null; chunk = await source.pull()) {
        rows.push(...chunk.batch.rows)
        if (Date.now() > deadline) throw new Error('the bounded source did not end within 30 s')
      }
    } finally {
      await source.close()
    }
    expect(rows).toEqual([[1], [2], [3]])
  })

  it('decodes avro-confluent records with the writer schema named by each record', async () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'name', type: ['null', 'string'], default: null },
        { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
      ],
    })
    const schemas: SchemaSource = {
      schemaById: async (id) => (id === 7 ? ({ schema } satisfies RegisteredSchema) : undefined),
      schemaBySubjectVersion: async () => undefined,
    }
    const codec = AvroCodec.parse(schema)
    const topic = await freshTopic(kafka, 'engine-avro')
    await produce(topic, [
      encodeFrame(7, codec.encode({ id: 1, name: 'a', ts: 1000 })),
      encodeFrame(8, codec.encode({ id: 2, name: null, ts: 2000 })),
      encodeFrame(7, codec.encode({ id: 3, name: null, ts: 3000 })),
    ])
    const avroTable = table(topic, {
      format: 'avro-confluent',
      'avro-confluent.url': 'http://registry.invalid',
    })
    const source = createSource(avroTable, undefined, { schemaSource: schemas })
    try {
      expect(await pullRows(source, 2)).toEqual([
        [1, 'a', 1000],
        [3, null, 3000],
      ])
    } finally {
      await source.close()
    }
    const [dead] = await readTopic(kafka, `${topic}.dlq`, 1)
    expect(dead!.headers[DEAD_LETTER_HEADERS.reason]).toBe('UNKNOWN_SCHEMA_ID')
  })

  it('reads upsert-kafka records as +U rows and tombstones as -D rows of their key', async () => {
    const topic = await freshTopic(kafka, 'engine-upsert')
    const writer = await KafkaWriter.open(kafka, { topic })
    await writer.send([
      { key: '{"id":1}', value: '{"id":1,"name":"a","ts":1000}' },
      { key: '{"id":1}', value: null },
      { key: null, value: null },
      { key: 'not json', value: null },
    ])
    await writer.close()
    // upsert-kafka always reads from the earliest offset: it has no startup mode.
    const { format: _, 'scan.startup.mode': __, ...options } = table(topic).options
    const upsert: ConnectorTable = {
      ...table(topic),
      primaryKey: ['id'],
      options: { ...options, connector: 'upsert-kafka', 'key.format': 'json', 'value.format': 'json' },
    }
    // The projection leaves the key column last, as the planner reads it for ChangelogNormalize.
    const source = createSource(upsert, [1, 0])
    const rows: Row[] = []
    const kinds: string[] = []
    try {
      const deadline = Date.now() + 30_000
      while (rows.length < 2 && Date.now() < deadline) {
        const { batch } = (await source.pull())!
        batch.rows.forEach((row, i) => {
          rows.push(row)
          kinds.push(rowKindSymbol(kindAt(batch, i)))
        })
      }
    } finally {
      await source.close()
    }
    expect(rows).toEqual([
      ['a', 1],
      [null, 1],
    ])
    expect(kinds).toEqual(['+U', '-D'])
    const dead = await readTopic(kafka, `${topic}.dlq`, 2)
    expect(dead.map((record) => record.headers[DEAD_LETTER_HEADERS.message])).toEqual([
      'tombstone without a key: there is no row to delete',
      expect.stringContaining('JSON'),
    ])
  })
})
