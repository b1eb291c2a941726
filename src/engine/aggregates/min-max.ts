import { compareValues } from '../values.ts'
import type { AggregateFunction, RetractOptions } from './aggregate-function.ts'
import { notRetractable } from './aggregate-function.ts'

/**
 * MIN and MAX. Insert-only input keeps just the best value. With retraction the accumulator also counts each
 * distinct value, so retracting the current extremum can find the next one; this is Flink's MinWithRetract
 * approach, O(distinct values) only when the extremum itself is retracted away.
 */
interface Extremum {
  best: unknown
  counts: Map<unknown, number> | null
}

type Direction = 1 | -1

function extremum(
  name: 'MIN' | 'MAX',
  direction: Direction,
  options: RetractOptions,
): AggregateFunction<Extremum> {
  const retractable = options.retractable ?? false
  const better = (candidate: unknown, current: unknown): boolean =>
    current === null || compareValues(candidate, current) * direction < 0
  return {
    name,
    retractable,
    create: () => ({ best: null, counts: retractable ? new Map() : null }),
    add: (acc, value) => {
      if (better(value, acc.best)) acc.best = value
      acc.counts?.set(value, (acc.counts.get(value) ?? 0) + 1)
    },
    retract: (acc, value) => {
      const counts = acc.counts ?? notRetractable(name)
      const remaining = (counts.get(value) ?? 0) - 1
      if (remaining > 0) {
        counts.set(value, remaining)
        return
      }
      counts.delete(value)
      if (compareValues(value, acc.best) === 0) acc.best = bestOf(counts.keys(), better)
    },
    merge: (target, source) => {
      if (source.best !== null && better(source.best, target.best)) target.best = source.best
      if (target.counts === null || source.counts === null) return
      for (const [value, count] of source.counts)
        target.counts.set(value, (target.counts.get(value) ?? 0) + count)
    },
    getValue: (acc) => acc.best,
    // A retractable accumulator's value counts have no compact form; only insert-only ones are shipped.
    ...(retractable
      ? {}
      : { partial: { encode: (acc) => acc.best, decode: (best) => ({ best, counts: null }) } }),
  }
}

function bestOf(
  values: Iterable<unknown>,
  better: (candidate: unknown, current: unknown) => boolean,
): unknown {
  let best: unknown = null
  for (const value of values) if (better(value, best)) best = value
  return best
}

export function min(options: RetractOptions = {}): AggregateFunction<Extremum> {
  return extremum('MIN', 1, options)
}

export function max(options: RetractOptions = {}): AggregateFunction<Extremum> {
  return extremum('MAX', -1, options)
}
