import { invalid } from '../errors.ts'
import { type BoundExpr, type Call, call, literal } from '../expr/bound-expr.ts'
import { aggregateDefinition } from '../functions/aggregate-functions.ts'
import { builtinScalar, builtinScalarNames } from '../functions/builtins/index.ts'
import type { ScalarFunction } from '../functions/scalar-function.ts'
import { ArgumentError, matchSignature } from '../functions/signature.ts'
import type {
  BetweenExpr,
  BinaryExpr,
  CaseExpr,
  CastExpr,
  ColumnRefExpr,
  Expression,
  FunctionCall,
  InListExpr,
  IsExpr,
  LikeExpr,
  SourceSpan,
  SubscriptExpr,
  UnaryExpr,
} from '../parser/index.ts'
import {
  arithmeticType,
  canCastImplicitly,
  commonTypeOf,
  comparisonType,
  explicitCastProblem,
} from '../types/coercion.ts'
import {
  isCharacter,
  isComparable,
  isDatetime,
  isInteger,
  isInterval,
  isNumeric,
  type LogicalType,
  types,
  withNullability,
} from '../types/logical-type.ts'
import { formatType } from '../types/type-format.ts'
import { typeFromSpec } from '../types/type-from-spec.ts'
import { coerce } from './coercion.ts'
import type { BindContext } from './context.ts'
import { bindLiteral } from './literals.ts'
import type { Scope } from './scope.ts'
import { didYouMean } from './suggest.ts'

const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>='])

/**
 * Binds AST expressions against a scope: resolves column names to input positions, checks and infers types,
 * inserts the implicit conversions Flink applies, and maps operators and functions to `Call` nodes.
 *
 * Children are bound through `bind`, which subclasses override: the aggregate binder uses that to replace
 * GROUP BY expressions and aggregate calls by references to the aggregate's output.
 */
export class ExpressionBinder {
  constructor(
    protected readonly context: BindContext,
    protected readonly scope: Scope,
    /** The clause being bound, for messages: "WHERE", "the SELECT list", "JOIN … ON". */
    protected readonly clause: string,
  ) {}

  bind(expr: Expression): BoundExpr {
    return this.bindNode(expr)
  }

  /** A WHERE/ON/HAVING condition: BOOLEAN (or an untyped NULL). */
  bindCondition(expr: Expression): BoundExpr {
    const bound = this.bind(expr)
    this.requireBoolean(bound, expr.span, `the ${this.clause} condition`)
    return bound
  }

  protected bindNode(expr: Expression): BoundExpr {
    switch (expr.kind) {
      case 'numericLiteral':
      case 'stringLiteral':
      case 'binaryLiteral':
      case 'booleanLiteral':
      case 'nullLiteral':
      case 'temporalLiteral':
      case 'intervalLiteral':
        return bindLiteral(expr)
      case 'columnRef':
        return this.bindColumn(expr)
      case 'timeUnit':
        return literal(expr.unit, types.symbol())
      case 'unary':
        return this.bindUnary(expr)
      case 'binary':
        return this.bindBinary(expr)
      case 'is':
        return this.bindIs(expr)
      case 'between':
        return this.bindBetween(expr)
      case 'like':
        return this.bindLike(expr)
      case 'inList':
        return this.bindInList(expr)
      case 'inSubquery':
      case 'exists':
      case 'scalarSubquery':
        return invalid(expr.span, 'subqueries inside expressions are not supported', 'rewrite it as a JOIN')
      case 'case':
        return this.bindCase(expr)
      case 'cast':
        return this.bindCast(expr)
      case 'extract':
        return this.bindFunction(
          builtinScalar('EXTRACT')!,
          [literal(expr.unit, types.symbol()), this.bind(expr.operand)],
          expr.span,
          [expr.span, expr.operand.span],
        )
      case 'trim': {
        const name = expr.side === 'BOTH' ? 'BTRIM' : expr.side === 'LEADING' ? 'LTRIM' : 'RTRIM'
        const args = [expr.operand, ...(expr.characters === undefined ? [] : [expr.characters])]
        return this.bindFunction(
          builtinScalar(name)!,
          args.map((arg) => this.bind(arg)),
          expr.span,
          args.map((arg) => arg.span),
        )
      }
      case 'functionCall':
        return this.bindCall(expr)
      case 'fieldAccess':
        return this.fieldAccess(this.bind(expr.operand), [expr.field], expr.span)
      case 'subscript':
        return this.bindSubscript(expr)
      case 'rowConstructor': {
        const fields = expr.fields.map((field) => this.bind(field))
        const type = types.row(
          fields.map((field, i) => ({ name: `EXPR$${i}`, type: field.type })),
          false,
        )
        return call('ROW', fields, type)
      }
      case 'arrayConstructor': {
        const elements = expr.elements.map((element) => this.bind(element))
        const element = this.common(
          elements,
          expr.elements.map((e) => e.span),
          'ARRAY elements',
        )
        return call(
          'ARRAY',
          elements.map((e) => coerce(e, element)),
          types.array(element, false),
        )
      }
      case 'mapConstructor': {
        const keys = expr.entries.map((entry) => this.bind(entry.key))
        const values = expr.entries.map((entry) => this.bind(entry.value))
        const keyType = this.common(
          keys,
          expr.entries.map((e) => e.key.span),
          'MAP keys',
        )
        const valueType = this.common(
          values,
          expr.entries.map((e) => e.value.span),
          'MAP values',
        )
        const args = keys.flatMap((key, i) => [coerce(key, keyType), coerce(values[i]!, valueType)])
        return call('MAP', args, types.map(keyType, valueType, false))
      }
    }
  }

