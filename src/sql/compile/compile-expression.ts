import type { Row } from '../../engine/index.ts'
import type { BoundExpr } from '../expr/bound-expr.ts'
import { conjuncts, inputsOf } from '../expr/rewrite.ts'
import type { FunctionRegistry } from '../functions/registry.ts'
import { timeZone, UTC } from '../functions/runtime/time-zone.ts'
import type { RuntimeEnv } from '../functions/scalar-function.ts'
import { type CodegenContext, ExpressionCodegen } from './codegen.ts'
import { ARITHMETIC_EMITTERS } from './emit-arithmetic.ts'
import { CALL_EMITTERS, emitFunction } from './emit-calls.ts'
import { COMPARISON_EMITTERS } from './emit-comparison.ts'
import { LOGIC_EMITTERS } from './emit-logic.ts'

export type { Row } from '../../engine/index.ts'

export interface CompileOptions {
  readonly env: RuntimeEnv
  /** The session's user-defined functions; required when an expression calls one. */
  readonly functions?: FunctionRegistry
}

/** A compiled function with the JS source it was generated from (for debugging and tests). */
export interface Compiled<F> {
  readonly fn: F
  readonly source: string
}

export interface RuntimeEnvOptions {
  /** `table.local-time-zone`: UTC (default), an offset such as `+08:00`, or an IANA name. */
  readonly timeZone?: string
  readonly now?: () => number
  readonly random?: () => number
}

export function createRuntimeEnv(options: RuntimeEnvOptions = {}): RuntimeEnv {
  return {
    zone: options.timeZone === undefined ? UTC : timeZone(options.timeZone),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  }
}

const EMITTERS = new Map([
  ...LOGIC_EMITTERS,
  ...COMPARISON_EMITTERS,
  ...ARITHMETIC_EMITTERS,
  ...CALL_EMITTERS,
])

export function createCodegen(options: CompileOptions, depth = 1): ExpressionCodegen {
  const context: CodegenContext = {
    env: options.env,
    functions: options.functions,
    emitters: EMITTERS,
    emitFunction,
  }
  return new ExpressionCodegen(context, 'row', depth)
}

/** `(row) => value` for one expression. */
export function compileScalar(expr: BoundExpr, options: CompileOptions): Compiled<(row: Row) => unknown> {
  const gen = createCodegen(options)
  gen.readInputs(inputsOf(expr))
  const result = gen.emit(expr)
  return gen.instantiate(`function scalar(row) {\n${gen.takeLines().join('\n')}\n  return ${result}\n}`)
}

/** `(row) => boolean` that is true only where the condition is TRUE (NULL and FALSE reject the row). */
export function compilePredicate(
  condition: BoundExpr,
  options: CompileOptions,
): Compiled<(row: Row) => boolean> {
  const gen = createCodegen(options)
  gen.readInputs(inputsOf(condition))
  const parts = conjuncts(condition)
  for (const conjunct of parts.slice(0, -1)) gen.line(`if (${gen.emit(conjunct)} !== true) return false`)
  const result = parts.length === 0 ? 'true' : gen.emit(parts[parts.length - 1]!)
  return gen.instantiate(
    `function predicate(row) {\n${gen.takeLines().join('\n')}\n  return ${result} === true\n}`,
  )
}

/** `(row) => newRow` computing all `exprs` into one new array. */
export function compileProjection(
  exprs: readonly BoundExpr[],
  options: CompileOptions,
): Compiled<(row: Row) => Row> {
  const gen = createCodegen(options)
  const inputs = new Set<number>()
  for (const expr of exprs) for (const index of inputsOf(expr)) inputs.add(index)
  gen.readInputs([...inputs].sort((a, b) => a - b))
  const values = exprs.map((expr) => gen.emit(expr))
  return gen.instantiate(
    `function project(row) {\n${gen.takeLines().join('\n')}\n  return [${values.join(', ')}]\n}`,
  )
}
