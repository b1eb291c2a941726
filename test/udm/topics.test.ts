/**
 * Topics (issue #17): `weir topic create|list|describe|delete` by logical name (the catalog's partitions and
 * replication) or by topic name on a catalog cluster, `weir catalog apply --create-topics`, and writers that
 * fail at once, naming the topic and the command, when their topic does not exist: `weir data produce` and
 * a SQL job's Kafka sink. Against the harness's real broker and a real UDM server with its grants.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kafka } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCatalogDocument } from '../../src/catalog/catalog-document.ts'
import { runJob } from '../../src/sql/job/index.ts'
import { testKafka } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'
import { kafkaTestCluster, startTestUdm, type TestUdm } from '../harness/udm-server.ts'
import { weir } from '../harness/weir-cli.ts'
import { unique } from './helpers.ts'

const EVENT_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Event',
  namespace: 'weir.topics',
  fields: [
    { name: 'user_id', type: 'long' },
    { name: 'url', type: 'string' },
  ],
})

let bootstrapServers: string
let kafka: Kafka
let udmServer: TestUdm
let dir: string
const topics = {
  events: unique('events-'),
  source: unique('source-'),
  missing: unique('missing-'),
  sinkMissing: unique('sink-missing-'),
  sqlSource: unique('sql-source-'),
}

function kafkaDataset(name: string, topic: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    kind: 'stream',
    value: { format: 'avro' },
    locations: { prod: [{ cluster: 'kafka-test', topic, ...extra }] },
  }
}

function asAdmin(...args: string[]) {
  return weir(...args, '--url', udmServer.server.url, '--token', udmServer.adminToken)
}

async function partitionsOf(topic: string): Promise<number> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const {
      topics: [metadata],
    } = await admin.fetchTopicMetadata({ topics: [topic] })
    return metadata!.partitions.length
  } finally {
    await admin.disconnect()
  }
}

async function topicExists(topic: string): Promise<boolean> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    return (await admin.listTopics()).includes(topic)
  } finally {
    await admin.disconnect()
  }
}

beforeAll(async () => {
  ;({ bootstrapServers } = await useService('kafka'))
  kafka = await testKafka()
  dir = await mkdtemp(join(tmpdir(), 'weir-topics-'))
  udmServer = await startTestUdm(
    readCatalogDocument({
      schemas: [
        { subject: 'topics.events-value', schemaType: 'AVRO', schema: EVENT_SCHEMA },
        { subject: 'topics.source-value', schemaType: 'AVRO', schema: EVENT_SCHEMA },
        { subject: 'topics.missing-value', schemaType: 'AVRO', schema: EVENT_SCHEMA },
        { subject: 'topics.sink_missing-value', schemaType: 'AVRO', schema: EVENT_SCHEMA },
        { subject: 'topics.sql_source-value', schemaType: 'AVRO', schema: EVENT_SCHEMA },
      ],
      clusters: [kafkaTestCluster(bootstrapServers)],
      datasets: [
        kafkaDataset('topics.events', topics.events, { partitions: 3, replicationFactor: 1 }),
        kafkaDataset('topics.source', topics.source),
        kafkaDataset('topics.missing', topics.missing),
        kafkaDataset('topics.sink_missing', topics.sinkMissing),
        kafkaDataset('topics.sql_source', topics.sqlSource),
      ],
    }),
  )
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic: topics.sqlSource }], waitForLeaders: true })
  } finally {
    await admin.disconnect()
  }
})

afterAll(async () => {
  await udmServer?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('weir topic', () => {
  it("creates, lists, describes and deletes a dataset's topic with the catalog's partitions", async () => {
    const created = await asAdmin('topic', 'create', 'topics.events')
    expect(created.err).toBe('')
    expect(created.out).toContain(
      `created topics.events: ${topics.events} on kafka-test (3 partitions, replication 1)`,
    )
    expect(await partitionsOf(topics.events)).toBe(3)

    const again = await asAdmin('topic', 'create', 'topics.events')
    expect(again.out).toContain(`exists  topics.events: ${topics.events} on kafka-test`)

    const listed = await asAdmin('topic', 'list', '--cluster', 'kafka-test')
    expect(listed.out.split('\n')).toContain(`kafka-test\t${topics.events}`)

    const described = await asAdmin('topic', 'describe', 'topics.events', '--json')
    const [description] = JSON.parse(described.out) as Array<{
      partitions: unknown[]
      replicationFactor: number
    }>
    expect(description!.partitions).toHaveLength(3)
    expect(description!.replicationFactor).toBe(1)

    const deleted = await asAdmin('topic', 'delete', 'topics.events')
    expect(deleted.out).toContain(`deleted topics.events: ${topics.events} on kafka-test`)
    await expect.poll(() => topicExists(topics.events), { timeout: 15_000 }).toBe(false)

    const gone = await asAdmin('topic', 'describe', 'topics.events')
    expect(gone.exitCode).toBe(1)
    expect(gone.err).toContain(`topic "${topics.events}" does not exist on cluster kafka-test`)
  })

  it('creates and deletes a topic named directly on a catalog cluster', async () => {
    const raw = unique('raw-')
    const created = await asAdmin('topic', 'create', raw, '--cluster', 'kafka-test', '--partitions', '2')
    expect(created.err).toBe('')
    expect(await partitionsOf(raw)).toBe(2)
    expect((await asAdmin('topic', 'delete', raw, '--cluster', 'kafka-test')).exitCode).toBe(0)
    await expect.poll(() => topicExists(raw), { timeout: 15_000 }).toBe(false)
  })

  it('takes editor on the dataset and on its cluster to create its topic', async () => {
    const { governance } = udmServer.server.catalog
    await governance.createPrincipal({ name: 'topic-editor', kind: 'service' }, 'admin')
    const { token } = await governance.createToken('topic-editor', {}, 'admin')
    const grantee = { kind: 'principal' as const, name: 'topic-editor' }
    await governance.addGrant({ grantee, role: 'editor', scope: 'topics.source' }, 'admin')
    const create = () =>
      weir('topic', 'create', 'topics.source', '--url', udmServer.server.url, '--token', token)

    const refused = await create()
    expect(refused.exitCode).toBe(1)
    expect(refused.err).toContain('Forbidden')
    expect(await topicExists(topics.source)).toBe(false)
    const denials = await governance.queryAudit({
      principal: 'topic-editor',
      result: 'denied',
      order: 'desc',
      limit: 10,
    })
    expect(denials.map((record) => [record.action, record.resource])).toContainEqual([
      'cluster.use',
      'cluster:kafka-test',
    ])

    await governance.addGrant({ grantee, role: 'editor', scope: 'cluster:kafka-test' }, 'admin')
    const allowed = await create()
    expect(allowed.err).toBe('')
    expect(await topicExists(topics.source)).toBe(true)
    // Deleting takes owner on the dataset: the records go with the topic.
    const deletion = await weir(
      'topic',
      'delete',
      'topics.source',
      '--url',
      udmServer.server.url,
      '--token',
      token,
    )
    expect(deletion.exitCode).toBe(1)
    expect(await topicExists(topics.source)).toBe(true)
  })
})

describe('weir catalog apply --create-topics', () => {
  it("creates every Kafka dataset's topic with its partitions, and skips datasets without one", async () => {
    const first = unique('applied-a-')
    const second = unique('applied-b-')
    const file = join(dir, 'catalog.yaml')
    await writeFile(
      file,
      JSON.stringify({
        clusters: [
          kafkaTestCluster(bootstrapServers),
          { name: 'redis-test', system: 'redis', properties: { url: 'redis://127.0.0.1:6379' } },
        ],
        datasets: [
          { ...kafkaDataset('applied.first', first, { partitions: 2 }), value: { format: 'json' } },
          { ...kafkaDataset('applied.second', second, { partitions: 4 }), value: { format: 'json' } },
          {
            name: 'applied.lookup',
            kind: 'kv',
            value: { format: 'json' },
            primaryKey: ['id'],
            locations: { prod: [{ cluster: 'redis-test', keyPattern: 'applied:{id}', dataType: 'string' }] },
          },
        ],
      }),
    )
    const run = await asAdmin('catalog', 'apply', file, '--create-topics')
    expect(run.err).toBe('')
    expect(run.out).toContain(`created applied.first: ${first} on kafka-test (2 partitions)`)
    expect(run.out).toContain(`created applied.second: ${second} on kafka-test (4 partitions)`)
    expect(await partitionsOf(first)).toBe(2)
    expect(await partitionsOf(second)).toBe(4)

    const again = await asAdmin('catalog', 'apply', file, '--create-topics')
    expect(again.out).toContain(`exists  applied.first: ${first} on kafka-test`)
  })
})

describe('weir topic on the embedded catalog (no --url)', () => {
  it('creates and describes a dataset topic from the data directory, with this process talking to Kafka', async () => {
    const topic = unique('embedded-')
    const dataDir = join(dir, 'embedded-catalog')
    const file = join(dir, 'embedded.yaml')
    await writeFile(
      file,
      JSON.stringify({
        clusters: [kafkaTestCluster(bootstrapServers)],
        datasets: [{ ...kafkaDataset('local.events', topic, { partitions: 2 }), value: { format: 'json' } }],
      }),
    )
    expect((await weir('catalog', 'apply', file, '--data-dir', dataDir)).exitCode).toBe(0)
    const created = await weir('topic', 'create', 'local.events', '--data-dir', dataDir)
    expect(created.err).toBe('')
    expect(created.out).toContain(`created local.events: ${topic} on kafka-test (2 partitions)`)
    expect(await partitionsOf(topic)).toBe(2)
    const described = await weir('topic', 'describe', 'local.events', '--data-dir', dataDir)
    expect(described.out).toContain(`local.events: ${topic} on kafka-test: 2 partitions, replication 1`)
  })
})

describe('writing to a dataset whose topic does not exist', () => {
  const expected = (topic: string, dataset: string, cluster: string) =>
    `topic "${topic}" does not exist on cluster ${cluster}: create it with \`weir topic create ${dataset}\` (or weir catalog apply --create-topics)`

  it('weir data produce fails at once, naming the topic and the command', async () => {
    const file = join(dir, 'records.jsonl')
    await writeFile(file, `${JSON.stringify({ user_id: 1, url: '/a' })}\n`)
    const started = Date.now()
    const run = await asAdmin('data', 'produce', 'topics.missing', '--file', file)
    expect(run.exitCode).toBe(1)
    expect(run.err).toContain(expected(topics.missing, 'topics.missing', 'kafka-test'))
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(await topicExists(topics.missing)).toBe(false)
  })

  it('a SQL job fails at start when its sink topic is missing, not after retries', async () => {
    const resolver = udmServer.resolver()
    const controller = new AbortController()
    const started = Date.now()
    const job = runJob({
      script: 'INSERT INTO topics.sink_missing SELECT user_id, url FROM topics.sql_source',
      resolver,
      connectorContext: resolver.connectorContext(),
      signal: controller.signal,
    })
    // Without the check the job would start and wait for input: give up (and fail) after 20 s.
    const timeout = setTimeout(() => controller.abort(), 20_000)
    try {
      await expect(job).rejects.toThrow(expected(topics.sinkMissing, 'topics.sink_missing', bootstrapServers))
    } finally {
      clearTimeout(timeout)
    }
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})
