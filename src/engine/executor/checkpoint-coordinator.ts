/** The state of every pipeline node at one consistent cut of the streams. */
export interface CompletedCheckpoint {
  readonly id: number
  /** Snapshot per node name: source positions, operator state, sink pre-commits. */
  readonly snapshots: ReadonlyMap<string, unknown>
}

interface PendingCheckpoint {
  readonly id: number
  readonly awaiting: Set<string>
  readonly snapshots: Map<string, unknown>
  readonly resolve: (checkpoint: CompletedCheckpoint) => void
  readonly reject: (reason: Error) => void
}

/**
 * Collects acknowledgements for one checkpoint at a time. A node that has finished (all inputs ended) is no
 * longer asked; a finished source contributes its final position to every later checkpoint, so recovery does
 * not read it again.
 */
export class CheckpointCoordinator {
  private readonly finished = new Set<string>()
  private readonly finalSnapshots = new Map<string, unknown>()
  private pending: PendingCheckpoint | null = null
  private lastId: number

  constructor(
    private readonly participants: readonly string[],
    lastCompletedId = 0,
  ) {
    this.lastId = lastCompletedId
  }

  get inProgress(): boolean {
    return this.pending !== null
  }

  /** Starts checkpoint n+1; the promise resolves once every unfinished node acknowledged it. */
  begin(): { readonly id: number; readonly completed: Promise<CompletedCheckpoint> } {
    if (this.pending !== null) throw new Error(`checkpoint ${this.pending.id} is still in progress`)
    const id = ++this.lastId
    let resolve: (checkpoint: CompletedCheckpoint) => void = () => {}
    let reject: (reason: Error) => void = () => {}
    const completed = new Promise<CompletedCheckpoint>((onComplete, onAbort) => {
      resolve = onComplete
      reject = onAbort
    })
    const awaiting = new Set(this.participants.filter((name) => !this.finished.has(name)))
    this.pending = { id, awaiting, snapshots: new Map(this.finalSnapshots), resolve, reject }
    this.completeIfDone()
    return { id, completed }
  }

  acknowledge(name: string, checkpointId: number, snapshot: unknown): void {
    const pending = this.pending
    // A late acknowledgement of an aborted checkpoint (a sink finishing its pre-commit after a cancel).
    if (pending === null || pending.id !== checkpointId) return
    pending.snapshots.set(name, snapshot)
    pending.awaiting.delete(name)
    this.completeIfDone()
  }

  /** Node `name` processed its end of input; `finalSnapshot` (sources) stands in for its later snapshots. */
  finish(name: string, finalSnapshot?: unknown): void {
    this.finished.add(name)
    if (finalSnapshot !== undefined) this.finalSnapshots.set(name, finalSnapshot)
    const pending = this.pending
    // A node that already acknowledged the pending checkpoint keeps that snapshot: it is the consistent one.
    if (pending === null || !pending.awaiting.delete(name)) return
    if (finalSnapshot !== undefined) pending.snapshots.set(name, finalSnapshot)
    this.completeIfDone()
  }

  /** The pipeline stopped: the pending checkpoint, if any, will never complete. */
  abort(reason: string): void {
    const pending = this.pending
    if (pending === null) return
    this.pending = null
    pending.reject(new Error(`checkpoint ${pending.id} aborted: ${reason}`))
  }

  private completeIfDone(): void {
    const pending = this.pending
    if (pending === null || pending.awaiting.size > 0) return
    this.pending = null
    pending.resolve({ id: pending.id, snapshots: pending.snapshots })
  }
}
