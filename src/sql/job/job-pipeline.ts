import type { ConnectorContext } from '../../connectors/engine/context.ts'
import type { Pipeline } from '../../engine/index.ts'
import { createRuntimeEnv } from '../compile/compile-expression.ts'
import { planPipeline } from '../physical/index.ts'
import type { SubtaskContext } from '../physical/options.ts'
import type { LogicalPlan } from '../plan/nodes.ts'
import type { PlannedJob } from './plan-job.ts'

/** Engine node names of a job's sources and sinks, to read progress from their metrics. */
export interface JobNodes {
  readonly sourceNodes: readonly string[]
  readonly sinkNodes: readonly string[]
}

export interface JobPipeline extends JobNodes {
  readonly pipeline: Pipeline
}

export interface JobPipelineOptions {
  readonly connectorContext?: ConnectorContext
  /** Set when the pipeline is one subtask of a parallel job. */
  readonly subtask?: SubtaskContext
}

/** The engine pipeline of a planned job (all of it, or one subtask's share). */
export async function buildJobPipeline(job: PlannedJob, options: JobPipelineOptions): Promise<JobPipeline> {
  return planPipeline(job.inserts, { env: createRuntimeEnv(envOptions(job.inserts)), ...options })
}

/** Compiled expressions evaluate in the session time zone in force at the last INSERT. */
function envOptions(inserts: readonly LogicalPlan[]): { timeZone?: string } {
  const zone = inserts[inserts.length - 1]?.options['table.local-time-zone']
  return zone === undefined ? {} : { timeZone: zone }
}
