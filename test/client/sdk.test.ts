/**
 * The client proxy SDK against a real UDM server, Kafka broker and Redis: records are written and read by
 * logical name, decoded with the registry's schemas, and anything undecodable lands in the dead-letter topic.
 */
import {
  AvroDeserializer,
  AvroSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'
import { Redis } from 'ioredis'
import type { Kafka } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCatalogDocument } from '../../src/catalog/catalog-document.ts'
import { UdmClientError } from '../../src/client/errors.ts'
import { connect, type DatasetRecord, DEAD_LETTER_HEADERS, type Udm } from '../../src/client/index.ts'
import { kafkaClient } from '../../src/connectors/kafka/client.ts'
import { KafkaReader } from '../../src/connectors/kafka/reader.ts'
import { KafkaWriter } from '../../src/connectors/kafka/writer.ts'
import { encodeFrame } from '../../src/formats/index.ts'
import { useService } from '../harness/services.ts'
import { kafkaTestCluster, startTestUdm, type TestUdm } from '../harness/udm-server.ts'

const PAGEVIEW_V1 = JSON.stringify({
  type: 'record',
  name: 'PageView',
  namespace: 'weir.sdk',
  fields: [
    { name: 'user_id', type: 'long' },
    { name: 'url', type: 'string' },
    { name: 'ts', type: 'long' },
  ],
})
const PAGEVIEW_V2 = JSON.stringify({
  type: 'record',
  name: 'PageView',
  namespace: 'weir.sdk',
  fields: [
    { name: 'user_id', type: 'long' },
    { name: 'url', type: 'string' },
    { name: 'ts', type: 'long' },
    { name: 'referrer', type: ['null', 'string'], default: null },
  ],
})
const ORDER_PROTO = `syntax = "proto3";
package weir.sdk;
message Envelope { string note = 1; }
message Order {
  string order_id = 1;
  int64 user_id = 2;
  repeated Line lines = 3;
  message Line { int64 product_id = 1; int32 quantity = 2; }
}
`

interface PageView {
  user_id: number
  url: string
  ts: number
  referrer?: string | null
}

let udmServer: TestUdm
let udm: Udm
let kafka: Kafka
let redisUrl: string
const suffix = Date.now().toString(36)
const topics = {
  pageview: `pv-${suffix}`,
  order: `order-${suffix}`,
  note: `note-${suffix}`,
  tag: `tag-${suffix}`,
}

async function readUntil<T>(
  iterable: AsyncIterable<{ records: DatasetRecord<T>[] }>,
  count: number,
): Promise<DatasetRecord<T>[]> {
  const records: DatasetRecord<T>[] = []
  for await (const batch of iterable) {
    records.push(...batch.records)
    if (records.length >= count) break
  }
  return records
}

/** Reads a topic's raw records from the start (dead letters, or records as other clients see them). */
async function rawRecords(topic: string, count: number) {
  const reader = await KafkaReader.open(kafka, {
    topic,
    groupId: `${topic}-inspect`,
    startup: { mode: 'earliest-offset' },
  })
  const letters: Array<{ headers: Record<string, string>; value: Buffer | null }> = []
  try {
    for await (const batch of reader) {
      letters.push(...batch.records)
      if (letters.length >= count) break
    }
  } finally {
    await reader.close()
  }
  return letters
}

beforeAll(async () => {
  const [{ bootstrapServers }, redis] = await Promise.all([useService('kafka'), useService('redis')])
  redisUrl = redis.url
  kafka = kafkaClient({ bootstrapServers: [bootstrapServers] })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: Object.values(topics).map((topic) => ({ topic })),
    waitForLeaders: true,
  })
  await admin.disconnect()

  const document = readCatalogDocument({
    schemas: [
      { subject: 'sdk.pageview-value', schemaType: 'AVRO', schema: PAGEVIEW_V1 },
      { subject: 'sdk.order-value', schemaType: 'PROTOBUF', schema: ORDER_PROTO },
    ],
    clusters: [
      kafkaTestCluster(bootstrapServers),
      { name: 'redis-test', system: 'redis', properties: { url: redis.url } },
    ],
    datasets: [
      {
        name: 'sdk.pageview',
        kind: 'stream',
        value: { format: 'avro' },
        locations: { prod: [{ cluster: 'kafka-test', topic: topics.pageview }] },
      },
      {
        name: 'sdk.order',
        kind: 'stream',
        value: { format: 'protobuf', message: 'weir.sdk.Order' },
        primaryKey: ['order_id'],
        locations: { prod: [{ cluster: 'kafka-test', topic: topics.order }] },
      },
      {
        name: 'sdk.note',
        kind: 'stream',
        value: { format: 'json' },
        locations: { prod: [{ cluster: 'kafka-test', topic: topics.note }] },
      },
      {
        name: 'sdk.tag',
        kind: 'stream',
        key: { format: 'raw' },
        value: { format: 'json' },
        primaryKey: ['tag'],
        locations: { prod: [{ cluster: 'kafka-test', topic: topics.tag }] },
      },
      {
        name: 'sdk.user',
        kind: 'kv',
        value: { format: 'json' },
        primaryKey: ['user_id'],
        locations: {
          prod: [{ cluster: 'redis-test', keyPattern: `${suffix}:user:{user_id}`, dataType: 'string' }],
        },
      },
      {
        name: 'sdk.profile',
        kind: 'kv',
        value: { format: 'raw' },
        primaryKey: ['user_id'],
        locations: {
          prod: [{ cluster: 'redis-test', keyPattern: `${suffix}:profile:{user_id}`, dataType: 'hash' }],
        },
      },
    ],
  })
  udmServer = await startTestUdm(document)
  udm = udmServer.udm
})

