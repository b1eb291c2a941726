import type { Command } from 'commander'
import { registerCatalogCommands } from './commands/catalog.ts'
import { registerClusterCommands } from './commands/cluster.ts'
import { registerDataCommands } from './commands/data.ts'
import { registerDatasetCommands } from './commands/dataset.ts'
import { registerGovernanceCommands } from './commands/governance.ts'
import { registerSchemaCommands } from './commands/schema.ts'
import { registerSqlCommands } from './commands/sql.ts'
import { registerTopicCommands } from './commands/topic.ts'
import { registerUdmCommands } from './commands/udm.ts'
import { rootCommand } from './root-command.ts'

/**
 * The whole `weir` command tree, every area loaded (tests and help walks). The CLI itself starts through
 * run.ts, which loads only the area a command belongs to.
 */
export function buildProgram(): Command {
  const program = rootCommand()
  registerUdmCommands(program)
  registerSchemaCommands(program)
  registerClusterCommands(program)
  registerDatasetCommands(program)
  registerGovernanceCommands(program)
  registerCatalogCommands(program)
  registerDataCommands(program)
  registerTopicCommands(program)
  registerSqlCommands(program)

  return program
}
