/**
 * Avro schema resolution (specification, "Schema Resolution"), reported the way Confluent's registry reports it:
 * one finding per problem with the Avro Java incompatibility type names. Logical types are not compared, as in
 * Avro Java: resolution works on the underlying types.
 *
 * Named types can be used many times, so a record type reused by two fields at each of 30 levels is small text
 * but 2^30 field pairs: pair results are memoised and every comparison counts against the request's WorkBudget
 * (work-budget.ts).
 */
import type { ParsedAvroSchema } from './avro.ts'
import type {
  AvroEnum,
  AvroFixed,
  AvroNamed,
  AvroNode,
  AvroPrimitiveName,
  AvroRecord,
  AvroUnion,
} from './avro-model.ts'
import {
  childPath,
  formatIncompatibility,
  type Incompatibility,
  READER_WRITER_ROLES,
  type SchemaRoles,
} from './incompatibility.ts'
import { WorkBudget } from './work-budget.ts'

/** Reasons `reader` cannot read data written with `writer`; empty when it can. */
export function checkAvroCompatibility(
  reader: ParsedAvroSchema,
  writer: ParsedAvroSchema,
  roles: SchemaRoles = READER_WRITER_ROLES,
  budget: WorkBudget = new WorkBudget(),
): string[] {
  return new AvroResolution(roles, budget).check(reader.root, writer.root, '/').map(formatIncompatibility)
}

/** Writer type → reader types it may be promoted to. */
const PROMOTIONS: Readonly<Partial<Record<AvroPrimitiveName, readonly AvroPrimitiveName[]>>> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
}

class AvroResolution {
  private readonly roles: SchemaRoles
  /** Pairs being compared further up the stack: meeting one again means a recursive type, which resolves if the rest does. */
  private readonly inProgress = new Map<AvroNode, Map<AvroNode, number>>()
  private depth = 0
  /**
   * The lowest stack depth of an in-progress pair taken as compatible since the innermost check began. A result
   * that leaned on a pair still further up the stack is provisional (that pair may yet turn out incompatible)
   * and is not memoised; the pair's own check resolves its assumption.
   */
  private assumedFrom = Number.POSITIVE_INFINITY
  /**
   * Findings of pairs already compared, with the path they were found at. Findings name their path, so an entry
   * answers at another path only when it is empty or the caller needs just "compatible?".
   */
  private readonly memo = new Map<AvroNode, Map<AvroNode, { path: string; findings: Incompatibility[] }>>()
  private readonly budget: WorkBudget
  private readonly positions = new Map<AvroRecord, ReadonlyMap<string, number>>()

  constructor(roles: SchemaRoles, budget: WorkBudget) {
    this.roles = roles
    this.budget = budget
  }

  /** `needFindings: false` when the caller only asks whether the result is empty. */
  check(reader: AvroNode, writer: AvroNode, path: string, needFindings = true): Incompatibility[] {
    this.budget.spend('AVRO', 'compatibility checking')
    const known = this.memo.get(reader)?.get(writer)
    if (known !== undefined && (known.findings.length === 0 || known.path === path || !needFindings)) {
      // Passing findings on costs in proportion to their number, as does building them.
      this.budget.spend('AVRO', 'compatibility checking', known.findings.length)
      return known.findings
    }
    const depth = this.depth
    const outerAssumed = this.assumedFrom
    this.assumedFrom = Number.POSITIVE_INFINITY
    this.depth++
    let findings: Incompatibility[]
    let provisional: boolean
    try {
      findings = this.checkUnmemoised(reader, writer, path, depth)
    } finally {
      this.depth--
      provisional = this.assumedFrom < depth
      // An assumption about this very pair is settled here; one about a pair further up stays open.
      this.assumedFrom = Math.min(outerAssumed, provisional ? this.assumedFrom : Number.POSITIVE_INFINITY)
    }
    this.budget.spend('AVRO', 'compatibility checking', findings.length)
    if (!provisional) {
      let byWriter = this.memo.get(reader)
      if (byWriter === undefined) {
        byWriter = new Map()
        this.memo.set(reader, byWriter)
      }
      byWriter.set(writer, { path, findings })
    }
    return findings
  }

  private checkUnmemoised(
    reader: AvroNode,
    writer: AvroNode,
    path: string,
    depth: number,
  ): Incompatibility[] {
    if (writer.kind === 'union') {
      return writer.branches.flatMap((branch, index) => this.check(reader, branch, childPath(path, index)))
    }
    if (reader.kind === 'union') return this.checkReaderUnion(reader, writer, path)
    let active = this.inProgress.get(reader)
    if (active === undefined) {
      active = new Map()
      this.inProgress.set(reader, active)
    }
    const entered = active.get(writer)
    if (entered !== undefined) {
      this.assumedFrom = Math.min(this.assumedFrom, entered)
      return []
    }
    active.set(writer, depth)
    try {
      return this.checkSameShape(reader, writer, path)
    } finally {
      active.delete(writer)
    }
  }

  private checkReaderUnion(reader: AvroUnion, writer: AvroNode, path: string): Incompatibility[] {
    if (reader.branches.some((branch) => this.check(branch, writer, path, false).length === 0)) return []
    return [
      {
        type: 'MISSING_UNION_BRANCH',
        location: path,
        message: `reader union lacking writer type: ${describeType(writer)}`,
        description: `The ${this.roles.reader} schema is missing a type inside a union field at path '${path}' in the ${this.roles.writer} schema`,
      },
    ]
  }

