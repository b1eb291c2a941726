import type { Writable } from 'node:stream'
import type { SchemaSource } from '../../formats/index.ts'
import type { RegistryRetryOptions } from '../../formats/registry-retry.ts'
import { type Logger, rootLogger } from '../../logging.ts'
import type { SchemaRegistrar } from './avro-confluent.ts'

/** Input a source could not turn into a row, with where it was found, so it can be inspected and replayed. */
export interface MalformedInput {
  readonly table: string
  /** Where the input is, e.g. `/data/orders.json:17` (file and line). */
  readonly location: string
  readonly error: string
  readonly content: string
}

/** Which share of a source a subtask of a parallel job reads: subtask `index` of `count`. */
export interface Subtask {
  readonly index: number
  readonly count: number
}

export const SINGLE_SUBTASK: Subtask = { index: 0, count: 1 }

/** What connectors take from the job around them rather than from the table's options. */
export interface ConnectorContext {
  /** Receives input a source could not read; by default it is logged as a warning. */
  readonly onMalformedInput?: (input: MalformedInput) => void
  /** Where the print connector writes instead of stdout / stderr (tests). */
  readonly printOutput?: Writable
  /** Schemas for the avro-confluent format instead of the registry at 'avro-confluent.url'. */
  readonly schemaSource?: SchemaSource
  /** Registers avro-confluent sink schemas instead of the registry at 'avro-confluent.url'. */
  readonly schemaRegistrar?: SchemaRegistrar
  readonly logger?: Logger
  /**
   * How long Kafka sources wait out a schema registry fault before the job fails (by default 8 tries over
   * about 35 s). At parallelism > 1 the subtasks use the default.
   */
  readonly registryRetry?: RegistryRetryOptions
  /** Set in a parallel job: sources read only this subtask's share. */
  readonly subtask?: Subtask
}

export function malformedInputHandler(context: ConnectorContext): (input: MalformedInput) => void {
  if (context.onMalformedInput) return context.onMalformedInput
  const logger = (context.logger ?? rootLogger).child({ component: 'connector' })
  return (input) => logger.warn(input, 'malformed input sent to dead letters')
}
