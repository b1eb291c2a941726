import { call, inputRef, literal } from '../../expr/bound-expr.ts'
import type { AggregateName } from '../../functions/aggregate-functions.ts'
import { types } from '../../types/logical-type.ts'
import * as plan from '../builders.ts'
import type { AggregateCall, AggregateNode, LogicalNode } from '../nodes.ts'

const DEFAULT_BUCKETS = 1024

/** How a call's partial results combine in the final level. */
const FINAL_OF: Partial<Record<AggregateName, AggregateName>> = {
  COUNT: 'SUM0',
  SUM: 'SUM',
  SUM0: 'SUM0',
  MIN: 'MIN',
  MAX: 'MAX',
}

/**
 * Flink's split-distinct optimization (`table.optimizer.distinct-agg.split.enabled`): a GROUP BY with
 * COUNT(DISTINCT x) is rewritten as two aggregations, so a hot group key no longer funnels all its distinct
 * values through one subtask. The partial level groups by the keys plus `MOD(HASH_CODE(x), buckets)` and
 * computes every call per bucket (distinct calls stay distinct there, FILTERs apply there); the final level
 * groups by the keys and combines the buckets (counts by SUM0, sums by SUM, MIN/MAX by MIN/MAX).
 *
 * Applies when all distinct calls share one argument, there are no grouping sets, and every other call is
 * COUNT, SUM, MIN or MAX. Window aggregates are left alone: their distinct state is per window slice already.
 */
export function splitDistinctAggregate(
  node: LogicalNode,
  options: Readonly<Record<string, string>>,
): LogicalNode {
  if (node.kind !== 'aggregate' || node.groupSets !== undefined || node.strategy.splitDistinct !== undefined)
    return node
  const distinct = node.calls.filter((c) => c.distinct)
  if (distinct.length === 0) return node
  const argument = distinct[0]!.args
  if (argument.length !== 1 || distinct.some((c) => c.args.length !== 1 || c.args[0] !== argument[0]))
    return node
  if (node.calls.some((c) => FINAL_OF[c.name] === undefined)) return node
  const buckets = Number(options['table.optimizer.distinct-agg.split.bucket-num'] ?? DEFAULT_BUCKETS)
  return split(node, argument[0]!, Number.isInteger(buckets) && buckets > 0 ? buckets : DEFAULT_BUCKETS)
}

function split(node: AggregateNode, distinctArgument: number, buckets: number): LogicalNode {
  const input = node.input
  const argumentType = input.schema[distinctArgument]!.type
  const hash = call('HASH_CODE', [inputRef(distinctArgument, argumentType)], types.int(argumentType.nullable))
  const bucket = call('%', [hash, literal(buckets, types.int(false))], types.int(argumentType.nullable))
  const withBucket = plan.project(
    input,
    [...input.schema.map((field, i) => inputRef(i, field.type)), bucket],
    [...plan.fieldNames(input.schema), '$bucket'],
  )
  const bucketField = input.schema.length
  const partialCalls = node.calls.map((c, i): AggregateCall => ({ ...c, alias: `$partial${i}` }))
  const partial = plan.aggregate(withBucket, [...node.groupKeys, bucketField], undefined, partialCalls, {
    ...node.strategy,
    splitDistinct: 'partial',
  })
  const keyCount = node.groupKeys.length
  const finalCalls = node.calls.map(
    (c, i): AggregateCall => ({
      name: FINAL_OF[c.name]!,
      args: [keyCount + 1 + i],
      distinct: false,
      type: c.type,
      alias: c.alias,
    }),
  )
  const keys = node.groupKeys.map((_, i) => i)
  return plan.aggregate(partial, keys, undefined, finalCalls, { ...node.strategy, splitDistinct: 'final' })
}
