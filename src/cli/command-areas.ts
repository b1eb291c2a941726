import type { Command } from 'commander'

/**
 * The top-level commands of each area of the CLI, and how to load the area's code. `weir --help` and
 * `weir version` need only the names and descriptions, so the CLI starts without loading the engine, the
 * server or the Kafka client; a command loads its own area alone. command-areas.test.ts keeps the names and
 * descriptions here equal to what the areas register (program.ts).
 */
export interface CommandArea {
  readonly commands: readonly { readonly name: string; readonly description: string }[]
  readonly load: () => Promise<(program: Command) => void>
}

export const COMMAND_AREAS: readonly CommandArea[] = [
  {
    commands: [
      { name: 'udm', description: 'unified data management: the catalog and schema registry server' },
    ],
    load: async () => (await import('./commands/udm.ts')).registerUdmCommands,
  },
  {
    commands: [
      { name: 'schema', description: 'register, fetch and check schemas (Confluent-compatible registry)' },
    ],
    load: async () => (await import('./commands/schema.ts')).registerSchemaCommands,
  },
  {
    commands: [
      {
        name: 'cluster',
        description:
          'register the clusters (Kafka, Redis, HDFS, Hive, HBase, MySQL, PostgreSQL) datasets live on',
      },
    ],
    load: async () => (await import('./commands/cluster.ts')).registerClusterCommands,
  },
  {
    commands: [
      {
        name: 'dataset',
        description: 'logical datasets (namespace.name), their formats, schemas and locations',
      },
    ],
    load: async () => (await import('./commands/dataset.ts')).registerDatasetCommands,
  },
  {
    commands: [
      { name: 'principal', description: 'users and service accounts (admin)' },
      { name: 'group', description: "groups of principals: a group's grants apply to its members (admin)" },
      { name: 'token', description: 'API tokens (admin); a token is shown once, when created' },
      { name: 'grant', description: 'roles on namespaces and datasets' },
      { name: 'audit', description: 'the append-only audit trail' },
    ],
    load: async () => (await import('./commands/governance.ts')).registerGovernanceCommands,
  },
  {
    commands: [{ name: 'catalog', description: 'whole catalogs as files' }],
    load: async () => (await import('./commands/catalog.ts')).registerCatalogCommands,
  },
  {
    commands: [{ name: 'data', description: 'produce, consume and look up records by logical dataset name' }],
    load: async () => (await import('./commands/data.ts')).registerDataCommands,
  },
  {
    commands: [
      {
        name: 'topic',
        description: 'Kafka topics, by logical dataset name or by topic name on a catalog cluster',
      },
    ],
    load: async () => (await import('./commands/topic.ts')).registerTopicCommands,
  },
  {
    commands: [{ name: 'sql', description: 'plan and run Flink SQL scripts on the embedded engine' }],
    load: async () => (await import('./commands/sql.ts')).registerSqlCommands,
  },
]
