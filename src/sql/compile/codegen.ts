import type { BoundExpr, Call } from '../expr/bound-expr.ts'
import type { FunctionRegistry } from '../functions/registry.ts'
import type { RuntimeEnv } from '../functions/scalar-function.ts'

/** Emits the JS for one call node and returns the JS expression holding its value (see `ExpressionCodegen`). */
export type CallEmitter = (gen: ExpressionCodegen, call: Call) => string

export interface CodegenContext {
  readonly env: RuntimeEnv
  readonly functions: FunctionRegistry | undefined
  /** Emitters by `Call.op`; calls without one are built-in or user-defined functions. */
  readonly emitters: ReadonlyMap<string, CallEmitter>
  /** Fallback for function calls. */
  readonly emitFunction: CallEmitter
}

/**
 * Generates straight-line JS for bound expressions. Every node evaluates into a local variable (or a literal),
 * statements go into the current block, and conditional constructs (AND/OR, CASE, COALESCE) open nested blocks
 * so that their operands are evaluated only when needed. Values that cannot be written as JS literals
 * (compiled regexes, sets, runtime functions) become constants `kN` bound once when the function is created.
 *
 * NULL is tested with `== null`, so a row may hold `undefined` for NULL as well; results are always `null`.
 */
export class ExpressionCodegen {
  private readonly constants: unknown[] = []
  private readonly constantNames = new Map<unknown, string>()
  private readonly inputNames = new Map<number, string>()
  private lines: string[] = []
  private counter = 0

  constructor(
    readonly context: CodegenContext,
    /** The JS variable holding the current row. */
    private readonly rowVariable = 'row',
    /** Indentation of the generated statements, for readable sources. */
    private depth = 1,
  ) {}

  get env(): RuntimeEnv {
    return this.context.env
  }

  /** Evaluates `expr`, returning a JS expression (a variable or a literal) that holds its value. */
  emit(expr: BoundExpr): string {
    switch (expr.kind) {
      case 'input':
        return this.input(expr.index)
      case 'literal':
        return this.literal(expr.value)
      case 'call': {
        const emitter = expr.udf ? undefined : this.context.emitters.get(expr.op)
        return (emitter ?? this.context.emitFunction)(this, expr)
      }
    }
  }

  /** Reads input columns into locals; call before emitting code that may use them inside nested blocks. */
  readInputs(indexes: Iterable<number>): void {
    for (const index of indexes) this.input(index)
  }

  private input(index: number): string {
    let name = this.inputNames.get(index)
    if (name === undefined) {
      name = `i${index}`
      this.inputNames.set(index, name)
      this.line(`const ${name} = ${this.rowVariable}[${index}]`)
    }
    return name
  }

  literal(value: unknown): string {
    if (value === null || value === undefined) return 'null'
    if (typeof value === 'boolean') return String(value)
    if (typeof value === 'string') return JSON.stringify(value)
    if (typeof value === 'number' && Number.isFinite(value)) {
      if (Object.is(value, -0)) return '(-0)'
      return value < 0 ? `(${value})` : String(value)
    }
    return this.constant(value)
  }

  /** A constant bound once per compiled function; the same object always gets the same name. */
  constant(value: unknown): string {
    let name = this.constantNames.get(value)
    if (name === undefined) {
      name = `k${this.constants.length}`
      this.constants.push(value)
      this.constantNames.set(value, name)
    }
    return name
  }

  /** `let vN = initial`, returning vN. */
  declare(initial = 'null'): string {
    const name = `v${this.counter++}`
    this.line(`let ${name} = ${initial}`)
    return name
  }

  /** `const vN = value`, returning vN; for values computed unconditionally. */
  bind(value: string): string {
    const name = `v${this.counter++}`
    this.line(`const ${name} = ${value}`)
    return name
  }

  assign(variable: string, value: string): void {
    this.line(`${variable} = ${value}`)
  }

  line(text: string): void {
    this.lines.push('  '.repeat(this.depth) + text)
  }

  /** `if (condition) { then } else { otherwise }`, with the branches emitted into nested blocks. */
  branch(condition: string, then: () => void, otherwise?: () => void): void {
    this.line(`if (${condition}) {`)
    this.nested(then)
    if (otherwise !== undefined) {
      this.line('} else {')
      this.nested(otherwise)
    }
    this.line('}')
  }

  /** A block whose statements are indented; locals declared inside stay inside. */
  nested(body: () => void): void {
    const inputs = new Map(this.inputNames)
    this.depth++
    body()
    this.depth--
    // Inputs first read inside the block are out of scope after it.
    this.inputNames.clear()
    for (const [index, name] of inputs) this.inputNames.set(index, name)
  }

  /**
   * A strict operation: evaluates `args`, and computes `compute(values)` only when every nullable argument is
   * non-null; NULL otherwise. Arguments typed NOT NULL are not tested.
   */
  strict(args: readonly BoundExpr[], compute: (values: readonly string[]) => string): string {
    const values = args.map((arg) => this.emit(arg))
    const tests = args.flatMap((arg, i) => (arg.type.nullable ? [`${values[i]} != null`] : []))
    if (tests.length === 0) return this.bind(compute(values))
    const result = this.declare()
    this.branch(tests.join(' && '), () => this.assign(result, compute(values)))
    return result
  }

  /** Takes the statements emitted so far, leaving the generator ready for the next segment. */
  takeLines(): string[] {
    const lines = this.lines
    this.lines = []
    return lines
  }

  /** Wraps `body` (the source of a function expression) so that constants are bound once; returns the factory result. */
  instantiate<F>(body: string): { readonly fn: F; readonly source: string } {
    const bindings = this.constants.map((_, i) => `const k${i} = k[${i}]`).join('\n')
    const source = `${bindings}\nreturn ${body}`
    const factory = new Function('k', source) as (constants: unknown[]) => F
    return { fn: factory(this.constants), source }
  }
}
