import type { Clock } from '../clock.ts'
import { type DeadLetterReason, type DeadLetters, deadLetterRow } from '../dead-letter.ts'
import { OperatorMetrics } from '../metrics.ts'
import type { Operator, Output } from '../operator.ts'
import { type Batch, insertBatch, type Row } from '../rows.ts'
import type { StateBackend } from '../state/keyed-state.ts'
import { BackPressure } from './back-pressure.ts'
import type { CheckpointCoordinator } from './checkpoint-coordinator.ts'
import type { Downstream } from './downstream.ts'
import type { GateConsumer } from './input-gate.ts'
import type { ThreadTime } from './thread-time.ts'

/**
 * Runs one operator: counts what goes in and out, times its work, forwards control events after the operator
 * has reacted to them, acknowledges barriers with the operator's snapshot, and ships dead letters on their own
 * edge as one batch per operator call.
 */
export class OperatorNode implements GateConsumer, Output, DeadLetters {
  readonly metrics: OperatorMetrics
  readonly backPressure: BackPressure
  private deadLetterRows: Row[] = []

  constructor(
    readonly name: string,
    private readonly operator: Operator,
    private readonly output: Downstream,
    private readonly deadLetterOutput: Downstream,
    private readonly coordinator: CheckpointCoordinator,
    private readonly threadTime: ThreadTime,
  ) {
    this.metrics = new OperatorMetrics(name, () => operator.stateEntries())
    this.backPressure = new BackPressure(this.metrics)
  }

  open(state: StateBackend, clock: Clock): void {
    const { name, metrics } = this
    this.operator.open({ name, output: this, deadLetters: this, metrics, state, clock })
  }

  restore(snapshot: unknown): void {
    this.operator.restore(snapshot)
  }

  close(): void {
    this.operator.close()
  }

  batch(batch: Batch, input: number): void {
    this.threadTime.enter(this.metrics)
    try {
      this.metrics.recordsIn += batch.rows.length
      this.operator.processBatch(batch, input)
      this.flushDeadLetters()
    } finally {
      this.threadTime.leave()
    }
  }

  watermark(timestamp: number): void {
    this.threadTime.enter(this.metrics)
    try {
      this.operator.onWatermark(timestamp)
      this.flushDeadLetters()
      this.metrics.watermark = timestamp
      this.output.watermark(timestamp)
      this.deadLetterOutput.watermark(timestamp)
    } finally {
      this.threadTime.leave()
    }
  }

  barrier(checkpointId: number): void {
    this.threadTime.enter(this.metrics)
    try {
      this.coordinator.acknowledge(this.name, checkpointId, this.operator.onBarrier(checkpointId))
      this.output.barrier(checkpointId)
      this.deadLetterOutput.barrier(checkpointId)
    } finally {
      this.threadTime.leave()
    }
  }

  idle(): void {
    this.output.idle()
    this.deadLetterOutput.idle()
  }

  end(): void {
    this.threadTime.enter(this.metrics)
    try {
      this.operator.onEndOfInput()
      this.flushDeadLetters()
      this.coordinator.finish(this.name)
      this.output.end()
      this.deadLetterOutput.end()
    } finally {
      this.threadTime.leave()
    }
  }

  emit(batch: Batch): void {
    this.metrics.recordsOut += batch.rows.length
    this.output.batch(batch)
  }

  send(row: Row, reason: DeadLetterReason, eventTime: number | null): void {
    this.deadLetterRows.push(deadLetterRow(this.name, reason, eventTime, row))
    this.metrics.countDeadLetters(reason)
  }

  private flushDeadLetters(): void {
    if (this.deadLetterRows.length === 0) return
    const rows = this.deadLetterRows
    this.deadLetterRows = []
    this.deadLetterOutput.batch(insertBatch(rows))
  }
}
