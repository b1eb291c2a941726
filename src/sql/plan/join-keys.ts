import type { BoundExpr } from '../expr/bound-expr.ts'
import { conjunction, conjuncts } from '../expr/rewrite.ts'

/** Equalities between a left and a right field become join keys; the rest of the condition is kept as is. */
export function splitJoinCondition(
  condition: BoundExpr | undefined,
  leftWidth: number,
): { leftKeys: number[]; rightKeys: number[]; residual: BoundExpr | undefined } {
  const leftKeys: number[] = []
  const rightKeys: number[] = []
  const rest: BoundExpr[] = []
  for (const conjunct of condition === undefined ? [] : conjuncts(condition)) {
    if (conjunct.kind === 'call' && conjunct.op === '=') {
      const [a, b] = conjunct.args
      if (a?.kind === 'input' && b?.kind === 'input' && a.index < leftWidth !== b.index < leftWidth) {
        const [l, r] = a.index < leftWidth ? [a, b] : [b, a]
        leftKeys.push(l.index)
        rightKeys.push(r.index - leftWidth)
        continue
      }
    }
    rest.push(conjunct)
  }
  return { leftKeys, rightKeys, residual: rest.length === 0 ? undefined : conjunction(rest) }
}
