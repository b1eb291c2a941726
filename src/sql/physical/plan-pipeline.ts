import { type Pipeline, PipelineBuilder, type PipelineOptions } from '../../engine/index.ts'
import type { LogicalPlan } from '../plan/nodes.ts'
import type { PhysicalOptions } from './options.ts'
import { PhysicalTranslator } from './translate.ts'

export interface PlannedPipeline {
  readonly pipeline: Pipeline
  /** Engine node names of the sources and sinks, to read their metrics. */
  readonly sourceNodes: readonly string[]
  readonly sinkNodes: readonly string[]
}

/** One engine pipeline running every INSERT plan given: the INSERTs of a script run as one job, like a STATEMENT SET. */
export async function planPipeline(
  plans: readonly LogicalPlan[],
  options: PhysicalOptions,
  pipelineOptions: PipelineOptions = {},
): Promise<PlannedPipeline> {
  const builder = new PipelineBuilder()
  const translator = new PhysicalTranslator(builder, options)
  for (const plan of plans) await translator.addInsert(plan)
  return {
    pipeline: builder.build(pipelineOptions),
    sourceNodes: translator.sourceNodes,
    sinkNodes: translator.sinkNodes,
  }
}
