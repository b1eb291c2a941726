import { invalid } from '../errors.ts'
import { type BoundExpr, inputRef } from '../expr/bound-expr.ts'
import { conjunction, conjuncts, exprEquals, inputsOf, remapInputs } from '../expr/rewrite.ts'
import type { JoinRef, TableNameRef } from '../parser/index.ts'
import * as plan from '../plan/builders.ts'
import type { LookupKeySource } from '../plan/nodes.ts'
import { timeAttributeOf } from '../types/logical-type.ts'
import { formatType } from '../types/type-format.ts'
import { ExpressionBinder } from './expression-binder.ts'
import type { Relation, SubqueryBinder } from './relation.ts'
import { Scope } from './scope.ts'
import { didYouMean, quotedList } from './suggest.ts'
import { tableOptions } from './table-options.ts'

/**
 * `probe JOIN dim FOR SYSTEM_TIME AS OF probe.proc_time [AS d] ON d.k = probe.x AND …`: a lookup join.
 * Equalities between a dimension column and a value of the probe row become lookup keys (a probe-side
 * expression is computed into a helper column first); the rest of ON is checked on the joined row.
 */
export function bindLookupJoin(
  binder: SubqueryBinder,
  ref: JoinRef,
  left: Relation,
  right: TableNameRef,
): Relation {
  if (ref.joinType !== 'INNER' && ref.joinType !== 'LEFT')
    invalid(
      ref.span,
      `a lookup join (FOR SYSTEM_TIME AS OF) must be an INNER or LEFT join, not ${ref.joinType}`,
    )
  const path = right.name.path
  const entry = binder.context.catalog.lookup(path)
  if (entry === undefined)
    invalid(
      right.name.span,
      `table '${path.join('.')}' not found`,
      didYouMean(path.join('.'), binder.context.catalog.names()),
    )
  if (entry.kind === 'view')
    return invalid(right.name.span, `FOR SYSTEM_TIME AS OF needs a table, but '${path.join('.')}' is a view`)
  const table = entry.table
  checkSystemTime(binder, left, right)

  const tableFields = table.columns.flatMap((column, i) => (column.computed === undefined ? [i] : []))
  const alias = right.alias?.name
  const rightScope = Scope.of(
    tableFields.map((i) => table.columns[i]!),
    {
      qualifiers:
        alias !== undefined ? [[alias]] : path.length > 1 ? [[path[path.length - 1]!], path] : [path],
      display: alias === undefined ? table.name : `${table.name} AS ${alias}`,
    },
  )
  const scope = Scope.concat(left.scope, rightScope)
  if (ref.on === undefined)
    return invalid(
      ref.span,
      `a lookup join on ${table.name} needs an ON condition`,
      `e.g. ON ${alias ?? path.join('.')}.key = probe.key`,
    )
  const condition = new ExpressionBinder(binder.context, scope, 'JOIN … ON').bindCondition(ref.on)

  const width = left.node.schema.length
  const computed: BoundExpr[] = []
  const keys: { column: number; source: LookupKeySource }[] = []
  const residual: BoundExpr[] = []
  for (const conjunct of conjuncts(condition)) {
    const key = lookupKey(conjunct, width)
    if (key === undefined || keys.some((existing) => existing.column === tableFields[key.tableField])) {
      residual.push(conjunct)
      continue
    }
    const column = tableFields[key.tableField]!
    const probe = key.probe
    if (probe.kind === 'literal') keys.push({ column, source: { value: probe.value } })
    else if (probe.kind === 'input') keys.push({ column, source: { field: probe.index } })
    else {
      let helper = computed.findIndex((expr) => exprEquals(expr, probe))
      if (helper < 0) helper = computed.push(probe) - 1
      keys.push({ column, source: { field: width + helper } })
    }
  }
  if (keys.length === 0)
    invalid(
      ref.on.span,
      `the lookup join on ${table.name} needs an equality between one of its columns and the probe side`,
      `e.g. ON ${alias ?? path.join('.')}.${table.primaryKey?.[0] ?? table.columns[0]?.name ?? 'key'} = <probe column>`,
    )
  checkPrimaryKeyLookup(
    table.kind,
    table.primaryKey,
    keys.map((key) => table.columns[key.column]!.name),
    table.name,
    ref,
  )

  const probeNode =
    computed.length === 0
      ? left.node
      : plan.project(
          left.node,
          [...left.node.schema.map((field, i) => inputRef(i, field.type)), ...computed],
          [...left.node.schema.map((field) => field.name), ...computed.map((_, i) => `$lookup${i}`)],
        )
  const shift = (expr: BoundExpr): BoundExpr =>
    remapInputs(expr, (index) => (index < width ? index : index + computed.length))
  const residualCondition = residual.length === 0 ? undefined : shift(conjunction(residual))
  const joinType = ref.joinType === 'LEFT' ? 'LEFT' : 'INNER'
  const joined = plan.lookupJoin(
    probeNode,
    table,
    tableOptions(table, right),
    joinType,
    keys,
    tableFields,
    residualCondition,
  )
  if (computed.length === 0) return { node: joined, scope: scope.retyped(joined.schema) }
  const kept = joined.schema.flatMap((field, i) =>
    i >= width && i < width + computed.length ? [] : [inputRef(i, field.type)],
  )
  const node = plan.project(
    joined,
    kept,
    plan.uniqueNames([...left.node.schema, ...rightScope.columns].map((field) => field.name)),
  )
  return { node, scope: scope.retyped(node.schema) }
}

