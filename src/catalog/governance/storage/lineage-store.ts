/**
 * Lineage in the database: each OpenLineage RunEvent upserts its job, run and datasets and records which
 * datasets the run read and wrote (and column edges where the producer reported them). The graph is read
 * back whole into a LineageIndex, which answers depth-limited upstream/downstream queries.
 */
import { sql } from 'kysely'
import { datasetNodeId, jobNodeId, type LineageEdge, LineageIndex } from '../lineage-graph.ts'
import type { DatasetResolver, RunEvent } from '../openlineage.ts'
import { lineageOfEvent } from '../openlineage.ts'
import type { Db } from './principal-store.ts'

const DATASET_PREFIX = datasetNodeId('')
const FINISHED = new Set(['COMPLETE', 'FAIL', 'ABORT'])

export async function ingestRunEvent(
  db: Db,
  event: RunEvent,
  resolve: DatasetResolver,
): Promise<{ job: string; datasets: string[] }> {
  const lineage = lineageOfEvent(event, resolve)
  const at = new Date(event.eventTime)
  await db.transaction().execute(async (trx) => {
    const job = await trx
      .insertInto('lineage_jobs')
      .values({
        namespace: event.job.namespace,
        name: event.job.name,
        facets: JSON.stringify(event.job.facets),
      })
      .onConflict((conflict) =>
        conflict
          .columns(['namespace', 'name'])
          .doUpdateSet({ facets: JSON.stringify(event.job.facets), updated_at: sql<string>`now()` }),
      )
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('lineage_runs')
      .values({
        id: event.run.runId,
        job_id: job.id,
        state: event.eventType,
        started_at: event.eventType === 'START' ? at : null,
        ended_at: FINISHED.has(event.eventType) ? at : null,
        last_event_at: at,
        facets: JSON.stringify(event.run.facets),
      })
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet((eb) => ({
          state: event.eventType,
          last_event_at: at,
          ended_at: FINISHED.has(event.eventType) ? at : eb.ref('lineage_runs.ended_at'),
        })),
      )
      .execute()
    const ids = new Map<string, number>()
    for (const dataset of lineage.datasets) {
      const node = dataset.node.slice(DATASET_PREFIX.length)
      const row = await trx
        .insertInto('lineage_datasets')
        .values({ node, namespace: dataset.namespace, name: dataset.name, facets: '{}' })
        .onConflict((conflict) => conflict.column('node').doUpdateSet({ updated_at: sql<string>`now()` }))
        .returning('id')
        .executeTakeFirstOrThrow()
      ids.set(dataset.node, row.id)
    }
    const io = lineage.edges.map((edge) =>
      edge.destination === lineage.job
        ? { run_id: event.run.runId, dataset_id: ids.get(edge.origin)!, direction: 'input' as const }
        : { run_id: event.run.runId, dataset_id: ids.get(edge.destination)!, direction: 'output' as const },
    )
    if (io.length > 0)
      await trx
        .insertInto('lineage_run_io')
        .values(io)
        .onConflict((conflict) => conflict.doNothing())
        .execute()
    const columns = lineage.columnEdges.flatMap((edge) => {
      const input = ids.get(edge.origin.dataset)
      const output = ids.get(edge.destination.dataset)
      if (input === undefined || output === undefined) return []
      return [
        {
          run_id: event.run.runId,
          input_dataset_id: input,
          input_field: edge.origin.field,
          output_dataset_id: output,
          output_field: edge.destination.field,
        },
      ]
    })
    if (columns.length > 0) {
      await trx
        .insertInto('lineage_column_edges')
        .values(columns)
        .onConflict((conflict) => conflict.doNothing())
        .execute()
    }
  })
  return { job: lineage.job, datasets: lineage.datasets.map((dataset) => dataset.node) }
}

export async function loadLineageIndex(db: Db): Promise<LineageIndex> {
  const io = await db
    .selectFrom('lineage_run_io')
    .innerJoin('lineage_runs', 'lineage_runs.id', 'lineage_run_io.run_id')
    .innerJoin('lineage_jobs', 'lineage_jobs.id', 'lineage_runs.job_id')
    .innerJoin('lineage_datasets', 'lineage_datasets.id', 'lineage_run_io.dataset_id')
    .select([
      'lineage_run_io.direction',
      'lineage_datasets.node',
      'lineage_jobs.namespace',
      'lineage_jobs.name',
    ])
    .execute()
  const edges: LineageEdge[] = io.map((row) => {
    const job = jobNodeId(row.namespace, row.name)
    const dataset = datasetNodeId(row.node)
    return row.direction === 'input'
      ? { origin: dataset, destination: job }
      : { origin: job, destination: dataset }
  })
  const columns = await db
    .selectFrom('lineage_column_edges')
    .innerJoin('lineage_runs', 'lineage_runs.id', 'lineage_column_edges.run_id')
    .innerJoin('lineage_jobs', 'lineage_jobs.id', 'lineage_runs.job_id')
    .innerJoin('lineage_datasets as input', 'input.id', 'lineage_column_edges.input_dataset_id')
    .innerJoin('lineage_datasets as output', 'output.id', 'lineage_column_edges.output_dataset_id')
    .select([
      'input.node as input_node',
      'lineage_column_edges.input_field',
      'output.node as output_node',
      'lineage_column_edges.output_field',
      'lineage_jobs.namespace',
      'lineage_jobs.name',
    ])
    .execute()
  return new LineageIndex(
    edges,
    columns.map((row) => ({
      origin: { dataset: datasetNodeId(row.input_node), field: row.input_field },
      destination: { dataset: datasetNodeId(row.output_node), field: row.output_field },
      job: jobNodeId(row.namespace, row.name),
    })),
  )
}
