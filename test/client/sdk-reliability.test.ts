/**
 * What the SDK commits and dead-letters when things go wrong, against a real UDM server (stopped and
 * restarted on its PGlite directory, or refusing a principal whose grant was removed) and a real broker:
 * a registry fault never dead-letters a good record and stops reading before it; a failed handler leaves
 * its record uncommitted; a group dead-letters a bad record once; `weir data consume` survives a deeply
 * nested record.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import type { Kafka } from 'kafkajs'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCatalogDocument } from '../../src/catalog/catalog-document.ts'
import { generateToken } from '../../src/catalog/governance/tokens.ts'
import {
  type ConnectOptions,
  connect,
  DEAD_LETTER_HEADERS,
  RegistryUnavailableError,
  type Udm,
} from '../../src/client/index.ts'
import { kafkaClient } from '../../src/connectors/kafka/client.ts'
import { KafkaReader } from '../../src/connectors/kafka/reader.ts'
import { KafkaWriter } from '../../src/connectors/kafka/writer.ts'
import { type RunningServer, startServer } from '../../src/server/serve.ts'
import { useService } from '../harness/services.ts'
import { kafkaTestCluster } from '../harness/udm-server.ts'
import { weir } from '../harness/weir-cli.ts'

const silent = pino({ level: 'silent' }) as FastifyBaseLogger
const suffix = Date.now().toString(36)
const adminToken = generateToken().token
const dataDir = mkdtempSync(join(tmpdir(), 'weir-sdk-reliability-'))

const pageview = (version: 1 | 2) =>
  JSON.stringify({
    type: 'record',
    name: 'PageView',
    namespace: 'weir.reliability',
    fields: [
      { name: 'user_id', type: 'long' },
      { name: 'url', type: 'string' },
      ...(version === 2 ? [{ name: 'referrer', type: ['null', 'string'], default: null }] : []),
    ],
  })

const topics = {
  down: `rel-down-${suffix}`,
  denied: `rel-denied-${suffix}`,
  handler: `rel-handler-${suffix}`,
  bad: `rel-bad-${suffix}`,
  deep: `rel-deep-${suffix}`,
}

let kafka: Kafka
let server: RunningServer
let port: number

function startUdm(): Promise<RunningServer> {
  return startServer({ database: { dataDir }, host: '127.0.0.1', port, logger: silent, adminToken })
}

function connectAs(token: string, extra: Partial<ConnectOptions> = {}): Promise<Udm> {
  return connect({ url: `http://127.0.0.1:${port}`, token, ...extra })
}

/** The group's committed offset of partition 0 ('-1' when it has none), as Kafka's admin API reports it. */
async function committed(group: string, topic: string): Promise<string> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] })
    return offsets?.partitions.find((entry) => entry.partition === 0)?.offset ?? '-1'
  } finally {
    await admin.disconnect()
  }
}

/** The records of a dead-letter topic (none when it does not exist). */
async function deadLetters(topic: string): Promise<Array<Record<string, string>>> {
  const admin = kafka.admin()
  await admin.connect()
  let count = 0
  try {
    if (!(await admin.listTopics()).includes(`${topic}.dlq`)) return []
    for (const { high } of await admin.fetchTopicOffsets(`${topic}.dlq`)) count += Number(high)
  } finally {
    await admin.disconnect()
  }
  if (count === 0) return []
  const reader = await KafkaReader.open(kafka, {
    topic: `${topic}.dlq`,
    groupId: `${topic}-inspect-${Date.now()}`,
    startup: { mode: 'earliest-offset' },
  })
  const headers: Array<Record<string, string>> = []
  try {
    for await (const batch of reader) {
      headers.push(...batch.records.map((record) => record.headers))
      if (headers.length >= count) break
    }
  } finally {
    await reader.close()
  }
  return headers
}

async function produce(topic: string, values: string[]): Promise<void> {
  const writer = await KafkaWriter.open(kafka, { topic })
  try {
    await writer.send(values.map((value) => ({ value })))
  } finally {
    await writer.close()
  }
}

async function readAll<T>(udm: Udm, dataset: string, group: string, count: number): Promise<T[]> {
  const values: T[] = []
  for await (const record of udm.dataset<T>(dataset).read({ group }).records()) {
    values.push(record.value as T)
    if (values.length >= count) break
  }
  return values
}

/**
 * A connection that already resolved `dataset` and loaded its current schema, as a long-running service
 * has: what it still needs from the registry are the writer schemas of older records.
 */
async function primed(token: string, dataset: string, extra: Partial<ConnectOptions> = {}): Promise<Udm> {
  const udm = await connectAs(token, extra)
  const resolved = await udm.resolve(dataset, 'read')
  await udm.registry.load(resolved.value.schema!.id)
  return udm
}

