import type { ConnectorContext, Subtask } from '../../connectors/engine/context.ts'
import type { ConnectorTable } from '../../connectors/engine/table.ts'
import type { ExchangePorts, Sink, Source } from '../../engine/index.ts'
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
  /**
   * Opens a table's source instead of the connector factory's `openSource` (which connects, e.g. to learn a
   * Kafka topic's partitions): `weir sql validate` builds sources without connecting.
   */
  readonly openSource?: (
    table: ConnectorTable,
    projection: readonly number[],
    context: ConnectorContext,
  ) => Promise<Source>
  /** Set when this pipeline is one subtask of a parallel job. */
  readonly subtask?: SubtaskContext
}

/**
 * One subtask of a job running at parallelism > 1. Every subtask translates the same plan; at each keyed
 * node it inserts an exchange that sends each row to the subtask owning its key group.
 */
export interface SubtaskContext extends Subtask {
  /** The ports of exchange `id`; exchanges are numbered in translation order, the same in every subtask. */
  readonly openExchange: (id: number) => Promise<ExchangePorts>
}
