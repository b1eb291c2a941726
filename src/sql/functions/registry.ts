import type { LogicalType } from '../types/logical-type.ts'
import { aggregateDefinition } from './aggregate-functions.ts'
import { builtinScalar } from './builtins/index.ts'
import type { RuntimeFunction } from './scalar-function.ts'

/**
 * A user-defined scalar function written in TypeScript. Arguments are converted to `parameters` (implicit
 * casts only) before the call and arrive in their runtime representation (see `types/logical-type.ts`); the
 * result must be a value of `returnType` or null.
 */
export interface UserScalarFunction {
  readonly name: string
  readonly parameters: readonly LogicalType[]
  /** Type of any further arguments: `f(a, b, c...)`. */
  readonly variadic?: LogicalType
  readonly returnType: LogicalType
  readonly implementation: RuntimeFunction
  /** True (default): a NULL argument makes the result NULL without calling the implementation. */
  readonly strict?: boolean
  /** False for functions that may return different results for equal arguments; they are never reordered. */
  readonly deterministic?: boolean
}

/**
 * The user-defined functions of a session, by case-insensitive name. The binder reads signatures from here;
 * compiled expressions call `implementation` through the table this registry hands to the compiler.
 */
export class FunctionRegistry {
  private readonly functions = new Map<string, UserScalarFunction>()

  register(definition: UserScalarFunction): this {
    const key = definition.name.toUpperCase()
    if (builtinScalar(key) !== undefined || aggregateDefinition(key) !== undefined)
      throw new Error(
        `function ${definition.name} would shadow the built-in function of that name; choose another name`,
      )
    if (this.functions.has(key)) throw new Error(`function ${definition.name} is already registered`)
    this.functions.set(key, definition)
    return this
  }

  lookup(name: string): UserScalarFunction | undefined {
    return this.functions.get(name.toUpperCase())
  }

  names(): string[] {
    return [...this.functions.values()].map((fn) => fn.name)
  }
}
