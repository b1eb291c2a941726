import { type Clock, systemClock } from './clock.ts'
import type { DeadLetter } from './dead-letter.ts'
import type { CompletedCheckpoint } from './executor/checkpoint-coordinator.ts'
import { CheckpointCoordinator } from './executor/checkpoint-coordinator.ts'
import { type Downstream, downstreamOf } from './executor/downstream.ts'
import { InputGate } from './executor/input-gate.ts'
import { OperatorNode } from './executor/operator-node.ts'
import { Signal } from './executor/signal.ts'
import { SinkNode } from './executor/sink-node.ts'
import { SourceTask, type SourceTaskSnapshot } from './executor/source-task.ts'
import { ThreadTime } from './executor/thread-time.ts'
import { UnroutedDeadLetters } from './executor/unrouted-dead-letters.ts'
import type { OperatorMetricsSnapshot } from './metrics.ts'
import type { NodeSpec, Port, Stream } from './pipeline-builder.ts'
import { heapStateBackend } from './state/heap-state.ts'
import type { StateBackend } from './state/keyed-state.ts'

export type { CompletedCheckpoint } from './executor/checkpoint-coordinator.ts'

export interface PipelineOptions {
  /** Elements (batches and events) a sink may have queued before sources pause; default 16. */
  readonly sinkQueueCapacity?: number
  readonly clock?: Clock
  readonly state?: StateBackend
  /** Recover from this checkpoint: sources seek, operators and sinks restore, checkpoint ids continue. */
  readonly restoreFrom?: CompletedCheckpoint
  /** Take a checkpoint this often while running. */
  readonly checkpointIntervalMs?: number
  /** Called with every completed checkpoint before sinks are told to commit it; persist it here. */
  readonly onCheckpoint?: (checkpoint: CompletedCheckpoint) => void | Promise<void>
  /**
   * Receives dead letters of operators whose dead-letter stream no sink consumes. Without it the pipeline
   * keeps the first `unroutedDeadLetterLimit` (default 1000) in its result; all are counted in the metrics.
   */
  readonly onDeadLetter?: (letter: DeadLetter) => void
  readonly unroutedDeadLetterLimit?: number
}

export interface PipelineResult {
  readonly cancelled: boolean
  readonly metrics: OperatorMetricsSnapshot[]
  /** Dead letters no sink or handler took (see `PipelineOptions.onDeadLetter`), up to the limit. */
  readonly unroutedDeadLetters: DeadLetter[]
}

interface GateInputRef {
  readonly gate: InputGate
  readonly index: number
}

/** A running pipeline: one async loop per source, synchronous operator chains, queued async sinks. */
export class Pipeline {
  private readonly sources: SourceTask[] = []
  private readonly operators: OperatorNode[] = []
  private readonly sinks: SinkNode[] = []
  private readonly coordinator: CheckpointCoordinator
  private readonly wakeUp = new Signal()
  private readonly threadTime = new ThreadTime()
  private readonly clock: Clock
  private readonly state: StateBackend
  private failure: { error: unknown } | null = null
  private cancelled = false
  private readonly stop: Promise<void>
  private signalStop: () => void = () => {}
  private running = false
  private readonly unroutedDeadLetters: DeadLetter[] = []

  constructor(
    specs: readonly NodeSpec[],
    private readonly options: PipelineOptions,
  ) {
    this.clock = options.clock ?? systemClock
    this.state = options.state ?? heapStateBackend
    this.coordinator = new CheckpointCoordinator(
      specs.map((spec) => spec.name),
      options.restoreFrom?.id ?? 0,
    )
    this.stop = new Promise((resolve) => {
      this.signalStop = resolve
    })
    this.wire(specs)
  }

