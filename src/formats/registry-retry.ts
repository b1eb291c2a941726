import { DecodeError } from './errors.ts'

/**
 * How long a reader waits out a schema registry fault before it gives up: `attempts` tries in all, the
 * waits between them doubling from `initialDelayMs` up to `maxDelayMs`. The defaults (8 tries, 0.5 s to
 * 10 s) ride out about 35 s of outage, a server restart or a rolling deploy.
 */
export interface RegistryRetryOptions {
  attempts?: number
  initialDelayMs?: number
  maxDelayMs?: number
}

const DEFAULTS: Required<RegistryRetryOptions> = { attempts: 8, initialDelayMs: 500, maxDelayMs: 10_000 }

/**
 * A registry fault: the registry did not answer whether a schema exists (unreachable, 5xx, timeout,
 * 401/403). Unlike every other decode failure it says nothing about the record, so a reader retries it and
 * never dead-letters the record: only undecodable bytes and an id the registry says does not exist
 * (Confluent's 40403, UNKNOWN_SCHEMA_ID) make a record bad.
 */
export function isRegistryFault(error: unknown): error is DecodeError {
  return error instanceof DecodeError && error.reason === 'REGISTRY_UNAVAILABLE'
}

/**
 * Runs `operation` until it does not fail with a registry fault. Other errors pass through at once; a fault
 * that outlasts the retries is handed to `giveUp`, whose error is thrown: each reader (the SDK, the SQL
 * engine's Kafka source) names there what stopped and what to do, in its own terms.
 */
export async function retryRegistryFaults<T>(
  options: RegistryRetryOptions | undefined,
  operation: () => Promise<T>,
  giveUp: (attempts: number, fault: DecodeError) => Error,
): Promise<T> {
  const { attempts, initialDelayMs, maxDelayMs } = { ...DEFAULTS, ...options }
  let delay = initialDelayMs
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      if (!isRegistryFault(error)) throw error
      if (attempt >= Math.max(1, attempts)) throw giveUp(attempt, error)
    }
    await new Promise((resolve) => setTimeout(resolve, delay))
    delay = Math.min(delay * 2, maxDelayMs)
  }
}
