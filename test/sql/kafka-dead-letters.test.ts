/**
 * Records that leave a SQL job over Kafka are never silent, and good records never leave it: a record the
 * source cannot decode goes to `<topic>.dlq` with its reason, is counted in the job's dead letters and the
 * source's metrics, and `weir sql run` prints a summary line for it; a schema registry that is down or
 * refuses the job's token (a real UDM server, stopped or with the grant missing) dead-letters nothing, fails
 * the job with an error saying what failed and what to do, and a rerun once the registry is back reads the
 * records.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import type { Kafka } from 'kafkajs'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCatalogDocument } from '../../src/catalog/catalog-document.ts'
import { generateToken } from '../../src/catalog/governance/tokens.ts'
import { catalogAccess } from '../../src/cli/commands/sql-catalog.ts'
import { HttpUdmClient } from '../../src/cli/commands/udm-client.ts'
import { connect } from '../../src/client/index.ts'
import { readTopic } from '../../src/connectors/engine/kafka-testing.ts'
import { DEAD_LETTER_HEADERS } from '../../src/connectors/kafka/dead-letter-queue.ts'
import { SourceRegistryUnavailableError } from '../../src/connectors/kafka/registry-unavailable.ts'
import { KafkaWriter } from '../../src/connectors/kafka/writer.ts'
import { type RunningServer, startServer } from '../../src/server/serve.ts'
import { UdmTableResolver } from '../../src/sql/catalog/udm-resolver.ts'
import { runJob } from '../../src/sql/job/index.ts'
import { freshTopic, testKafka } from '../harness/kafka.ts'
import { useService } from '../harness/services.ts'
import { kafkaTestCluster } from '../harness/udm-server.ts'
import { weir } from '../harness/weir-cli.ts'

let kafka: Kafka
let bootstrapServers: string

beforeAll(async () => {
  bootstrapServers = (await useService('kafka')).bootstrapServers
  kafka = await testKafka()
})

async function produce(topic: string, values: Buffer[]): Promise<void> {
  const writer = await KafkaWriter.open(kafka, { topic })
  try {
    await writer.send(values.map((value) => ({ key: null, value })))
  } finally {
    await writer.close()
  }
}

/** How many records `topic` holds (0 when it does not exist): nothing there means nothing dead-lettered. */
async function recordCount(topic: string): Promise<number> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, { high }) => sum + Number(high), 0)
  } finally {
    await admin.disconnect()
  }
}