  protected bindColumn(expr: ColumnRefExpr): BoundExpr {
    const resolved = this.scope.resolve(expr.path, expr.span)
    const ref: BoundExpr = { kind: 'input', index: resolved.index, type: resolved.type }
    return resolved.fieldPath.length === 0 ? ref : this.fieldAccess(ref, resolved.fieldPath, expr.span)
  }

  private fieldAccess(operand: BoundExpr, path: readonly string[], span: SourceSpan): BoundExpr {
    let current = operand
    for (const name of path) {
      const type = current.type
      if (type.kind !== 'ROW')
        return invalid(span, `cannot access field '${name}' of a ${formatType(type)} value`)
      const position = type.fields.findIndex((field) => field.name === name)
      if (position < 0)
        return invalid(
          span,
          `field '${name}' not found in ${formatType(type)}`,
          didYouMean(
            name,
            type.fields.map((f) => f.name),
          ),
        )
      const fieldType = type.fields[position]!.type
      current = call(
        'FIELD',
        [current, literal(position, types.int(false))],
        withNullability(fieldType, fieldType.nullable || type.nullable),
      )
    }
    return current
  }

  private bindSubscript(expr: SubscriptExpr): BoundExpr {
    const container = this.bind(expr.operand)
    const index = this.bind(expr.index)
    const type = container.type
    if (type.kind === 'ARRAY') {
      if (!isInteger(index.type) && index.type.kind !== 'NULL')
        invalid(expr.index.span, `an ARRAY index must be an integer, not ${formatType(index.type)}`)
      return call('ITEM', [container, index], withNullability(type.element, true))
    }
    if (type.kind === 'MAP') {
      if (!canCastImplicitly(index.type, type.key))
        invalid(
          expr.index.span,
          `a key of ${formatType(type)} must be ${formatType(type.key)}, not ${formatType(index.type)}`,
        )
      return call('ITEM', [container, coerce(index, type.key)], withNullability(type.value, true))
    }
    return invalid(
      expr.span,
      `cannot subscript a ${formatType(type)} value; only ARRAY and MAP values have elements`,
    )
  }

  private bindUnary(expr: UnaryExpr): BoundExpr {
    const operand = this.bind(expr.operand)
    if (expr.operator === 'NOT') {
      this.requireBoolean(operand, expr.operand.span, 'the operand of NOT')
      return call('NOT', [operand], types.boolean(operand.type.nullable))
    }
    if (!isNumeric(operand.type) && !isInterval(operand.type) && operand.type.kind !== 'NULL')
      invalid(expr.span, `cannot apply unary '${expr.operator}' to ${formatType(operand.type)}`)
    if (expr.operator === '+') return operand
    if (operand.kind === 'literal' && typeof operand.value === 'number')
      return literal(-operand.value, operand.type)
    return call('NEG', [operand], operand.type)
  }

  private bindBinary(expr: BinaryExpr): BoundExpr {
    const left = this.bind(expr.left)
    const right = this.bind(expr.right)
    const op = expr.operator
    switch (op) {
      case 'AND':
      case 'OR':
        this.requireBoolean(left, expr.left.span, `the left operand of ${op}`)
        this.requireBoolean(right, expr.right.span, `the right operand of ${op}`)
        return call(op, [left, right], types.boolean(left.type.nullable || right.type.nullable))
      case 'IS DISTINCT FROM':
      case 'IS NOT DISTINCT FROM': {
        const [l, r] = this.comparable(left, right, expr.span, op)
        return call(op, [l, r], types.boolean(false))
      }
      case '||':
        for (const [operand, ast] of [
          [left, expr.left],
          [right, expr.right],
        ] as const)
          if (!isCharacter(operand.type) && operand.type.kind !== 'NULL')
            invalid(
              ast.span,
              `'||' concatenates strings, not ${formatType(operand.type)}`,
              'CAST it AS STRING first',
            )
        return call('||', [left, right], types.string(left.type.nullable || right.type.nullable))
      default:
        return COMPARISONS.has(op)
          ? this.comparison(op, left, right, expr.span)
          : this.arithmetic(op, left, right, expr.span)
    }
  }

