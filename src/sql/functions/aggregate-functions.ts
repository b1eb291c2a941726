import {
  isCharacter,
  isComparable,
  isInteger,
  isNumeric,
  type LogicalType,
  MAX_DECIMAL_PRECISION,
  types,
  withNullability,
  withoutTimeAttribute,
} from '../types/logical-type.ts'
import { formatType } from '../types/type-format.ts'

/** The aggregate functions the planner knows; `SUM0` (SUM that is 0 over no rows) is internal to split-distinct. */
export type AggregateName =
  | 'COUNT'
  | 'SUM'
  | 'SUM0'
  | 'AVG'
  | 'MIN'
  | 'MAX'
  | 'FIRST_VALUE'
  | 'LAST_VALUE'
  | 'APPROX_COUNT_DISTINCT'
  | 'LISTAGG'
  | 'STDDEV_POP'
  | 'STDDEV_SAMP'
  | 'VAR_POP'
  | 'VAR_SAMP'

export interface AggregateDefinition {
  readonly name: AggregateName
  readonly minArgs: number
  readonly maxArgs: number
  /** The result type, or a problem message for arguments it cannot take. */
  readonly resultType: (args: readonly LogicalType[]) => LogicalType | string
}

const SUM_INTEGER_RESULT = { TINYINT: 'INT', SMALLINT: 'INT', INT: 'INT', BIGINT: 'BIGINT' } as const

function numericArgument(
  name: string,
  args: readonly LogicalType[],
  result: (type: LogicalType) => LogicalType,
): LogicalType | string {
  const type = args[0]!
  if (type.kind === 'NULL') return types.int()
  if (!isNumeric(type)) return `${name} needs a numeric argument, not ${formatType(type)}`
  return withNullability(result(type), true)
}

/**
 * Result types follow Flink: SUM over integers widens TINYINT/SMALLINT to INT (and keeps INT and BIGINT), SUM
 * over DECIMAL(p, s) is DECIMAL(38, s), AVG keeps the argument type (AVG of INT is INT, truncating), COUNT is
 * BIGINT NOT NULL. Every other result is nullable: a group whose rows were all NULL aggregates to NULL.
 */
const DEFINITIONS: readonly AggregateDefinition[] = [
  {
    name: 'COUNT',
    minArgs: 0,
    maxArgs: Number.POSITIVE_INFINITY,
    resultType: () => types.bigint(false),
  },
  {
    name: 'SUM',
    minArgs: 1,
    maxArgs: 1,
    resultType: (args) =>
      numericArgument('SUM', args, (type) => {
        if (isInteger(type)) return { kind: SUM_INTEGER_RESULT[type.kind], nullable: true }
        if (type.kind === 'DECIMAL') return types.decimal(MAX_DECIMAL_PRECISION, type.scale)
        return type
      }),
  },
  {
    name: 'AVG',
    minArgs: 1,
    maxArgs: 1,
    resultType: (args) =>
      numericArgument('AVG', args, (type) =>
        type.kind === 'DECIMAL' ? types.decimal(MAX_DECIMAL_PRECISION, Math.max(6, type.scale)) : type,
      ),
  },
  ...(['MIN', 'MAX'] as const).map(
    (name): AggregateDefinition => ({
      name,
      minArgs: 1,
      maxArgs: 1,
      resultType: (args) =>
        isComparable(args[0]!)
          ? withNullability(withoutTimeAttribute(args[0]!), true)
          : `${name} cannot compare values of type ${formatType(args[0]!)}`,
    }),
  ),
  ...(['FIRST_VALUE', 'LAST_VALUE'] as const).map(
    (name): AggregateDefinition => ({
      name,
      minArgs: 1,
      maxArgs: 1,
      resultType: (args) => withNullability(withoutTimeAttribute(args[0]!), true),
    }),
  ),
  {
    name: 'APPROX_COUNT_DISTINCT',
    minArgs: 1,
    maxArgs: 1,
    resultType: () => types.bigint(false),
  },
  {
    name: 'LISTAGG',
    minArgs: 1,
    maxArgs: 2,
    resultType: (args) =>
      args.every((type) => isCharacter(type) || type.kind === 'NULL')
        ? types.string()
        : 'LISTAGG takes a string and an optional string separator',
  },
  ...(['STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP'] as const).map(
    (name): AggregateDefinition => ({
      name,
      minArgs: 1,
      maxArgs: 1,
      resultType: (args) => numericArgument(name, args, () => types.double()),
    }),
  ),
]

const BY_NAME: ReadonlyMap<string, AggregateDefinition> = new Map(
  DEFINITIONS.map((definition) => [definition.name, definition]),
)

/** The aggregate of that name (any case). SUM0 has no definition: only split-distinct creates it. */
export function aggregateDefinition(name: string): AggregateDefinition | undefined {
  return BY_NAME.get(name.toUpperCase())
}
