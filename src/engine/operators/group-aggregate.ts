import { type AggregateCall, Aggregator } from '../aggregates/aggregator.ts'
import { BatchBuilder } from '../batch-builder.ts'
import type { Grouping } from '../grouping/grouping.ts'
import { BaseOperator, type OperatorContext } from '../operator.ts'
import { type Batch, isRetraction, kindAt, type Row, RowKind, rowsEqual } from '../rows.ts'
import type { KeyedState, KeyedStateSnapshot, StateKey } from '../state/keyed-state.ts'

export interface GroupAggregateOptions {
  readonly grouping: Grouping
  readonly aggregates: readonly AggregateCall[]
  /**
   * `retract` (default) emits -U old / +U new for a changed group, as Flink does for retract consumers;
   * `upsert` emits only +U, for sinks keyed by the group key.
   */
  readonly changelogMode?: 'retract' | 'upsert'
  /**
   * Set for the global half of a two-phase aggregation: input rows are a `LocalGroupAggregateOperator`'s
   * partial rows (inserts), whose partial accumulators from this column on are merged instead of rows
   * accumulated.
   */
  readonly partialsFrom?: number
}

interface GroupState {
  readonly key: Row
  readonly accumulators: unknown[]
  /** Rows accumulated minus rows retracted: the group disappears at zero. */
  rows: number
}

/**
 * Unbounded GROUP BY with changelog output. Input may be a changelog: +I/+U accumulate, -U/-D retract. Each
 * batch is folded before emitting, like Flink's mini-batch aggregation: a group touched by many rows of one
 * batch yields a single change. Output rows are `[...group key columns, ...aggregate values]`:
 * +I for a new group, -U/+U when its values change (nothing when they do not), -D when its last row is
 * retracted.
 */
export class GroupAggregateOperator extends BaseOperator<KeyedStateSnapshot<GroupState>> {
  private readonly aggregator: Aggregator
  private readonly grouping: Grouping
  private readonly updateBefore: boolean
  private readonly partialsFrom: number | undefined
  private groups!: KeyedState<GroupState>
  /** Groups changed by the current batch, with the row they had emitted before it (null: none). */
  private readonly changed = new Map<StateKey, Row | null>()

  constructor(options: GroupAggregateOptions) {
    super()
    this.aggregator = new Aggregator(options.aggregates)
    this.grouping = options.grouping
    this.updateBefore = (options.changelogMode ?? 'retract') === 'retract'
    this.partialsFrom = options.partialsFrom
  }

  override open(context: OperatorContext): void {
    super.open(context)
    this.groups = context.state.keyedState('groups')
  }

  processBatch(batch: Batch): void {
    const { grouping, groups, changed, aggregator, partialsFrom } = this
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!
      const retraction = isRetraction(kindAt(batch, i))
      if (retraction && !aggregator.retractable) {
        throw new Error(`cannot retract from ${aggregator.describeNonRetractable().join(', ')}`)
      }
      for (let set = 0; set < grouping.setCount; set++) {
        const key = grouping.key(row, set)
        if (grouping.owns !== undefined && !grouping.owns(key)) continue
        let group = groups.get(key)
        if (group === undefined) {
          if (retraction) {
            this.context.deadLetters.send(row, 'unmatched-retraction', null)
            continue
          }
          group = { key: grouping.keyRow(row, set), accumulators: aggregator.create(), rows: 0 }
          groups.put(key, group)
          if (!changed.has(key)) changed.set(key, null)
        } else if (!changed.has(key)) {
          changed.set(key, this.resultRow(group))
        }
        if (retraction) {
          aggregator.retract(group.accumulators, row)
          group.rows--
        } else {
          if (partialsFrom === undefined) aggregator.accumulate(group.accumulators, row)
          else aggregator.mergePartials(group.accumulators, row, partialsFrom)
          group.rows++
        }
      }
    }
    this.emitChanges()
  }

  onBarrier(): KeyedStateSnapshot<GroupState> {
    return this.groups.snapshot()
  }

  restore(snapshot: KeyedStateSnapshot<GroupState>): void {
    this.groups.restore(snapshot)
  }

  override stateEntries(): number {
    return this.groups.size
  }

  private emitChanges(): void {
    const out = new BatchBuilder()
    for (const [key, previous] of this.changed) {
      const group = this.groups.get(key)!
      if (group.rows <= 0) {
        this.groups.delete(key)
        if (previous !== null) out.add(previous, RowKind.Delete)
        continue
      }
      const current = this.resultRow(group)
      if (previous === null) out.add(current, RowKind.Insert)
      else if (!rowsEqual(previous, current)) {
        if (this.updateBefore) out.add(previous, RowKind.UpdateBefore)
        out.add(current, RowKind.UpdateAfter)
      }
    }
    this.changed.clear()
    const batch = out.take()
    if (batch !== null) this.context.output.emit(batch)
  }

  private resultRow(group: GroupState): Row {
    return this.aggregator.resultRow(group.key, group.accumulators)
  }
}
