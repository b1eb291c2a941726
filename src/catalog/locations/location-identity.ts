/**
 * Which physical data a location points at, as one comparable text: two locations with the same identity read
 * and write the same records, whatever their tuning fields (partitions, ttl, file format, ...) say. Used to
 * find the datasets that already live at a place before another dataset may point there.
 */
import type { ClusterSystem } from './model.ts'

/** The spec fields that name the data itself, per system; the others only describe how it is laid out. */
const IDENTITY_FIELDS: Record<ClusterSystem, readonly string[]> = {
  kafka: ['topic'],
  redis: ['keyPattern'],
  hdfs: ['path'],
  hive: ['database', 'table'],
  hbase: ['table', 'columnFamily'],
  mysql: ['database', 'table'],
  postgres: ['database', 'schema', 'table'],
}

/** `kafka-main kafka {"topic":"pv_events"}`: the cluster, its system and the identifying fields. */
export function locationIdentity(
  cluster: string,
  system: ClusterSystem,
  spec: Record<string, unknown>,
): string {
  const fields = IDENTITY_FIELDS[system].map((field) => [field, spec[field] ?? null])
  return `${cluster} ${system} ${JSON.stringify(Object.fromEntries(fields))}`
}
