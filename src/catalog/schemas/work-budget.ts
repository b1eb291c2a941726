/**
 * A bound on the work one request may spend on schemas. Compatibility checks and parsing run on the server's
 * event loop: a small hostile schema whose shared definitions branch (a `$ref` used twice at every level, an Avro
 * record type reused by two fields at every level) makes an unbounded structural walk exponential, stalling every
 * other request, `/health` and even SIGTERM handling. Every walk therefore counts its steps against a budget and
 * also looks at the clock, and stops with SchemaTooComplexError (HTTP 422, Confluent's 42201) when either runs out.
 */
import { InvalidSchemaError, type SchemaType } from './types.ts'

export interface WorkLimits {
  /** Node comparisons (or nodes visited) allowed per request; far above what real schemas need. */
  readonly maxSteps: number
  /** Wall-clock time per request, a backstop for work that steps do not measure well. */
  readonly maxMillis: number
}

/**
 * A schema with 2 000 fields checked transitively against 20 versions takes about 40 000 steps, and a step costs
 * a few microseconds, so the event loop is never held much longer than a few hundred milliseconds.
 */
export const DEFAULT_WORK_LIMITS: WorkLimits = { maxSteps: 100_000, maxMillis: 1_000 }

/** How often (in steps) the clock is read: reading it costs more than a step. */
const CLOCK_EVERY = 256

/** A schema (or pair of schemas) that would take more work to parse or compare than a request may spend. */
export class SchemaTooComplexError extends InvalidSchemaError {
  readonly limit: 'steps' | 'time' | 'size'

  constructor(schemaType: SchemaType, what: string, limit: 'steps' | 'time' | 'size', detail: string) {
    super(
      schemaType,
      `the schema is too complex for ${what}: ${detail}`,
      {},
      'Simplify it: share fewer definitions between branches (anyOf/oneOf/allOf, unions, reused record types), nest less, or split it into smaller schemas.',
    )
    this.limit = limit
  }
}

export class WorkBudget {
  readonly limits: WorkLimits
  private steps = 0
  private readonly deadline: number

  constructor(limits: WorkLimits = DEFAULT_WORK_LIMITS) {
    this.limits = limits
    this.deadline = performance.now() + limits.maxMillis
  }

  /** Counts `count` steps of `what` (e.g. "compatibility checking"); throws once over either limit. */
  spend(schemaType: SchemaType, what: string, count = 1): void {
    const before = this.steps
    this.steps += count
    if (this.steps > this.limits.maxSteps) {
      throw new SchemaTooComplexError(
        schemaType,
        what,
        'steps',
        `it needs more than ${this.limits.maxSteps} steps (node comparisons)`,
      )
    }
    if (Math.floor(before / CLOCK_EVERY) !== Math.floor(this.steps / CLOCK_EVERY))
      this.checkClock(schemaType, what)
  }

  /** Throws when the time is up; call it around work that is not counted in steps. */
  checkClock(schemaType: SchemaType, what: string): void {
    if (performance.now() > this.deadline) {
      throw new SchemaTooComplexError(
        schemaType,
        what,
        'time',
        `it takes longer than the ${this.limits.maxMillis} ms a request may spend on it`,
      )
    }
  }

  /** Milliseconds left before the deadline (at least 1, for APIs that treat 0 as "no limit"). */
  remainingMillis(): number {
    return Math.max(1, Math.ceil(this.deadline - performance.now()))
  }
}
