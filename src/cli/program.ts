import { Command } from 'commander'
import { WEIR_VERSION } from '../version.ts'
import { registerCatalogCommands } from './commands/catalog.ts'
import { registerClusterCommands } from './commands/cluster.ts'
import { registerDataCommands } from './commands/data.ts'
import { registerDatasetCommands } from './commands/dataset.ts'
import { registerGovernanceCommands } from './commands/governance.ts'
import { registerSchemaCommands } from './commands/schema.ts'
import { registerSqlCommands } from './commands/sql.ts'
import { registerTopicCommands } from './commands/topic.ts'
import { registerUdmCommands } from './commands/udm.ts'

/** The `weir` command tree; each area registers its own subcommands here. */
export function buildProgram(): Command {
  const program = new Command('weir')
    .description('Weir: a real-time data platform (streaming SQL, unified data management, Flink scale-out)')
    .version(WEIR_VERSION, '-V, --version', 'print the Weir version')
    .showHelpAfterError('(run `weir --help` for the list of commands)')

  program
    .command('version')
    .description('print the Weir version and the runtime it runs on')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const info = {
        weir: WEIR_VERSION,
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
      }
      console.log(
        options.json ? JSON.stringify(info) : `weir ${info.weir} (node ${info.node}, ${info.platform})`,
      )
    })

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
