import type { ExchangePorts, OperatorMetricsSnapshot } from '../../../engine/index.ts'
import type { ResolvedTable } from '../../catalog/table-resolver.ts'
import type { JobNodes } from '../job-pipeline.ts'
import type { ContextCallReply, ContextCallRequest, SharedContext } from './context-calls.ts'

/** What a subtask's worker thread starts with: the script and the catalog snapshot to plan it against. */
export interface SubtaskStart {
  readonly script: string
  readonly sets: Readonly<Record<string, string>>
  readonly resolvedTables: Readonly<Record<string, ResolvedTable>>
  readonly index: number
  readonly parallelism: number
  readonly progressIntervalMs: number
  readonly sharedContext: SharedContext
}

export type WorkerToCoordinator =
  | { readonly type: 'openExchange'; readonly id: number }
  | { readonly type: 'started'; readonly nodes: JobNodes }
  | { readonly type: 'progress'; readonly metrics: OperatorMetricsSnapshot[] }
  | { readonly type: 'done'; readonly metrics: OperatorMetricsSnapshot[]; readonly cancelled: boolean }
  | { readonly type: 'failed'; readonly error: SerializedError }
  | ContextCallRequest

export type CoordinatorToWorker =
  | { readonly type: 'exchange'; readonly id: number; readonly ports: ExchangePorts }
  | { readonly type: 'cancel' }
  | ContextCallReply

export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly stack?: string
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  return error.stack === undefined
    ? { name: error.name, message: error.message }
    : { name: error.name, message: error.message, stack: error.stack }
}
