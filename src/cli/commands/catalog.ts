/** `weir catalog apply`: a whole catalog (schemas, clusters, datasets) from one YAML/JSON file, atomically. */
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { readCatalogDocument } from '../../catalog/catalog-document.ts'
import {
  printJson,
  readDefinitionFile,
  readTextFile,
  type TargetOptions,
  withClient,
  withTargetOptions,
} from './udm-options.ts'

export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description('whole catalogs as files')

  withTargetOptions(catalog.command('apply <file>'))
    .description('create or update every schema, cluster and dataset in the file, all or nothing')
    .option('--dry-run', 'check everything and report what would change, without changing anything')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: TargetOptions & { dryRun?: boolean; json?: boolean }) => {
      await withClient(flags, async (client) => {
        const baseDir = dirname(resolve(file))
        // Schema files are read here, relative to the catalog file, so a remote server gets their text.
        const document = readCatalogDocument(readDefinitionFile(file), (path) =>
          readTextFile(resolve(baseDir, path), 'the schema file'),
        )
        const report = await client.apply(document, flags.dryRun === true)
        if (flags.json === true) {
          printJson(report)
          return
        }
        const prefix = report.dryRun ? 'would be ' : ''
        for (const schema of report.schemas) {
          process.stdout.write(
            `schema  ${schema.subject} v${schema.version} (id ${schema.id}) ${prefix}${schema.change}\n`,
          )
        }
        for (const cluster of report.clusters)
          process.stdout.write(`cluster ${cluster.name} ${prefix}${cluster.change}\n`)
        for (const dataset of report.datasets)
          process.stdout.write(`dataset ${dataset.name} ${prefix}${dataset.change}\n`)
        if (report.dryRun) process.stdout.write('dry run: nothing was changed\n')
      })
    })
}
