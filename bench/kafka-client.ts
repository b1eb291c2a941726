/**
 * Produces and consumes RECORDS (default 1M) 200-byte records through a real broker with each Kafka client
 * candidate, plain and transactional, and prints one JSON line per client and operation.
 *   npx tsx bench/kafka-client.ts [--records N] [--only platformatic|kafkajs]
 */
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { Admin, Consumer, Producer } from '@platformatic/kafka'
import { Kafka, logLevel } from 'kafkajs'
import { benchmarkBroker } from './lib/kafka-broker.ts'
import { progress, rate, report } from './lib/report.ts'

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    'batch-size': { type: 'string', default: '2000' },
    'in-flight': { type: 'string', default: '8' },
  },
})
const RECORDS = Number(values.records)
const BATCH = Number(values['batch-size'])
const IN_FLIGHT = Number(values['in-flight'])
const RECORD_BYTES = 200
const PARTITIONS = 4
const TRANSACTION_RECORDS = 50_000

const payloads = Array.from({ length: 1024 }, () => randomBytes(RECORD_BYTES))
const payloadAt = (i: number): Buffer => payloads[i % payloads.length]!

/** Runs `sendBatch` over all records with a bounded number of batches in flight. */
async function pipelined(
  total: number,
  sendBatch: (from: number, to: number) => Promise<unknown>,
): Promise<void> {
  let next = 0
  async function lane(): Promise<void> {
    while (next < total) {
      const from = next
      next = Math.min(total, next + BATCH)
      await sendBatch(from, next)
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane))
}

function measure(client: string, operation: string, records: number, millis: number): void {
  report({
    bench: 'kafka-client',
    client,
    operation,
    records,
    recordBytes: RECORD_BYTES,
    seconds: Number((millis / 1000).toFixed(2)),
    msgsPerSec: rate(records, millis),
    mbPerSec: Number(((rate(records, millis) * RECORD_BYTES) / 1e6).toFixed(1)),
  })
}

async function platformatic(bootstrap: string): Promise<void> {
  const topic = `bench-platformatic-${Date.now()}`
  const admin = new Admin({ clientId: 'bench', bootstrapBrokers: [bootstrap] })
  await admin.createTopics({ topics: [topic, `${topic}-tx`], partitions: PARTITIONS, replicas: 1 })
  await admin.close()

  const producer = new Producer({ clientId: 'bench', bootstrapBrokers: [bootstrap], acks: -1 })
  let started = performance.now()
  await pipelined(RECORDS, (from, to) => {
    const messages = []
    for (let i = from; i < to; i++) messages.push({ topic, partition: i % PARTITIONS, value: payloadAt(i) })
    return producer.send({ messages })
  })
  measure('@platformatic/kafka', 'produce', RECORDS, performance.now() - started)
  await producer.close()

  const transactional = new Producer({
    clientId: 'bench-tx',
    bootstrapBrokers: [bootstrap],
    idempotent: true,
    transactionalId: `bench-tx-${Date.now()}`,
    acks: -1,
  })
  started = performance.now()
  for (let base = 0; base < RECORDS; base += TRANSACTION_RECORDS) {
    const transaction = await transactional.beginTransaction()
    const end = Math.min(RECORDS, base + TRANSACTION_RECORDS)
    for (let from = base; from < end; from += BATCH) {
      const messages = []
      for (let i = from; i < Math.min(end, from + BATCH); i++) {
        messages.push({ topic: `${topic}-tx`, partition: i % PARTITIONS, value: payloadAt(i) })
      }
      await transaction.send({ messages })
    }
    await transaction.commit()
  }
  measure('@platformatic/kafka', 'produce-transactional', RECORDS, performance.now() - started)
  await transactional.close()

  const consumer = new Consumer({
    clientId: 'bench',
    groupId: `bench-${Date.now()}`,
    bootstrapBrokers: [bootstrap],
  })
  started = performance.now()
  const stream = await consumer.consume({
    topics: [topic],
    mode: 'earliest',
    autocommit: false,
    maxBytes: 8 << 20,
  })
  let received = 0
  let checksum = 0
  for await (const message of stream) {
    checksum = (checksum + (message.value as Buffer)[0]!) | 0
    if (++received === RECORDS) break
  }
  measure('@platformatic/kafka', 'consume', received, performance.now() - started)
  await stream.close()
  await consumer.close(true)
}

async function kafkajs(bootstrap: string): Promise<void> {
  const topic = `bench-kafkajs-${Date.now()}`
  const kafka = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.ERROR })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: [
      { topic, numPartitions: PARTITIONS },
      { topic: `${topic}-tx`, numPartitions: PARTITIONS },
    ],
  })
  await admin.disconnect()

  const producer = kafka.producer()
  await producer.connect()
  let started = performance.now()
  await pipelined(RECORDS, (from, to) => {
    const messages = []
    for (let i = from; i < to; i++) messages.push({ partition: i % PARTITIONS, value: payloadAt(i) })
    return producer.send({ topic, acks: -1, messages })
  })
  measure('kafkajs', 'produce', RECORDS, performance.now() - started)
  await producer.disconnect()

  const transactional = kafka.producer({
    transactionalId: `bench-tx-${Date.now()}`,
    idempotent: true,
    maxInFlightRequests: 1,
  })
  await transactional.connect()
  started = performance.now()
  for (let base = 0; base < RECORDS; base += TRANSACTION_RECORDS) {
    const transaction = await transactional.transaction()
    const end = Math.min(RECORDS, base + TRANSACTION_RECORDS)
    for (let from = base; from < end; from += BATCH) {
      const messages = []
      for (let i = from; i < Math.min(end, from + BATCH); i++) {
        messages.push({ partition: i % PARTITIONS, value: payloadAt(i) })
      }
      await transaction.send({ topic: `${topic}-tx`, messages })
    }
    await transaction.commit()
  }
  measure('kafkajs', 'produce-transactional', RECORDS, performance.now() - started)
  await transactional.disconnect()

  const consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxBytes: 8 << 20 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  started = performance.now()
  let received = 0
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        received += batch.messages.length
        if (received >= RECORDS) resolve()
      },
    })
  })
  measure('kafkajs', 'consume', received, performance.now() - started)
  await consumer.disconnect()
}

const broker = await benchmarkBroker()
try {
  for (const [name, run] of [
    ['platformatic', platformatic],
    ['kafkajs', kafkajs],
  ] as const) {
    if (values.only && values.only !== name) continue
    progress(`${name}: ${RECORDS} records of ${RECORD_BYTES} bytes…`)
    await run(broker.bootstrapServers)
  }
} finally {
  await broker.close()
}
