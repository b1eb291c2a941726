import type { BoundExpr } from '../expr/bound-expr.ts'
import type { LogicalType } from '../types/logical-type.ts'
import type { TimeZone } from './runtime/time-zone.ts'
import type { Signature } from './signature.ts'

/** What compiled expressions may ask of their surroundings: the session time zone and the clock. */
export interface RuntimeEnv {
  readonly zone: TimeZone
  /** Epoch milliseconds now; CURRENT_TIMESTAMP, PROCTIME() and UNIX_TIMESTAMP() read it per row. */
  readonly now: () => number
  readonly random: () => number
}

/**
 * A function the generated code calls with the argument values. Typed loosely on purpose: the signature checks
 * of the binder guarantee the argument types, and every function type is assignable to this one.
 */
export type RuntimeFunction = (...args: never[]) => unknown

/**
 * How the compiler evaluates a call: `inline` returns a JS expression over the argument expressions (already
 * evaluated, non-null for strict functions), `fn` is called with the argument values.
 */
export type Implementation =
  | { readonly inline: (args: readonly string[]) => string }
  | { readonly fn: RuntimeFunction }

/** A built-in scalar function: its signatures, result type and implementation. */
export interface ScalarFunction {
  readonly name: string
  readonly signatures: readonly Signature[]
  /** The result type for arguments that passed the signature check; nullability is added by the binder. */
  readonly returnType: (args: readonly BoundExpr[]) => LogicalType
  /**
   * `strict`: any NULL argument makes the result NULL without calling the implementation.
   * `strict-nullable`: the same, and the result may be NULL for non-null arguments too (parse failures …).
   * `custom`: the implementation receives NULLs and decides.
   */
  readonly nulls: 'strict' | 'strict-nullable' | 'custom'
  readonly deterministic: boolean
  /** Checks literal arguments at bind time (a date pattern, a regex, a JSON path); returns the problem. */
  readonly validate?: (args: readonly BoundExpr[]) => string | undefined
  /** Called once per call site; may precompute from literal arguments. */
  readonly implement: (args: readonly BoundExpr[], env: RuntimeEnv) => Implementation
}

type Definition = Omit<ScalarFunction, 'signatures' | 'nulls' | 'deterministic' | 'returnType'> & {
  readonly signatures: Signature | readonly Signature[]
  readonly nulls?: ScalarFunction['nulls']
  readonly deterministic?: boolean
  readonly returnType: LogicalType | ScalarFunction['returnType']
}

/** Fills the defaults: strict, deterministic, one signature or several. */
export function scalar(definition: Definition): ScalarFunction {
  const { returnType, signatures } = definition
  return {
    ...definition,
    signatures: Array.isArray(signatures) ? signatures : [signatures as Signature],
    nulls: definition.nulls ?? 'strict',
    deterministic: definition.deterministic ?? true,
    returnType: typeof returnType === 'function' ? returnType : () => returnType,
  }
}

/** The type of the first argument, the common result rule of UPPER, ABS, SUBSTRING … */
export function firstArgumentType(args: readonly BoundExpr[]): LogicalType {
  return args[0]!.type
}

export function inline(source: (args: readonly string[]) => string): () => Implementation {
  const result = { inline: source }
  return () => result
}

export function fn(implementation: RuntimeFunction): () => Implementation {
  const result = { fn: implementation }
  return () => result
}