/** FOR SYSTEM_TIME AS OF must name the probe side's processing time. */
function checkSystemTime(binder: SubqueryBinder, left: Relation, right: TableNameRef): void {
  const systemTime = right.systemTime!
  const bound = new ExpressionBinder(binder.context, left.scope, 'FOR SYSTEM_TIME AS OF').bind(systemTime)
  const attribute = timeAttributeOf(bound.type)
  if (attribute === 'proctime' && bound.kind === 'input') return
  if (attribute === 'rowtime')
    invalid(
      systemTime.span,
      'event-time temporal joins (FOR SYSTEM_TIME AS OF a rowtime attribute) are not supported yet',
      'join on the processing time of the probe side: add `proc_time AS PROCTIME()` and use FOR SYSTEM_TIME AS OF proc_time',
    )
  invalid(
    systemTime.span,
    `FOR SYSTEM_TIME AS OF must name a processing-time attribute of the probe side, not ${formatType(bound.type)}`,
    'add a column `proc_time AS PROCTIME()` to the probe table and use it here',
  )
}

/** `table.col = probe-side expression` (either order): the table field and the probe value. */
function lookupKey(conjunct: BoundExpr, width: number): { tableField: number; probe: BoundExpr } | undefined {
  if (conjunct.kind !== 'call' || conjunct.op !== '=') return undefined
  const [a, b] = conjunct.args as [BoundExpr, BoundExpr]
  const probeOnly = (expr: BoundExpr) => [...inputsOf(expr)].every((index) => index < width)
  if (a.kind === 'input' && a.index >= width && probeOnly(b)) return { tableField: a.index - width, probe: b }
  if (b.kind === 'input' && b.index >= width && probeOnly(a)) return { tableField: b.index - width, probe: a }
  return undefined
}

/** A key-value store is looked up by its whole primary key and nothing else. */
function checkPrimaryKeyLookup(
  kind: string,
  primaryKey: readonly string[] | undefined,
  keys: readonly string[],
  name: string,
  ref: JoinRef,
): void {
  if (kind !== 'kv' || primaryKey === undefined) return
  const same = keys.length === primaryKey.length && primaryKey.every((column) => keys.includes(column))
  if (!same)
    invalid(
      ref.on?.span ?? ref.span,
      `${name} is a key-value table and can only be looked up by its primary key ${quotedList(primaryKey)}, not by ${quotedList(keys)}`,
    )
}
