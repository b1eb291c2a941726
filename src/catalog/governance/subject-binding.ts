/**
 * Schema-registry subjects carry no permissions of their own: a subject is governed through the dataset(s) it
 * belongs to. A subject belongs to a dataset when the dataset names it as its key or value subject (explicit
 * binding), or else by Confluent's TopicNameStrategy, `<topic>-value` / `<topic>-key`, when the topic is one of
 * the dataset's locations.
 */
import type { Resource } from './resources.ts'

export interface SubjectIndex {
  /** Subject → datasets that name it as their key or value subject. */
  readonly explicit: ReadonlyMap<string, readonly string[]>
  /** Kafka topic → datasets with a location on that topic. */
  readonly topics: ReadonlyMap<string, readonly string[]>
}

export type SubjectBinding =
  | { subject: string; via: 'explicit'; datasets: readonly string[] }
  | { subject: string; via: 'topic'; topic: string; part: 'key' | 'value'; datasets: readonly string[] }
  | { subject: string; via: 'none'; datasets: readonly [] }

/** What binding needs to know of one dataset: the subjects it names and the Kafka topics it lives on. */
export interface DatasetSubjects {
  name: string
  subjects: readonly string[]
  topics: readonly string[]
}

export function buildSubjectIndex(datasets: Iterable<DatasetSubjects>): SubjectIndex {
  const explicit = new Map<string, string[]>()
  const topics = new Map<string, string[]>()
  for (const dataset of datasets) {
    for (const subject of dataset.subjects) addTo(explicit, subject, dataset.name)
    for (const topic of dataset.topics) addTo(topics, topic, dataset.name)
  }
  return { explicit, topics }
}

function addTo(index: Map<string, string[]>, key: string, dataset: string): void {
  const datasets = index.get(key)
  if (datasets === undefined) index.set(key, [dataset])
  else if (!datasets.includes(dataset)) datasets.push(dataset)
}

const TOPIC_NAME_STRATEGY = /^(.+)-(key|value)$/

/** Explicit bindings win: a dataset that names its subject has said where it belongs. */
export function bindSubject(subject: string, index: SubjectIndex): SubjectBinding {
  const explicit = index.explicit.get(subject)
  if (explicit !== undefined && explicit.length > 0) return { subject, via: 'explicit', datasets: explicit }
  const match = TOPIC_NAME_STRATEGY.exec(subject)
  if (match !== null) {
    const topic = match[1]!
    const datasets = index.topics.get(topic)
    if (datasets !== undefined && datasets.length > 0) {
      return { subject, via: 'topic', topic, part: match[2] as 'key' | 'value', datasets }
    }
  }
  return { subject, via: 'none', datasets: [] }
}

export function subjectResource(binding: SubjectBinding): Resource {
  return { kind: 'subject', name: binding.subject, datasets: binding.datasets }
}
