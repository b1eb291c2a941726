import type { ConnectorContext } from '../../connectors/engine/context.ts'
import type { OperatorMetricsSnapshot, PipelineResult } from '../../engine/index.ts'
import { StaticTableResolver, type TableResolver } from '../catalog/table-resolver.ts'
import { createRuntimeEnv } from '../compile/compile-expression.ts'
import { planPipeline } from '../physical/index.ts'
import type { LogicalPlan } from '../plan/nodes.ts'
import { type PlannedJob, planJob } from './plan-job.ts'

export interface RunJobOptions {
  readonly script: string
  /** Where tables that the script does not create come from; by default there are none. */
  readonly resolver?: TableResolver
  readonly sets?: Readonly<Record<string, string>>
  readonly connectorContext?: ConnectorContext
  /** Called about once a second with every node's metrics. */
  readonly onProgress?: (progress: JobProgress) => void
  readonly progressIntervalMs?: number
  /** Aborting cancels the job; `runJob` then resolves with `cancelled: true`. */
  readonly signal?: AbortSignal
}

export interface JobProgress {
  readonly metrics: readonly OperatorMetricsSnapshot[]
  /** Records read by all sources so far. */
  readonly recordsIn: number
  /** The event time every sink has reached: the least sink watermark. */
  readonly watermark: number
}

export interface JobResult extends JobProgress {
  readonly cancelled: boolean
  readonly lateRecords: number
  readonly parallelism: number
}

/** Plans a script and runs its INSERTs as one job on the embedded engine, until bounded sources end or it is cancelled. */
export async function runJob(options: RunJobOptions): Promise<JobResult> {
  const job = await planJob({
    script: options.script,
    resolver: options.resolver ?? new StaticTableResolver({}),
    ...(options.sets === undefined ? {} : { sets: options.sets }),
  })
  if (job.queries.length > 0)
    throw new Error('a SELECT without INSERT INTO cannot run yet: INSERT INTO a print table instead')
  if (job.inserts.length === 0) throw new Error('the script has no INSERT INTO statement to run')
  return runPlannedJob(job, options)
}

async function runPlannedJob(job: PlannedJob, options: RunJobOptions): Promise<JobResult> {
  const env = createRuntimeEnv(envOptions(job.inserts))
  const planned = await planPipeline(job.inserts, {
    env,
    ...(options.connectorContext === undefined ? {} : { connectorContext: options.connectorContext }),
  })
  const { pipeline } = planned
  const progressOf = (metrics: readonly OperatorMetricsSnapshot[]): JobProgress =>
    summarize(metrics, planned.sourceNodes, planned.sinkNodes)
  const cancel = (): void => pipeline.cancel()
  options.signal?.addEventListener('abort', cancel)
  const onProgress = options.onProgress
  const timer =
    onProgress === undefined
      ? undefined
      : setInterval(() => onProgress(progressOf(pipeline.metrics())), options.progressIntervalMs ?? 1000)
  let result: PipelineResult
  try {
    if (options.signal?.aborted) pipeline.cancel()
    result = await pipeline.run()
  } finally {
    clearInterval(timer)
    options.signal?.removeEventListener('abort', cancel)
  }
  return {
    ...progressOf(result.metrics),
    cancelled: result.cancelled,
    lateRecords: result.metrics.reduce((total, node) => total + node.lateRecords, 0),
    parallelism: 1,
  }
}

/** Compiled expressions evaluate in the session time zone in force at the last INSERT. */
function envOptions(inserts: readonly LogicalPlan[]): { timeZone?: string } {
  const zone = inserts[inserts.length - 1]?.options['table.local-time-zone']
  return zone === undefined ? {} : { timeZone: zone }
}

function summarize(
  metrics: readonly OperatorMetricsSnapshot[],
  sourceNodes: readonly string[],
  sinkNodes: readonly string[],
): JobProgress {
  const byName = new Map(metrics.map((node) => [node.name, node]))
  const recordsIn = sourceNodes.reduce((total, name) => total + (byName.get(name)?.recordsOut ?? 0), 0)
  const watermark = Math.min(...sinkNodes.map((name) => byName.get(name)?.watermark ?? -Infinity))
  return { metrics, recordsIn, watermark }
}
