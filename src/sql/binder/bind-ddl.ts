import type { ResolvedColumn, ResolvedTable, TableKind } from '../catalog/table-resolver.ts'
import { invalid } from '../errors.ts'
import { type BoundExpr, literalValue } from '../expr/bound-expr.ts'
import { type CreateTableStatement, type CreateViewStatement, toSql } from '../parser/index.ts'
import { isTimestamp } from '../types/logical-type.ts'
import { formatType } from '../types/type-format.ts'
import { typeFromSpec } from '../types/type-from-spec.ts'
import type { BindContext, ViewDefinition } from './context.ts'
import { ExpressionBinder } from './expression-binder.ts'
import { Scope } from './scope.ts'

/** Connectors whose scans are changelogs (CDC, upserts) rather than append-only streams. */
const CHANGELOG_CONNECTORS = new Set(['upsert-kafka', 'mysql-cdc', 'postgres-cdc', 'mongodb-cdc'])
const CHANGELOG_FORMATS = new Set(['debezium-json', 'canal-json', 'maxwell-json', 'debezium-avro-confluent'])
const TABLE_CONNECTORS = new Set([
  'jdbc',
  'upsert-kafka',
  'hbase-1.4',
  'hbase-2.2',
  'mysql-cdc',
  'postgres-cdc',
  'elasticsearch-7',
])
const KV_CONNECTORS = new Set(['redis'])

/** A `CREATE [TEMPORARY] TABLE … WITH (…)` as the table the session resolves its name to. */
export function tableFromDdl(statement: CreateTableStatement, context: BindContext): ResolvedTable {
  if (statement.like !== undefined)
    invalid(statement.like.span, 'CREATE TABLE … LIKE is not supported', 'list the columns')
  const name = statement.name.path.join('.')
  const seen = new Set<string>()
  for (const column of statement.columns) {
    if (seen.has(column.name)) invalid(column.span, `column '${column.name}' is defined twice in ${name}`)
    seen.add(column.name)
  }
  const stored = statement.columns.flatMap((column): ResolvedColumn[] => {
    if (column.kind === 'computedColumn') return []
    const type = typeFromSpec(column.type)
    if (column.kind === 'physicalColumn') return [{ name: column.name, type }]
    return [
      { name: column.name, type, metadata: { key: column.key ?? column.name, virtual: column.virtual } },
    ]
  })
  const storedScope = Scope.of(stored, { qualifiers: [], display: name })
  const binder = new ExpressionBinder(context, storedScope, `the computed columns of ${name}`)
  const columns = statement.columns.map((column): ResolvedColumn => {
    if (column.kind !== 'computedColumn') return stored.find((c) => c.name === column.name)!
    const bound = binder.bind(column.expr)
    return { name: column.name, type: bound.type, computed: toSql(column.expr) }
  })
  const options = Object.fromEntries(statement.options.map((option) => [option.key, option.value]))
  const connector = options.connector ?? ''
  const table: ResolvedTable = {
    name,
    columns,
    connector: { options },
    kind: tableKind(connector, statement.primaryKey !== undefined),
    changelog:
      CHANGELOG_CONNECTORS.has(connector) ||
      CHANGELOG_FORMATS.has(options.format ?? options['value.format'] ?? ''),
  }
  const primaryKey = statement.primaryKey
  if (primaryKey !== undefined)
    for (const column of primaryKey.columns)
      if (!columns.some((c) => c.name === column))
        invalid(primaryKey.span, `PRIMARY KEY column '${column}' is not a column of ${name}`)
  const withKey = primaryKey === undefined ? table : { ...table, primaryKey: primaryKey.columns }
  return statement.watermark === undefined
    ? withKey
    : { ...withKey, rowtime: watermark(statement, columns, context) }
}

/** `WATERMARK FOR ts AS ts - INTERVAL 'n' unit` (or `AS ts`): bounded out-of-orderness, the strategy Weir runs. */
function watermark(
  statement: CreateTableStatement,
  columns: readonly ResolvedColumn[],
  context: BindContext,
): ResolvedTable['rowtime'] {
  const definition = statement.watermark!
  const position = columns.findIndex((column) => column.name === definition.column)
  const column = columns[position]
  if (column === undefined)
    return invalid(
      definition.span,
      `WATERMARK FOR names column '${definition.column}', which ${statement.name.path.join('.')} does not have`,
    )
  if (!isTimestamp(column.type) || column.type.precision > 3)
    invalid(
      definition.span,
      `the rowtime column '${column.name}' must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), not ${formatType(column.type)}`,
    )
  const scope = Scope.of(columns, { qualifiers: [], display: statement.name.path.join('.') })
  const strategy = new ExpressionBinder(context, scope, 'WATERMARK').bind(definition.strategy)
  const delay = boundedDelay(strategy, position)
  if (delay === undefined)
    invalid(
      definition.strategy.span,
      'only bounded out-of-orderness watermarks are supported',
      `write WATERMARK FOR ${column.name} AS ${column.name} - INTERVAL '5' SECOND`,
    )
  return { column: column.name, watermarkDelayMs: delay }
}

function boundedDelay(strategy: BoundExpr, column: number): number | undefined {
  if (strategy.kind === 'input' && strategy.index === column) return 0
  if (strategy.kind !== 'call' || strategy.op !== '-') return undefined
  const [time, interval] = strategy.args
  const delay = literalValue(interval)
  const isColumn = time?.kind === 'input' && time.index === column
  return isColumn && interval?.type.kind === 'INTERVAL_DAY_TIME' && typeof delay === 'number' && delay >= 0
    ? delay
    : undefined
}

function tableKind(connector: string, hasPrimaryKey: boolean): TableKind {
  if (KV_CONNECTORS.has(connector)) return 'kv'
  if (TABLE_CONNECTORS.has(connector) || (connector === 'filesystem' && hasPrimaryKey)) return 'table'
  return 'stream'
}

export function viewFromDdl(statement: CreateViewStatement): ViewDefinition {
  const view = { name: statement.name.path.join('.'), query: statement.query }
  return statement.columns === undefined ? view : { ...view, columns: statement.columns }
}
