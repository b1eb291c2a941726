import {
  type AggregateFunction,
  type AverageOptions,
  approxCountDistinct,
  avg,
  count,
  countDistinct,
  type AggregateCall as EngineAggregateCall,
  firstValue,
  lastValue,
  max,
  min,
  type SumOptions,
  sum,
} from '../../engine/index.ts'
import type { AggregateCall } from '../plan/nodes.ts'
import { isInteger } from '../types/logical-type.ts'
import { UnsupportedPlanError } from './errors.ts'

/**
 * Logical aggregate calls → engine calls. `retractable` is set for changelog inputs: the engine's MIN/MAX,
 * FIRST/LAST_VALUE and COUNT DISTINCT then keep what retraction needs (it costs memory, so only then).
 */
export function engineAggregates(
  calls: readonly AggregateCall[],
  retractable: boolean,
): EngineAggregateCall[] {
  return calls.map((call) => {
    if (call.args.length > 1)
      throw new UnsupportedPlanError(`aggregate ${describe(call)} with several arguments`)
    const argument = call.args[0]
    const filterArg = call.filterArg
    return {
      fn: aggregateFunction(call, retractable),
      ...(argument === undefined ? {} : { argument }),
      // FILTER (WHERE …) was projected by the binder into a BOOLEAN column; only TRUE counts the row.
      ...(filterArg === undefined ? {} : { filter: (row: readonly unknown[]) => row[filterArg] === true }),
    }
  })
}

function aggregateFunction(call: AggregateCall, retractable: boolean): AggregateFunction<unknown> {
  const options = { retractable }
  if (call.distinct) {
    // DISTINCT changes nothing for MIN/MAX; for the others only COUNT has a distinct accumulator.
    if (call.name === 'COUNT') return erase(countDistinct(options))
    if (call.name !== 'MIN' && call.name !== 'MAX' && call.name !== 'APPROX_COUNT_DISTINCT')
      throw new UnsupportedPlanError(`aggregate ${describe(call)}`)
  }
  switch (call.name) {
    case 'COUNT':
      return erase(count())
    case 'SUM':
      return erase(sum(sumOptions(call)))
    case 'SUM0':
      return erase(sumOrZero(call))
    case 'AVG':
      return erase(avg(averageOptions(call)))
    case 'MIN':
      return erase(min(options))
    case 'MAX':
      return erase(max(options))
    case 'FIRST_VALUE':
      return erase(firstValue(options))
    case 'LAST_VALUE':
      return erase(lastValue(options))
    case 'APPROX_COUNT_DISTINCT':
      return erase(approxCountDistinct())
    default:
      throw new UnsupportedPlanError(`aggregate ${describe(call)}`)
  }
}

/** SUM0, the split-distinct rewrite's final SUM: 0 instead of NULL over no rows. */
function sumOrZero(call: AggregateCall): AggregateFunction<unknown> {
  const inner = erase(sum(sumOptions(call)))
  return { ...inner, name: 'SUM0', getValue: (accumulator) => inner.getValue(accumulator) ?? 0 }
}

/** Integer SUMs are exact and wrap at the result type's width like Java (INT: 32 bits, BIGINT: 64). */
function sumOptions(call: AggregateCall): SumOptions {
  if (call.type.kind === 'BIGINT') return { integerBits: 64 }
  if (isInteger(call.type)) return { integerBits: 32 }
  // SUM(DECIMAL(p, s)) is DECIMAL(38, s): added exactly in units of 10^-s.
  if (call.type.kind === 'DECIMAL') return { decimalScale: call.type.scale }
  return {}
}

/**
 * AVG(DECIMAL(p, s)) is DECIMAL(38, max(6, s)): values are added exactly in units of 10^-max(6, s), which
 * hold every value of scale s exactly, and the mean is rounded half up to that scale.
 */
function averageOptions(call: AggregateCall): AverageOptions {
  if (call.type.kind === 'DECIMAL') return { decimalScale: call.type.scale }
  return { integerResult: isInteger(call.type) }
}

/**
 * Accumulator types are private to each function and the `Aggregator` only hands a function back its own
 * accumulators, so widening the accumulator type to unknown is sound.
 */
function erase<A>(fn: AggregateFunction<A>): AggregateFunction<unknown> {
  return fn as unknown as AggregateFunction<unknown>
}

function describe(call: AggregateCall): string {
  return `${call.name}(${call.distinct ? 'DISTINCT ' : ''}…) AS ${call.alias}`
}
