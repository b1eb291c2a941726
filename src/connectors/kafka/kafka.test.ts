import type { Kafka } from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { freshTopic } from '../../../test/harness/kafka.ts'
import { useService } from '../../../test/harness/services.ts'
import { kafkaClient } from './client.ts'
import { KafkaReader, type KafkaReaderOptions } from './reader.ts'
import { KafkaWriter } from './writer.ts'

/** Reads until `count` records arrived, then closes the reader (committing first when asked). */
async function readRecords(kafka: Kafka, options: KafkaReaderOptions, count: number, commit = false) {
  const reader = await KafkaReader.open(kafka, options)
  const values: string[] = []
  try {
    for await (const batch of reader) {
      for (const record of batch.records) values.push(String(record.value))
      if (values.length >= count) break
    }
    if (commit) await reader.commit()
  } finally {
    await reader.close()
  }
  return values
}

describe('Kafka reader and writer', () => {
  let kafka: Kafka
  beforeAll(async () => {
    const { bootstrapServers } = await useService('kafka')
    kafka = kafkaClient({ bootstrapServers: [bootstrapServers] })
  })

  it('writes and reads back every record in order per partition, and resumes from committed offsets', async () => {
    const topic = await freshTopic(kafka, 'reader', 3)
    const writer = await KafkaWriter.open(kafka, { topic })
    const first = Array.from({ length: 3000 }, (_, i) => ({ value: `a-${i}`, partition: i % 3 }))
    await writer.send(first)

    const group = `${topic}-group`
    const firstRead = await readRecords(kafka, { topic, groupId: group }, first.length, true)
    expect(firstRead.sort()).toEqual(first.map((record) => record.value).sort())
    for (const partition of [0, 1, 2]) {
      const inPartition = firstRead.filter((value) => Number(value.slice(2)) % 3 === partition)
      expect(inPartition.length).toBe(1000)
    }

    await writer.send([
      { value: 'b-0', partition: 0 },
      { value: 'b-1', partition: 1 },
    ])
    await writer.close()
    const resumed = await readRecords(kafka, { topic, groupId: group }, 2)
    expect(resumed.sort()).toEqual(['b-0', 'b-1'])
  })

  it('reads from the earliest offset regardless of committed group offsets', async () => {
    const topic = await freshTopic(kafka, 'earliest')
    const writer = await KafkaWriter.open(kafka, { topic })
    await writer.send([{ value: 'one' }, { value: 'two' }])
    await writer.close()
    const group = `${topic}-group`
    await readRecords(kafka, { topic, groupId: group }, 2, true)
    const again = await readRecords(kafka, { topic, groupId: group, startup: { mode: 'earliest-offset' } }, 2)
    expect(again).toEqual(['one', 'two'])
  })

  it('reads from a timestamp', async () => {
    const topic = await freshTopic(kafka, 'timestamp')
    const writer = await KafkaWriter.open(kafka, { topic })
    await writer.send([
      { value: 'old', timestamp: 1_000_000 },
      { value: 'new', timestamp: 2_000_000 },
    ])
    await writer.close()
    const values = await readRecords(
      kafka,
      { topic, groupId: `${topic}-g`, startup: { mode: 'timestamp', timestampMillis: 1_500_000 } },
      1,
    )
    expect(values).toEqual(['new'])
  })

  it('keeps a transactional writer invisible until commit and discards aborted records', async () => {
    const topic = await freshTopic(kafka, 'txwriter')
    const writer = await KafkaWriter.open(kafka, { topic, transactionalId: `${topic}-tx` })
    await writer.send([{ value: 'discarded' }])
    await writer.abort()
    await writer.send([{ value: 'kept-1' }])
    await writer.send([{ value: 'kept-2' }])
    await writer.commit()
    await writer.close()
    const values = await readRecords(kafka, { topic, groupId: `${topic}-g` }, 2)
    expect(values).toEqual(['kept-1', 'kept-2'])
  })
})
