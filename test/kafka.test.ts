import { createHash } from 'node:crypto'
import type { Consumer, Kafka } from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { freshTopic, testKafka } from './harness/kafka.ts'

/** Consumes from the beginning until `expected` records arrived or `timeoutMs` passed; returns the values. */
async function consumeAll(
  kafka: Kafka,
  topic: string,
  options: { expected: number; timeoutMs: number; readCommitted?: boolean },
): Promise<Buffer[]> {
  const consumer: Consumer = kafka.consumer({
    groupId: `${topic}-reader-${Date.now()}`,
    readUncommitted: !options.readCommitted,
    maxBytes: 8 << 20,
  })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const values: Buffer[] = []
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.timeoutMs)
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) values.push(message.value ?? Buffer.alloc(0))
          if (values.length >= options.expected) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
  } finally {
    await consumer.disconnect()
  }
  return values
}

function record(i: number): Buffer {
  return Buffer.from(`record-${i.toString().padStart(7, '0')}-${'x'.repeat(180)}`)
}

function checksum(values: Buffer[]): string {
  const sorted = values.map((value) => value.toString()).sort()
  const hash = createHash('sha256')
  for (const value of sorted) hash.update(value)
  return hash.digest('hex')
}

describe('Kafka broker from the harness', () => {
  let kafka: Kafka
  beforeAll(async () => {
    kafka = await testKafka()
  })

  it('round-trips 100k records with matching count and checksum', async () => {
    const topic = await freshTopic(kafka, 'roundtrip', 4)
    const producer = kafka.producer()
    await producer.connect()
    const total = 100_000
    const sent: Buffer[] = []
    try {
      for (let from = 0; from < total; from += 5_000) {
        const batch = Array.from({ length: 5_000 }, (_, offset) => record(from + offset))
        sent.push(...batch)
        await producer.send({
          topic,
          acks: -1,
          messages: batch.map((value, i) => ({ value, partition: i % 4 })),
        })
      }
    } finally {
      await producer.disconnect()
    }
    const received = await consumeAll(kafka, topic, { expected: total, timeoutMs: 45_000 })
    expect(received.length).toBe(total)
    expect(checksum(received)).toBe(checksum(sent))
  })

  describe('transactions', () => {
    let topic: string
    beforeAll(async () => {
      topic = await freshTopic(kafka, 'transactions')
      const producer = kafka.producer({
        transactionalId: `weir-test-${topic}`,
        idempotent: true,
        maxInFlightRequests: 1,
      })
      await producer.connect()
      try {
        const aborted = await producer.transaction()
        await aborted.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] })
        await aborted.abort()
        const committed = await producer.transaction()
        await committed.send({ topic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] })
        await committed.commit()
      } finally {
        await producer.disconnect()
      }
    })

    it('hides an aborted transaction from a read_committed consumer and shows the committed one', async () => {
      const values = await consumeAll(kafka, topic, { expected: 2, timeoutMs: 20_000, readCommitted: true })
      expect(values.map(String)).toEqual(['committed-1', 'committed-2'])
    })

    it('shows both transactions to a read_uncommitted consumer (so the abort really reached the log)', async () => {
      const values = await consumeAll(kafka, topic, { expected: 4, timeoutMs: 20_000 })
      expect(values.map(String).sort()).toEqual(['aborted-1', 'aborted-2', 'committed-1', 'committed-2'])
    })
  })
})
