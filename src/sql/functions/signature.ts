import {
  isBinary,
  isCharacter,
  isInteger,
  isInterval,
  isNumeric,
  isTimestamp,
  type LogicalType,
} from '../types/logical-type.ts'
import { formatType } from '../types/type-format.ts'

/** One parameter position of a function signature: which argument types it takes. */
export interface Param {
  readonly label: string
  accepts(type: LogicalType): boolean
}

function param(label: string, accepts: (type: LogicalType) => boolean): Param {
  // An untyped NULL fits every parameter.
  return { label, accepts: (type) => type.kind === 'NULL' || accepts(type) }
}

export const P = {
  any: param('ANY', (type) => type.kind !== 'SYMBOL'),
  string: param('STRING', isCharacter),
  binary: param('BYTES', isBinary),
  stringOrBinary: param('STRING | BYTES', (type) => isCharacter(type) || isBinary(type)),
  boolean: param('BOOLEAN', (type) => type.kind === 'BOOLEAN'),
  numeric: param('NUMERIC', isNumeric),
  integer: param('INTEGER', isInteger),
  date: param('DATE', (type) => type.kind === 'DATE'),
  timestamp: param('TIMESTAMP', isTimestamp),
  /** DATE, TIMESTAMP or TIMESTAMP_LTZ. */
  datetime: param('DATE | TIMESTAMP', (type) => type.kind === 'DATE' || isTimestamp(type)),
  /** Anything EXTRACT reads fields from. */
  temporal: param(
    'DATE | TIME | TIMESTAMP',
    (type) => type.kind === 'DATE' || type.kind === 'TIME' || isTimestamp(type),
  ),
  timestampOrString: param('TIMESTAMP | STRING', (type) => isTimestamp(type) || isCharacter(type)),
  interval: param('INTERVAL', isInterval),
  symbol: param('time unit', (type) => type.kind === 'SYMBOL'),
  collection: param(
    'ARRAY | MAP',
    (type) => type.kind === 'ARRAY' || type.kind === 'MAP' || type.kind === 'MULTISET',
  ),
} as const

/** Parameters in order; the last `optional` may be left out; `variadic` repeats after them. */
export interface Signature {
  readonly params: readonly Param[]
  readonly optional?: number
  readonly variadic?: Param
}

/** A call does not fit any signature; `argument` is the 0-based position to blame, when one is. */
export class ArgumentError extends Error {
  constructor(
    message: string,
    readonly argument?: number,
  ) {
    super(message)
  }
}

/** The index of the first signature the argument types fit; throws ArgumentError naming the forms otherwise. */
export function matchSignature(
  name: string,
  signatures: readonly Signature[],
  args: readonly LogicalType[],
): number {
  let blame: ArgumentError | undefined
  for (const [index, signature] of signatures.entries()) {
    const problem = mismatch(name, signature, args)
    if (problem === undefined) return index
    blame ??= problem
  }
  const forms = signatures.map((signature) => describe(name, signature)).join(' or ')
  const given = `${name}(${args.map(formatType).join(', ')})`
  if (blame?.argument !== undefined && signatures.length === 1)
    throw new ArgumentError(`${blame.message}; ${name} takes ${forms}`, blame.argument)
  throw new ArgumentError(`cannot call ${given}; ${name} takes ${forms}`, blame?.argument)
}

function mismatch(
  name: string,
  signature: Signature,
  args: readonly LogicalType[],
): ArgumentError | undefined {
  const required = signature.params.length - (signature.optional ?? 0)
  if (args.length < required || (signature.variadic === undefined && args.length > signature.params.length))
    return new ArgumentError(`wrong number of arguments (${args.length})`)
  for (const [i, type] of args.entries()) {
    const expected = signature.params[i] ?? signature.variadic!
    if (!expected.accepts(type))
      return new ArgumentError(
        `argument ${i + 1} of ${name} must be ${expected.label}, not ${formatType(type)}`,
        i,
      )
  }
  return undefined
}

function describe(name: string, signature: Signature): string {
  const required = signature.params.length - (signature.optional ?? 0)
  const parts = signature.params.map((p, i) => (i >= required ? `[${p.label}]` : p.label))
  if (signature.variadic !== undefined) parts.push(`${signature.variadic.label}...`)
  return `${name}(${parts.join(', ')})`
}
