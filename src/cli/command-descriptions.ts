/**
 * What each top-level command is for: the one place these texts live. The areas register their commands
 * with them, and the lazy index (command-areas.ts) lists them for `weir --help` without loading any area.
 */
export const TOP_LEVEL_DESCRIPTIONS = {
  udm: 'unified data management: the catalog and schema registry server',
  schema: 'register, fetch and check schemas (Confluent-compatible registry)',
  cluster: 'register the clusters (Kafka, Redis, HDFS, Hive, HBase, MySQL, PostgreSQL) datasets live on',
  dataset: 'logical datasets (namespace.name), their formats, schemas and locations',
  principal: 'users and service accounts (admin)',
  group: "groups of principals: a group's grants apply to its members (admin)",
  token: 'API tokens (admin); a token is shown once, when created',
  grant: 'roles on namespaces and datasets',
  audit: 'the append-only audit trail',
  catalog: 'whole catalogs as files',
  data: 'produce, consume and look up records by logical dataset name',
  topic: 'Kafka topics, by logical dataset name or by topic name on a catalog cluster',
  sql: 'plan and run Flink SQL scripts on the embedded engine',
} as const

export type TopLevelCommand = keyof typeof TOP_LEVEL_DESCRIPTIONS
