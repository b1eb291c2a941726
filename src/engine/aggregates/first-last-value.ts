import { valuesEqual } from '../rows.ts'
import type { AggregateFunction, RetractOptions } from './aggregate-function.ts'
import { notRetractable } from './aggregate-function.ts'

/**
 * FIRST_VALUE and LAST_VALUE in arrival order, skipping nulls as Flink does. Insert-only input keeps one
 * value. With retraction the accumulator keeps every live value in arrival order; a retraction removes the
 * earliest equal value (the row an update retracts is normally the older one), so the answer stays correct
 * after any sequence of retractions at O(live values) memory.
 */
interface ArrivalOrder {
  value: unknown
  live: unknown[] | null
}

type Position = 'first' | 'last'

function positional(
  name: string,
  position: Position,
  options: RetractOptions,
): AggregateFunction<ArrivalOrder> {
  const retractable = options.retractable ?? false
  const pick = (live: unknown[]): unknown => (position === 'first' ? live[0] : live[live.length - 1]) ?? null
  return {
    name,
    retractable,
    create: () => ({ value: null, live: retractable ? [] : null }),
    add: (acc, value) => {
      if (position === 'last' || acc.value === null) acc.value = value
      acc.live?.push(value)
    },
    retract: (acc, value) => {
      const live = acc.live ?? notRetractable(name)
      const index = live.findIndex((candidate) => valuesEqual(candidate, value))
      if (index < 0) return
      live.splice(index, 1)
      acc.value = pick(live)
    },
    merge: (target, source) => {
      if (source.value !== null && (position === 'last' || target.value === null)) target.value = source.value
      if (target.live === null || source.live === null) return
      for (const value of source.live) target.live.push(value)
    },
    getValue: (acc) => acc.value,
    ...(retractable
      ? {}
      : { partial: { encode: (acc) => acc.value, decode: (value) => ({ value, live: null }) } }),
  }
}

export function firstValue(options: RetractOptions = {}): AggregateFunction<ArrivalOrder> {
  return positional('FIRST_VALUE', 'first', options)
}

export function lastValue(options: RetractOptions = {}): AggregateFunction<ArrivalOrder> {
  return positional('LAST_VALUE', 'last', options)
}
