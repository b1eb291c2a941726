import { invalid } from '../errors.ts'
import type {
  ColumnRefExpr,
  Expression,
  FunctionCall,
  GroupingElement,
  Select,
  SourceSpan,
  WindowTvfRef,
  WindowTvfSpec,
} from '../parser/index.ts'

type GroupWindow = 'TUMBLE' | 'HOP' | 'SESSION'
const GROUP_WINDOWS: readonly GroupWindow[] = ['TUMBLE', 'HOP', 'SESSION']

/** The auxiliary functions of a group window and the window TVF column each one is. */
const AUXILIARY: Readonly<Record<string, string>> = {
  START: 'window_start',
  END: 'window_end',
  ROWTIME: 'window_time',
}

/**
 * Flink's legacy group windows, `GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE), k` with `TUMBLE_START(…)`,
 * `TUMBLE_END(…)` and `TUMBLE_ROWTIME(…)` (and the HOP(ts, slide, size) and SESSION(ts, gap) forms), rewritten
 * to the window TVF form Flink recommends instead, so they plan to the same insert-only window aggregate:
 *
 *     SELECT k, window_start, … FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
 *     GROUP BY window_start, window_end, k
 *
 * A SESSION window is partitioned by the other group keys, which must then be columns. Returns the SELECT
 * unchanged when it groups by no group window.
 */
export function rewriteLegacyGroupWindow(select: Select): Select {
  const index = select.groupBy.findIndex((element) => groupWindowOf(element) !== undefined)
  if (index < 0) return select
  const call = select.groupBy[index] as FunctionCall
  const type = groupWindowOf(call)!
  const others = select.groupBy.filter((_, i) => i !== index)
  for (const element of others) {
    if (element.kind === 'groupingSets' || element.kind === 'rollup' || element.kind === 'cube')
      invalid(
        element.span,
        `a ${type} group window cannot be combined with GROUPING SETS, ROLLUP or CUBE here`,
        `write FROM TABLE(${type}(TABLE …)) … GROUP BY window_start, window_end, GROUPING SETS (…)`,
      )
    if (groupWindowOf(element) !== undefined) invalid(element.span, 'GROUP BY can hold only one group window')
  }
  const from = select.from
  if (from === undefined || (from.kind !== 'tableName' && from.kind !== 'derivedTable'))
    return invalid(
      call.span,
      `a ${type} group window needs a single table or subquery in FROM`,
      'move joins into a subquery: FROM (SELECT … FROM a JOIN b ON …)',
    )
  if (from.kind === 'tableName' && from.systemTime !== undefined)
    invalid(
      from.span,
      `a ${type} group window cannot read a temporal join directly`,
      'move it into a subquery',
    )
  const timeColumn = call.args[0]
  if (timeColumn?.kind !== 'columnRef')
    return invalid(call.span, `${type}(…) takes the time attribute column first, e.g. ${type}(event_time, …)`)
  const partitionBy =
    type === 'SESSION'
      ? others.map((element): ColumnRefExpr => {
          if (element.kind === 'columnRef') return element
          return invalid(
            element.span,
            'with a SESSION group window the other GROUP BY keys must be columns (they partition the sessions)',
            'compute the key in a subquery in FROM',
          )
        })
      : []
  // The input keeps its alias too, so that a qualified time column (`b.ts`) resolves in it.
  const alias = from.alias
  const tvf: WindowTvfRef = {
    kind: 'windowTvf',
    input: from,
    partitionBy,
    timeColumn,
    window: windowSpec(type, call),
    ...(alias === undefined ? {} : { alias }),
    span: from.span,
  }
  const column = (name: string, span: SourceSpan): ColumnRefExpr => ({
    kind: 'columnRef',
    path: [name],
    span,
  })
  const groupBy: GroupingElement[] = [
    column('window_start', call.span),
    column('window_end', call.span),
    // Determined by the window, so it changes no group; grouped, *_ROWTIME may select it as a rowtime.
    column('window_time', call.span),
    ...others,
  ]
  const replace = <T>(node: T): T => replaceAuxiliary(node, type)
  return {
    ...select,
    from: tvf,
    items: replace(select.items),
    groupBy,
    ...(select.having === undefined ? {} : { having: replace(select.having) }),
  }
}

function groupWindowOf(element: GroupingElement): GroupWindow | undefined {
  if (element.kind !== 'functionCall' || element.over !== undefined) return undefined
  const name = element.name.toUpperCase()
  return GROUP_WINDOWS.find((window) => window === name)
}

function windowSpec(type: GroupWindow, call: FunctionCall): WindowTvfSpec {
  const [, first, second] = call.args
  const arity = { TUMBLE: 2, HOP: 3, SESSION: 2 }[type]
  const usage = {
    TUMBLE: "TUMBLE(time_attr, INTERVAL '1' MINUTE)",
    HOP: "HOP(time_attr, INTERVAL '10' SECOND, INTERVAL '1' MINUTE) (slide, then size)",
    SESSION: "SESSION(time_attr, INTERVAL '5' MINUTE)",
  }[type]
  if (call.args.length !== arity)
    invalid(call.span, `${type} group window takes ${arity} arguments`, `write ${usage}`)
  switch (type) {
    case 'TUMBLE':
      return { type, size: first! }
    case 'HOP':
      return { type, slide: first!, size: second! }
    case 'SESSION':
      return { type, gap: first! }
  }
}

/**
 * `TUMBLE_START(…)`, `HOP_END(…)`, `SESSION_ROWTIME(…)`, … anywhere in `node` (not inside subqueries) become
 * the window TVF's column; the family must match the GROUP BY window.
 */
function replaceAuxiliary<T>(node: T, type: GroupWindow): T {
  if (Array.isArray(node)) return node.map((item) => replaceAuxiliary(item, type)) as T
  if (node === null || typeof node !== 'object') return node
  const record = node as Record<string, unknown>
  if (record.kind === 'query') return node
  if (record.kind === 'functionCall') {
    const call = node as unknown as FunctionCall
    const [family, part] = call.name.toUpperCase().split('_', 2) as [string, string | undefined]
    if (
      part !== undefined &&
      GROUP_WINDOWS.includes(family as GroupWindow) &&
      call.name.split('_').length === 2
    ) {
      if (part === 'PROCTIME')
        invalid(call.span, `${call.name.toUpperCase()} is not supported`, 'use an event-time group window')
      const column = AUXILIARY[part]
      if (column !== undefined) {
        if (family !== type)
          invalid(
            call.span,
            `${call.name.toUpperCase()} does not match the GROUP BY ${type} window`,
            `use ${type}_${part}`,
          )
        const ref: Expression = { kind: 'columnRef', path: [column], span: call.span }
        return ref as T
      }
    }
  }
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record))
    copy[key] = key === 'span' ? value : replaceAuxiliary(value, type)
  return copy as T
}
