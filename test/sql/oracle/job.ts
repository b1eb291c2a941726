import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import { type JobResult, runJob } from '../../../src/sql/job/index.ts'
import { freshTopic, testKafka } from '../../harness/kafka.ts'
import { useService } from '../../harness/services.ts'
import { type ClickstreamFile, clicksTableDdl } from './clickstream.ts'
import { fileSinkDdl, type ResultRecord, readFileSink, readUpsertTopic, upsertKafkaSinkDdl } from './sinks.ts'

/** Parallelisms every oracle query runs at: one thread, and subtasks split by key group. */
export const PARALLELISMS = [1, 2] as const

export interface OracleQuery {
  readonly clicks: ClickstreamFile
  /** The query whose rows the sink table `result` receives. */
  readonly select: string
  /** The sink table's columns as Flink DDL, in the order of the query's columns. */
  readonly columns: string
  readonly parallelism: number
  /** Session options (SET) for the job besides the parallelism, e.g. mini-batch and the aggregate phases. */
  readonly sets?: Readonly<Record<string, string>>
  /** Statements between the tables and the INSERT, e.g. CREATE TEMPORARY VIEW … the query reads. */
  readonly views?: string
  /** Receives the finished job's result, e.g. to check its per-node metrics. */
  readonly onResult?: (result: JobResult) => void
}

/** Runs an insert-only query at `parallelism` into JSON-lines files and returns the rows they hold. */
export async function queryIntoFiles(query: OracleQuery): Promise<ResultRecord[]> {
  const directory = await mkdtemp(join(query.clicks.path, '..', 'result-'))
  await runOracleJob(query, fileSinkDdl('result', query.columns, directory))
  return readFileSink(directory)
}

/**
 * Runs an updating query at `parallelism` into an upsert-kafka table keyed by `primaryKey` and returns the
 * table the topic describes at the end.
 */
export async function queryIntoUpsertTopic(
  query: OracleQuery,
  primaryKey: readonly string[],
): Promise<ResultRecord[]> {
  const { bootstrapServers } = await useService('kafka')
  const kafka = await testKafka()
  const topic = await freshTopic(kafka, 'oracle')
  await runOracleJob(query, upsertKafkaSinkDdl('result', query.columns, primaryKey, topic, bootstrapServers))
  return readUpsertTopic(kafka, topic)
}

/**
 * The inputs keep every event within the watermark delay, so a late record would be an engine error that
 * silently changes results: it fails the test here, as does a job that ran at another parallelism than asked.
 */
async function runOracleJob(query: OracleQuery, sinkDdl: string): Promise<void> {
  const script = `${clicksTableDdl(query.clicks)}
    ${sinkDdl}
    ${query.views ?? ''}
    INSERT INTO result ${query.select};`
  const sets = { ...query.sets, 'parallelism.default': String(query.parallelism) }
  const result = await runJob({ script, sets })
  expect(result.lateRecords).toBe(0)
  expect(result.parallelism).toBe(query.parallelism)
  query.onResult?.(result)
}
