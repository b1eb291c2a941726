import type { Command } from 'commander'
import { TOP_LEVEL_DESCRIPTIONS, type TopLevelCommand } from './command-descriptions.ts'

/**
 * The top-level commands of each area of the CLI, and how to load the area's code. `weir --help` and
 * `weir version` need only the names and descriptions, so the CLI starts without loading the engine, the
 * server or the Kafka client; a command loads its own area alone. command-areas.test.ts keeps the names and
 * order here equal to what the areas register (program.ts); the texts come from command-descriptions.ts.
 */
export interface CommandArea {
  readonly commands: readonly { readonly name: string; readonly description: string }[]
  readonly load: () => Promise<(program: Command) => void>
}

const command = (name: TopLevelCommand) => ({ name, description: TOP_LEVEL_DESCRIPTIONS[name] })

export const COMMAND_AREAS: readonly CommandArea[] = [
  {
    commands: [command('udm')],
    load: async () => (await import('./commands/udm.ts')).registerUdmCommands,
  },
  {
    commands: [command('schema')],
    load: async () => (await import('./commands/schema.ts')).registerSchemaCommands,
  },
  {
    commands: [command('cluster')],
    load: async () => (await import('./commands/cluster.ts')).registerClusterCommands,
  },
  {
    commands: [command('dataset')],
    load: async () => (await import('./commands/dataset.ts')).registerDatasetCommands,
  },
  {
    commands: [command('principal'), command('group'), command('token'), command('grant'), command('audit')],
    load: async () => (await import('./commands/governance.ts')).registerGovernanceCommands,
  },
  {
    commands: [command('catalog')],
    load: async () => (await import('./commands/catalog.ts')).registerCatalogCommands,
  },
  {
    commands: [command('data')],
    load: async () => (await import('./commands/data.ts')).registerDataCommands,
  },
  {
    commands: [command('topic')],
    load: async () => (await import('./commands/topic.ts')).registerTopicCommands,
  },
  {
    commands: [command('sql')],
    load: async () => (await import('./commands/sql.ts')).registerSqlCommands,
  },
]
