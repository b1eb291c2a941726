/**
 * The client SDK's produce and consume throughput through a real broker, for a 12-field Avro record, next to
 * the bare kafkajs consumer on the same topic with the same fetch settings (it touches every value but does
 * not decode, and commits nothing).
 * With `--rounds N` both read the topic N times, alternating, each round with a ratio of its own: on a
 * shared machine, compare rates measured back to back.
 *   npx tsx bench/client-roundtrip.ts [--records N] [--rounds N]
 */
import { parseArgs } from 'node:util'
import type { FastifyBaseLogger } from 'fastify'
import type { Kafka } from 'kafkajs'
import { pino } from 'pino'
import { readCatalogDocument } from '../src/catalog/catalog-document.ts'
import { generateToken } from '../src/catalog/governance/tokens.ts'
import { connect } from '../src/client/index.ts'
import { kafkaClient } from '../src/connectors/kafka/client.ts'
import { consumerConfig } from '../src/connectors/kafka/reader.ts'
import { startServer } from '../src/server/serve.ts'
import { benchmarkBroker } from './lib/kafka-broker.ts'
import { progress, rate, report } from './lib/report.ts'

const { values } = parseArgs({
  options: { records: { type: 'string', default: '300000' }, rounds: { type: 'string', default: '1' } },
})
const RECORDS = Number(values.records)
const ROUNDS = Number(values.rounds)
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
 * Counts records as they arrive until RECORDS did. The steady rate leaves out the first batch, which carries
 * the group join and, for the SDK, resolving the dataset and opening its dead-letter topic; closing the
 * consumer afterwards is not counted. The process's CPU time per record over the same span is steadier than
 * rates on a machine that other work shares.
 */
function consumeMeter() {
  const started = performance.now()
  let records = 0
  let millis = 0
  let cpu = process.cpuUsage()
  let firstBatch = { records: 0, millis: 0, cpu }
  return {
    /** True once RECORDS records arrived. */
    add(count: number): boolean {
      records += count
      millis = performance.now() - started
      cpu = process.cpuUsage()
      if (firstBatch.records === 0) firstBatch = { records, millis, cpu }
      return records >= RECORDS
    },
    result() {
      const steadyRecords = records - firstBatch.records
      const cpuMicros = cpu.user - firstBatch.cpu.user + (cpu.system - firstBatch.cpu.system)
      return {
        records,
        recordsPerSec: rate(records, millis),
        firstBatchMillis: Math.round(firstBatch.millis),
        steadyRecordsPerSec: rate(steadyRecords, millis - firstBatch.millis),
        cpuMicrosPerRecord: Number((cpuMicros / steadyRecords).toFixed(2)),
      }
    },
  }
}

async function drainSdk(batches: AsyncIterable<{ records: unknown[] }>) {
  const meter = consumeMeter()
  for await (const batch of batches) {
    if (meter.add(batch.records.length)) break
  }
  return meter.result()
}

async function drainKafkajs(kafka: Kafka, topic: string) {
  const consumer = kafka.consumer(consumerConfig({ topic, groupId: `bench-raw-${Date.now()}` }))
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const meter = consumeMeter()
  let valueBytes = 0
  await new Promise<void>((done, failed) => {
    consumer.on(consumer.events.CRASH, (event) => failed(event.payload.error))
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          // Every value is touched, as by any consumer of the records; nothing is committed, so the baseline
          // does less than the SDK, never more.
          for (const message of batch.messages) valueBytes += message.value?.length ?? 0
          if (meter.add(batch.messages.length)) done()
        },
      })
      .catch(failed)
  })
  await consumer.disconnect()
  return { ...meter.result(), valueBytes }
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

  for (let round = 1; round <= ROUNDS; round++) {
    // The bare client goes first, so the SDK is not favoured by a broker that already has the log in memory.
    const raw = await drainKafkajs(kafka, topic)
    report({ bench: 'client-roundtrip', operation: 'kafkajs-consume', round, ...raw })
    const sdk = await drainSdk(dataset.read({ group: `bench-sdk-${Date.now()}` }))
    report({ bench: 'client-roundtrip', operation: 'sdk-consume', round, ...sdk })
    report({
      bench: 'client-roundtrip',
      operation: 'sdk-vs-kafkajs-consume',
      round,
      steadyRatio: Number((sdk.steadyRecordsPerSec / raw.steadyRecordsPerSec).toFixed(2)),
      cpuRatio: Number((raw.cpuMicrosPerRecord / sdk.cpuMicrosPerRecord).toFixed(2)),
    })
  }
  await udm.close()
} finally {
  await server.stop()
  await broker.close()
}