beforeAll(async () => {
  const { bootstrapServers } = await useService('kafka')
  kafka = kafkaClient({ bootstrapServers: [bootstrapServers] })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: Object.values(topics).map((topic) => ({ topic })),
    waitForLeaders: true,
  })
  await admin.disconnect()

  port = 0
  server = await startUdm()
  port = Number(new URL(server.url).port)
  const avro = (name: string, topic: string) => ({
    name,
    kind: 'stream',
    value: { format: 'avro' },
    locations: { prod: [{ cluster: 'kafka-test', topic }] },
  })
  const json = (name: string, topic: string) => ({
    name,
    kind: 'stream',
    value: { format: 'json' },
    locations: { prod: [{ cluster: 'kafka-test', topic }] },
  })
  await server.catalog.apply(
    readCatalogDocument({
      schemas: [
        { subject: 'rel.down-value', schemaType: 'AVRO', schema: pageview(1) },
        { subject: 'rel.denied-value', schemaType: 'AVRO', schema: pageview(1) },
      ],
      clusters: [kafkaTestCluster(bootstrapServers)],
      datasets: [
        avro('rel.down', topics.down),
        avro('rel.denied', topics.denied),
        json('rel.handler', topics.handler),
        json('rel.bad', topics.bad),
        json('rel.deep', topics.deep),
      ],
    }),
  )
  // Records written with v1; the datasets then move to v2, so a reader needs v1 from the registry to decode.
  const admin2 = await connectAs(adminToken)
  try {
    for (const dataset of ['rel.down', 'rel.denied']) {
      await admin2.dataset(dataset).write([
        { user_id: 1, url: '/a' },
        { user_id: 2, url: '/b' },
        { user_id: 3, url: '/c' },
      ])
      await server.catalog.registry.register(`${dataset}-value`, { schema: pageview(2) })
    }
  } finally {
    await admin2.close()
  }
})

