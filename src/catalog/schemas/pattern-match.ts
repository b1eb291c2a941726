/**
 * Regular-expression tests on schema-supplied patterns, with a time limit. A JSON Schema `patternProperties` key is
 * an arbitrary ECMA-262 pattern: one with nested quantifiers (`^(a+)+$`) backtracks for hours on a short property
 * name, inside a single `RegExp.test` call that no step count can interrupt. Running the test in a `node:vm`
 * context with a `timeout` lets V8 abort it; the context is built once and reused (a test costs ~20 µs).
 */
import vm from 'node:vm'
import type { SchemaType } from './types.ts'
import { SchemaTooComplexError, type WorkBudget } from './work-budget.ts'

const TEST_SCRIPT = new vm.Script('new RegExp(pattern).test(input)', { filename: 'schema-pattern.js' })
let context: vm.Context | undefined

export class TimedPatternMatcher {
  private readonly budget: WorkBudget
  private readonly schemaType: SchemaType
  private readonly results = new Map<string, Map<string, boolean>>()

  constructor(schemaType: SchemaType, budget: WorkBudget) {
    this.schemaType = schemaType
    this.budget = budget
  }

  /** Whether `input` matches `pattern` (a pattern already validated at parse); throws SchemaTooComplexError on timeout. */
  test(pattern: string, input: string): boolean {
    let byInput = this.results.get(pattern)
    if (byInput === undefined) {
      byInput = new Map()
      this.results.set(pattern, byInput)
    }
    const known = byInput.get(input)
    if (known !== undefined) return known
    this.budget.spend(this.schemaType, 'compatibility checking')
    context ??= vm.createContext(Object.create(null))
    context.pattern = pattern
    context.input = input
    let matched: boolean
    try {
      matched = TEST_SCRIPT.runInContext(context, { timeout: this.budget.remainingMillis() }) === true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error
      throw new SchemaTooComplexError(
        this.schemaType,
        'compatibility checking',
        'time',
        `matching the pattern ${JSON.stringify(pattern)} against the property name ${JSON.stringify(input)} takes longer than the ${this.budget.limits.maxMillis} ms a request may spend (a pattern with nested quantifiers backtracks exponentially)`,
      )
    }
    byInput.set(input, matched)
    return matched
  }
}
