/** `weir cluster add|list`: the clusters datasets live on. */
import type { Command } from 'commander'
import { TOP_LEVEL_DESCRIPTIONS } from '../command-descriptions.ts'
import {
  collectPairs,
  printJson,
  printLines,
  readDefinitionFile,
  type TargetOptions,
  withClient,
  withTargetOptions,
} from './udm-options.ts'

interface AddFlags extends TargetOptions {
  system?: string
  property?: Record<string, string>
  description?: string
  file?: string
  replace?: boolean
}

export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description(TOP_LEVEL_DESCRIPTIONS.cluster)

  withTargetOptions(cluster.command('add [name]'))
    .description(
      'register a cluster from flags or a YAML/JSON file; secrets must be references (env:NAME, file:/path)',
    )
    .option('-s, --system <system>', 'kafka, redis, hdfs, hive, hbase, mysql or postgres')
    .option('-p, --property <key=value>', 'a connection property (repeatable)', collectPairs)
    .option('-d, --description <text>', 'what the cluster is for')
    .option('-f, --file <path>', 'a YAML/JSON cluster definition instead of flags')
    .option('--replace', 'update the cluster if it exists')
    .action(async (name: string | undefined, flags: AddFlags) => {
      await withClient(flags, async (client) => {
        const definition =
          flags.file !== undefined
            ? readDefinitionFile(flags.file)
            : {
                name,
                system: flags.system,
                properties: flags.property ?? {},
                ...(flags.description === undefined ? {} : { description: flags.description }),
              }
        const saved = await client.putCluster(definition, flags.replace === true)
        process.stdout.write(`cluster ${saved.name} (${saved.system}) saved\n`)
      })
    })

  withTargetOptions(cluster.command('list'))
    .description('list clusters')
    .option('--json', 'print JSON (with properties)')
    .action(async (flags: TargetOptions & { json?: boolean }) => {
      await withClient(flags, async (client) => {
        const clusters = await client.listClusters()
        if (flags.json === true) printJson(clusters)
        else printLines(clusters.map((entry) => `${entry.name}\t${entry.system}\t${entry.description}`))
      })
    })
}
