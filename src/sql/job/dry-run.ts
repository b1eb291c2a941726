import { BlackholeSink } from '../../connectors/blackhole/blackhole-sink.ts'
import type { ConnectorContext } from '../../connectors/engine/context.ts'
import { createSink, createSource } from '../../connectors/engine/factory.ts'
import type { ConnectorTable } from '../../connectors/engine/table.ts'
import { MemorySource, PipelineBuilder } from '../../engine/index.ts'
import { createRuntimeEnv } from '../compile/compile-expression.ts'
import type { FunctionRegistry } from '../functions/registry.ts'
import { connectorTable } from '../physical/connector-table.ts'
import { UnsupportedPlanError } from '../physical/errors.ts'
import { PhysicalTranslator } from '../physical/translate.ts'
import type { LogicalPlan } from '../plan/nodes.ts'

export interface DryRunOptions {
  readonly functions?: FunctionRegistry
  /** What the job's connectors would get (a catalog's schemas, so no registry URL is needed). */
  readonly connectorContext?: ConnectorContext
}

/** Something `weir sql run` would fail on before reading any data. */
export interface DryRunProblem {
  readonly error: unknown
  /** The table whose connector (or whose use, for a lookup join) the problem is about. */
  readonly table?: string
}

/**
 * Translates one INSERT plan into engine operators exactly as `weir sql run` does, except that sources and
 * sinks are built by the connector factories without being opened: each factory checks its options (names,
 * values, formats, required ones), but no connection is made, so no broker or file needs to be there.
 * Every connector is tried even after one fails (a placeholder stands in for it), so one pass reports every
 * bad table; a node the engine cannot run ends the translation and is reported too.
 */
export async function dryRun(plan: LogicalPlan, options: DryRunOptions = {}): Promise<DryRunProblem[]> {
  const { functions, connectorContext = {} } = options
  const problems: DryRunProblem[] = []
  const built = <T>(table: ConnectorTable, build: () => T, placeholder: () => T): T => {
    try {
      return build()
    } catch (error) {
      problems.push({ error, table: table.name })
      return placeholder()
    }
  }
  const zone = plan.options['table.local-time-zone']
  const translator = new PhysicalTranslator(new PipelineBuilder(), {
    env: createRuntimeEnv(zone === undefined ? {} : { timeZone: zone }),
    ...(functions === undefined ? {} : { functions }),
    connectorContext,
    openSource: async (table, projection, context) =>
      built(
        table,
        () => createSource(table, projection, context),
        () => new MemorySource([]),
      ),
    sinkFor: (node) => {
      const table = connectorTable(node.table, node.options)
      return built(
        table,
        () => createSink(table, connectorContext),
        () => new BlackholeSink(),
      )
    },
  })
  try {
    await translator.addInsert(plan)
  } catch (error) {
    const table = error instanceof UnsupportedPlanError ? error.table : undefined
    problems.push(table === undefined ? { error } : { error, table })
  }
  return problems
}
