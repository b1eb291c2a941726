/**
 * The client SDK's produce and consume throughput through a real broker, next to the raw Kafka reader on
 * the same topic (no decoding), for a 12-field Avro record.
 *   npx tsx bench/client-roundtrip.ts [--records N]
 */
import { parseArgs } from 'node:util'
import type { FastifyBaseLogger } from 'fastify'
import { pino } from 'pino'
import { readCatalogDocument } from '../src/catalog/catalog-document.ts'
import { generateToken } from '../src/catalog/governance/tokens.ts'
import { connect } from '../src/client/index.ts'
import { kafkaClient } from '../src/connectors/kafka/client.ts'
import { KafkaReader } from '../src/connectors/kafka/reader.ts'
import { startServer } from '../src/server/serve.ts'
import { benchmarkBroker } from './lib/kafka-broker.ts'
import { progress, rate, report } from './lib/report.ts'

const { values } = parseArgs({ options: { records: { type: 'string', default: '300000' } } })
const RECORDS = Number(values.records)
const BATCH = 5_000

const SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Event',
  namespace: 'weir.bench',
  fields: [
    { name: 'event_id', type: 'long' },
    { name: 'user_id', type: 'long' },
    { name: 'session_id', type: 'string' },
    { name: 'site', type: 'string' },
    { name: 'platform', type: { type: 'enum', name: 'Platform', symbols: ['IOS', 'ANDROID', 'PC', 'H5'] } },
    { name: 'category_id', type: 'int' },
    { name: 'url', type: 'string' },
    { name: 'price', type: 'double' },
    { name: 'quantity', type: 'int' },
    { name: 'is_new_user', type: 'boolean' },
    { name: 'activity', type: ['null', 'string'], default: null },
    { name: 'event_time', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
})

function event(i: number) {
  return {
    event_id: i,
    user_id: (i * 7919) % 1_000_000,
    session_id: `s-${i % 50_000}`,
    site: i % 3 === 0 ? 'vip.com' : 'm.vip.com',
    platform: ['IOS', 'ANDROID', 'PC', 'H5'][i % 4],
    category_id: i % 50,
    url: `/product/${i % 10_000}`,
    price: (i % 1000) / 10,
    quantity: 1 + (i % 3),
    is_new_user: i % 10 === 0,
    activity: i % 5 === 0 ? 'double-11' : null,
    event_time: 1_700_000_000_000 + i,
  }
}

/**
 * Reads RECORDS records; the steady rate leaves out the first batch, which carries the group join and,
 * for the SDK, resolving the dataset and opening its dead-letter topic.
 */
async function drain(batches: AsyncIterable<{ records: unknown[] }>) {
  const started = performance.now()
  let records = 0
  let firstBatch = { records: 0, millis: 0 }
  for await (const batch of batches) {
    records += batch.records.length
    if (firstBatch.records === 0) firstBatch = { records, millis: performance.now() - started }
    if (records >= RECORDS) break
  }
  const millis = performance.now() - started
  return {
    records,
    recordsPerSec: rate(records, millis),
    firstBatchMillis: Math.round(firstBatch.millis),
    steadyRecordsPerSec: rate(records - firstBatch.records, millis - firstBatch.millis),
  }
}

const broker = await benchmarkBroker()
const { token } = generateToken()
const server = await startServer({
  adminToken: token,
  database: { inMemory: true },
  host: '127.0.0.1',
  port: 0,
  logger: pino({ level: 'silent' }) as FastifyBaseLogger,
})
const topic = `bench-sdk-${Date.now()}`
try {
  const kafka = kafkaClient({ bootstrapServers: [broker.bootstrapServers] })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true })
  await admin.disconnect()
  await server.catalog.apply(
    readCatalogDocument({
      schemas: [{ subject: 'bench.event-value', schemaType: 'AVRO', schema: SCHEMA }],
      clusters: [
        {
          name: 'kafka-bench',
          system: 'kafka',
          properties: { 'bootstrap.servers': broker.bootstrapServers },
        },
      ],
      datasets: [
        {
          name: 'bench.event',
          kind: 'stream',
          value: { format: 'avro' },
          locations: { prod: [{ cluster: 'kafka-bench', topic }] },
        },
      ],
    }),
  )
  const udm = await connect({ url: server.url, token })
  const dataset = udm.dataset('bench.event')
  progress(`writing ${RECORDS} records through the SDK…`)
  const started = performance.now()
  for (let from = 0; from < RECORDS; from += BATCH) {
    await dataset.write(Array.from({ length: Math.min(BATCH, RECORDS - from) }, (_, i) => event(from + i)))
  }
  const produceMillis = performance.now() - started
  report({
    bench: 'client-roundtrip',
    operation: 'sdk-produce',
    records: RECORDS,
    recordsPerSec: rate(RECORDS, produceMillis),
  })

  // The raw reader goes first, so the SDK is not favoured by a broker that already has the log in memory.
  const raw = await KafkaReader.open(kafka, { topic, groupId: `bench-raw-${Date.now()}` })
  const rawResult = await drain(raw)
  await raw.close()
  report({ bench: 'client-roundtrip', operation: 'raw-consume', ...rawResult })
  const sdk = await drain(dataset.read({ group: `bench-sdk-${Date.now()}` }))
  report({ bench: 'client-roundtrip', operation: 'sdk-consume', ...sdk })
  report({
    bench: 'client-roundtrip',
    operation: 'sdk-vs-raw-consume',
    steadyRatio: Number((sdk.steadyRecordsPerSec / rawResult.steadyRecordsPerSec).toFixed(2)),
  })
  await udm.close()
} finally {
  await server.stop()
  await broker.close()
}
