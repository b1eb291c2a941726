/**
 * `weir topic create|list|describe|delete`: Kafka topics by logical dataset name (with the partitions and
 * replication its catalog location gives) or by topic name on a catalog cluster (`--cluster`). Through a
 * server (--url) the server does it, under its grants and audit trail; on an embedded catalog, this process.
 */
import { type Command, InvalidArgumentError } from 'commander'
import { CatalogError } from '../../catalog/locations/errors.ts'
import {
  type ClusterTopicDescription,
  type TopicReport,
  TopicService,
  type TopicSpecInput,
} from '../../server/topic-service.ts'
import { TOP_LEVEL_DESCRIPTIONS } from '../command-descriptions.ts'
import { EmbeddedUdmClient, HttpUdmClient, type UdmClient } from './udm-client.ts'
import { printJson, type TargetOptions, withClient, withTargetOptions } from './udm-options.ts'

/** The same operations over HTTP or on the embedded catalog. */
export interface TopicOps {
  createForDataset(name: string, environment?: string): Promise<TopicReport[]>
  describeDataset(name: string, environment?: string): Promise<ClusterTopicDescription[]>
  deleteForDataset(name: string, environment?: string): Promise<TopicReport[]>
  createOnCluster(cluster: string, topic: string, spec: TopicSpecInput): Promise<TopicReport[]>
  describeOnCluster(cluster: string, topic: string): Promise<ClusterTopicDescription[]>
  deleteOnCluster(cluster: string, topic: string): Promise<TopicReport[]>
  list(cluster: string): Promise<string[]>
  kafkaClusters(): Promise<string[]>
}

export function topicOps(client: UdmClient): TopicOps {
  return client instanceof HttpUdmClient ? httpOps(client) : localOps(client)
}

function httpOps(client: HttpUdmClient): TopicOps {
  const enc = encodeURIComponent
  const env = (environment?: string) => (environment === undefined ? '' : `?environment=${enc(environment)}`)
  const topics = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
    (await client.call<{ topics: T }>(method, path, body)).topics
  return {
    createForDataset: (name, environment) =>
      topics('POST', `/api/v1/datasets/${enc(name)}/topics${env(environment)}`),
    describeDataset: (name, environment) =>
      topics('GET', `/api/v1/datasets/${enc(name)}/topics${env(environment)}`),
    deleteForDataset: (name, environment) =>
      topics('DELETE', `/api/v1/datasets/${enc(name)}/topics${env(environment)}`),
    createOnCluster: (cluster, topic, spec) =>
      topics('POST', `/api/v1/clusters/${enc(cluster)}/topics`, { topic, ...spec }),
    describeOnCluster: (cluster, topic) =>
      topics('GET', `/api/v1/clusters/${enc(cluster)}/topics/${enc(topic)}`),
    deleteOnCluster: (cluster, topic) =>
      topics('DELETE', `/api/v1/clusters/${enc(cluster)}/topics/${enc(topic)}`),
    list: (cluster) => topics('GET', `/api/v1/clusters/${enc(cluster)}/topics`),
    kafkaClusters: async () =>
      (await client.listClusters()).filter((c) => c.system === 'kafka').map((c) => c.name),
  }
}

/** The embedded catalog's user owns it (and may resolve its secrets), so no grant applies here. */
function localOps(client: UdmClient): TopicOps {
  if (!(client instanceof EmbeddedUdmClient)) throw new Error('topic administration needs a catalog')
  const service = new TopicService({
    resolve: (name, options) => client.resolve(name, options),
    getCluster: async (name) => {
      const cluster = (await client.listClusters()).find((candidate) => candidate.name === name)
      if (cluster === undefined) {
        throw new CatalogError(
          404,
          'unknown_cluster',
          `cluster '${name}' does not exist; weir cluster list shows the registered ones`,
          'cluster',
        )
      }
      return cluster
    },
  })
  return {
    createForDataset: async (name, environment) =>
      service.create(await service.datasetTargets(name, environment)),
    describeDataset: async (name, environment) =>
      service.describe(await service.datasetTargets(name, environment)),
    deleteForDataset: async (name, environment) =>
      service.delete(await service.datasetTargets(name, environment)),
    createOnCluster: async (cluster, topic, spec) =>
      service.create([await service.clusterTarget(cluster, topic, spec)]),
    describeOnCluster: async (cluster, topic) =>
      service.describe([await service.clusterTarget(cluster, topic)]),
    deleteOnCluster: async (cluster, topic) => service.delete([await service.clusterTarget(cluster, topic)]),
    list: (cluster) => service.list(cluster),
    kafkaClusters: async () =>
      (await client.listClusters()).filter((c) => c.system === 'kafka').map((c) => c.name),
  }
}

interface TopicFlags extends TargetOptions {
  cluster?: string
  env?: string
  json?: boolean
}

function positiveInteger(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError(`'${value}' is not a positive whole number`)
  }
  return number
}