  protected comparison(op: string, left: BoundExpr, right: BoundExpr, span: SourceSpan): Call {
    const [l, r] = this.comparable(left, right, span, op)
    if (op !== '=' && op !== '<>' && !isComparable(l.type))
      invalid(span, `cannot order values of type ${formatType(l.type)} with '${op}'`)
    return call(op, [l, r], types.boolean(left.type.nullable || right.type.nullable))
  }

  /** Both operands converted to the type they are compared in. */
  private comparable(
    left: BoundExpr,
    right: BoundExpr,
    span: SourceSpan,
    op: string,
  ): [BoundExpr, BoundExpr] {
    const type = comparisonType(left.type, right.type)
    if (type === undefined)
      return invalid(
        span,
        `cannot compare ${formatType(left.type)} with ${formatType(right.type)} using '${op}'`,
        'CAST one side to the type of the other',
      )
    if (isNumeric(type)) return [left, right]
    return [coerce(left, type), coerce(right, type)]
  }

  private arithmetic(
    op: BinaryExpr['operator'],
    left: BoundExpr,
    right: BoundExpr,
    span: SourceSpan,
  ): BoundExpr {
    const arithmeticOp = op as '+' | '-' | '*' | '/' | '%'
    const type = arithmeticType(arithmeticOp, left.type, right.type)
    if (type === undefined) {
      const hint =
        isDatetime(left.type) && isDatetime(right.type) && op === '-'
          ? 'use TIMESTAMPDIFF(unit, from, to) for the difference of two times'
          : undefined
      return invalid(
        span,
        `cannot apply '${op}' to ${formatType(left.type)} and ${formatType(right.type)}`,
        hint,
      )
    }
    return call(arithmeticOp, [left, right], type)
  }

  private bindIs(expr: IsExpr): BoundExpr {
    const operand = this.bind(expr.operand)
    if (expr.test === 'NULL')
      return call(expr.negated ? 'IS NOT NULL' : 'IS NULL', [operand], types.boolean(false))
    this.requireBoolean(operand, expr.operand.span, `the operand of IS ${expr.test}`)
    const op = expr.test === 'UNKNOWN' ? 'NULL' : expr.test
    return call(`IS ${expr.negated ? 'NOT ' : ''}${op}`, [operand], types.boolean(false))
  }

  private bindBetween(expr: BetweenExpr): BoundExpr {
    const operands = [expr.operand, expr.low, expr.high].map((e) => this.bind(e))
    const spans = [expr.operand.span, expr.low.span, expr.high.span]
    const type = this.common(operands, spans, 'BETWEEN operands')
    if (!isComparable(type))
      invalid(expr.span, `cannot order values of type ${formatType(type)} with BETWEEN`)
    const args = isNumeric(type) ? operands : operands.map((operand) => coerce(operand, type))
    const between = call(
      expr.symmetric ? 'BETWEEN SYMMETRIC' : 'BETWEEN',
      args,
      types.boolean(operands.some((o) => o.type.nullable)),
    )
    return expr.negated ? call('NOT', [between], between.type) : between
  }

  private bindLike(expr: LikeExpr): BoundExpr {
    const args = [expr.operand, expr.pattern, ...(expr.escape === undefined ? [] : [expr.escape])]
    const bound = args.map((arg) => this.bind(arg))
    for (const [i, arg] of bound.entries())
      if (!isCharacter(arg.type) && arg.type.kind !== 'NULL')
        invalid(
          args[i]!.span,
          `${expr.operator} needs strings, not ${formatType(arg.type)}`,
          'CAST it AS STRING first',
        )
    const escapeChar = bound[2]
    if (
      escapeChar?.kind === 'literal' &&
      typeof escapeChar.value === 'string' &&
      escapeChar.value.length !== 1
    )
      invalid(expr.escape!.span, 'the ESCAPE character must be a single character')
    const like = call(expr.operator, bound, types.boolean(bound.some((arg) => arg.type.nullable)))
    return expr.negated ? call('NOT', [like], like.type) : like
  }

