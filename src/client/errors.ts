import { unreachableMessage } from './unreachable.ts'

/** A UDM server refused or failed a request; `status` and `code` come from its response. */
export class UdmClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | number | undefined,
    message: string,
    readonly url: string,
  ) {
    super(message)
    this.name = 'UdmClientError'
  }
}

/** The dataset cannot be used the way it was asked (no location of that kind, no schema yet, ...). */
export class DatasetUsageError extends Error {
  constructor(
    readonly dataset: string,
    message: string,
  ) {
    super(`${dataset}: ${message}`)
    this.name = 'DatasetUsageError'
  }
}

/**
 * The location a dataset handle uses keeps its connection secrets as references (`env:`/`file:`), and the
 * server would not hand them to this caller: `grant` says what to ask for.
 */
export class SecretAccessError extends Error {
  constructor(
    readonly dataset: string,
    readonly cluster: string,
    /** What would let the caller in: a command for an owner/admin to run, or a server option. */
    readonly remedy: string,
    cause: UdmClientError,
  ) {
    super(
      `${dataset}: cluster '${cluster}' keeps its connection secrets as references, and the UDM server did not hand them to this token (HTTP ${cause.status}: ${cause.message}). ${remedy}`,
      { cause },
    )
    this.name = 'SecretAccessError'
  }
}

/** The UDM server could not be reached at all (connection refused, DNS, timeout): nothing answered. */
export class UdmUnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
    /** The server's base URL, for the message (default: `url`, the request's). */
    server: string = url,
  ) {
    super(unreachableMessage(server, cause), { cause })
    this.name = 'UdmUnreachableError'
  }
}

/** Where a reader stopped: the first record it could not get past. */
export interface StoppedAt {
  readonly topic: string
  readonly partition: number
  readonly offset: string
}

/**
 * The schema registry stayed unavailable (unreachable, 5xx, timeout, or 401/403 refusing this token) for all
 * retries. The record is good as far as anyone knows, so it was neither dead-lettered nor committed: a
 * restarted reader reads it again.
 */
export class RegistryUnavailableError extends Error {
  constructor(
    readonly dataset: string,
    readonly attempts: number,
    readonly stoppedAt: StoppedAt | undefined,
    cause: unknown,
  ) {
    const where = stoppedAt
      ? ` Reading stopped at ${stoppedAt.topic} partition ${stoppedAt.partition} offset ${stoppedAt.offset}, which was not committed: a restarted reader of the group starts there.`
      : ''
    super(
      `${dataset}: the schema registry failed ${attempts} times in a row (${registryCause(cause)}). ` +
        'Check that the UDM server is up and its URL is right; on 401 or 403, that the token is valid and ' +
        `its principal has a grant to read the dataset's schemas (e.g. viewer on ${dataset}).${where}`,
      { cause },
    )
    this.name = 'RegistryUnavailableError'
  }
}

function registryCause(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause
  if (inner instanceof UdmClientError) return `HTTP ${inner.status} from ${inner.url}: ${inner.message}`
  return inner instanceof Error ? inner.message : String(inner)
}
