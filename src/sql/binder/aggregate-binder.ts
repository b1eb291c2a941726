import { invalid } from '../errors.ts'
import { type BoundExpr, call, inputRef, literal } from '../expr/bound-expr.ts'
import { exprEquals, inputsOf } from '../expr/rewrite.ts'
import { aggregateDefinition } from '../functions/aggregate-functions.ts'
import type { Expression, FunctionCall } from '../parser/index.ts'
import type { AggregateCall } from '../plan/nodes.ts'
import { type LogicalType, types, withNullability, withoutTimeAttribute } from '../types/logical-type.ts'
import { containsAggregate } from './aggregate-calls.ts'
import type { BindContext } from './context.ts'
import { ExpressionBinder } from './expression-binder.ts'
import type { Scope } from './scope.ts'

/**
 * Collects what an aggregation computes: the group keys, then the arguments and FILTER conditions of the
 * aggregate calls, all as one projection of the FROM row that feeds the Aggregate node (`preProjection`).
 * Output positions of the Aggregate follow its layout: keys, `$g` when there are grouping sets, calls.
 */
export class AggregationBuilder {
  readonly preProjection: BoundExpr[]
  readonly calls: AggregateCall[] = []
  private readonly callSignatures: string[] = []

  constructor(
    /** Group key expressions over the FROM row, keys present in every grouping set first. */
    readonly keys: readonly BoundExpr[],
    /** Grouping sets as key positions; undefined for a plain GROUP BY. */
    readonly sets: readonly (readonly number[])[] | undefined,
  ) {
    this.preProjection = [...keys]
  }

  /** The output type of key `i`: nullable where some grouping set rolls it up; no time attribute. */
  keyType(i: number): LogicalType {
    const rolledUp = this.sets?.some((set) => !set.includes(i)) ?? false
    const type = withoutTimeAttribute(this.keys[i]!.type)
    return rolledUp ? withNullability(type, true) : type
  }

  matchKey(expr: BoundExpr): number {
    return this.keys.findIndex((key) => exprEquals(key, expr))
  }

  get maskIndex(): number {
    return this.keys.length
  }

  private get firstCallIndex(): number {
    return this.keys.length + (this.sets === undefined ? 0 : 1)
  }

  /** Registers an aggregate call (an identical call is reused) and returns its output position. */
  addCall(
    name: AggregateCall['name'],
    args: readonly BoundExpr[],
    distinct: boolean,
    filter: BoundExpr | undefined,
    type: LogicalType,
  ): number {
    const argPositions = args.map((arg) => this.project(arg))
    const filterArg = filter === undefined ? undefined : this.project(filter)
    const signature = JSON.stringify([name, argPositions, distinct, filterArg])
    let index = this.callSignatures.indexOf(signature)
    if (index < 0) {
      index = this.calls.length
      this.callSignatures.push(signature)
      const base = { name, args: argPositions, distinct, type, alias: `$f${this.firstCallIndex + index}` }
      this.calls.push(filterArg === undefined ? base : { ...base, filterArg })
    }
    return this.firstCallIndex + index
  }

  /** Names the call at output position `position` (a SELECT alias), unless another name was given first. */
  nameCall(position: number, alias: string): void {
    const index = position - this.firstCallIndex
    const existing = this.calls[index]
    if (existing?.alias.startsWith('$f') && !this.calls.some((c) => c.alias === alias))
      this.calls[index] = { ...existing, alias }
  }

  private project(expr: BoundExpr): number {
    const existing = this.preProjection.findIndex((candidate) => exprEquals(candidate, expr))
    if (existing >= 0) return existing
    this.preProjection.push(expr)
    return this.preProjection.length - 1
  }
}

/**
 * Binds SELECT items and HAVING of an aggregating query to expressions over the Aggregate's output: a
 * subexpression equal to a group key becomes a reference to that key, an aggregate call a reference to its
 * result, and any other column reference is an error (it is neither grouped nor aggregated).
 */
export class AggregateExpressionBinder extends ExpressionBinder {
  private readonly plain: ExpressionBinder

  constructor(
    context: BindContext,
    scope: Scope,
    clause: string,
    private readonly aggregation: AggregationBuilder,
  ) {
    super(context, scope, clause)
    this.plain = new ExpressionBinder(context, scope, clause)
  }

  override bind(expr: Expression): BoundExpr {
    if (!containsAggregate(expr)) {
      const bound = this.plain.bind(expr)
      const key = this.aggregation.matchKey(bound)
      if (key >= 0) return inputRef(key, this.aggregation.keyType(key))
      if (inputsOf(bound).size === 0) return bound
      if (expr.kind === 'columnRef')
        invalid(
          expr.span,
          `column '${expr.path.join('.')}' is neither grouped nor aggregated`,
          'add it to GROUP BY or use it inside an aggregate function such as MAX(…)',
        )
    }
    return this.bindNode(expr)
  }

  protected override bindAggregateCall(expr: FunctionCall): BoundExpr {
    const name = expr.name.toUpperCase()
    const definition = aggregateDefinition(name)!
    const argumentBinder = new ExpressionBinder(this.context, this.scope, `the arguments of ${name}`)
    const args = expr.star ? [] : expr.args.map((arg) => argumentBinder.bind(arg))
    if (expr.star && name !== 'COUNT')
      invalid(expr.span, `${name}(*) is not valid; only COUNT(*) counts rows`)
    if (args.length < definition.minArgs || args.length > definition.maxArgs)
      invalid(
        expr.span,
        `${name} takes ${describeArity(definition.minArgs, definition.maxArgs)}, not ${args.length}`,
      )
    if (expr.distinct && args.length === 0) invalid(expr.span, `${name}(DISTINCT …) needs an argument`)
    const type = definition.resultType(args.map((arg) => arg.type))
    if (typeof type === 'string') return invalid(expr.span, type)
    const filter =
      expr.filter === undefined
        ? undefined
        : new ExpressionBinder(this.context, this.scope, 'FILTER (WHERE …)').bindCondition(expr.filter)
    const position = this.aggregation.addCall(definition.name, args, expr.distinct, filter, type)
    return inputRef(position, type)
  }

  /** GROUPING(c1, …): which of the arguments (group keys) the row's grouping set rolls up, as bits. */
  protected override bindGrouping(expr: FunctionCall): BoundExpr {
    const type = types.bigint(false)
    const positions = expr.args.map((arg) => {
      const key = this.aggregation.matchKey(this.plain.bind(arg))
      if (key < 0)
        invalid(arg.span, `the arguments of ${expr.name.toUpperCase()} must be GROUP BY expressions`)
      return key
    })
    if (positions.length === 0) invalid(expr.span, `${expr.name.toUpperCase()} needs at least one argument`)
    if (this.aggregation.sets === undefined) return literal(0, type)
    const keyCount = this.aggregation.keys.length
    const bits = positions.map((key) => literal(keyCount - 1 - key, types.int(false)))
    return call('GROUPING', [inputRef(this.aggregation.maskIndex, type), ...bits], type)
  }
}

function describeArity(min: number, max: number): string {
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`
  return Number.isFinite(max)
    ? `${min} to ${max} arguments`
    : `at least ${min} argument${min === 1 ? '' : 's'}`
}
