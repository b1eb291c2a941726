/** A SQL script as a job: planned once, run on the embedded engine (one thread or `parallelism.default` workers). */
export { type PlanJobOptions, type PlannedJob, planJob } from './plan-job.ts'
export { type JobProgress, type JobResult, type RunJobOptions, runJob } from './run-job.ts'
