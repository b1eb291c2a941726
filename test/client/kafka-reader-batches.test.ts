/**
 * How the Kafka reader under the SDK hands batches out. It fetches ahead of its caller, but only so far: a
 * caller that stops asking stops the fetches once `prefetchBatches` batches wait. It splits a fetch into
 * batches of at most `maxBatchRecords`. The group's position covers only the batches the caller processed,
 * never the prefetched ones (at-least-once).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Kafka } from 'kafkajs'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { kafkaClient } from '../../src/connectors/kafka/client.ts'
import { KafkaReader, type KafkaReaderOptions } from '../../src/connectors/kafka/reader.ts'
import { KafkaWriter } from '../../src/connectors/kafka/writer.ts'
import { freshTopic } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'

const SENDS = 10
const RECORDS_PER_SEND = 20

let kafka: Kafka

beforeAll(async () => {
  const { bootstrapServers } = await useService('kafka')
  kafka = kafkaClient({ bootstrapServers: [bootstrapServers] })
})

/** One partition of SENDS Kafka record batches of ~20 KB each: with 16 KiB fetches, one batch per fetch. */
async function topicOfSmallFetches(): Promise<{ options: KafkaReaderOptions; values: string[] }> {
  const topic = await freshTopic(kafka, 'prefetch')
  const writer = await KafkaWriter.open(kafka, { topic })
  const values: string[] = []
  try {
    for (let send = 0; send < SENDS; send++) {
      const records = Array.from({ length: RECORDS_PER_SEND }, (_, i) => ({
        value: `${send * RECORDS_PER_SEND + i}:${'x'.repeat(1_000)}`,
      }))
      await writer.send(records)
      values.push(...records.map((record) => record.value))
    }
  } finally {
    await writer.close()
  }
  return {
    options: { topic, groupId: `${topic}-group`, maxBytesPerPartition: 16 << 10, prefetchBatches: 2 },
    values,
  }
}

async function committedOffset(groupId: string, topic: string): Promise<string | undefined> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] })
    return offsets?.partitions[0]?.offset
  } finally {
    await admin.disconnect()
  }
}

/** The values of each batch, through either way of iterating the reader: records, or kafkajs' messages. */
async function* valueBatches(reader: KafkaReader, api: 'records' | 'messages'): AsyncGenerator<string[]> {
  if (api === 'records') {
    for await (const batch of reader) yield batch.records.map((record) => String(record.value))
  } else {
    for await (const batch of reader.messageBatches())
      yield batch.messages.map((message) => String(message.value))
  }
}

describe('Kafka reader batches', () => {
  it('holds at most prefetchBatches batches for a caller that stopped, and commits only processed ones', async () => {
    const { options, values } = await topicOfSmallFetches()
    const reader = await KafkaReader.open(kafka, options)
    const read: string[] = []
    try {
      const batches = reader[Symbol.asyncIterator]()
      const first = await batches.next()
      if (first.done) throw new Error('the reader ended before the first batch')
      read.push(...first.value.records.map((record) => String(record.value)))
      // The caller stops: the fetch loop runs ahead until the queue is full, then waits.
      await vi.waitFor(() => expect(reader.prefetchedBatches).toBe(2), { timeout: 10_000 })
      await sleep(1_000)
      expect(reader.prefetchedBatches).toBe(2)

      await reader.commit()
      const processed = first.value.records.at(-1)?.offset
      expect(await committedOffset(options.groupId, options.topic)).toBe(String(Number(processed) + 1))

      while (read.length < values.length) {
        const next = await batches.next()
        if (next.done) break
        expect(reader.prefetchedBatches).toBeLessThanOrEqual(2)
        read.push(...next.value.records.map((record) => String(record.value)))
      }
    } finally {
      await reader.close()
    }
    expect(read).toEqual(values)
  })

  it('resumes a group after the processed batches, not after the prefetched ones', async () => {
    const { options, values } = await topicOfSmallFetches()
    const first = await KafkaReader.open(kafka, options)
    let processed = 0
    try {
      for await (const batch of first) {
        processed += batch.records.length
        await sleep(200) // slow work: the reader prefetches meanwhile
        if (processed >= 2 * RECORDS_PER_SEND) break
      }
      await first.commit()
    } finally {
      await first.close()
    }
    const again = await KafkaReader.open(kafka, options)
    const resumed: string[] = []
    try {
      for await (const batch of again) {
        resumed.push(...batch.records.map((record) => String(record.value)))
        if (resumed.length >= values.length - processed) break
      }
    } finally {
      await again.close()
    }
    expect(resumed).toEqual(values.slice(processed))
  })

  it.each(['records', 'messages'] as const)(
    'splits a fetch into batches of at most maxBatchRecords, and commits only those handed out (%s)',
    async (api) => {
      const topic = await freshTopic(kafka, 'split')
      const writer = await KafkaWriter.open(kafka, { topic })
      const values = Array.from({ length: 250 }, (_, i) => `v-${i}`)
      try {
        await writer.send(values.map((value) => ({ value })))
      } finally {
        await writer.close()
      }
      const groupId = `${topic}-group`
      const reader = await KafkaReader.open(kafka, { topic, groupId, maxBatchRecords: 100 })
      const sizes: number[] = []
      const read: string[] = []
      try {
        for await (const batch of valueBatches(reader, api)) {
          sizes.push(batch.length)
          read.push(...batch)
          if (sizes.length === 1) {
            await reader.commit()
            expect(await committedOffset(groupId, topic)).toBe('100')
          }
          if (read.length >= values.length) break
        }
      } finally {
        await reader.close()
      }
      expect(sizes).toEqual([100, 100, 50])
      expect(read).toEqual(values)
    },
  )
})
