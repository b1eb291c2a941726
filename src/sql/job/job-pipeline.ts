import type { ConnectorContext } from '../../connectors/engine/context.ts'
import type { Pipeline } from '../../engine/index.ts'
import { createRuntimeEnv } from '../compile/compile-expression.ts'
import type { FunctionRegistry } from '../functions/registry.ts'
import { planPipeline } from '../physical/index.ts'
import type { PhysicalOptions, SubtaskContext } from '../physical/options.ts'
import type { LogicalPlan } from '../plan/nodes.ts'
import { DEAD_LETTERS_PATH_OPTION, deadLetterFile } from './dead-letter-file.ts'
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
  readonly functions?: FunctionRegistry
  /** Replaces a table's connector sink (`weir sql run`'s result views); undefined keeps the connector. */
  readonly sinkFor?: PhysicalOptions['sinkFor']
}

/** The engine pipeline of a planned job (all of it, or one subtask's share). */
export async function buildJobPipeline(job: PlannedJob, options: JobPipelineOptions): Promise<JobPipeline> {
  const deadLetters = lastOption(job.inserts, DEAD_LETTERS_PATH_OPTION)
  return planPipeline(
    job.inserts,
    { env: createRuntimeEnv(envOptions(job.inserts)), ...options },
    deadLetters === undefined
      ? {}
      : { onDeadLetter: deadLetterFile(deadLetters, options.subtask?.index ?? 0) },
  )
}

/** A session option as in force at the last INSERT (the options of a job). */
export function lastOption(inserts: readonly LogicalPlan[], key: string): string | undefined {
  return inserts[inserts.length - 1]?.options[key]
}

/** Compiled expressions evaluate in the session time zone in force at the last INSERT. */
function envOptions(inserts: readonly LogicalPlan[]): { timeZone?: string } {
  const zone = lastOption(inserts, 'table.local-time-zone')
  return zone === undefined ? {} : { timeZone: zone }
}
