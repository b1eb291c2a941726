import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'
import { ManagedProcess, runToCompletion, ServiceStartError } from './managed-process.ts'
import { freePort } from './ports.ts'

const kafkaInfraDir = fileURLToPath(new URL('../kafka/', import.meta.url))

export interface KafkaService {
  bootstrapServers: string
  logFile: string
  stop(): Promise<void>
}

/** Resolves the broker's jars through Maven (cached in ~/.m2) and returns the Java classpath. */
export async function kafkaClasspath(): Promise<string> {
  const pom = join(kafkaInfraDir, 'pom.xml')
  const classpathFile = join(kafkaInfraDir, 'target', 'classpath.txt')
  const stale = !existsSync(classpathFile) || statSync(classpathFile).mtimeMs < statSync(pom).mtimeMs
  if (stale) {
    await runToCompletion('kafka', 'mvn', [
      '-q',
      '-B',
      '-f',
      pom,
      'dependency:build-classpath',
      `-Dmdep.outputFile=${classpathFile}`,
    ])
  }
  return `${join(kafkaInfraDir, 'conf')}:${readFileSync(classpathFile, 'utf8').trim()}`
}

/** KRaft cluster ids are 16 random bytes in URL-safe base64 without padding. */
function newClusterId(): string {
  return randomBytes(16).toString('base64url')
}

function serverProperties(dataDir: string, brokerPort: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(dataDir, 'logs')}`,
    'num.partitions=1',
    'auto.create.topics.enable=true',
    // A single broker: every internal topic must be satisfiable with one replica, or transactions never start.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'log.flush.interval.messages=9223372036854775807',
    // Tests and benchmarks produce records with past event times (2024) as record timestamps. Time-based
    // retention would delete them at its next check (every 5 minutes), moving a topic's earliest offset to
    // its end while a test reads it.
    'log.retention.ms=-1',
    '',
  ].join('\n')
}

export interface StartKafkaOptions {
  workDir: string
  heap?: string
  timeoutMs?: number
}

/** Starts a single-node KRaft broker+controller on free loopback ports and waits until it answers metadata. */
export async function startKafka(options: StartKafkaOptions): Promise<KafkaService> {
  const dataDir = join(options.workDir, 'kafka')
  mkdirSync(dataDir, { recursive: true })
  const [brokerPort, controllerPort] = [await freePort(), await freePort()]
  const propertiesFile = join(dataDir, 'server.properties')
  writeFileSync(propertiesFile, serverProperties(dataDir, brokerPort, controllerPort))
  const logFile = join(dataDir, 'kafka.log')

  const classpath = await kafkaClasspath()
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java'
  const jvmOptions = [
    `-Xmx${options.heap ?? '1g'}`,
    `-Dkafka.logs.dir=${dataDir}`,
    '-Djava.awt.headless=true',
  ]
  await runToCompletion('kafka', java, [
    ...jvmOptions,
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '--standalone',
    '--ignore-formatted',
    // One argument with '=': a base64url id may start with '-', which the parser would take for an option.
    `--cluster-id=${newClusterId()}`,
    '-c',
    propertiesFile,
  ])

  const broker = new ManagedProcess({
    service: 'kafka',
    command: java,
    args: [...jvmOptions, '-cp', classpath, 'kafka.Kafka', propertiesFile],
    logFile,
  })
  const bootstrapServers = `127.0.0.1:${brokerPort}`
  try {
    await broker.waitUntilReady(() => brokerAnswers(bootstrapServers), options.timeoutMs ?? 120_000)
  } catch (error) {
    await broker.stop()
    throw error instanceof ServiceStartError ? error : new ServiceStartError('kafka', String(error), logFile)
  }
  return { bootstrapServers, logFile, stop: () => broker.stop() }
}

async function brokerAnswers(bootstrapServers: string): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'weir-harness',
    brokers: [bootstrapServers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  })
  const admin = kafka.admin()
  try {
    await admin.connect()
    const cluster = await admin.describeCluster()
    if (cluster.brokers.length === 0) return false
    // The first group request creates __consumer_offsets; until its partitions are loaded every consumer
    // group fails with COORDINATOR_LOAD_IN_PROGRESS, so "ready" includes a working group coordinator.
    const { groups } = await admin.describeGroups(['weir-harness-readiness'])
    return groups.length === 1
  } finally {
    await admin.disconnect()
  }
}
