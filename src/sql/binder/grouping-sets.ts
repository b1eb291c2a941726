import { invalid } from '../errors.ts'
import type { Expression, GroupingElement, GroupingTuple, SourceSpan } from '../parser/index.ts'

/** GROUPING SETS beyond this many sets are refused: each input row updates every set. */
const MAX_GROUPING_SETS = 4096

/**
 * Expands a GROUP BY clause into explicit grouping sets of AST expressions. Top-level elements combine as a
 * cross product (`GROUP BY a, ROLLUP(b, c)` is the sets (a, b, c), (a, b), (a)); ROLLUP(x1…xn) is the n+1
 * prefixes, longest first; CUBE is every subset, the full set first; nested GROUPING SETS are concatenated.
 */
export function expandGroupBy(elements: readonly GroupingElement[], span: SourceSpan): Expression[][] {
  let sets: Expression[][] = [[]]
  for (const element of elements) {
    const options = setsOf(element)
    sets = sets.flatMap((prefix) => options.map((option) => [...prefix, ...option]))
    if (sets.length > MAX_GROUPING_SETS)
      invalid(
        span,
        `GROUP BY expands to more than ${MAX_GROUPING_SETS} grouping sets`,
        'use fewer CUBE/ROLLUP columns',
      )
  }
  return sets
}

function setsOf(element: GroupingElement): Expression[][] {
  switch (element.kind) {
    case 'groupingTuple':
      return [[...element.exprs]]
    case 'groupingSets':
      return element.elements.flatMap(setsOf)
    case 'rollup': {
      const items = element.elements.map(itemExprs)
      return items.map((_, i) => items.slice(0, items.length - i).flat()).concat([[]])
    }
    case 'cube': {
      const items = element.elements.map(itemExprs)
      const sets: Expression[][] = []
      for (let rolledUp = 0; rolledUp < 1 << items.length; rolledUp++)
        sets.push(items.filter((_, i) => ((rolledUp >> (items.length - 1 - i)) & 1) === 0).flat())
      return sets
    }
    default:
      return [[element]]
  }
}

function itemExprs(item: Expression | GroupingTuple): Expression[] {
  return item.kind === 'groupingTuple' ? [...item.exprs] : [item]
}