  private bindInList(expr: InListExpr): BoundExpr {
    const operand = this.bind(expr.operand)
    const items = expr.list.map((item) => this.bind(item))
    let type = operand.type
    for (const [i, item] of items.entries()) {
      const merged = comparisonType(type, item.type)
      if (merged === undefined)
        invalid(
          expr.list[i]!.span,
          `cannot compare ${formatType(operand.type)} with ${formatType(item.type)} in IN`,
          'CAST the values to one type',
        )
      type = merged
    }
    const args = isNumeric(type) ? [operand, ...items] : [operand, ...items].map((arg) => coerce(arg, type))
    const inList = call(
      'IN',
      args,
      types.boolean(operand.type.nullable || items.some((item) => item.type.nullable)),
    )
    return expr.negated ? call('NOT', [inList], inList.type) : inList
  }

  private bindCase(expr: CaseExpr): BoundExpr {
    const operand = expr.operand === undefined ? undefined : this.bind(expr.operand)
    const conditions = expr.whens.map((when) => {
      const value = this.bind(when.condition)
      if (operand === undefined) {
        this.requireBoolean(value, when.condition.span, 'a WHEN condition')
        return value
      }
      return this.comparison('=', operand, value, when.condition.span)
    })
    const resultAsts = [
      ...expr.whens.map((when) => when.result),
      ...(expr.otherwise === undefined ? [] : [expr.otherwise]),
    ]
    const results = resultAsts.map((result) => this.bind(result))
    const common = this.common(
      results,
      resultAsts.map((result) => result.span),
      'CASE results',
    )
    const type = withNullability(common, expr.otherwise === undefined || results.some((r) => r.type.nullable))
    const otherwise =
      expr.otherwise === undefined
        ? literal(null, withNullability(type, true))
        : coerce(results[results.length - 1]!, type)
    const args = conditions.flatMap((condition, i) => [condition, coerce(results[i]!, type)])
    return call('CASE', [...args, otherwise], type)
  }

  private bindCast(expr: CastExpr): BoundExpr {
    const operand = this.bind(expr.operand)
    const target = typeFromSpec(expr.type)
    const problem = explicitCastProblem(operand.type, target)
    if (problem !== undefined)
      invalid(
        expr.span,
        `cannot CAST ${formatType(operand.type)} to ${formatType(target)}`,
        problem === '' ? undefined : problem,
      )
    const type = withNullability(target, expr.safe || operand.type.nullable)
    if (operand.kind === 'literal' && operand.value === null)
      return literal(null, withNullability(target, true))
    return call(expr.safe ? 'TRY_CAST' : 'CAST', [operand], type)
  }

  protected bindCall(expr: FunctionCall): BoundExpr {
    const name = expr.name.toUpperCase()
    if (expr.over !== undefined)
      return invalid(
        expr.span,
        `window function ${name}(…) OVER (…) is not supported here`,
        'only ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) as a SELECT item, filtered by an enclosing query (Top-N, deduplication), is supported',
      )
    if (aggregateDefinition(name) !== undefined) return this.bindAggregateCall(expr)
    if (expr.star || expr.distinct || expr.filter !== undefined)
      return invalid(
        expr.span,
        `${name} is not an aggregate function; '*', DISTINCT and FILTER apply to aggregates only`,
      )
    if (name === 'GROUPING' || name === 'GROUPING_ID') return this.bindGrouping(expr)
    const args = expr.args.map((arg) => this.bind(arg))
    const spans = expr.args.map((arg) => arg.span)
    const special = this.bindConditionalFunction(name, args, expr)
    if (special !== undefined) return special
    const builtin = builtinScalar(name)
    if (builtin !== undefined) return this.bindFunction(builtin, args, expr.span, spans)
    const udf = this.context.functions?.lookup(name)
    if (udf !== undefined) return this.bindUserFunction(expr, args, spans)
    const known = [...builtinScalarNames(), ...(this.context.functions?.names() ?? [])]
    return invalid(expr.span, `function '${expr.name}' not found`, didYouMean(name, known))
  }

  /** Aggregates are bound by the aggregate binder; anywhere else they are an error. */
  protected bindAggregateCall(expr: FunctionCall): BoundExpr {
    return invalid(
      expr.span,
      `aggregate function ${expr.name.toUpperCase()}(…) is not allowed in ${this.clause}`,
    )
  }

  protected bindGrouping(expr: FunctionCall): BoundExpr {
    return invalid(expr.span, `${expr.name.toUpperCase()}(…) is only allowed in a query with GROUP BY`)
  }

