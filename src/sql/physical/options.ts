import type { ConnectorContext } from '../../connectors/engine/context.ts'
import type { Sink } from '../../engine/index.ts'
import type { FunctionRegistry } from '../functions/registry.ts'
import type { RuntimeEnv } from '../functions/scalar-function.ts'
import type { SinkNode } from '../plan/nodes.ts'

export interface PhysicalOptions {
  /** Time zone, clock and randomness of compiled expressions. */
  readonly env: RuntimeEnv
  readonly functions?: FunctionRegistry
  readonly connectorContext?: ConnectorContext
  /** Replaces the connector sink of a table (tests collect rows in memory); undefined keeps the connector. */
  readonly sinkFor?: (sink: SinkNode) => Sink | undefined
}
