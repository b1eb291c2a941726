/**
 * The entry point of one subtask's worker thread: plans the job's script over the catalog snapshot it was
 * given, builds this subtask's pipeline (with exchanges wired through the coordinator) and runs it.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { type ExchangePorts, type Pipeline, withLocalChannel } from '../../../engine/index.ts'
import { StaticTableResolver } from '../../catalog/table-resolver.ts'
import { buildJobPipeline } from '../job-pipeline.ts'
import { planJob } from '../plan-job.ts'
import { ContextCaller } from './context-calls.ts'
import {
  type CoordinatorToWorker,
  type SubtaskStart,
  serializeError,
  type WorkerToCoordinator,
} from './messages.ts'

const coordinator = parentPort!
const start = workerData as SubtaskStart
const awaitedExchanges = new Map<number, (ports: ExchangePorts) => void>()
let pipeline: Pipeline | undefined
let cancelled = false

function send(message: WorkerToCoordinator): void {
  coordinator.postMessage(message)
}

const contextCaller = new ContextCaller(send)

coordinator.on('message', (message: CoordinatorToWorker) => {
  switch (message.type) {
    case 'exchange':
      awaitedExchanges.get(message.id)?.(withLocalChannel(message.ports, start.index))
      awaitedExchanges.delete(message.id)
      return
    case 'contextReply':
      contextCaller.settle(message)
      return
    case 'cancel':
      cancelled = true
      pipeline?.cancel()
  }
})

async function runSubtask(): Promise<void> {
  const job = await planJob({
    script: start.script,
    resolver: new StaticTableResolver(start.resolvedTables),
    sets: start.sets,
  })
  const subtask = { index: start.index, count: start.parallelism }
  const planned = await buildJobPipeline(job, {
    connectorContext: { subtask, ...contextCaller.context(start.sharedContext) },
    subtask: {
      ...subtask,
      openExchange: (id) =>
        new Promise((resolve) => {
          awaitedExchanges.set(id, resolve)
          send({ type: 'openExchange', id })
        }),
    },
  })
  pipeline = planned.pipeline
  send({ type: 'started', nodes: { sourceNodes: planned.sourceNodes, sinkNodes: planned.sinkNodes } })
  if (cancelled) pipeline.cancel()
  const running = pipeline
  // Twice per progress interval, so that every progress report the coordinator makes has fresh counts.
  const timer = setInterval(
    () => send({ type: 'progress', metrics: running.metrics() }),
    start.progressIntervalMs / 2,
  )
  try {
    const result = await running.run()
    await stdioDelivered()
    send({ type: 'done', metrics: result.metrics, cancelled: result.cancelled })
  } finally {
    clearInterval(timer)
  }
}

/**
 * Resolves once the main thread has taken everything this worker wrote to stdout and stderr (a print sink's
 * rows). A worker's stdio is buffered on its side until the main thread asks for more, and the coordinator
 * terminates finished workers, which would drop what is still buffered: at parallelism 2 a print job lost
 * thousands of its last rows. Callbacks of writes run in order, so an empty write's runs after the rest.
 */
async function stdioDelivered(): Promise<void> {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise<void>((resolve) => stream.write('', () => resolve())),
    ),
  )
}

runSubtask().catch((error: unknown) => send({ type: 'failed', error: serializeError(error) }))
