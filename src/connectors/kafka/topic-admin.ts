/**
 * Kafka topic administration: create, list, describe and delete topics, and the check every writer makes
 * before its first record. Weir never lets a broker create topics on first use (producers ask with
 * allowAutoTopicCreation off), so a topic exists only when someone created it: `weir topic create` or
 * `weir catalog apply --create-topics`, which come here.
 */
import type { Admin, Kafka } from 'kafkajs'

/** A topic to create; partitions and replication default to the broker's (num.partitions, default.replication.factor). */
export interface TopicSpec {
  topic: string
  partitions?: number
  replicationFactor?: number
}

export interface PartitionDescription {
  partition: number
  leader: number
  replicas: number[]
  isr: number[]
}

export interface TopicDescription {
  topic: string
  partitions: PartitionDescription[]
  /** The replica count of the first partition (Kafka keeps it equal across a topic's partitions). */
  replicationFactor: number
}

export type TopicChange = 'created' | 'exists'

/** Where a missing topic was looked for, for the message: a catalog cluster's name or the bootstrap servers. */
export interface TopicPlace {
  cluster: string
  /** The logical dataset the topic belongs to, when known: the fix is then `weir topic create <dataset>`. */
  dataset?: string
}

/** A writer's topic does not exist: nothing was sent, and nothing will be until someone creates it. */
export class MissingTopicError extends Error {
  readonly topic: string
  readonly cluster: string
  readonly dataset: string | undefined

  constructor(topic: string, place: TopicPlace) {
    const fix =
      place.dataset === undefined
        ? `create it with \`weir topic create ${topic} --cluster <catalog cluster>\``
        : `create it with \`weir topic create ${place.dataset}\` (or weir catalog apply --create-topics)`
    super(`topic "${topic}" does not exist on cluster ${place.cluster}: ${fix}`)
    this.name = 'MissingTopicError'
    this.topic = topic
    this.cluster = place.cluster
    this.dataset = place.dataset
  }
}

/**
 * Few, short retries, for a client made only to administer topics (`kafkaClient({ ..., retry })`): these are
 * one-off requests from a command or a server route, where a broker that is down should be reported in a
 * second or two, not after kafkajs' default ten seconds of reconnecting.
 */
export const ADMIN_RETRY = { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 }

/** Runs `action` with a connected admin client, disconnecting it whatever happens. */
export async function withAdmin<T>(kafka: Kafka, action: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    return await action(admin)
  } finally {
    await admin.disconnect()
  }
}

/** Creates the topics that do not exist yet; an existing topic is left as it is (its partitions included). */
export async function createTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<TopicChange[]> {
  return withAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics())
    const missing = specs.filter((spec) => !existing.has(spec.topic))
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          // -1 asks the broker for its default, as kafka-topics.sh does without --partitions.
          numPartitions: spec.partitions ?? -1,
          replicationFactor: spec.replicationFactor ?? -1,
        })),
      })
    }
    return specs.map((spec) => (existing.has(spec.topic) ? 'exists' : 'created'))
  })
}

/** The cluster's topics, sorted; Kafka's internal ones (`__consumer_offsets`, ...) left out. */
export async function listTopics(kafka: Kafka): Promise<string[]> {
  const topics = await withAdmin(kafka, (admin) => admin.listTopics())
  return topics.filter((topic) => !topic.startsWith('__')).sort()
}

/** Partitions, leaders and replicas of a topic; a MissingTopicError when it does not exist. */
export async function describeTopic(
  kafka: Kafka,
  topic: string,
  place: TopicPlace,
): Promise<TopicDescription> {
  return withAdmin(kafka, async (admin) => {
    // Listing first: a metadata request naming the topic could create it on a broker that auto-creates.
    if (!(await admin.listTopics()).includes(topic)) throw new MissingTopicError(topic, place)
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
    const partitions = (topics[0]?.partitions ?? [])
      .map((partition) => ({
        partition: partition.partitionId,
        leader: partition.leader,
        replicas: partition.replicas,
        isr: partition.isr,
      }))
      .sort((a, b) => a.partition - b.partition)
    return { topic, partitions, replicationFactor: partitions[0]?.replicas.length ?? 0 }
  })
}

/** Deletes a topic and its data; a MissingTopicError when there is no such topic. */
export async function deleteTopic(kafka: Kafka, topic: string, place: TopicPlace): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    if (!(await admin.listTopics()).includes(topic)) throw new MissingTopicError(topic, place)
    await admin.deleteTopics({ topics: [topic] })
  })
}

/**
 * Fails with a MissingTopicError unless the topic exists. Writers call it before their first record: a
 * producer to a missing topic otherwise retries metadata for its whole timeout and ends with Kafka's
 * "This server does not host this topic-partition", which names neither the topic nor the fix.
 */
export async function assertTopicExists(kafka: Kafka, topic: string, place: TopicPlace): Promise<void> {
  const topics = await withAdmin(kafka, (admin) => admin.listTopics())
  if (!topics.includes(topic)) throw new MissingTopicError(topic, place)
}