afterAll(async () => {
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const expected = [
  { user_id: 1, url: '/a', referrer: null },
  { user_id: 2, url: '/b', referrer: null },
  { user_id: 3, url: '/c', referrer: null },
]

describe('registry faults', () => {
  it('stops reading without dead-lettering or committing while the registry is down, and waits out a short outage', async () => {
    const giveUp = await primed(adminToken, 'rel.down', {
      registryRetry: { attempts: 3, initialDelayMs: 50 },
    })
    const waitsOut = await primed(adminToken, 'rel.down', {
      registryRetry: { attempts: 100, initialDelayMs: 100, maxDelayMs: 200 },
    })
    await server.stop()
    let down = true
    try {
      const failure = await readAll(giveUp, 'rel.down', `down-${suffix}`, 3).then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(RegistryUnavailableError)
      expect((failure as Error).message).toMatch(/failed 3 times in a row/)
      expect((failure as Error).message).toMatch(new RegExp(`${topics.down} partition 0 offset 0`))
      expect(await committed(`down-${suffix}`, topics.down)).toBe('-1')
      expect(await deadLetters(topics.down)).toEqual([])

      // A reader with a longer retry budget outlasts a restart of the server.
      const reading = readAll(waitsOut, 'rel.down', `down-waits-${suffix}`, 3)
      await new Promise((resolve) => setTimeout(resolve, 500))
      server = await startUdm()
      down = false
      expect(await reading).toEqual(expected)
    } finally {
      // The later tests need the server, whatever happened here.
      if (down) server = await startUdm()
      await giveUp.close()
      await waitsOut.close()
    }
    // The group that gave up reads the records, from the start, once the registry is back.
    const again = await connectAs(adminToken)
    try {
      expect(await readAll(again, 'rel.down', `down-${suffix}`, 3)).toEqual(expected)
    } finally {
      await again.close()
    }
    expect(await deadLetters(topics.down)).toEqual([])
  })

  it('treats a 403 from the registry as a fault: nothing dead-lettered or committed, read again once granted', async () => {
    const governance = server.catalog.governance
    const name = `reader-${suffix}`
    await governance.createPrincipal({ name, kind: 'service' }, 'test')
    const grant = { grantee: { kind: 'principal' as const, name }, role: 'viewer', scope: 'rel.denied' }
    const { id } = await governance.addGrant(grant, 'test')
    const token = (await governance.createToken(name, {}, 'test')).token
    const reader = await primed(token, 'rel.denied', { registryRetry: { attempts: 2, initialDelayMs: 10 } })
    await governance.removeGrant(id)
    try {
      const failure = await readAll(reader, 'rel.denied', `denied-${suffix}`, 3).then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(RegistryUnavailableError)
      expect((failure as Error).message).toMatch(/HTTP 403/)
      expect((failure as Error).message).toMatch(/grant/)
    } finally {
      await reader.close()
    }
    expect(await committed(`denied-${suffix}`, topics.denied)).toBe('-1')
    expect(await deadLetters(topics.denied)).toEqual([])

    await governance.addGrant(grant, 'test')
    const granted = await connectAs(token)
    try {
      expect(await readAll(granted, 'rel.denied', `denied-${suffix}`, 3)).toEqual(expected)
    } finally {
      await granted.close()
    }
    expect(await deadLetters(topics.denied)).toEqual([])
  })
})

describe('commits', () => {
  it('does not commit the record a handler failed on, nor any after it', async () => {
    await produce(
      topics.handler,
      Array.from({ length: 10 }, (_, n) => JSON.stringify({ n })),
    )
    const udm = await connectAs(adminToken)
    const group = `handler-${suffix}`
    try {
      const failure = new Error('the handler failed on record 5')
      const thrown = await (async () => {
        for await (const record of udm.dataset<{ n: number }>('rel.handler').read({ group }).records()) {
          if (record.value?.n === 5) throw failure
        }
      })().catch((error: unknown) => error)
      expect(thrown).toBe(failure)
      expect(await committed(group, topics.handler)).toBe('5')
      const [next] = await readAll<{ n: number }>(udm, 'rel.handler', group, 1)
      expect(next).toEqual({ n: 5 })
    } finally {
      await udm.close()
    }
  })

  it('does not commit a batch whose loop threw', async () => {
    const udm = await connectAs(adminToken)
    const group = `handler-batch-${suffix}`
    try {
      const thrown = await (async () => {
        for await (const batch of udm.dataset('rel.handler').read({ group })) {
          if (batch.records.length > 0) throw new Error('the batch handler failed')
        }
      })().catch((error: unknown) => error)
      expect((thrown as Error).message).toBe('the batch handler failed')
      expect(await committed(group, topics.handler)).toBe('-1')
    } finally {
      await udm.close()
    }
  })
})

describe('dead letters', () => {
  it('dead-letters a bad record once per group, also when the group re-reads it, and names the group', async () => {
    await produce(topics.bad, ['{"n": 0}', '{"broken": ', '{"n": 2}'])
    const udm = await connectAs(adminToken)
    const group = `bad-${suffix}`
    try {
      // The handler fails on the first record: the batch, bad record included, is read again next time.
      await (async () => {
        for await (const _ of udm.dataset('rel.bad').read({ group }).records()) throw new Error('stop')
      })().catch(() => undefined)
      expect(await committed(group, topics.bad)).toBe('0')
      expect(await readAll(udm, 'rel.bad', group, 2)).toEqual([{ n: 0 }, { n: 2 }])
      const letters = await deadLetters(topics.bad)
      expect(letters.length).toBe(1)
      expect(letters[0]).toMatchObject({
        [DEAD_LETTER_HEADERS.reason]: 'INVALID_JSON',
        [DEAD_LETTER_HEADERS.topic]: topics.bad,
        [DEAD_LETTER_HEADERS.partition]: '0',
        [DEAD_LETTER_HEADERS.offset]: '1',
        [DEAD_LETTER_HEADERS.group]: group,
      })
    } finally {
      await udm.close()
    }
  })
})

describe('weir data consume', () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`

  it('dead-letters a record nested 100,000 levels deep, prints the rest, and commits what it printed', async () => {
    await produce(topics.deep, ['{"n": 0}', deep, '{"n": 2}', '{"n": 3}'])
    const group = `deep-${suffix}`
    const run = await weir(
      ...['data', 'consume', 'rel.deep', '--url', server.url, '--token', adminToken],
      ...['--group', group, '--limit', '2'],
    )
    expect(run.exitCode).toBe(0)
    expect(run.out.trim().split('\n')).toEqual(['{"n":0}', '{"n":2}'])
    expect(run.err).toMatch(/offset 1: NESTING_TOO_DEEP, sent to the dead-letter topic/)
    // Two records printed: the group resumes after the second one, not after the batch.
    expect(await committed(group, topics.deep)).toBe('3')
    const letters = await deadLetters(topics.deep)
    expect(letters.map((letter) => letter[DEAD_LETTER_HEADERS.reason])).toEqual(['NESTING_TOO_DEEP'])
  })

  it('only reports undecodable records without --group: a look at a topic writes no dead letters', async () => {
    const run = await weir(
      ...['data', 'consume', 'rel.deep', '--url', server.url, '--token', adminToken, '--limit', '3'],
    )
    expect(run.exitCode).toBe(0)
    expect(run.out.trim().split('\n')).toEqual(['{"n":0}', '{"n":2}', '{"n":3}'])
    expect(run.err).toMatch(/offset 1: NESTING_TOO_DEEP, skipped/)
    expect((await deadLetters(topics.deep)).length).toBe(1)
  })
})
