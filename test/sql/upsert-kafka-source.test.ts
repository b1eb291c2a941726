/**
 * upsert-kafka as a source: a catalog `table` dataset with a primary key is a compacted topic of upserts and
 * tombstones. A GROUP BY over it must retract a key's old row when the key moves to another group or is
 * deleted, at parallelism 1 and 2. The final state the job leaves in its upsert sink is compared with the
 * state computed here from the produced input alone.
 */
import type { Kafka } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCatalogDocument } from '../../src/catalog/catalog-document.ts'
import { readTopic } from '../../src/connectors/engine/kafka-testing.ts'
import { KafkaWriter } from '../../src/connectors/kafka/writer.ts'
import { runJob } from '../../src/sql/job/index.ts'
import { freshTopic, testKafka } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'
import { kafkaTestCluster, startTestUdm, type TestUdm } from '../harness/udm-server.ts'

const STOCK_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Stock',
  namespace: 'weir.test',
  fields: [
    { name: 'sku', type: 'string' },
    { name: 'warehouse', type: 'string' },
    { name: 'qty', type: 'long' },
  ],
})
const TOTALS_SCHEMA = JSON.stringify({
  type: 'object',
  required: ['warehouse', 'skus', 'qty'],
  properties: { warehouse: { type: 'string' }, skus: { type: 'integer' }, qty: { type: 'integer' } },
})

interface Stock {
  sku: string
  warehouse: string
  qty: number
}

interface Totals {
  warehouse: string
  skus: number
  qty: number
}

/** An upsert of a SKU's row, or its deletion (a tombstone). */
type Change = { upsert: Stock } | { delete: string }

/**
 * Changes to 40 SKUs over 4 warehouses: SKUs move between warehouses, repeat their row unchanged, are deleted
 * (sometimes when they do not exist) and come back.
 */
function generateChanges(): Change[] {
  let seed = 11
  const random = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return Math.floor((seed / 2 ** 31) * n)
  }
  const changes: Change[] = []
  let previous: Stock | undefined
  for (let i = 0; i < 1_500; i++) {
    const sku = `sku-${random(40)}`
    const dice = random(10)
    if (dice === 0) changes.push({ delete: sku })
    else if (dice === 1 && previous !== undefined) changes.push({ upsert: previous })
    else {
      previous = { sku, warehouse: `w${random(4)}`, qty: random(100) }
      changes.push({ upsert: previous })
    }
  }
  return changes
}

/** The expected result, from the changes alone: the last row of each SKU, grouped by warehouse. */
function expectedTotals(changes: readonly Change[]): Map<string, Totals> {
  const stock = new Map<string, Stock>()
  for (const change of changes) {
    if ('delete' in change) stock.delete(change.delete)
    else stock.set(change.upsert.sku, change.upsert)
  }
  const totals = new Map<string, Totals>()
  for (const { warehouse, qty } of stock.values()) {
    const total = totals.get(warehouse) ?? { warehouse, skus: 0, qty: 0 }
    totals.set(warehouse, { warehouse, skus: total.skus + 1, qty: total.qty + qty })
  }
  return totals
}

const changes = generateChanges()
let udmServer: TestUdm
let kafka: Kafka
const totalsTopics = new Map<number, string>()

beforeAll(async () => {
  const { bootstrapServers } = await useService('kafka')
  kafka = await testKafka()
  // Three partitions: at parallelism 2 the subtasks read different partitions, yet each SKU must meet its
  // earlier rows in one ChangelogNormalize.
  const stockTopic = await freshTopic(kafka, 'stock', 3)
  for (const parallelism of [1, 2]) totalsTopics.set(parallelism, await freshTopic(kafka, 'totals', 2))
  const totalsDataset = (parallelism: number) => ({
    name: `inventory.totals_p${parallelism}`,
    kind: 'table',
    key: { format: 'json' },
    value: { format: 'json', subject: 'inventory.totals-value' },
    primaryKey: ['warehouse'],
    locations: { prod: [{ cluster: 'kafka-test', topic: totalsTopics.get(parallelism)! }] },
  })
  udmServer = await startTestUdm(
    readCatalogDocument({
      schemas: [
        { subject: 'inventory.stock-value', schemaType: 'AVRO', schema: STOCK_SCHEMA },
        { subject: 'inventory.totals-value', schemaType: 'JSON', schema: TOTALS_SCHEMA },
      ],
      clusters: [kafkaTestCluster(bootstrapServers)],
      datasets: [
        {
          name: 'inventory.stock',
          kind: 'table',
          // JSON keys, as upsert-kafka writes them ('key.format' = 'json').
          key: { format: 'json' },
          value: { format: 'avro' },
          primaryKey: ['sku'],
          locations: { prod: [{ cluster: 'kafka-test', topic: stockTopic }] },
        },
        totalsDataset(1),
        totalsDataset(2),
      ],
    }),
  )
  await produce(stockTopic, changes)
})

afterAll(async () => {
  await udmServer?.close()
})

/**
 * Upserts through the SDK, tombstones (which the SDK does not write) through a producer with the same JSON
 * key; each run of consecutive changes of one kind is acknowledged before the next, so every SKU's changes
 * reach its partition in order.
 */
async function produce(topic: string, all: readonly Change[]): Promise<void> {
  const tombstones = await KafkaWriter.open(kafka, { topic })
  try {
    for (let start = 0; start < all.length; ) {
      const deleting = 'delete' in all[start]!
      let end = start
      while (end < all.length && 'delete' in all[end]! === deleting) end++
      const run = all.slice(start, end)
      if (deleting)
        await tombstones.send(
          run.map((change) => ({
            key: JSON.stringify({ sku: (change as { delete: string }).delete }),
            value: null,
          })),
        )
      else
        await udmServer.udm
          .dataset<Stock>('inventory.stock')
          .write(run.map((change) => (change as { upsert: Stock }).upsert))
      start = end
    }
  } finally {
    await tombstones.close()
  }
}

/** The table an upsert topic holds: the last value of each key, keys whose last record is a tombstone gone. */
async function upsertTable(topic: string): Promise<Map<string, Totals>> {
  const records = await readTopic(kafka, topic, Number.POSITIVE_INFINITY)
  const table = new Map<string, Totals>()
  for (const record of records) {
    const { warehouse } = JSON.parse(String(record.key)) as { warehouse: string }
    // json-confluent values: the magic byte and the schema id, then the JSON text.
    if (record.value === null) table.delete(warehouse)
    else table.set(warehouse, JSON.parse(record.value.subarray(5).toString()) as Totals)
  }
  return table
}

describe('upsert-kafka source', () => {
  it.each([1, 2])(
    'aggregates upserts and tombstones of a table dataset with correct retractions at parallelism %i',
    async (parallelism) => {
      const resolver = udmServer.resolver()
      const result = await runJob({
        script: `
          INSERT INTO inventory.totals_p${parallelism}
          SELECT warehouse, COUNT(*) AS skus, SUM(qty) AS qty
          FROM inventory.stock /*+ OPTIONS('scan.bounded.mode' = 'latest-offset') */
          GROUP BY warehouse`,
        resolver,
        connectorContext: resolver.connectorContext(),
        sets: { 'parallelism.default': String(parallelism) },
      })
      expect(result.recordsIn).toBe(changes.length)
      const expected = expectedTotals(changes)
      expect(expected.size).toBeGreaterThan(1)
      expect(await upsertTable(totalsTopics.get(parallelism)!)).toEqual(expected)
    },
  )
})