  /** Runs until every source ended and every sink finished, or until cancelled; rejects on the first failure. */
  async run(): Promise<PipelineResult> {
    if (this.running) throw new Error('the pipeline is already running')
    this.running = true
    const timer = this.startPeriodicCheckpoints()
    const startedAt = performance.now()
    for (const node of this.nodes()) node.metrics.started(startedAt)
    try {
      await this.openAndRestore()
      const sourcesDone = this.sources.map((task) => task.run())
      const done = Promise.all([...sourcesDone, ...this.sinks.map((sink) => sink.finished)])
      done.catch((error: unknown) => this.fail(error))
      await Promise.race([done, this.stop])
      if (this.cancelled || this.failure !== null) await Promise.allSettled(sourcesDone)
    } catch (error) {
      this.fail(error)
    } finally {
      if (timer !== undefined) clearInterval(timer)
      await this.closeAll()
      const endedAt = performance.now()
      for (const node of this.nodes()) node.metrics.stopped(endedAt)
    }
    if (this.failure !== null) throw this.failure.error
    return {
      cancelled: this.cancelled,
      metrics: this.metrics(),
      unroutedDeadLetters: this.unroutedDeadLetters,
    }
  }

  /** Stops pulling sources and ends `run()` without ending the streams (pending sink elements are dropped). */
  cancel(): void {
    this.cancelled = true
    this.halt('the pipeline was cancelled')
  }

  /** Injects a barrier at every source; resolves once all nodes acknowledged and sinks were told to commit. */
  async triggerCheckpoint(): Promise<CompletedCheckpoint> {
    if (!this.running) throw new Error('the pipeline is not running')
    const { id, completed } = this.coordinator.begin()
    for (const source of this.sources) source.requestBarrier(id)
    const checkpoint = await completed
    await this.options.onCheckpoint?.(checkpoint)
    await Promise.all([
      ...this.sinks.map((sink) => sink.checkpointComplete(id)),
      ...this.sources.map((source) => source.checkpointComplete(id)),
    ])
    return checkpoint
  }

  metrics(): OperatorMetricsSnapshot[] {
    const now = performance.now()
    return this.nodes().map((node) => node.metrics.snapshot(now))
  }

  private nodes(): readonly (SourceTask | OperatorNode | SinkNode)[] {
    return [...this.sources, ...this.operators, ...this.sinks]
  }

  private wire(specs: readonly NodeSpec[]): void {
    const consumers = new Map<string, Downstream[]>()
    const edgesFrom = new Map<string, { readonly node: string; readonly input: GateInputRef }[]>()
    const sinkByName = new Map<string, SinkNode>()
    const operatorByName = new Map<string, OperatorNode>()
    const consumersOf = (node: string, port: Port): Downstream[] => consumers.get(`${node}/${port}`) ?? []
    const connect = (name: string, inputs: readonly Stream[], gate: InputGate): void => {
      inputs.forEach((stream, index) => {
        const key = `${stream.node}/${stream.port}`
        consumers.set(key, [gate.inputs[index]!, ...(consumers.get(key) ?? [])])
        const edges = edgesFrom.get(stream.node) ?? []
        edges.push({ node: name, input: { gate, index } })
        edgesFrom.set(stream.node, edges)
      })
    }
    const mainOutput = (name: string): Downstream => {
      const downstream = consumersOf(name, 'main')
      if (downstream.length === 0) throw new Error(`the output of '${name}' is not consumed by any node`)
      return downstreamOf(downstream)
    }
    const onUnblocked = (): void => this.wakeUp.notify()
    const limit = this.options.unroutedDeadLetterLimit ?? 1000
    const keepUnrouted = (letter: DeadLetter): void => {
      if (this.unroutedDeadLetters.length < limit) this.unroutedDeadLetters.push(letter)
    }
    for (const spec of [...specs].reverse()) {
      if (spec.kind === 'sink') {
        const capacity = this.options.sinkQueueCapacity ?? 16
        const fail = (error: unknown): void => this.fail(error)
        const sink = new SinkNode(
          spec.name,
          spec.sink,
          capacity,
          this.coordinator,
          this.wakeUp,
          fail,
          this.threadTime,
        )
        this.sinks.unshift(sink)
        sinkByName.set(spec.name, sink)
        connect(spec.name, spec.inputs, new InputGate(sink, spec.inputs.length, onUnblocked))
      } else if (spec.kind === 'operator') {
        const deadLetterConsumers = consumersOf(spec.name, 'dead-letters')
        const deadLetters =
          deadLetterConsumers.length > 0
            ? downstreamOf(deadLetterConsumers)
            : new UnroutedDeadLetters(this.options.onDeadLetter ?? keepUnrouted)
        const node = new OperatorNode(
          spec.name,
          spec.operator,
          mainOutput(spec.name),
          deadLetters,
          this.coordinator,
          this.threadTime,
        )
        this.operators.unshift(node)
        operatorByName.set(spec.name, node)
        connect(spec.name, spec.inputs, new InputGate(node, spec.inputs.length, onUnblocked))
      } else {
        const { gates, sinks, nodes } = reachableFrom(spec.name, edgesFrom, sinkByName)
        const canPush = (): boolean =>
          sinks.every((sink) => !sink.saturated) && gates.every(({ gate, index }) => !gate.isBlocked(index))
        const environment = {
          clock: this.clock,
          coordinator: this.coordinator,
          wakeUp: this.wakeUp,
          canPush,
          stopped: () => this.stopped,
          threadTime: this.threadTime,
        }
        const strategy = spec.options.watermarks ?? null
        const task = new SourceTask(spec.name, spec.source, mainOutput(spec.name), strategy, environment)
        task.drive([...nodes].flatMap((node) => operatorByName.get(node)?.backPressure ?? []))
        this.sources.unshift(task)
      }
    }
  }

