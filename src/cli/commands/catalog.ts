/** `weir catalog apply`: a whole catalog (schemas, clusters, datasets) from one YAML/JSON file, atomically. */
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { readCatalogDocument } from '../../catalog/catalog-document.ts'
import { CatalogError } from '../../catalog/locations/errors.ts'
import type { TopicReport } from '../../server/topic-service.ts'
import { TOP_LEVEL_DESCRIPTIONS } from '../command-descriptions.ts'
import { printTopicReports, type TopicOps, topicOps } from './topic.ts'
import {
  printJson,
  readDefinitionFile,
  readTextFile,
  type TargetOptions,
  withClient,
  withTargetOptions,
} from './udm-options.ts'

export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description(TOP_LEVEL_DESCRIPTIONS.catalog)

  withTargetOptions(catalog.command('apply <file>'))
    .description('create or update every schema, cluster and dataset in the file, all or nothing')
    .option('--dry-run', 'check everything and report what would change, without changing anything')
    .option('--json', 'print the report as JSON')
    .option(
      '--create-topics',
      "then create the Kafka topic of every dataset in the file that has none yet, with its location's partitions and replicationFactor",
    )
    .option(
      '--env <environment>',
      "with --create-topics: the environment whose topics to create (default: the catalog's)",
    )
    .action(async (file: string, flags: ApplyFlags) => {
      await withClient(flags, async (client) => {
        const baseDir = dirname(resolve(file))
        // Schema files are read here, relative to the catalog file, so a remote server gets their text.
        const document = readCatalogDocument(readDefinitionFile(file), (path) =>
          readTextFile(resolve(baseDir, path), 'the schema file'),
        )
        const report = await client.apply(document, flags.dryRun === true)
        // After the catalog is in place, as kafka-topics --create would follow it: a dry run creates nothing.
        const topics =
          flags.createTopics === true && !report.dryRun
            ? await createDatasetTopics(
                topicOps(client),
                report.datasets.map((dataset) => dataset.name),
                flags.env,
              )
            : []
        if (flags.json === true) {
          printJson(flags.createTopics === true ? { ...report, topics } : report)
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
        printTopicReports(topics)
        if (report.dryRun) process.stdout.write('dry run: nothing was changed\n')
      })
    })
}

interface ApplyFlags extends TargetOptions {
  dryRun?: boolean
  json?: boolean
  createTopics?: boolean
  env?: string
}

/** The topics of every dataset with a Kafka location in the environment; the others have none to create. */
async function createDatasetTopics(
  ops: TopicOps,
  datasets: readonly string[],
  environment: string | undefined,
): Promise<TopicReport[]> {
  const reports: TopicReport[] = []
  for (const dataset of datasets) {
    try {
      reports.push(...(await ops.createForDataset(dataset, environment)))
    } catch (error) {
      if (error instanceof CatalogError && error.code === 'no_location') continue
      throw error
    }
  }
  return reports
}
