/**
 * Protobuf and JSON Schema catalog datasets in SQL jobs: the SDK writes Confluent-framed records to Kafka, a
 * job names the datasets by their logical names (no DDL), reads nested values, filters and writes another
 * dataset of the same format, which the SDK reads back. Records that do not decode go to the dead-letter
 * topic with the reason in their headers.
 */
import type { Kafka } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCatalogDocument } from '../../src/catalog/catalog-document.ts'
import { DEAD_LETTER_HEADERS } from '../../src/client/dead-letter.ts'
import { readTopic } from '../../src/connectors/engine/kafka-testing.ts'
import { KafkaWriter } from '../../src/connectors/kafka/writer.ts'
import { SHOP_ORDER_PROTO } from '../../src/formats/testing.ts'
import { runJob } from '../../src/sql/job/index.ts'
import { freshTopic, testKafka } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'
import { kafkaTestCluster, startTestUdm, type TestUdm } from '../harness/udm-server.ts'

const PROFILE_SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['id', 'address'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    address: {
      type: 'object',
      required: ['city'],
      properties: { city: { type: 'string' }, zip: { type: 'string' } },
    },
  },
})
const CITY_PROFILE_SCHEMA = JSON.stringify({
  type: 'object',
  required: ['id', 'city'],
  properties: { id: { type: 'integer' }, name: { type: 'string' }, city: { type: 'string' } },
})

interface Order {
  order_id: string
  amount_cents: number
  customer: { name: string; city: string } | null
  lines: { sku: string; quantity: number }[]
  tags: Record<string, number>
  status: 'NEW' | 'PAID'
}

interface Profile {
  id: number
  name?: string
  address: { city: string; zip?: string }
}

interface CityProfile {
  id: number
  name?: string
  city: string
}

const CITIES = ['Lyon', 'Oslo', 'Porto']
const orders: Order[] = Array.from(
  { length: 120 },
  (_, i): Order => ({
    order_id: `o-${i}`,
    amount_cents: 1_000 + i * 37,
    // Every seventh order has no customer: a null ROW.
    customer: i % 7 === 0 ? null : { name: `c-${i % 11}`, city: CITIES[i % 3]! },
    lines: Array.from({ length: i % 4 }, (_, j) => ({ sku: `sku-${j}`, quantity: j + 1 })),
    tags: i % 2 === 0 ? { promo: i % 5 } : {},
    status: i % 3 === 1 ? 'NEW' : 'PAID',
  }),
)
const profiles: Profile[] = Array.from(
  { length: 90 },
  (_, i): Profile => ({
    id: i,
    ...(i % 4 === 0 ? {} : { name: `p-${i}` }),
    address: { city: CITIES[i % 3]!, ...(i % 2 === 0 ? { zip: `0${i}` } : {}) },
  }),
)

let udmServer: TestUdm
let kafka: Kafka
const topics = { orders: '', paidOrders: '', profiles: '', cityProfiles: '' }

beforeAll(async () => {
  const { bootstrapServers } = await useService('kafka')
  kafka = await testKafka()
  topics.orders = await freshTopic(kafka, 'orders')
  topics.paidOrders = await freshTopic(kafka, 'paid-orders')
  topics.profiles = await freshTopic(kafka, 'profiles')
  topics.cityProfiles = await freshTopic(kafka, 'city-profiles')
  const location = (topic: string) => ({ prod: [{ cluster: 'kafka-test', topic }] })
  udmServer = await startTestUdm(
    readCatalogDocument({
      schemas: [
        { subject: 'shop.orders-value', schemaType: 'PROTOBUF', schema: SHOP_ORDER_PROTO },
        { subject: 'shop.paid_orders-value', schemaType: 'PROTOBUF', schema: SHOP_ORDER_PROTO },
        { subject: 'crm.profiles-value', schemaType: 'JSON', schema: PROFILE_SCHEMA },
        { subject: 'crm.city_profiles-value', schemaType: 'JSON', schema: CITY_PROFILE_SCHEMA },
      ],
      clusters: [kafkaTestCluster(bootstrapServers)],
      datasets: [
        {
          name: 'shop.orders',
          kind: 'stream',
          value: { format: 'protobuf', message: 'shop.Order' },
          locations: location(topics.orders),
        },
        {
          name: 'shop.paid_orders',
          kind: 'stream',
          value: { format: 'protobuf', message: 'shop.Order' },
          locations: location(topics.paidOrders),
        },
        {
          name: 'crm.profiles',
          kind: 'stream',
          value: { format: 'json' },
          locations: location(topics.profiles),
        },
        {
          name: 'crm.city_profiles',
          kind: 'stream',
          value: { format: 'json' },
          locations: location(topics.cityProfiles),
        },
      ],
    }),
  )
})