afterAll(async () => {
  await udmServer?.close()
})

describe('client SDK', () => {
  it('writes Avro records by logical name and reads them back decoded, v1 records read as v2', async () => {
    const pageviews = udm.dataset<PageView>('sdk.pageview')
    const written = Array.from({ length: 500 }, (_, i) => ({
      user_id: i,
      url: `/p/${i}`,
      ts: 1_700_000_000_000 + i,
    }))
    await pageviews.write(written)

    // The schema evolves: a field with a default is added. A new connection reads with v2.
    await udmServer.server.catalog.registry.register('sdk.pageview-value', { schema: PAGEVIEW_V2 })
    const evolved = await connect({ url: udmServer.server.url, token: udmServer.adminToken })
    try {
      const records = await readUntil(
        evolved.dataset<PageView>('sdk.pageview').read({ group: `g-${suffix}` }),
        500,
      )
      expect(records.map((record) => record.value)).toEqual(
        written.map((record) => ({ ...record, referrer: null })),
      )
    } finally {
      await evolved.close()
    }
  })

  it('reads records produced by the Confluent serializer, and the Confluent deserializer reads ours', async () => {
    const confluent = new SchemaRegistryClient({
      baseURLs: [udmServer.server.url],
      basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `weir:${udmServer.adminToken}` },
    })
    // Weir names subjects after the logical dataset, not the topic, so the serializer is told the subject.
    const serializer = new AvroSerializer(confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      subjectNameStrategy: () => 'sdk.pageview-value',
    })
    const topic = topics.pageview
    const bytes = await serializer.serialize(topic, {
      user_id: 9001,
      url: '/confluent',
      ts: 1,
      referrer: 'x',
    })
    expect(bytes[0]).toBe(0)
    const writer = await KafkaWriter.open(kafka, { topic })
    await writer.send([{ value: bytes }])
    await writer.close()
    const records = await readUntil(
      udm.dataset<PageView>('sdk.pageview').read({ group: `confluent-${suffix}`, from: 'earliest' }),
      501,
    )
    expect(records.at(-1)?.value).toEqual({ user_id: 9001, url: '/confluent', ts: 1, referrer: 'x' })

    // This connection resolved the dataset before v2 was registered, so it still writes v1 records.
    await udm.dataset<PageView>('sdk.pageview').write([{ user_id: 9002, url: '/weir', ts: 2 }])
    const [ours] = await rawRecords(topic, 502).then((all) => all.slice(-1))
    const deserializer = new AvroDeserializer(confluent, SerdeType.VALUE, {})
    const decoded = await deserializer.deserialize(topic, ours!.value!)
    expect({ ...decoded }).toEqual({ user_id: 9002, url: '/weir', ts: 2 })
  })

  it('round-trips Protobuf with a nested message that is not the first in its file', async () => {
    const orders = udm.dataset('sdk.order')
    const written = [
      { order_id: 'o-1', user_id: 7, lines: [{ product_id: 3, quantity: 2 }] },
      { order_id: 'o-2', user_id: 8, lines: [] },
    ]
    await orders.write(written)
    const records = await readUntil(orders.read({ group: `orders-${suffix}` }), 2)
    expect(records.map((record) => record.value)).toEqual(written)
    expect(records.map((record) => record.key)).toEqual(['o-1', 'o-2'])
  })

  it('sends every undecodable record to the dead-letter topic with the reason, and keeps reading', async () => {
    const writer = await KafkaWriter.open(kafka, { topic: topics.pageview })
    const pageviewSchemaId = (await udmServer.server.catalog.registry.latestSchemaInfo('sdk.pageview-value'))!
      .id
    await writer.send([
      { value: Buffer.from('not a framed record') },
      { value: encodeFrame(987_654, Buffer.from([2, 4])) },
      { value: encodeFrame(pageviewSchemaId, Buffer.from([0x80])) },
    ])
    await writer.close()
    const group = `dlq-${suffix}`
    const records = await readUntil(udm.dataset<PageView>('sdk.pageview').read({ group }), 502)
    expect(records.length).toBe(502)

    const letters = await rawRecords(`${topics.pageview}.dlq`, 3)
    expect(letters.map((letter) => letter.headers[DEAD_LETTER_HEADERS.reason])).toEqual([
      'BAD_MAGIC_BYTE',
      'UNKNOWN_SCHEMA_ID',
      'TRUNCATED',
    ])
    for (const letter of letters) {
      expect(letter.headers[DEAD_LETTER_HEADERS.topic]).toBe(topics.pageview)
      expect(letter.headers[DEAD_LETTER_HEADERS.dataset]).toBe('sdk.pageview')
      expect(Number(letter.headers[DEAD_LETTER_HEADERS.offset])).toBeGreaterThanOrEqual(502)
      expect(letter.headers[DEAD_LETTER_HEADERS.message]?.length).toBeGreaterThan(10)
    }
    expect(String(letters[0]!.value)).toBe('not a framed record')
  })

  it('dead-letters invalid JSON', async () => {
    const writer = await KafkaWriter.open(kafka, { topic: topics.note })
    await writer.send([{ value: '{"ok": true}' }, { value: '{"broken": ' }, { value: '{"ok": false}' }])
    await writer.close()
    const records = await readUntil(udm.dataset('sdk.note').read({ group: `note-${suffix}` }), 2)
    expect(records.map((record) => record.value)).toEqual([{ ok: true }, { ok: false }])
    const [letter] = await rawRecords(`${topics.note}.dlq`, 1)
    expect(letter?.headers[DEAD_LETTER_HEADERS.reason]).toBe('INVALID_JSON')
  })

  it('writes a raw key as the primary key value', async () => {
    const tags = udm.dataset('sdk.tag')
    await tags.write([
      { tag: 'sale', weight: 1 },
      { tag: 'new', weight: 2 },
    ])
    const records = await readUntil(tags.read({ group: `tag-${suffix}` }), 2)
    expect(records.map((record) => String(record.key))).toEqual(['sale', 'new'])
  })

  it('looks up JSON strings and hashes in Redis by key pattern', async () => {
    const redis = new Redis(redisUrl)
    try {
      await redis.set(`${suffix}:user:42`, JSON.stringify({ user_id: 42, level: 'vip' }))
      await redis.hset(`${suffix}:profile:42`, { city: 'Guangzhou', gender: 'f' })
    } finally {
      redis.disconnect()
    }
    expect(await udm.dataset('sdk.user').lookup({ user_id: 42 })).toEqual({
      user_id: 42,
      level: 'vip',
    })
    expect(await udm.dataset('sdk.user').lookup({ user_id: 43 })).toBeUndefined()
    expect(await udm.dataset('sdk.profile').lookup({ user_id: 42 })).toEqual({
      city: 'Guangzhou',
      gender: 'f',
    })
  })

  it('explains what is wrong when a dataset is used the wrong way', async () => {
    await expect(udm.dataset('sdk.user').write([{ user_id: 1 }])).rejects.toThrow(/has no kafka location/)
    await expect(udm.dataset('sdk.missing').write([{}])).rejects.toThrow(/sdk\.missing/)
  })

  it('lets a viewer of a dataset read it but not write it', async () => {
    const governance = udmServer.server.catalog.governance
    const name = `viewer-${suffix}`
    await governance.createPrincipal({ name, kind: 'service' }, 'test')
    await governance.addGrant(
      { grantee: { kind: 'principal', name }, role: 'viewer', scope: 'sdk.pageview' },
      'test',
    )
    const viewer = await connect({
      url: udmServer.server.url,
      token: (await governance.createToken(name, {}, 'test')).token,
    })
    try {
      const denied = await viewer
        .dataset<PageView>('sdk.pageview')
        .write([{ user_id: 1, url: '/nope', ts: 1 }])
        .then(
          () => undefined,
          (error: unknown) => error,
        )
      expect(denied).toBeInstanceOf(UdmClientError)
      expect((denied as UdmClientError).status).toBe(403)
      const records = await readUntil(
        viewer.dataset<PageView>('sdk.pageview').read({ group: `viewer-${suffix}`, from: 'earliest' }),
        1,
      )
      expect(records.length).toBeGreaterThan(0)
    } finally {
      await viewer.close()
    }
  })
})
