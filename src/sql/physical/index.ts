/** Physical planning: optimized logical INSERT plans → an engine `Pipeline` of sources, operators and sinks. */
export { UnsupportedPlanError } from './errors.ts'
export type { PhysicalOptions } from './options.ts'
export { type PlannedPipeline, planPipeline } from './plan-pipeline.ts'
