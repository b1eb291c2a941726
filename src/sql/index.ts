/**
 * Weir's SQL planner: Flink SQL text → AST (`parser/`) → bound, typed logical plan (`binder/`, `plan/`) →
 * optimized plan (`plan/optimize.ts`), plus the expression compiler (`compile/`) that turns bound expressions
 * into JS functions for the engine. The catalog is seen only through `TableResolver`.
 *
 * The physical planner consumes `LogicalPlan` (nodes in `plan/nodes.ts`), compiles expressions with
 * `compileBatchCalc`, `compilePredicate`, `compileProjection`, `compileKeyExtractor` and `compileComparator`,
 * and reads options with `miniBatchConfig`.
 */
export type { BindCatalog, CatalogEntry, ViewDefinition } from './binder/context.ts'
export type { ResolvedColumn, ResolvedTable, TableKind, TableResolver } from './catalog/table-resolver.ts'
export { StaticTableResolver } from './catalog/table-resolver.ts'
export {
  type BatchCalc,
  type CalcSpec,
  type ChangelogBatchCalc,
  compileBatchCalc,
  compileChangelogBatchCalc,
} from './compile/batch-calc.ts'
export { compileComparator, type SortField } from './compile/comparator.ts'
export {
  type Compiled,
  type CompileOptions,
  compilePredicate,
  compileProjection,
  compileScalar,
  createRuntimeEnv,
  type RuntimeEnvOptions,
} from './compile/compile-expression.ts'
export { compileKeyExtractor, type GroupKey, type KeyField } from './compile/key-extractor.ts'
export { SqlRuntimeError, SqlValidationError } from './errors.ts'
export type { BoundExpr, Call, InputRef, Literal } from './expr/bound-expr.ts'
export { printExpr } from './expr/print.ts'
export type { AggregateName } from './functions/aggregate-functions.ts'
export { FunctionRegistry, type UserScalarFunction } from './functions/registry.ts'
export type { RuntimeEnv, RuntimeFunction } from './functions/scalar-function.ts'
export { parseScript, parseStatement, SqlSyntaxError } from './parser/index.ts'
export { ALL_CHANGES, GROUPING_ID_FIELD, INSERT_ONLY, isInsertOnly, UPDATES } from './plan/builders.ts'
export { type ExplainOptions, explain } from './plan/explain.ts'
export type * from './plan/nodes.ts'
export { inputsOfNode } from './plan/nodes.ts'
export { optimize } from './plan/optimize.ts'
export {
  type AggPhaseStrategy,
  aggPhaseStrategy,
  type MiniBatchConfig,
  miniBatchConfig,
} from './plan/options.ts'
export { type PlannedStatement, SqlSession, type SqlSessionOptions } from './session.ts'
export { canCastImplicitly, commonType } from './types/coercion.ts'
export * from './types/logical-type.ts'
export { formatType } from './types/type-format.ts'
export { parseLogicalType, typeFromSpec } from './types/type-from-spec.ts'
