import type { BindContext } from '../binder/context.ts'
import { ExpressionBinder } from '../binder/expression-binder.ts'
import { Scope } from '../binder/scope.ts'
import { compileScalar, createRuntimeEnv, type RuntimeEnvOptions } from '../compile/compile-expression.ts'
import type { BoundExpr } from '../expr/bound-expr.ts'
import type { FunctionRegistry } from '../functions/registry.ts'
import { parseExpression } from '../parser/index.ts'
import { parseLogicalType } from '../types/type-from-spec.ts'

export interface EvaluateOptions extends RuntimeEnvOptions {
  /** Columns visible to the expression, `name: 'TYPE'`, in row order. */
  readonly columns?: Readonly<Record<string, string>>
  readonly functions?: FunctionRegistry
}

/** Binds an expression written in SQL against the given columns (for tests of types and errors). */
export function bindSql(sql: string, options: EvaluateOptions = {}): BoundExpr {
  const fields = Object.entries(options.columns ?? {}).map(([name, type]) => ({
    name,
    type: parseLogicalType(type),
  }))
  const context: BindContext = {
    catalog: { lookup: () => undefined, names: () => [] },
    functions: options.functions,
    options: {},
  }
  const scope = Scope.of(fields, { qualifiers: [['t']], display: 't' })
  return new ExpressionBinder(context, scope, 'the expression').bind(parseExpression(sql))
}

/** Binds, compiles and evaluates an expression over one row. */
export function evaluate(sql: string, row: readonly unknown[] = [], options: EvaluateOptions = {}): unknown {
  const compiled = compileScalar(bindSql(sql, options), {
    env: createRuntimeEnv(options),
    functions: options.functions,
  })
  return compiled.fn([...row])
}
