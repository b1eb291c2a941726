import { BatchBuilder } from '../batch-builder.ts'
import { type KeyEncoder, keyEncoder } from '../grouping/key-encoder.ts'
import { BaseOperator, type OperatorContext } from '../operator.ts'
import { type Batch, isRetraction, kindAt, type Row, RowKind } from '../rows.ts'
import type { KeyedState, KeyedStateSnapshot, StateKey } from '../state/keyed-state.ts'
import { addRecord, distinctRows, findRecord, firstRecord, type KeyRows, removeRecord } from './join-rows.ts'

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'

/** How one input's rows are keyed; `columns[i]` of the left equals `columns[i]` of the right. */
export interface JoinSide {
  readonly columns: readonly number[]
  readonly arity: number
  /**
   * Encodes a row's key columns; both sides must give equal keys for equal values. Defaults to the engine's
   * `keyEncoder(columns)`; the planner passes generated extractors that produce the same keys.
   */
  readonly keyOf?: KeyEncoder
  /**
   * Column holding the end of the event-time window the row belongs to, when that column is one of the join
   * keys on both sides (a window join): state of a window is dropped once the watermark reaches its end,
   * since the upstream window operators emit nothing more for it.
   */
  readonly windowEnd?: number
}

export interface JoinOptions {
  readonly joinType: JoinType
  readonly left: JoinSide
  readonly right: JoinSide
  /** The non-equi rest of the ON condition over the joined row (left columns, then right columns). */
  readonly residual?: (joined: Row) => boolean
}

export interface JoinSnapshot {
  readonly left: KeyedStateSnapshot<KeyRows>
  readonly right: KeyedStateSnapshot<KeyRows>
}

interface SideRuntime {
  readonly columns: readonly number[]
  readonly keyOf: KeyEncoder
  /** Rows of this side are kept in the output null-padded while they have no match. */
  readonly outer: boolean
  /** A row of all NULLs standing for this side in a null-padded output row. */
  readonly nulls: Row
  readonly windowEnd: number | undefined
  readonly state: KeyedState<KeyRows>
  /** State keys by window end, for window joins; derived from the state, so rebuilt on restore. */
  readonly keysByWindowEnd: Map<number, Set<StateKey>>
}

/**
 * A regular streaming equi-join with Flink's semantics: both inputs are kept in keyed state, each arriving row
 * is joined with the other side's rows of the same key, and retractions (-U/-D) of either input retract the
 * joined rows they produced. Inputs may be changelogs. Outer joins emit a row without match null-padded and
 * retract that when its first match arrives, and the reverse when its last match goes. Rows with a NULL key
 * column never match (SQL equality).
 *
 * Output is +I and -D only: an update of an input can change which rows it joins with, so an update-before
 * and its update-after need not share an output key, and an upsert sink (which drops -U) must see every
 * retraction as a delete to end in the right table.
 *
 * Output rows are `[...left columns, ...right columns]`.
 */
export class JoinOperator extends BaseOperator<JoinSnapshot> {
  private sides!: readonly [SideRuntime, SideRuntime]
  private readonly residual: ((joined: Row) => boolean) | undefined
  private watermark = Number.NEGATIVE_INFINITY

  constructor(private readonly options: JoinOptions) {
    super()
    const { left, right } = options
    if (left.columns.length !== right.columns.length)
      throw new Error(
        `join keys differ in length: left [${left.columns.join(', ')}], right [${right.columns.join(', ')}]`,
      )
    if ((left.windowEnd === undefined) !== (right.windowEnd === undefined))
      throw new Error('a window join needs the window end column on both sides')
    this.residual = options.residual
  }

  override open(context: OperatorContext): void {
    super.open(context)
    const { joinType, left, right } = this.options
    this.sides = [
      sideRuntime(left, joinType === 'LEFT' || joinType === 'FULL', context.state.keyedState('left')),
      sideRuntime(right, joinType === 'RIGHT' || joinType === 'FULL', context.state.keyedState('right')),
    ]
  }

  processBatch(batch: Batch, input: number): void {
    const out = new BatchBuilder()
    for (let i = 0; i < batch.rows.length; i++)
      this.processRow(batch.rows[i]!, isRetraction(kindAt(batch, i)), input, out)
    const result = out.take()
    if (result !== null) this.context.output.emit(result)
  }

  override onWatermark(timestamp: number): void {
    this.watermark = timestamp
    for (const side of this.sides) {
      for (const [end, keys] of side.keysByWindowEnd) {
        if (end > timestamp) continue
        for (const key of keys) side.state.delete(key)
        side.keysByWindowEnd.delete(end)
      }
    }
  }

  onBarrier(): JoinSnapshot {
    return { left: this.sides[0].state.snapshot(), right: this.sides[1].state.snapshot() }
  }

