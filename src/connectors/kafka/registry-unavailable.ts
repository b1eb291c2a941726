import type { DecodeError } from '../../formats/index.ts'

/** The first record a Kafka source could not get past: nothing from it on was dead-lettered or committed. */
export interface StoppedAt {
  readonly topic: string
  readonly partition: number
  readonly offset: string
}

/**
 * A SQL job's Kafka source gave up on the schema registry: it stayed unreachable, answered 5xx, timed out
 * or refused the job's token (401/403) for every retry. The records are good as far as anyone knows, so
 * none was dead-lettered and the source did not move past them: a rerun reads them again.
 */
export class SourceRegistryUnavailableError extends Error {
  override readonly name = 'SourceRegistryUnavailableError'

  constructor(
    readonly table: string,
    readonly attempts: number,
    readonly stoppedAt: StoppedAt,
    readonly fault: DecodeError,
  ) {
    const { topic, partition, offset } = stoppedAt
    const schema = fault.context.schemaId === undefined ? '' : ` for schema id ${fault.context.schemaId}`
    super(
      `table '${table}': the schema registry failed ${attempts} times in a row${schema} (${httpStatus(fault)}${fault.description}) ` +
        `while reading topic '${topic}' partition ${partition} at offset ${offset}. No record was ` +
        'dead-lettered and the source did not move past that offset, so a rerun reads the records again. ' +
        'Check that the registry (the UDM server) is up and its URL is right; on 401 or 403, that the token ' +
        `is valid and its principal may read the table's schemas (e.g. viewer on ${table}).`,
      { cause: fault },
    )
  }
}

/** `HTTP 403: ` when the registry answered with an error status (whichever client asked), else nothing. */
function httpStatus(fault: DecodeError): string {
  const cause = fault.cause as { httpStatus?: unknown; status?: unknown } | undefined
  const status = cause?.httpStatus ?? cause?.status
  return typeof status === 'number' ? `HTTP ${status}: ` : ''
}