describe('undecodable records of a SQL job', () => {
  const good = [
    { id: 1, name: 'a' },
    { id: 2, name: 'b' },
    { id: 3, name: 'c' },
  ]
  const garbage = [Buffer.from('{"id": 4, "name"'), Buffer.of(0xff, 0xfe, 0x00)]

  function script(topic: string): string {
    return `
      CREATE TEMPORARY TABLE events (id BIGINT, name STRING) WITH (
        'connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrapServers}',
        'format' = 'json', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
      CREATE TEMPORARY TABLE sunk (id BIGINT, name STRING) WITH ('connector' = 'blackhole');
      INSERT INTO sunk SELECT id, name FROM events;`
  }

  async function topicWithGarbage(): Promise<string> {
    const topic = await freshTopic(kafka, 'undecodable')
    const values = good.map((record) => Buffer.from(JSON.stringify(record)))
    await produce(topic, [values[0]!, garbage[0]!, values[1]!, garbage[1]!, values[2]!])
    return topic
  }

  it('counts them as dead letters of the job and its source, and sends them to <topic>.dlq with the reason', async () => {
    const topic = await topicWithGarbage()

    const result = await runJob({ script: script(topic) })

    expect(result.recordsIn).toBe(good.length)
    expect(result.deadLetters).toEqual({ undecodable: garbage.length })
    const source = result.metrics.find((node) => node.deadLetters > 0)
    expect(source).toMatchObject({ deadLetters: 2, deadLetterReasons: { undecodable: 2 } })
    const letters = await readTopic(kafka, `${topic}.dlq`, garbage.length)
    expect(letters.map((letter) => letter.value)).toEqual(garbage)
    for (const letter of letters) {
      expect(letter.headers[DEAD_LETTER_HEADERS.reason]).toBeTruthy()
      expect(letter.headers[DEAD_LETTER_HEADERS.message]).toBeTruthy()
      expect(letter.headers[DEAD_LETTER_HEADERS.topic]).toBe(topic)
    }
  })

  it('prints one summary line for them when `weir sql run` ends', async () => {
    const topic = await topicWithGarbage()
    const directory = mkdtempSync(join(tmpdir(), 'weir-undecodable-'))
    try {
      const file = join(directory, 'job.sql')
      await writeFile(file, script(topic))

      const run = await weir('sql', 'run', file)

      expect(run.exitCode).toBe(0)
      const summary = run.err.split('\n').filter((line) => line.startsWith('dead letters:'))
      expect(summary).toEqual([
        expect.stringMatching(
          /^dead letters: 2 undecodable: records that did not decode, sent to .*<topic>\.dlq/,
        ),
      ])
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })
})

describe('schema registry faults in a SQL job', () => {
  const silent = pino({ level: 'silent' }) as FastifyBaseLogger
  const adminToken = generateToken().token
  const dataDir = mkdtempSync(join(tmpdir(), 'weir-sql-registry-'))
  const clicks = [
    { user_id: 1, url: '/a' },
    { user_id: 2, url: '/b' },
    { user_id: 3, url: '/c' },
  ]
  const script = `
    CREATE TEMPORARY TABLE sunk (user_id BIGINT, url STRING) WITH ('connector' = 'blackhole');
    INSERT INTO sunk SELECT user_id, url FROM sqlrel.clicks /*+ OPTIONS('scan.bounded.mode' = 'latest-offset') */;`
  const retry = { attempts: 3, initialDelayMs: 50 }
  let server: RunningServer
  let port = 0
  let topic: string

  const startUdm = (): Promise<RunningServer> =>
    startServer({ database: { dataDir }, host: '127.0.0.1', port, logger: silent, adminToken })
  const url = (): string => `http://127.0.0.1:${port}`
  /** Resolves tables (and serves schemas to the job's connectors) as `weir sql run --udm --token` does. */
  const resolverFor = (token: string): UdmTableResolver =>
    new UdmTableResolver(catalogAccess(new HttpUdmClient(url(), token), undefined))

  beforeAll(async () => {
    topic = await freshTopic(kafka, 'sqlrel-clicks')
    server = await startUdm()
    port = Number(new URL(server.url).port)
    await server.catalog.apply(
      readCatalogDocument({
        schemas: [
          {
            subject: 'sqlrel.clicks-value',
            schemaType: 'AVRO',
            schema: JSON.stringify({
              type: 'record',
              name: 'Click',
              fields: [
                { name: 'user_id', type: 'long' },
                { name: 'url', type: 'string' },
              ],
            }),
          },
        ],
        clusters: [kafkaTestCluster(bootstrapServers)],
        datasets: [
          {
            name: 'sqlrel.clicks',
            kind: 'stream',
            value: { format: 'avro' },
            locations: { prod: [{ cluster: 'kafka-test', topic }] },
          },
        ],
      }),
    )
    const udm = await connect({ url: url(), token: adminToken })
    try {
      await udm.dataset('sqlrel.clicks').write(clicks)
    } finally {
      await udm.close()
    }
  })

  afterAll(async () => {
    await server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  /** A rerun with a registry that answers: every record is read, none dead-lettered. */
  async function rerunReadsEverything(): Promise<void> {
    const resolver = resolverFor(adminToken)
    const result = await runJob({ script, resolver, connectorContext: resolver.connectorContext() })
    expect(result.recordsIn).toBe(clicks.length)
    expect(result.deadLetters).toEqual({})
    expect(await recordCount(`${topic}.dlq`)).toBe(0)
  }

  it('fails without dead-lettering while the registry is down, and a rerun reads the records once it is back', async () => {
    const resolver = resolverFor(adminToken)
    // The job is planned while the server is up (tables resolve once per resolver); it then goes away.
    await resolver.resolveTable(['sqlrel', 'clicks'])
    await server.stop()
    let down = true
    try {
      const failure = await runJob({
        script,
        resolver,
        connectorContext: { ...resolver.connectorContext(), registryRetry: retry },
      }).then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(SourceRegistryUnavailableError)
      const message = (failure as Error).message
      expect(message).toMatch(/table 'sqlrel\.clicks': the schema registry failed 3 times in a row/)
      expect(message).toContain(`topic '${topic}' partition 0 at offset 0`)
      expect(message).toMatch(/No record was dead-lettered .* a rerun reads the records again/)
      expect(message).toMatch(/Check that the registry \(the UDM server\) is up/)
      expect(await recordCount(`${topic}.dlq`)).toBe(0)

      server = await startUdm()
      down = false
    } finally {
      if (down) server = await startUdm()
    }
    await rerunReadsEverything()
  })

  it('treats a 403 from the registry as a fault: nothing dead-lettered, the error names the grant', async () => {
    const governance = server.catalog.governance
    const name = `sql-reader-${Date.now().toString(36)}`
    await governance.createPrincipal({ name, kind: 'service' }, 'test')
    const token = (await governance.createToken(name, {}, 'test')).token
    // Planned with the admin's view of the catalog; the connectors ask the registry with a token that may
    // not read the dataset's schemas.
    const resolver = resolverFor(adminToken)
    const denied = resolverFor(token)

    const failure = await runJob({
      script,
      resolver,
      connectorContext: { ...denied.connectorContext(), registryRetry: retry },
    }).then(
      () => undefined,
      (error: unknown) => error,
    )

    expect(failure).toBeInstanceOf(SourceRegistryUnavailableError)
    expect((failure as Error).message).toMatch(/HTTP 403/)
    expect((failure as Error).message).toMatch(/viewer on sqlrel\.clicks/)
    expect(await recordCount(`${topic}.dlq`)).toBe(0)
    await rerunReadsEverything()
  })
})