function withTopicOptions(command: Command): Command {
  return withTargetOptions(command)
    .option('--cluster <name>', 'treat the argument as a topic name on this Kafka cluster of the catalog')
    .option('--env <environment>', "the environment whose locations to use (default: the catalog's)")
    .option('--json', 'print the answer as JSON')
}

/** One line per topic report: `created traffic.pageview: pv_events on kafka-main (12 partitions)`. */
export function printTopicReports(reports: readonly TopicReport[]): void {
  for (const report of reports) {
    const spec = [
      report.partitions === undefined ? undefined : `${report.partitions} partitions`,
      report.replicationFactor === undefined ? undefined : `replication ${report.replicationFactor}`,
    ].filter(Boolean)
    const owner = report.dataset === undefined ? '' : `${report.dataset}: `
    const detail = spec.length === 0 || report.change !== 'created' ? '' : ` (${spec.join(', ')})`
    process.stdout.write(`${report.change.padEnd(7)} ${owner}${report.topic} on ${report.cluster}${detail}\n`)
  }
}

function printDescriptions(descriptions: readonly ClusterTopicDescription[]): void {
  for (const description of descriptions) {
    const owner = description.dataset === undefined ? '' : `${description.dataset}: `
    process.stdout.write(
      `${owner}${description.topic} on ${description.cluster}: ${description.partitions.length} partitions, replication ${description.replicationFactor}\n`,
    )
    for (const partition of description.partitions) {
      process.stdout.write(
        `  partition ${partition.partition}  leader ${partition.leader}  replicas ${partition.replicas.join(',')}  isr ${partition.isr.join(',')}\n`,
      )
    }
  }
}

export function registerTopicCommands(program: Command): void {
  const topic = program.command('topic').description(TOP_LEVEL_DESCRIPTIONS.topic)

  withTopicOptions(topic.command('create <dataset-or-topic>'))
    .description(
      "create the dataset's topic with its location's partitions and replicationFactor (or, with --cluster, the named topic)",
    )
    .option(
      '--partitions <n>',
      "with --cluster: the partition count (default: the broker's)",
      positiveInteger,
    )
    .option(
      '--replication-factor <n>',
      "with --cluster: the replica count (default: the broker's)",
      positiveInteger,
    )
    .action(async (name: string, flags: TopicFlags & { partitions?: number; replicationFactor?: number }) => {
      await withClient(flags, async (client) => {
        const ops = topicOps(client)
        if (flags.cluster === undefined && (flags.partitions ?? flags.replicationFactor) !== undefined) {
          throw new CatalogError(
            400,
            'invalid_field',
            `--partitions and --replication-factor go with --cluster; a dataset's topic takes them from its catalog location (weir dataset get ${name})`,
          )
        }
        const spec: TopicSpecInput = {
          ...(flags.partitions === undefined ? {} : { partitions: flags.partitions }),
          ...(flags.replicationFactor === undefined ? {} : { replicationFactor: flags.replicationFactor }),
        }
        const reports =
          flags.cluster === undefined
            ? await ops.createForDataset(name, flags.env)
            : await ops.createOnCluster(flags.cluster, name, spec)
        if (flags.json === true) printJson(reports)
        else printTopicReports(reports)
      })
    })

  withTargetOptions(topic.command('list'))
    .description('the topics of a Kafka cluster of the catalog (of each one, without --cluster)')
    .option('--cluster <name>', 'the Kafka cluster')
    .option('--json', 'print the answer as JSON')
    .action(async (flags: TopicFlags) => {
      await withClient(flags, async (client) => {
        const ops = topicOps(client)
        const clusters = flags.cluster === undefined ? await ops.kafkaClusters() : [flags.cluster]
        const listed: Record<string, string[]> = {}
        for (const cluster of clusters) listed[cluster] = await ops.list(cluster)
        if (flags.json === true) {
          printJson(listed)
          return
        }
        for (const [cluster, topics] of Object.entries(listed)) {
          for (const name of topics) process.stdout.write(`${cluster}\t${name}\n`)
        }
      })
    })

  withTopicOptions(topic.command('describe <dataset-or-topic>'))
    .description(
      "partitions, leaders and replicas of the dataset's topic (or, with --cluster, the named topic)",
    )
    .action(async (name: string, flags: TopicFlags) => {
      await withClient(flags, async (client) => {
        const ops = topicOps(client)
        const descriptions =
          flags.cluster === undefined
            ? await ops.describeDataset(name, flags.env)
            : await ops.describeOnCluster(flags.cluster, name)
        if (flags.json === true) printJson(descriptions)
        else printDescriptions(descriptions)
      })
    })

  withTopicOptions(topic.command('delete <dataset-or-topic>'))
    .description("delete the dataset's topic and every record in it (the dataset stays in the catalog)")
    .action(async (name: string, flags: TopicFlags) => {
      await withClient(flags, async (client) => {
        const ops = topicOps(client)
        const reports =
          flags.cluster === undefined
            ? await ops.deleteForDataset(name, flags.env)
            : await ops.deleteOnCluster(flags.cluster, name)
        if (flags.json === true) printJson(reports)
        else printTopicReports(reports)
      })
    })
}
