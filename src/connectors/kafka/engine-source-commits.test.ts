/**
 * Offsets a Kafka source commits when the engine's checkpoints complete: the checkpoint's own positions,
 * to the table's group id, from every subtask of a parallel job.
 */
import type { Kafka } from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { freshTopic } from '../../../test/harness/kafka.ts'
import { useService } from '../../../test/harness/services.ts'
import { CollectSink } from '../../engine/memory/collect-sink.ts'
import { PipelineBuilder } from '../../engine/pipeline-builder.ts'
import { openSource } from '../engine/factory.ts'
import { kafkaTestTable } from '../engine/kafka-testing.ts'
import { kafkaClient } from './client.ts'
import { KafkaWriter } from './writer.ts'

describe('kafka source commits on checkpoint completion', () => {
  let kafka: Kafka
  let bootstrapServers: string
  beforeAll(async () => {
    bootstrapServers = (await useService('kafka')).bootstrapServers
    kafka = kafkaClient({ bootstrapServers: [bootstrapServers] })
  })

  async function committed(groupId: string, topic: string): Promise<string[]> {
    const admin = kafka.admin()
    await admin.connect()
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] })
      return (offsets?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => p.offset)
    } finally {
      await admin.disconnect()
    }
  }

  it('each subtask of a parallel job commits its checkpointed positions to the table group', async () => {
    const topic = await freshTopic(kafka, 'checkpoint-commit', 2)
    const writer = await KafkaWriter.open(kafka, { topic })
    await writer.send(
      [0, 1].flatMap((partition) =>
        Array.from({ length: 5 }, (_, i) => ({ partition, value: JSON.stringify({ id: i }) })),
      ),
    )
    await writer.close()
    const groupId = `${topic}-group`
    // Auto commit on: with checkpoints taken, only completed checkpoints commit (none happens periodically).
    const table = kafkaTestTable(bootstrapServers, topic, {
      'properties.group.id': groupId,
      'properties.enable.auto.commit': 'true',
    })
    const positions: unknown[] = []
    for (const index of [0, 1]) {
      const source = await openSource(table, [0], { subtask: { index, count: 2 } })
      const builder = new PipelineBuilder()
      const sink = new CollectSink()
      builder.sink('out', sink, builder.source('events', source))
      const pipeline = builder.build()
      const running = pipeline.run()
      const deadline = Date.now() + 30_000
      while (sink.rows.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      const checkpoint = await pipeline.triggerCheckpoint()
      positions.push((checkpoint.snapshots.get('events') as { position: unknown }).position)
      pipeline.cancel()
      await running
    }
    expect(positions).toEqual([[[0, '5']], [[1, '5']]])
    expect(await committed(groupId, topic)).toEqual(['5', '5'])
  }, 60_000)
})
