/**
 * The Kafka topics a dataset's locations name, with what to create them with (the location's `partitions`
 * and `replicationFactor`): what `weir topic create <dataset>` and `weir catalog apply --create-topics` make.
 */
import { CatalogError } from './errors.ts'
import type { Cluster, ResolvedDataset } from './model.ts'

export interface KafkaTopicTarget {
  /** The catalog cluster's name, for messages and reports. */
  cluster: string
  bootstrapServers: string
  topic: string
  partitions?: number
  replicationFactor?: number
  /** The dataset whose location names the topic; absent for a topic named directly with --cluster. */
  dataset?: string
}

/** Every Kafka location of the resolved dataset (in its environment) as a topic to administer. */
export function kafkaTopicTargets(resolved: ResolvedDataset): KafkaTopicTarget[] {
  const targets = resolved.locations
    .filter((location) => location.system === 'kafka')
    .map((location) => ({
      cluster: location.cluster.name,
      bootstrapServers: bootstrapServersOf(location.cluster),
      topic: String(location.topic),
      ...(typeof location.partitions === 'number' ? { partitions: location.partitions } : {}),
      ...(typeof location.replicationFactor === 'number'
        ? { replicationFactor: location.replicationFactor }
        : {}),
      dataset: resolved.dataset,
    }))
  if (targets.length === 0) {
    const systems = resolved.locations.map((location) => location.system).join(', ')
    throw new CatalogError(
      404,
      'no_location',
      `dataset '${resolved.dataset}' has no Kafka location in environment '${resolved.environment}' (it has: ${systems || 'none'}), so it has no topic; add a kafka location, or pass --env`,
      'environment',
    )
  }
  return targets
}

/** A topic named directly on a catalog cluster (`weir topic create <topic> --cluster <name>`). */
export function clusterTopicTarget(
  cluster: Pick<Cluster, 'name' | 'system' | 'properties'>,
  topic: string,
  spec: { partitions?: number; replicationFactor?: number } = {},
): KafkaTopicTarget {
  if (!KAFKA_TOPIC.test(topic)) {
    throw new CatalogError(
      400,
      'invalid_field',
      `'${topic}' is not a Kafka topic name: use letters, digits, ., _ and - (at most 249)`,
      'topic',
    )
  }
  return { cluster: cluster.name, bootstrapServers: kafkaBootstrapServers(cluster), topic, ...spec }
}

const KAFKA_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/

/** A Kafka cluster's `bootstrap.servers`; a cluster of another system, or without them, is refused. */
export function kafkaBootstrapServers(cluster: Pick<Cluster, 'name' | 'system' | 'properties'>): string {
  if (cluster.system !== 'kafka') {
    throw new CatalogError(
      400,
      'invalid_field',
      `cluster '${cluster.name}' is a ${cluster.system} cluster; topics live on kafka clusters (weir cluster list shows them)`,
      'cluster',
    )
  }
  return bootstrapServersOf(cluster)
}

function bootstrapServersOf(cluster: Pick<Cluster, 'name' | 'properties'>): string {
  const servers = cluster.properties['bootstrap.servers']
  if (typeof servers !== 'string' || servers.trim() === '') {
    throw new CatalogError(
      422,
      'invalid_field',
      `Kafka cluster '${cluster.name}' has no bootstrap.servers property; add it with weir cluster add --replace`,
      'bootstrap.servers',
    )
  }
  return servers
}
