import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads'
import type { ConnectorContext } from '../../../connectors/engine/context.ts'
import { addDeadLetterCounts, type OperatorMetricsSnapshot } from '../../../engine/index.ts'
import type { JobNodes } from '../job-pipeline.ts'
import type { PlannedJob } from '../plan-job.ts'
import { replyTo, sharedContextOf } from './context-calls.ts'
import type { CoordinatorToWorker, SerializedError, SubtaskStart, WorkerToCoordinator } from './messages.ts'
import { subtaskWorkerBundle } from './worker-bundle.ts'

export interface ParallelRunOptions {
  readonly script: string
  readonly sets: Readonly<Record<string, string>>
  readonly parallelism: number
  readonly progressIntervalMs: number
  /** Called with the metrics of all subtasks, merged per node, about every `progressIntervalMs`. */
  readonly onProgress?: (metrics: OperatorMetricsSnapshot[], nodes: JobNodes) => void
  readonly signal?: AbortSignal
  /** The job's connector context; workers call its schema source and registrar through the coordinator. */
  readonly connectorContext?: ConnectorContext
}

export interface ParallelRunResult {
  readonly metrics: OperatorMetricsSnapshot[]
  readonly cancelled: boolean
  readonly nodes: JobNodes
}

/** A subtask failed; its worker's error, with the subtask it came from. */
export class SubtaskError extends Error {
  constructor(
    readonly subtask: number,
    cause: SerializedError,
  ) {
    super(`subtask ${subtask}: ${cause.message}`)
    this.name = 'SubtaskError'
    if (cause.stack !== undefined) this.stack = `${this.name}: ${this.message}\n${cause.stack}`
  }
}

/**
 * Runs a planned job as `parallelism` subtasks, one worker thread each. Every worker plans the same script
 * over the same catalog snapshot, so all build the same pipeline; the coordinator only wires exchanges (an
 * N×N mesh of message channels per exchange, made once every subtask asked for it), merges metrics, and
 * stops everything on the first failure or on cancel.
 */
export async function runParallel(job: PlannedJob, options: ParallelRunOptions): Promise<ParallelRunResult> {
  const { parallelism } = options
  const sharedContext = sharedContextOf(options.connectorContext)
  const bundle = await subtaskWorkerBundle()
  const workers = Array.from({ length: parallelism }, (_, index) =>
    startWorker(bundle, {
      script: options.script,
      sets: options.sets,
      resolvedTables: job.resolvedTables,
      index,
      parallelism,
      progressIntervalMs: options.progressIntervalMs,
      sharedContext,
    }),
  )
  const latest: OperatorMetricsSnapshot[][] = workers.map(() => [])
  const exchangeRequests = new Map<number, number>()
  const finished: boolean[] = workers.map(() => false)
  let cancelled = false
  let nodes: JobNodes = { sourceNodes: [], sinkNodes: [] }
  const post = (worker: Worker, message: CoordinatorToWorker, transfer: readonly MessagePort[] = []): void =>
    worker.postMessage(message, [...transfer])
  const cancelAll = (): void => {
    cancelled = true
    for (const worker of workers) post(worker, { type: 'cancel' })
  }

  return new Promise<ParallelRunResult>((resolve, reject) => {
    let settled = false
    const progressTimer =
      options.onProgress === undefined
        ? undefined
        : setInterval(() => options.onProgress?.(mergeMetrics(latest), nodes), options.progressIntervalMs)
    const settle = (outcome: () => void): void => {
      if (settled) return
      settled = true
      clearInterval(progressTimer)
      options.signal?.removeEventListener('abort', cancelAll)
      void Promise.allSettled(workers.map((worker) => worker.terminate())).then(outcome)
    }
    const fail = (error: Error): void => {
      if (!settled) cancelAll()
      settle(() => reject(error))
    }
    options.signal?.addEventListener('abort', cancelAll)
    if (options.signal?.aborted) cancelAll()

    workers.forEach((worker, index) => {
      worker.on('error', (error) =>
        fail(new SubtaskError(index, { name: error.name, message: error.message })),
      )
      worker.on('exit', (code) => {
        if (!finished[index] && !settled)
          fail(new SubtaskError(index, { name: 'Error', message: `worker exited with code ${code}` }))
      })
      worker.on('message', (message: WorkerToCoordinator) => {
        switch (message.type) {
          case 'openExchange': {
            const requests = (exchangeRequests.get(message.id) ?? 0) + 1
            exchangeRequests.set(message.id, requests)
            if (requests === parallelism) wireExchange(message.id, workers, post)
            return
          }
          case 'started':
            nodes = message.nodes
            return
          case 'progress':
            latest[index] = message.metrics
            return
          case 'done':
            latest[index] = message.metrics
            finished[index] = true
            if (finished.every(Boolean))
              settle(() =>
                resolve({ metrics: mergeMetrics(latest), cancelled: cancelled || message.cancelled, nodes }),
              )
            return
          case 'failed':
            fail(new SubtaskError(index, message.error))
            return
          case 'contextCall':
            void replyTo(message, options.connectorContext ?? {}).then((reply) => post(worker, reply))
            return
        }
      })
    })
  })
}

function startWorker(bundle: string, start: SubtaskStart): Worker {
  return new Worker(bundle, { workerData: start, name: `weir-subtask-${start.index}` })
}

/** An N×N mesh: the channel from subtask s to subtask t is s's output t and t's input s. */
function wireExchange(
  id: number,
  workers: readonly Worker[],
  post: (worker: Worker, message: CoordinatorToWorker, transfer: readonly MessagePort[]) => void,
): void {
  const channels = workers.map(() => workers.map(() => new MessageChannel()))
  workers.forEach((worker, subtask) => {
    const outputs = channels[subtask]!.map((channel) => channel.port1)
    const inputs = channels.map((row) => row[subtask]!.port2)
    post(worker, { type: 'exchange', id, ports: { outputs, inputs } }, [...outputs, ...inputs])
  })
}

/**
 * One snapshot per node over all subtasks: counts add up; a node's watermark is its slowest subtask's; busy
 * and back-pressured time are the largest over subtasks and idle time the smallest, as Flink's web UI shows
 * "Busy (max)" and "Backpressured (max)" on a vertex: one stuck subtask is what matters. So merged times need
 * not add up to the time the job ran; rate them over wall-clock time (`timeMsPerSecond`'s `elapsedMs`).
 */
export function mergeMetrics(
  perSubtask: readonly (readonly OperatorMetricsSnapshot[])[],
): OperatorMetricsSnapshot[] {
  const merged = new Map<string, OperatorMetricsSnapshot>()
  for (const metrics of perSubtask) {
    for (const node of metrics) {
      const seen = merged.get(node.name)
      merged.set(
        node.name,
        seen === undefined
          ? node
          : {
              name: node.name,
              recordsIn: seen.recordsIn + node.recordsIn,
              recordsOut: seen.recordsOut + node.recordsOut,
              lateRecords: seen.lateRecords + node.lateRecords,
              deadLetters: seen.deadLetters + node.deadLetters,
              deadLetterReasons: addDeadLetterCounts(seen.deadLetterReasons, node.deadLetterReasons),
              watermark: Math.min(seen.watermark, node.watermark),
              stateEntries: seen.stateEntries + node.stateEntries,
              busyTimeMs: Math.max(seen.busyTimeMs, node.busyTimeMs),
              idleTimeMs: Math.min(seen.idleTimeMs, node.idleTimeMs),
              backPressuredTimeMs: Math.max(seen.backPressuredTimeMs, node.backPressuredTimeMs),
            },
      )
    }
  }
  return [...merged.values()]
}
