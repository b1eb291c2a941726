/**
 * Kafka sources behave as Flink's KafkaSource: a source assigns itself every partition, so jobs sharing a
 * group id each read the whole topic; the group id only names where offsets are committed, and
 * 'group-offsets' starts from them or, without any, follows 'properties.auto.offset.reset'.
 */
import type { Kafka, Message } from 'kafkajs'
import { beforeAll, describe, expect, it } from 'vitest'
import { type JobResult, runJob } from '../../src/sql/job/index.ts'
import { freshTopic, testKafka } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'

describe('Kafka source partitions and group offsets', () => {
  let kafka: Kafka
  let bootstrapServers: string
  beforeAll(async () => {
    bootstrapServers = (await useService('kafka')).bootstrapServers
    kafka = await testKafka()
  })

  /** `count` JSON records on each of `partitions`, ids from `firstId`. */
  async function produce(topic: string, partitions: number, count: number, firstId = 0): Promise<void> {
    const producer = kafka.producer()
    await producer.connect()
    try {
      const messages: Message[] = []
      for (let partition = 0; partition < partitions; partition++) {
        for (let i = 0; i < count; i++) {
          messages.push({ partition, value: JSON.stringify({ id: firstId + partition * count + i }) })
        }
      }
      await producer.send({ topic, messages })
    } finally {
      await producer.disconnect()
    }
  }

  function script(topic: string, options: Record<string, string>): string {
    const withOptions = Object.entries(options)
      .map(([name, value]) => `, '${name}' = '${value}'`)
      .join('')
    return `
      CREATE TEMPORARY TABLE events (id BIGINT)
      WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrapServers}',
            'format' = 'json'${withOptions});
      CREATE TEMPORARY TABLE sink (id BIGINT) WITH ('connector' = 'blackhole');
      INSERT INTO sink SELECT id FROM events;`
  }

  /** A job over `topic` that ends by itself at the end the topic had when it started. */
  function boundedRun(topic: string, options: Record<string, string>): Promise<JobResult> {
    return runJob({ script: script(topic, { 'scan.bounded.mode': 'latest-offset', ...options }) })
  }

  async function committedOffsets(groupId: string, topic: string): Promise<string[]> {
    const admin = kafka.admin()
    await admin.connect()
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
      return (committed?.partitions ?? [])
        .sort((a, b) => a.partition - b.partition)
        .map(({ offset }) => offset)
    } finally {
      await admin.disconnect()
    }
  }

  it('two concurrent jobs with the same group id each read every partition of a 4-partition topic', async () => {
    const topic = await freshTopic(kafka, 'same-group', 4)
    const options = { 'properties.group.id': `${topic}-shared`, 'scan.startup.mode': 'earliest-offset' }
    const seen = [0, 0]
    const stop = new AbortController()
    const jobs = [0, 1].map((job) =>
      runJob({
        script: script(topic, options),
        signal: stop.signal,
        progressIntervalMs: 20,
        onProgress: ({ recordsIn }) => {
          seen[job] = recordsIn
        },
      }),
    )
    try {
      // Both jobs are up (and, as group members, would have split the partitions) before records arrive.
      await new Promise((resolve) => setTimeout(resolve, 3_000))
      await produce(topic, 4, 100)
      const deadline = Date.now() + 30_000
      while (seen.some((count) => count < 400) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      // A little longer: a job that read more than the topic holds would show it now.
      await new Promise((resolve) => setTimeout(resolve, 500))
    } finally {
      stop.abort()
    }
    const results = await Promise.all(jobs)
    expect(results.map((result) => result.recordsIn)).toEqual([400, 400])
  }, 60_000)

  it('a rerun of a group-offsets job with auto commit resumes where the last run committed', async () => {
    const topic = await freshTopic(kafka, 'resume', 2)
    const groupId = `${topic}-resuming`
    const options = {
      'properties.group.id': groupId,
      'properties.enable.auto.commit': 'true',
      'properties.auto.commit.interval.ms': '100',
    }
    await produce(topic, 2, 30)
    expect((await boundedRun(topic, options)).recordsIn).toBe(60)
    // Kafka's own admin API sees the commits: the next offset of each partition.
    expect(await committedOffsets(groupId, topic)).toEqual(['30', '30'])

    await produce(topic, 2, 5, 1_000)
    expect((await boundedRun(topic, options)).recordsIn).toBe(10)
    expect(await committedOffsets(groupId, topic)).toEqual(['35', '35'])
  }, 60_000)

  it('without auto commit and without checkpoints nothing is committed, so a rerun reads everything again', async () => {
    const topic = await freshTopic(kafka, 'no-commit', 2)
    const groupId = `${topic}-group`
    await produce(topic, 2, 10)
    expect((await boundedRun(topic, { 'properties.group.id': groupId })).recordsIn).toBe(20)
    expect(await committedOffsets(groupId, topic)).toEqual(['-1', '-1'])
    expect((await boundedRun(topic, { 'properties.group.id': groupId })).recordsIn).toBe(20)
  }, 60_000)

  it("group-offsets without committed offsets follows 'properties.auto.offset.reset'", async () => {
    const topic = await freshTopic(kafka, 'reset', 2)
    await produce(topic, 2, 15)
    const fresh = (reset: string) => ({
      'properties.group.id': `${topic}-${reset}`,
      'properties.auto.offset.reset': reset,
    })
    expect((await boundedRun(topic, fresh('earliest'))).recordsIn).toBe(30)
    expect((await boundedRun(topic, fresh('latest'))).recordsIn).toBe(0)
    await expect(boundedRun(topic, fresh('none'))).rejects.toThrow(
      /committed no offset for partitions 0, 1 .*'properties.auto.offset.reset' is 'none'/,
    )
  }, 60_000)

  it("rejects 'scan.topic-partition-discovery.interval', which Weir does not honour", async () => {
    const topic = await freshTopic(kafka, 'discovery', 1)
    await expect(boundedRun(topic, { 'scan.topic-partition-discovery.interval': '10 s' })).rejects.toThrow(
      /'scan.topic-partition-discovery.interval' = '10 s' is not supported/,
    )
  }, 60_000)
})