  private checkSameShape(
    reader: Exclude<AvroNode, AvroUnion>,
    writer: AvroNode,
    path: string,
  ): Incompatibility[] {
    switch (reader.kind) {
      case 'primitive':
        return writer.kind === 'primitive' &&
          (writer.name === reader.name || PROMOTIONS[writer.name]?.includes(reader.name) === true)
          ? []
          : [this.typeMismatch(reader, writer, path)]
      case 'array':
        return writer.kind === 'array'
          ? this.check(reader.items, writer.items, childPath(path, 'items'))
          : [this.typeMismatch(reader, writer, path)]
      case 'map':
        return writer.kind === 'map'
          ? this.check(reader.values, writer.values, childPath(path, 'values'))
          : [this.typeMismatch(reader, writer, path)]
      case 'record':
        return writer.kind === 'record'
          ? this.checkRecord(reader, writer, path)
          : [this.typeMismatch(reader, writer, path)]
      case 'enum':
        return writer.kind === 'enum'
          ? this.checkEnum(reader, writer, path)
          : [this.typeMismatch(reader, writer, path)]
      case 'fixed':
        return writer.kind === 'fixed'
          ? this.checkFixed(reader, writer, path)
          : [this.typeMismatch(reader, writer, path)]
    }
  }

  private checkRecord(reader: AvroRecord, writer: AvroRecord, path: string): Incompatibility[] {
    const findings = this.checkName(reader, writer, path)
    const writerPositions = this.fieldPositions(writer)
    for (const [index, readerField] of reader.fields.entries()) {
      // The first writer field, in writer order, named like the reader field or one of its aliases.
      let position = writerPositions.get(readerField.name) ?? Number.POSITIVE_INFINITY
      for (const alias of readerField.aliases) {
        position = Math.min(position, writerPositions.get(alias) ?? Number.POSITIVE_INFINITY)
      }
      const writerField = Number.isFinite(position) ? writer.fields[position] : undefined
      const fieldPath = childPath(childPath(path, 'fields'), index)
      if (writerField !== undefined) {
        findings.push(...this.check(readerField.type, writerField.type, childPath(fieldPath, 'type')))
      } else if (readerField.default === undefined) {
        findings.push({
          type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
          location: fieldPath,
          message: readerField.name,
          description: `The field '${readerField.name}' at path '${fieldPath}' in the ${this.roles.reader} schema has no default value and is missing in the ${this.roles.writer} schema`,
        })
      }
    }
    return findings
  }

  /** Field name → position, per record: searching the writer's fields for each reader field was quadratic. */
  private fieldPositions(record: AvroRecord): ReadonlyMap<string, number> {
    let positions = this.positions.get(record)
    if (positions === undefined) {
      const byName = new Map<string, number>()
      for (const [index, field] of record.fields.entries()) {
        if (!byName.has(field.name)) byName.set(field.name, index)
      }
      this.positions.set(record, byName)
      positions = byName
    }
    return positions
  }

  private checkEnum(reader: AvroEnum, writer: AvroEnum, path: string): Incompatibility[] {
    const findings = this.checkName(reader, writer, path)
    const readerSymbols = new Set(reader.symbols)
    const missing = writer.symbols.filter((symbol) => !readerSymbols.has(symbol))
    // A reader default catches every symbol it does not know (Avro 1.9+).
    if (missing.length > 0 && reader.default === undefined) {
      const location = childPath(path, 'symbols')
      const symbols = `[${missing.join(', ')}]`
      findings.push({
        type: 'MISSING_ENUM_SYMBOLS',
        location,
        message: symbols,
        description: `The ${this.roles.reader} schema is missing enum symbols '${symbols}' at path '${location}' in the ${this.roles.writer} schema`,
      })
    }
    return findings
  }

  private checkFixed(reader: AvroFixed, writer: AvroFixed, path: string): Incompatibility[] {
    const findings = this.checkName(reader, writer, path)
    if (reader.size !== writer.size) {
      const location = childPath(path, 'size')
      findings.push({
        type: 'FIXED_SIZE_MISMATCH',
        location,
        message: `expected: ${writer.size}, found: ${reader.size}`,
        description: `The size of FIXED type field at path '${location}' in the ${this.roles.reader} schema does not match with the ${this.roles.writer} schema`,
      })
    }
    return findings
  }

  /** The specification matches named types by unqualified name, or by a reader alias naming the writer type. */
  private checkName(reader: AvroNamed, writer: AvroNamed, path: string): Incompatibility[] {
    if (
      unqualified(reader.fullName) === unqualified(writer.fullName) ||
      reader.aliases.includes(writer.fullName)
    ) {
      return []
    }
    const location = childPath(path, 'name')
    return [
      {
        type: 'NAME_MISMATCH',
        location,
        message: `expected: ${writer.fullName}`,
        description: `The name of the schema has changed (path '${location}')`,
      },
    ]
  }

  private typeMismatch(reader: AvroNode, writer: AvroNode, path: string): Incompatibility {
    return {
      type: 'TYPE_MISMATCH',
      location: path,
      message: `reader type: ${describeType(reader)} not compatible with writer type: ${describeType(writer)}`,
      description: `The type (path '${path}') of a field in the ${this.roles.reader} schema does not match with the ${this.roles.writer} schema`,
    }
  }
}

function unqualified(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1)
}

function describeType(node: AvroNode): string {
  return (node.kind === 'primitive' ? node.name : node.kind).toUpperCase()
}
