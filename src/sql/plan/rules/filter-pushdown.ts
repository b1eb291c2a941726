import type { BoundExpr } from '../../expr/bound-expr.ts'
import {
  conjunction,
  conjuncts,
  inputsOf,
  isDeterministic,
  mapInputs,
  shiftInputs,
} from '../../expr/rewrite.ts'
import * as plan from '../builders.ts'
import { splitJoinCondition } from '../join-keys.ts'
import { inputsOfNode, type LogicalNode } from '../nodes.ts'

/**
 * Moves filter conditions as close to the sources as their meaning allows, ending in the scan's `filters`:
 * through projections (when the fields they read are plain columns or constants, so no computation is
 * duplicated), below window TVFs, to the matching side of inner joins (and the preserved side of outer ones;
 * equalities between the sides of an inner join become its keys),
 * below lookup joins when they read only the probe row, into every UNION input, and below a plain GROUP BY
 * when they read only group keys. Conditions stay above watermark assigners, Top-N, deduplication and
 * aggregates with grouping sets, which they would change. Non-deterministic conditions never move.
 */
export function pushDownFilters(node: LogicalNode): LogicalNode {
  return push(node, [])
}

function push(node: LogicalNode, pending: readonly BoundExpr[]): LogicalNode {
  const movable = pending.filter(isDeterministic)
  const fixed = pending.filter((condition) => !isDeterministic(condition))
  switch (node.kind) {
    case 'filter':
      return push(node.input, [...pending, ...conjuncts(node.condition)])
    case 'scan':
      return above(
        movable.length === 0
          ? node
          : plan.scan(
              node.table,
              node.projectedFields,
              node.options,
              [...node.filters, ...movable],
              node.watermark,
            ),
        fixed,
      )
    case 'project': {
      const [through, stay] = partition(movable, (condition) =>
        [...inputsOf(condition)].every((i) => {
          const expr = node.exprs[i]!
          return expr.kind === 'input' || expr.kind === 'literal'
        }),
      )
      const substituted = through.map((condition) => mapInputs(condition, (ref) => node.exprs[ref.index]!))
      const input = push(node.input, substituted)
      return above(plan.project(input, node.exprs, plan.fieldNames(node.schema)), [...stay, ...fixed])
    }
    case 'windowTableFunction': {
      const width = node.input.schema.length
      const [through, stay] = partition(movable, (condition) =>
        [...inputsOf(condition)].every((i) => i < width),
      )
      return above(plan.windowTableFunction(push(node.input, through), node.window, node.timeField), [
        ...stay,
        ...fixed,
      ])
    }
    case 'join': {
      const width = node.left.schema.length
      const reachesLeft = node.joinType === 'INNER' || node.joinType === 'LEFT'
      const reachesRight = node.joinType === 'INNER' || node.joinType === 'RIGHT'
      const [left, notLeft] = partition(
        movable,
        (c) => reachesLeft && [...inputsOf(c)].every((i) => i < width),
      )
      const [right, stay] = partition(
        notLeft,
        (c) => reachesRight && [...inputsOf(c)].every((i) => i >= width),
      )
      // Equalities between the sides of an inner join in WHERE (a comma join, `FROM a, b WHERE a.k = b.k`)
      // are join keys, as if written in ON: an equi-join, not a cross join filtered afterwards.
      const equi =
        node.joinType === 'INNER'
          ? splitJoinCondition(stay.length === 0 ? undefined : conjunction(stay), width)
          : { leftKeys: [], rightKeys: [], residual: stay.length === 0 ? undefined : conjunction(stay) }
      const joined = plan.join(
        push(node.left, left),
        push(
          node.right,
          right.map((c) => shiftInputs(c, -width)),
        ),
        node.joinType,
        [...node.leftKeys, ...equi.leftKeys],
        [...node.rightKeys, ...equi.rightKeys],
        node.residual,
      )
      const rest = equi.residual === undefined ? [] : conjuncts(equi.residual)
      return above(joined, [...rest, ...fixed])
    }
    case 'lookupJoin': {
      const width = node.input.schema.length
      const [through, stay] = partition(movable, (c) => [...inputsOf(c)].every((i) => i < width))
      const joined = plan.lookupJoin(
        push(node.input, through),
        node.table,
        node.options,
        node.joinType,
        node.lookupKeys,
        node.tableFields,
        node.residual,
      )
      return above(joined, [...stay, ...fixed])
    }
    case 'union':
      return above(plan.union(node.inputs.map((input) => push(input, movable))), fixed)
    case 'aggregate':
    case 'windowAggregate': {
      if (node.groupSets !== undefined) return above(plan.withInputs(node, [push(node.input, [])]), pending)
      const keys = node.groupKeys
      const [through, stay] = partition(movable, (c) => [...inputsOf(c)].every((i) => i < keys.length))
      const remapped = through.map((c) => mapInputs(c, (ref) => ({ ...ref, index: keys[ref.index]! })))
      return above(plan.withInputs(node, [push(node.input, remapped)]), [...stay, ...fixed])
    }
    default: {
      const inputs = plan.withInputs(
        node,
        inputsOfNode(node).map((input) => push(input, [])),
      )
      return above(inputs, pending)
    }
  }
}

function above(node: LogicalNode, conditions: readonly BoundExpr[]): LogicalNode {
  return conditions.length === 0 ? node : plan.filter(node, conjunction(conditions))
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = []
  const no: T[] = []
  for (const item of items) (test(item) ? yes : no).push(item)
  return [yes, no]
}
