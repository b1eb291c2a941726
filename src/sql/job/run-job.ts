import type { ConnectorContext } from '../../connectors/engine/context.ts'
import {
  addDeadLetterCounts,
  type DeadLetterCounts,
  type OperatorMetricsSnapshot,
} from '../../engine/index.ts'
import { StaticTableResolver, type TableResolver } from '../catalog/table-resolver.ts'
import type { FunctionRegistry } from '../functions/registry.ts'
import { buildJobPipeline, type JobNodes, type JobPipelineOptions, lastOption } from './job-pipeline.ts'
import { runParallel } from './parallel/coordinator.ts'
import { type PlannedJob, planJob } from './plan-job.ts'

export interface RunJobOptions {
  readonly script: string
  /** Where tables that the script does not create come from; by default there are none. */
  readonly resolver?: TableResolver
  readonly sets?: Readonly<Record<string, string>>
  /**
   * User-defined scalar functions written in TypeScript, called by name in the script. Parallelism 1 only:
   * functions are code, which cannot be handed to worker threads.
   */
  readonly functions?: FunctionRegistry
  /**
   * At parallelism > 1 only its schema source and registrar reach the subtasks (as calls to this thread);
   * a print output or malformed-input handler cannot, and is refused.
   */
  readonly connectorContext?: ConnectorContext
  /**
   * Replaces a table's connector sink, e.g. print tables with a result view; undefined keeps the connector.
   * Parallelism 1 only: a sink in this thread cannot receive rows from worker threads.
   */
  readonly sinkFor?: JobPipelineOptions['sinkFor']
  /** Called about once a second with every node's metrics. */
  readonly onProgress?: (progress: JobProgress) => void
  readonly progressIntervalMs?: number
  /** Aborting cancels the job; `runJob` then resolves with `cancelled: true`. */
  readonly signal?: AbortSignal
}

export interface JobProgress {
  /** Per engine node, summed over subtasks. */
  readonly metrics: readonly OperatorMetricsSnapshot[]
  /** Records read by all sources so far. */
  readonly recordsIn: number
  /** The event time every sink has reached: the least sink watermark. */
  readonly watermark: number
  /**
   * Records that left the job without reaching a sink, by reason, over all nodes: undecodable source
   * records (also in their source's dead-letter topic), late rows, rows without event time, unmatched
   * retractions. Each node's share is in its metrics' `deadLetterReasons`.
   */
  readonly deadLetters: DeadLetterCounts
}

export interface JobResult extends JobProgress {
  readonly cancelled: boolean
  readonly lateRecords: number
  readonly parallelism: number
}

const PARALLELISM_OPTION = 'parallelism.default'
const DEFAULT_PROGRESS_INTERVAL_MS = 1000

/**
 * Plans a script and runs its INSERTs as one job on the embedded engine, until bounded sources end or it is
 * cancelled. With `parallelism.default` N > 1 the job runs as N subtasks on worker threads.
 */
export async function runJob(options: RunJobOptions): Promise<JobResult> {
  const job = await planJob({
    script: options.script,
    resolver: options.resolver ?? new StaticTableResolver({}),
    ...(options.sets === undefined ? {} : { sets: options.sets }),
    ...(options.functions === undefined ? {} : { functions: options.functions }),
  })
  if (job.inserts.length === 0) throw new Error('the script has no INSERT INTO or SELECT statement to run')
  const parallelism = parallelismOf(job)
  return parallelism === 1 ? runInProcess(job, options) : runOnWorkers(job, options, parallelism)
}

async function runInProcess(job: PlannedJob, options: RunJobOptions): Promise<JobResult> {
  const planned = await buildJobPipeline(job, {
    ...(options.connectorContext === undefined ? {} : { connectorContext: options.connectorContext }),
    ...(options.functions === undefined ? {} : { functions: options.functions }),
    ...(options.sinkFor === undefined ? {} : { sinkFor: options.sinkFor }),
  })
  const { pipeline } = planned
  const cancel = (): void => pipeline.cancel()
  options.signal?.addEventListener('abort', cancel)
  const onProgress = options.onProgress
  const timer =
    onProgress === undefined
      ? undefined
      : setInterval(
          () => onProgress(summarize(pipeline.metrics(), planned)),
          options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
        )
  try {
    if (options.signal?.aborted) pipeline.cancel()
    const result = await pipeline.run()
    return finalResult(result.metrics, planned, result.cancelled, 1)
  } finally {
    clearInterval(timer)
    options.signal?.removeEventListener('abort', cancel)
  }
}

async function runOnWorkers(
  job: PlannedJob,
  options: RunJobOptions,
  parallelism: number,
): Promise<JobResult> {
  if (options.functions !== undefined && options.functions.names().length > 0)
    throw new Error(
      `user-defined functions (${options.functions.names().join(', ')}) cannot be handed to worker threads: run with '${PARALLELISM_OPTION}' = '1'`,
    )
  if (options.sinkFor !== undefined)
    throw new Error(
      `replaced sinks (a result view) cannot receive rows from worker threads: run with '${PARALLELISM_OPTION}' = '1'`,
    )
  const onProgress = options.onProgress
  const result = await runParallel(job, {
    script: options.script,
    sets: options.sets ?? {},
    parallelism,
    progressIntervalMs: options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
    ...(onProgress === undefined
      ? {}
      : { onProgress: (metrics, nodes) => onProgress(summarize(metrics, nodes)) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.connectorContext === undefined ? {} : { connectorContext: options.connectorContext }),
  })
  return finalResult(result.metrics, result.nodes, result.cancelled, parallelism)
}

/** The parallelism in force at the last INSERT (`SET 'parallelism.default'` or `--set`). */
function parallelismOf(job: PlannedJob): number {
  const text = lastOption(job.inserts, PARALLELISM_OPTION) ?? '1'
  const parallelism = Number(text)
  if (!Number.isSafeInteger(parallelism) || parallelism < 1)
    throw new Error(`'${PARALLELISM_OPTION}' must be an integer >= 1; got '${text}'`)
  return parallelism
}

function finalResult(
  metrics: readonly OperatorMetricsSnapshot[],
  nodes: JobNodes,
  cancelled: boolean,
  parallelism: number,
): JobResult {
  return {
    ...summarize(metrics, nodes),
    cancelled,
    lateRecords: metrics.reduce((total, node) => total + node.lateRecords, 0),
    parallelism,
  }
}

function summarize(metrics: readonly OperatorMetricsSnapshot[], nodes: JobNodes): JobProgress {
  const byName = new Map(metrics.map((node) => [node.name, node]))
  const recordsIn = nodes.sourceNodes.reduce((total, name) => total + (byName.get(name)?.recordsOut ?? 0), 0)
  const watermark = Math.min(...nodes.sinkNodes.map((name) => byName.get(name)?.watermark ?? -Infinity))
  const deadLetters = metrics.reduce<DeadLetterCounts>(
    (total, node) => addDeadLetterCounts(total, node.deadLetterReasons),
    {},
  )
  return { metrics, recordsIn, watermark, deadLetters }
}