  private async openAndRestore(): Promise<void> {
    const snapshots = this.options.restoreFrom?.snapshots
    for (const operator of this.operators) {
      operator.open(this.state, this.clock)
      if (snapshots?.has(operator.name)) operator.restore(snapshots.get(operator.name))
    }
    for (const sink of this.sinks) if (snapshots?.has(sink.name)) await sink.restore(snapshots.get(sink.name))
    for (const source of this.sources) {
      if (snapshots?.has(source.name)) source.restore(snapshots.get(source.name) as SourceTaskSnapshot)
    }
  }

  private startPeriodicCheckpoints(): NodeJS.Timeout | undefined {
    const interval = this.options.checkpointIntervalMs
    if (interval === undefined) return undefined
    const timer = setInterval(() => {
      if (this.coordinator.inProgress || this.stopped) return
      this.triggerCheckpoint().catch((error: unknown) => {
        if (!this.stopped) this.fail(error)
      })
    }, interval)
    timer.unref()
    return timer
  }

  private get stopped(): boolean {
    return this.cancelled || this.failure !== null
  }

  /** Records the first failure and stops; errors after a cancel are its echoes and are ignored. */
  private fail(error: unknown): void {
    if (this.cancelled) return
    this.failure ??= { error }
    this.halt(error instanceof Error ? error.message : String(error))
  }

  private halt(reason: string): void {
    this.signalStop()
    this.wakeUp.notify()
    for (const sink of this.sinks) sink.discard()
    this.coordinator.abort(reason)
  }

  private async closeAll(): Promise<void> {
    const closing: Promise<void>[] = []
    for (const operator of this.operators) closing.push(Promise.resolve().then(() => operator.close()))
    for (const sink of this.sinks) closing.push(sink.close())
    for (const source of this.sources) closing.push(source.close())
    for (const outcome of await Promise.allSettled(closing)) {
      if (outcome.status === 'rejected') this.failure ??= { error: outcome.reason }
    }
  }
}

/**
 * What lies downstream of node `name`: the sinks and gate inputs, the places that can make its source wait,
 * and the names of all nodes, which its source's loop runs.
 */
function reachableFrom(
  name: string,
  edgesFrom: ReadonlyMap<string, readonly { readonly node: string; readonly input: GateInputRef }[]>,
  sinkByName: ReadonlyMap<string, SinkNode>,
): { gates: GateInputRef[]; sinks: SinkNode[]; nodes: Set<string> } {
  const gates: GateInputRef[] = []
  const sinks = new Set<SinkNode>()
  const nodes = new Set<string>()
  const visit = (node: string): void => {
    const sink = sinkByName.get(node)
    if (sink !== undefined) sinks.add(sink)
    for (const edge of edgesFrom.get(node) ?? []) {
      gates.push(edge.input)
      nodes.add(edge.node)
      visit(edge.node)
    }
  }
  visit(name)
  return { gates, sinks: [...sinks], nodes }
}
