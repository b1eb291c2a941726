/** `weir dataset create|get|list|resolve`: logical datasets and where they physically live. */
import type { Command } from 'commander'
import { DATASET_KINDS, type DatasetFilter, type DatasetKind } from '../../catalog/locations/model.ts'
import { TOP_LEVEL_DESCRIPTIONS } from '../command-descriptions.ts'
import {
  printJson,
  printLines,
  readDefinitionFile,
  type TargetOptions,
  withClient,
  withTargetOptions,
} from './udm-options.ts'

interface ListFlags extends TargetOptions {
  query?: string
  tag?: string
  field?: string
  namespace?: string
  kind?: string
  json?: boolean
}

/** A file may hold one dataset, a list of them, or a catalog document's `datasets:` section. */
function datasetsIn(content: unknown): unknown[] {
  if (Array.isArray(content)) return content
  if (
    typeof content === 'object' &&
    content !== null &&
    Array.isArray((content as Record<string, unknown>).datasets)
  ) {
    return (content as { datasets: unknown[] }).datasets
  }
  return [content]
}

export function registerDatasetCommands(program: Command): void {
  const dataset = program.command('dataset').description(TOP_LEVEL_DESCRIPTIONS.dataset)

  withTargetOptions(dataset.command('create'))
    .description('create datasets from a YAML/JSON file (one dataset, a list, or a datasets: section)')
    .requiredOption('-f, --file <path>', 'the definition file')
    .option('--replace', 'update datasets that exist')
    .action(async (flags: TargetOptions & { file: string; replace?: boolean }) => {
      await withClient(flags, async (client) => {
        for (const definition of datasetsIn(readDefinitionFile(flags.file))) {
          const saved = await client.putDataset(definition, flags.replace === true)
          process.stdout.write(`dataset ${saved.name} saved (${Object.keys(saved.locations).join(', ')})\n`)
        }
      })
    })

  withTargetOptions(dataset.command('get <name>'))
    .description('print a dataset definition')
    .action(async (name: string, flags: TargetOptions) => {
      await withClient(flags, async (client) => printJson(await client.getDataset(name)))
    })

  withTargetOptions(dataset.command('list'))
    .description('list datasets, optionally filtered')
    .option('-q, --query <text>', 'substring of the name or description')
    .option('--tag <tag>', 'only datasets with this tag')
    .option('--field <name>', 'only datasets whose schema has this field')
    .option('--namespace <namespace>', 'only this namespace')
    .option('--kind <kind>', `only this kind (${DATASET_KINDS.join(', ')})`)
    .option('--json', 'print JSON')
    .action(async (flags: ListFlags) => {
      await withClient(flags, async (client) => {
        const filter: DatasetFilter = {}
        if (flags.query !== undefined) filter.query = flags.query
        if (flags.tag !== undefined) filter.tag = flags.tag
        if (flags.field !== undefined) filter.field = flags.field
        if (flags.namespace !== undefined) filter.namespace = flags.namespace
        if (flags.kind !== undefined) filter.kind = flags.kind as DatasetKind
        const datasets = await client.listDatasets(filter)
        if (flags.json === true) printJson(datasets)
        else
          printLines(
            datasets.map(
              (entry) =>
                `${entry.name}\t${entry.kind}\t${entry.environments.join(',')}\t${entry.description}`,
            ),
          )
      })
    })

  withTargetOptions(dataset.command('resolve <name>'))
    .description('print the physical locations of a dataset in an environment, with cluster connection info')
    .option('-e, --env <environment>', 'environment (default: the server default, prod)')
    .option('--include-secrets', 'resolve env:/file: secret references (needs permission on a server)')
    .action(async (name: string, flags: TargetOptions & { env?: string; includeSecrets?: boolean }) => {
      await withClient(flags, async (client) => {
        printJson(
          await client.resolve(name, {
            ...(flags.env === undefined ? {} : { environment: flags.env }),
            includeSecrets: flags.includeSecrets === true,
          }),
        )
      })
    })
}
