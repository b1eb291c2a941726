import { quoteIdentifier } from '../parser/index.ts'
import { type LogicalType, MAX_LENGTH } from './logical-type.ts'

/**
 * The type as Flink prints it (`DataType#toString`): `STRING`, `DECIMAL(10, 2) NOT NULL`, `TIMESTAMP(3) *ROWTIME*`,
 * `ROW<a INT, `user` ARRAY<STRING>>`. Parsing the result with `parseLogicalType` yields the type back, except
 * for the time attribute marker, which is not part of the type syntax.
 */
export function formatType(type: LogicalType): string {
  const base = formatBase(type)
  const attribute =
    (type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ') && type.timeAttribute !== undefined
      ? ` *${type.timeAttribute.toUpperCase()}*`
      : ''
  return `${base}${type.nullable || type.kind === 'SYMBOL' ? '' : ' NOT NULL'}${attribute}`
}

function formatBase(type: LogicalType): string {
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`
    case 'VARCHAR':
      return type.length === MAX_LENGTH ? 'STRING' : `VARCHAR(${type.length})`
    case 'VARBINARY':
      return type.length === MAX_LENGTH ? 'BYTES' : `VARBINARY(${type.length})`
    case 'CHAR':
    case 'BINARY':
      return `${type.kind}(${type.length})`
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return `${type.kind}(${type.precision})`
    case 'INTERVAL_YEAR_MONTH':
      return 'INTERVAL YEAR TO MONTH'
    case 'INTERVAL_DAY_TIME':
      return 'INTERVAL DAY TO SECOND(3)'
    case 'ARRAY':
    case 'MULTISET':
      return `${type.kind}<${formatType(type.element)}>`
    case 'MAP':
      return `MAP<${formatType(type.key)}, ${formatType(type.value)}>`
    case 'ROW':
      return `ROW<${type.fields.map((field) => `${quoteIdentifier(field.name)} ${formatType(field.type)}`).join(', ')}>`
    default:
      return type.kind
  }
}
