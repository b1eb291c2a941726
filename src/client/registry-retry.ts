import {
  isRegistryFault,
  type RegistryRetryOptions,
  retryRegistryFaults as retry,
} from '../formats/registry-retry.ts'
import { RegistryUnavailableError, type StoppedAt } from './errors.ts'

// The policy and the fault classification live in formats, beside the codec registry, so the SQL engine's
// Kafka source (a connector, which must not import the SDK) shares them; the SDK adds its own error.
export { isRegistryFault, type RegistryRetryOptions }

/**
 * Runs `operation` until it does not fail with a registry fault. Other errors pass through at once; a fault
 * that outlasts the retries becomes a RegistryUnavailableError naming where reading stopped.
 */
export function retryRegistryFaults<T>(
  dataset: string,
  options: RegistryRetryOptions | undefined,
  operation: () => Promise<T>,
  stoppedAt?: () => StoppedAt | undefined,
): Promise<T> {
  return retry(
    options,
    operation,
    (attempts, fault) => new RegistryUnavailableError(dataset, attempts, stoppedAt?.(), fault),
  )
}