  restore(snapshot: JoinSnapshot): void {
    this.sides[0].state.restore(snapshot.left)
    this.sides[1].state.restore(snapshot.right)
    for (const side of this.sides) {
      side.keysByWindowEnd.clear()
      if (side.windowEnd === undefined) continue
      for (const [key, rows] of side.state.entries()) {
        const first = firstRecord(rows)
        if (first !== undefined) indexWindowKey(side, first.row, key)
      }
    }
  }

  override stateEntries(): number {
    return this.sides[0].state.size + this.sides[1].state.size
  }

  private processRow(row: Row, retraction: boolean, input: number, out: BatchBuilder): void {
    const kind = retraction ? RowKind.Delete : RowKind.Insert
    const own = this.sides[input]!
    const other = this.sides[1 - input]!
    const isLeft = input === 0
    if (own.windowEnd !== undefined && (row[own.windowEnd] as number) <= this.watermark) {
      this.context.deadLetters.send(row, 'late', row[own.windowEnd] as number)
      return
    }
    if (hasNullKey(row, own.columns)) {
      // Nothing can ever match it, so there is nothing to remember either.
      if (own.outer) out.add(padded(row, other.nulls, isLeft), kind)
      return
    }
    const key = own.keyOf(row)
    if (retraction && !this.forget(own, key, row)) {
      this.context.deadLetters.send(row, 'unmatched-retraction', null)
      return
    }
    let matched = 0
    const candidates = other.state.get(key)
    if (candidates !== undefined) {
      for (const candidate of candidates.values()) {
        const joined = isLeft ? [...row, ...candidate.row] : [...candidate.row, ...row]
        if (this.residual !== undefined && !this.residual(joined)) continue
        matched += candidate.count
        if (retraction) {
          addTimes(out, joined, kind, candidate.count)
          if (other.outer && --candidate.matches === 0)
            addTimes(out, padded(candidate.row, own.nulls, !isLeft), RowKind.Insert, candidate.count)
        } else {
          if (other.outer && candidate.matches++ === 0)
            addTimes(out, padded(candidate.row, own.nulls, !isLeft), RowKind.Delete, candidate.count)
          addTimes(out, joined, kind, candidate.count)
        }
      }
    }
    if (matched === 0 && own.outer) out.add(padded(row, other.nulls, isLeft), kind)
    if (!retraction) this.remember(own, key, row, matched)
  }

  private remember(side: SideRuntime, key: StateKey, row: Row, matches: number): void {
    const rows = side.state.get(key)
    if (rows === undefined) {
      side.state.put(key, [{ row, count: 1, matches }])
      if (side.windowEnd !== undefined) indexWindowKey(side, row, key)
      return
    }
    const record = findRecord(rows, row)
    if (record !== undefined) {
      record.count++
      return
    }
    const grown = addRecord(rows, { row, count: 1, matches })
    if (grown !== rows) side.state.put(key, grown)
  }

  /** Takes one occurrence of `row` out of the state; false when it is not there. */
  private forget(side: SideRuntime, key: StateKey, row: Row): boolean {
    const rows = side.state.get(key)
    const record = rows === undefined ? undefined : findRecord(rows, row)
    if (rows === undefined || record === undefined) return false
    if (--record.count > 0) return true
    removeRecord(rows, record)
    if (distinctRows(rows) === 0) {
      side.state.delete(key)
      if (side.windowEnd !== undefined) side.keysByWindowEnd.get(row[side.windowEnd] as number)?.delete(key)
    }
    return true
  }
}

function sideRuntime(side: JoinSide, outer: boolean, state: KeyedState<KeyRows>): SideRuntime {
  return {
    columns: side.columns,
    keyOf: side.keyOf ?? keyEncoder(side.columns),
    outer,
    nulls: new Array<unknown>(side.arity).fill(null),
    windowEnd: side.windowEnd,
    state,
    keysByWindowEnd: new Map(),
  }
}

function indexWindowKey(side: SideRuntime, row: Row, key: StateKey): void {
  const end = row[side.windowEnd!] as number
  let keys = side.keysByWindowEnd.get(end)
  if (keys === undefined) {
    keys = new Set()
    side.keysByWindowEnd.set(end, keys)
  }
  keys.add(key)
}

function hasNullKey(row: Row, columns: readonly number[]): boolean {
  for (let i = 0; i < columns.length; i++) if (row[columns[i]!] == null) return true
  return false
}

/** The row of one side joined with NULLs for the other, in left-then-right order. */
function padded(row: Row, otherNulls: Row, isLeft: boolean): Row {
  return isLeft ? [...row, ...otherNulls] : [...otherNulls, ...row]
}

function addTimes(out: BatchBuilder, row: Row, kind: RowKind, times: number): void {
  for (let i = 0; i < times; i++) out.add(row, kind)
}
