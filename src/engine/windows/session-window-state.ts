import type { Row } from '../rows.ts'
import type { KeyedState, KeyedStateSnapshot, StateKey } from '../state/keyed-state.ts'
import { TimerQueue } from './timer-queue.ts'
import { isFired } from './window.ts'
import type { WindowEmitter, WindowState, WindowStateContext } from './window-state.ts'

interface Session {
  start: number
  end: number
  readonly key: Row
  readonly accumulators: unknown[]
}

export interface SessionWindowSnapshot {
  readonly sessions: KeyedStateSnapshot<Session[]>
  readonly timers: ReadonlyArray<readonly [number, StateKey]>
}

/**
 * SESSION(gap) per group key, as Flink's merging window operator: each row opens [ts, ts + gap) and merges
 * with every session of its key that it intersects (touching counts: [0, 10) and [10, 20) merge). A row is
 * late when the merged session has already fired, which can only happen when it touches no open session.
 *
 * Each session registers a timer at its end; a merge that moves the end adds a new timer and leaves the old
 * one to be skipped when it pops.
 */
export class SessionWindowState implements WindowState<SessionWindowSnapshot> {
  private readonly sessions: KeyedState<Session[]>
  private readonly timers = new TimerQueue<StateKey>()

  constructor(
    private readonly context: WindowStateContext,
    private readonly gap: number,
  ) {
    this.sessions = context.state.keyedState<Session[]>('sessions')
  }

  isLate(): boolean {
    return false
  }

  accumulatorsFor(
    key: StateKey,
    row: Row,
    set: number,
    timestamp: number,
    watermark: number,
  ): unknown[] | null {
    const { aggregator, grouping } = this.context
    const list = this.sessions.get(key)
    const opened = timestamp + this.gap
    let start = timestamp
    let end = opened
    let target: Session | null = null
    let overlaps = 0
    for (let i = 0; list !== undefined && i < list.length; i++) {
      const session = list[i]!
      if (session.start > opened || session.end < timestamp) continue
      overlaps++
      target ??= session
      start = Math.min(start, session.start)
      end = Math.max(end, session.end)
    }
    if (isFired(end, watermark)) return null
    if (target === null) {
      const session = { start, end, key: grouping.keyRow(row, set), accumulators: aggregator.create() }
      if (list === undefined) this.sessions.put(key, [session])
      else list.splice(sortedIndex(list, start), 0, session)
      this.timers.push(end, key)
      return session.accumulators
    }
    if (overlaps > 1 && list !== undefined) {
      for (let i = 0; i < list.length; ) {
        const session = list[i]!
        if (session === target || session.start > opened || session.end < timestamp) i++
        else {
          aggregator.merge(target.accumulators, session.accumulators)
          list.splice(i, 1)
        }
      }
    }
    target.start = start
    if (end !== target.end) {
      target.end = end
      this.timers.push(end, key)
    }
    return target.accumulators
  }

  fire(watermark: number, emit: WindowEmitter): void {
    while (this.timers.size > 0 && isFired(this.timers.peekTime(), watermark)) {
      const key = this.timers.pop()
      const list = this.sessions.get(key)
      if (list === undefined) continue
      const open = list.filter((session) => {
        if (!isFired(session.end, watermark)) return true
        emit(session.start, session.end, session)
        return false
      })
      if (open.length === 0) this.sessions.delete(key)
      else if (open.length < list.length) this.sessions.put(key, open)
    }
  }

  entries(): number {
    let total = 0
    for (const [, list] of this.sessions.entries()) total += list.length
    return total
  }

  snapshot(): SessionWindowSnapshot {
    return { sessions: this.sessions.snapshot(), timers: this.timers.entries() }
  }

  restore(snapshot: SessionWindowSnapshot): void {
    this.sessions.restore(snapshot.sessions)
    this.timers.restore(snapshot.timers)
  }
}

function sortedIndex(list: readonly Session[], start: number): number {
  let index = 0
  while (index < list.length && list[index]!.start < start) index++
  return index
}