afterAll(async () => {
  await udmServer?.close()
})

/** Runs a job over the catalog; its sources are bounded by a hint, so it ends by itself. */
async function runOverCatalog(script: string): Promise<number> {
  const resolver = udmServer.resolver()
  const result = await runJob({ script, resolver, connectorContext: resolver.connectorContext() })
  return result.recordsIn
}

async function readAll<T>(dataset: string, count: number): Promise<T[]> {
  const records: T[] = []
  for await (const batch of udmServer.udm.dataset<T>(dataset).read({ group: `check-${dataset}` })) {
    records.push(...batch.records.flatMap((record) => (record.value === null ? [] : [record.value])))
    if (records.length >= count) break
  }
  return records
}

/** Records that are no Confluent-framed value of the dataset, produced beside the SDK's. */
async function produceRaw(topic: string, values: Buffer[]): Promise<void> {
  const writer = await KafkaWriter.open(kafka, { topic })
  try {
    await writer.send(values.map((value) => ({ key: null, value })))
  } finally {
    await writer.close()
  }
}

const BOUNDED = "/*+ OPTIONS('scan.bounded.mode' = 'latest-offset') */"

describe('Protobuf and JSON Schema datasets in SQL', () => {
  it('filters Protobuf orders on a nested field and writes them to a Protobuf dataset, bad records to the DLQ', async () => {
    await udmServer.udm.dataset<Order>('shop.orders').write(orders)
    const garbage = [Buffer.from('not framed'), Buffer.of(0, 0, 0, 0x7f, 0x7f, 0)]
    await produceRaw(topics.orders, garbage)

    const recordsIn = await runOverCatalog(
      `INSERT INTO shop.paid_orders SELECT * FROM shop.orders ${BOUNDED}
       WHERE status = 'PAID' AND customer.city <> 'Porto'`,
    )

    expect(recordsIn).toBe(orders.length)
    const expected = orders.filter(
      (order) => order.status === 'PAID' && order.customer !== null && order.customer.city !== 'Porto',
    )
    const written = await readAll<Order>('shop.paid_orders', expected.length)
    expect(written).toEqual(expected)
    const letters = await readTopic(kafka, `${topics.orders}.dlq`, garbage.length)
    expect(letters.map((letter) => letter.headers[DEAD_LETTER_HEADERS.reason])).toEqual([
      'BAD_MAGIC_BYTE',
      'UNKNOWN_SCHEMA_ID',
    ])
    expect(letters.map((letter) => letter.value)).toEqual(garbage)
  })

  it('projects JSON Schema profiles to another JSON Schema dataset, invalid records to the DLQ', async () => {
    await udmServer.udm.dataset<Profile>('crm.profiles').write(profiles)
    // Framed with the dataset's schema id, but missing the required address.
    const [framed] = (await readTopic(kafka, topics.profiles, 1)).map((record) => record.value!)
    const invalid = Buffer.concat([framed!.subarray(0, 5), Buffer.from('{"id": 1000}')])
    await produceRaw(topics.profiles, [invalid])

    const recordsIn = await runOverCatalog(
      `INSERT INTO crm.city_profiles SELECT id, name, address.city AS city FROM crm.profiles ${BOUNDED}
       WHERE address.city IN ('Lyon', 'Oslo')`,
    )

    expect(recordsIn).toBe(profiles.length)
    const expected: CityProfile[] = profiles
      .filter((profile) => profile.address.city !== 'Porto')
      .map(({ id, name, address }) => ({ id, ...(name === undefined ? {} : { name }), city: address.city }))
    expect(await readAll<CityProfile>('crm.city_profiles', expected.length)).toEqual(expected)
    const letters = await readTopic(kafka, `${topics.profiles}.dlq`, 1)
    expect(letters.map((letter) => letter.headers[DEAD_LETTER_HEADERS.reason])).toEqual(['SCHEMA_VALIDATION'])
  })
})