  /** COALESCE, IFNULL, IF, NULLIF and MOD: operators with function syntax. */
  private bindConditionalFunction(
    name: string,
    args: BoundExpr[],
    expr: FunctionCall,
  ): BoundExpr | undefined {
    const spans = expr.args.map((arg) => arg.span)
    const arity = (count: number): void => {
      if (args.length !== count) invalid(expr.span, `${name} takes ${count} arguments, not ${args.length}`)
    }
    switch (name) {
      case 'COALESCE':
      case 'IFNULL': {
        if (name === 'IFNULL') arity(2)
        if (args.length === 0) invalid(expr.span, 'COALESCE needs at least one argument')
        const common = this.common(args, spans, `${name} arguments`)
        const type = withNullability(
          common,
          args.every((arg) => arg.type.nullable),
        )
        return call(
          'COALESCE',
          args.map((arg) => coerce(arg, common)),
          type,
        )
      }
      case 'IF': {
        arity(3)
        this.requireBoolean(args[0]!, spans[0]!, 'the IF condition')
        const branches = args.slice(1)
        const common = this.common(branches, spans.slice(1), 'IF results')
        const type = withNullability(
          common,
          branches.some((arg) => arg.type.nullable),
        )
        return call('IF', [args[0]!, ...branches.map((arg) => coerce(arg, type))], type)
      }
      case 'NULLIF': {
        arity(2)
        const comparison = this.comparison('=', args[0]!, args[1]!, expr.span)
        return call('NULLIF', comparison.args, withNullability(comparison.args[0]!.type, true))
      }
      case 'MOD':
        arity(2)
        return this.arithmetic('%', args[0]!, args[1]!, expr.span)
      default:
        return undefined
    }
  }

  protected bindFunction(
    fn: ScalarFunction,
    args: BoundExpr[],
    span: SourceSpan,
    argSpans: readonly SourceSpan[],
  ): BoundExpr {
    try {
      matchSignature(
        fn.name,
        fn.signatures,
        args.map((arg) => arg.type),
      )
    } catch (error) {
      if (!(error instanceof ArgumentError)) throw error
      invalid(error.argument === undefined ? span : (argSpans[error.argument] ?? span), error.message)
    }
    const problem = fn.validate?.(args)
    if (problem !== undefined) invalid(span, problem)
    const base = fn.returnType(args)
    const nullable =
      fn.nulls === 'custom'
        ? base.nullable
        : fn.nulls === 'strict-nullable' || args.some((arg) => arg.type.nullable)
    const bound: Call = call(fn.name, args, withNullability(base, nullable))
    return fn.deterministic ? bound : { ...bound, nondeterministic: true }
  }

  private bindUserFunction(expr: FunctionCall, args: BoundExpr[], spans: readonly SourceSpan[]): BoundExpr {
    const definition = this.context.functions!.lookup(expr.name)!
    const { parameters, variadic } = definition
    if (args.length < parameters.length || (variadic === undefined && args.length > parameters.length))
      invalid(
        expr.span,
        `${definition.name} takes ${parameters.length}${variadic === undefined ? '' : ' or more'} arguments, not ${args.length}`,
      )
    const converted = args.map((arg, i) => {
      const parameter = parameters[i] ?? variadic!
      if (!canCastImplicitly(arg.type, parameter))
        invalid(
          spans[i]!,
          `argument ${i + 1} of ${definition.name} must be ${formatType(parameter)}, not ${formatType(arg.type)}`,
          'CAST it',
        )
      return coerce(arg, parameter)
    })
    const strict = definition.strict !== false
    const nullable = definition.returnType.nullable || (strict && args.some((arg) => arg.type.nullable))
    const bound: Call = {
      kind: 'call',
      op: definition.name,
      args: converted,
      type: withNullability(definition.returnType, nullable),
      udf: true,
    }
    return definition.deterministic === false ? { ...bound, nondeterministic: true } : bound
  }

  protected requireBoolean(expr: BoundExpr, span: SourceSpan, what: string): void {
    if (expr.type.kind !== 'BOOLEAN' && expr.type.kind !== 'NULL')
      invalid(span, `${what} must be BOOLEAN, not ${formatType(expr.type)}`)
  }

  /** The common type of several operands, or an error at the first that does not fit. */
  protected common(operands: readonly BoundExpr[], spans: readonly SourceSpan[], what: string): LogicalType {
    const result = commonTypeOf(operands.map((operand) => operand.type))
    if (result.type === undefined) {
      const bad = operands[result.conflict]!
      return invalid(
        spans[result.conflict]!,
        `${what} have no common type: ${formatType(bad.type)} does not fit with the others`,
        'CAST them to one type',
      )
    }
    return result.type
  }
}
