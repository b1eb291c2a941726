/**
 * Topic administration by logical name or on a named cluster, over the catalog: the UDM server's topic routes
 * and the embedded CLI (`weir topic` without --url) both run it, so both create the same topics with the same
 * partitions and replication, and fail with the same messages.
 */
import type { Kafka } from 'kafkajs'
import { CatalogError } from '../catalog/locations/errors.ts'
import {
  clusterTopicTarget,
  type KafkaTopicTarget,
  kafkaBootstrapServers,
  kafkaTopicTargets,
} from '../catalog/locations/kafka-topics.ts'
import type { Cluster, ResolvedDataset } from '../catalog/locations/model.ts'
import { kafkaClient, parseBootstrapServers } from '../connectors/kafka/client.ts'
import {
  ADMIN_RETRY,
  createTopics,
  deleteTopic,
  describeTopic,
  listTopics,
  MissingTopicError,
  type TopicChange,
  type TopicDescription,
} from '../connectors/kafka/topic-admin.ts'

/** What the service needs from the catalog: a dataset's locations, a cluster's connection. */
export interface TopicCatalog {
  resolve(name: string, options: { environment?: string }): Promise<ResolvedDataset>
  getCluster(name: string): Promise<Cluster>
}

export interface TopicReport {
  cluster: string
  topic: string
  dataset?: string
  partitions?: number
  replicationFactor?: number
  change: TopicChange | 'deleted'
}

export type ClusterTopicDescription = TopicDescription & { cluster: string; dataset?: string }

export interface TopicSpecInput {
  partitions?: number
  replicationFactor?: number
}

export class TopicService {
  constructor(private readonly catalog: TopicCatalog) {}

  async datasetTargets(name: string, environment?: string): Promise<KafkaTopicTarget[]> {
    return kafkaTopicTargets(
      await this.catalog.resolve(name, environment === undefined ? {} : { environment }),
    )
  }

  async clusterTarget(cluster: string, topic: string, spec: TopicSpecInput = {}): Promise<KafkaTopicTarget> {
    return clusterTopicTarget(await this.catalog.getCluster(cluster), topic, spec)
  }

  /** Creates each target's topic unless it exists; one report per target, in order. */
  async create(targets: readonly KafkaTopicTarget[]): Promise<TopicReport[]> {
    const reports: TopicReport[] = []
    for (const target of targets) {
      const [change] = await onCluster(target, (kafka) => createTopics(kafka, [target]))
      reports.push({ ...reportOf(target), change: change! })
    }
    return reports
  }

  async describe(targets: readonly KafkaTopicTarget[]): Promise<ClusterTopicDescription[]> {
    const descriptions: ClusterTopicDescription[] = []
    for (const target of targets) {
      const description = await onCluster(target, (kafka) =>
        describeTopic(kafka, target.topic, placeOf(target)),
      )
      descriptions.push({
        cluster: target.cluster,
        ...(target.dataset === undefined ? {} : { dataset: target.dataset }),
        ...description,
      })
    }
    return descriptions
  }

  async delete(targets: readonly KafkaTopicTarget[]): Promise<TopicReport[]> {
    const reports: TopicReport[] = []
    for (const target of targets) {
      await onCluster(target, (kafka) => deleteTopic(kafka, target.topic, placeOf(target)))
      reports.push({ ...reportOf(target), change: 'deleted' })
    }
    return reports
  }

  async list(name: string): Promise<string[]> {
    const cluster = await this.catalog.getCluster(name)
    const target = { cluster: name, bootstrapServers: kafkaBootstrapServers(cluster), topic: '*' }
    return onCluster(target, listTopics)
  }
}

function reportOf(target: KafkaTopicTarget): Omit<TopicReport, 'change'> {
  const { bootstrapServers: _servers, ...report } = target
  return report
}

function placeOf(target: KafkaTopicTarget): { cluster: string; dataset?: string } {
  return { cluster: target.cluster, ...(target.dataset === undefined ? {} : { dataset: target.dataset }) }
}

/**
 * Runs one admin action on the target's cluster; a missing topic becomes a 404 naming the fix, and anything
 * else Kafka answers (unreachable brokers, a refused replication factor) a 502 naming the cluster.
 */
async function onCluster<T>(target: KafkaTopicTarget, action: (kafka: Kafka) => Promise<T>): Promise<T> {
  const kafka = kafkaClient({
    bootstrapServers: parseBootstrapServers(target.bootstrapServers),
    clientId: 'weir-topic-admin',
    retry: ADMIN_RETRY,
  })
  try {
    return await action(kafka)
  } catch (error) {
    if (error instanceof MissingTopicError) throw new CatalogError(404, 'no_topic', error.message)
    if (error instanceof CatalogError) throw error
    throw new CatalogError(
      502,
      'cluster_failed',
      `Kafka cluster '${target.cluster}' (${target.bootstrapServers}) refused or did not answer a request on topic "${target.topic}": ${(error as Error).message}; check that its brokers are up and its bootstrap.servers property`,
    )
  }
}
