import { invalid } from '../errors.ts'
import type { SourceSpan } from '../parser/index.ts'
import type { LogicalType } from '../types/logical-type.ts'
import { didYouMean, quotedList } from './suggest.ts'

/** A column visible to expressions: a field of the current input row. */
export interface ScopeColumn {
  readonly name: string
  readonly type: LogicalType
  /** Index of the FROM item (table, subquery, join side) it belongs to, in `Scope.tables`. */
  readonly table: number
  /** The right-hand copy of a JOIN … USING column: reachable qualified only, and not part of `*`. */
  readonly merged?: boolean
}

/** A FROM item as names see it: the qualifiers that reach it and the name to show in messages. */
export interface ScopeTable {
  /** Qualifier paths that name it: ['e'] for an alias, ['pageview'] and ['traffic', 'pageview'] without one. */
  readonly qualifiers: readonly (readonly string[])[]
  /** `traffic.pageview`, `traffic.pageview AS e`, or `subquery AS t`. */
  readonly display: string
}

export interface ResolvedColumn {
  readonly index: number
  readonly type: LogicalType
  /** The rest of the path: field names into a ROW column. */
  readonly fieldPath: readonly string[]
}

/**
 * The columns of a FROM clause, in input-row order, and name resolution over them: `col`, `alias.col`,
 * `db.table.col`, and `col.field` into ROW columns. Names are case-sensitive, as in Flink; a miss suggests
 * the closest name (by edit distance, so a case mismatch is suggested too).
 */
export class Scope {
  constructor(
    readonly columns: readonly ScopeColumn[],
    readonly tables: readonly ScopeTable[],
  ) {}

  static empty(): Scope {
    return new Scope([], [])
  }

  /** Both scopes side by side (a join): `right`'s columns follow `left`'s. */
  static concat(left: Scope, right: Scope): Scope {
    const offset = left.tables.length
    return new Scope(
      [...left.columns, ...right.columns.map((column) => ({ ...column, table: column.table + offset }))],
      [...left.tables, ...right.tables],
    )
  }

  /** One FROM item whose columns are `fields`. */
  static of(fields: readonly { name: string; type: LogicalType }[], table: ScopeTable): Scope {
    return new Scope(
      fields.map((field) => ({ name: field.name, type: field.type, table: 0 })),
      [table],
    )
  }

  /** The same names over a plan whose output types are `fields` (a join changes nullability and time attributes). */
  retyped(fields: readonly { type: LogicalType }[]): Scope {
    return new Scope(
      this.columns.map((column, i) => ({ ...column, type: fields[i]!.type })),
      this.tables,
    )
  }

  resolve(path: readonly string[], span: SourceSpan): ResolvedColumn {
    const qualified = this.resolveQualified(path, span)
    if (qualified !== undefined) return qualified
    const [name, ...fieldPath] = path as [string, ...string[]]
    const matches = this.columns.flatMap((column, index) =>
      column.name === name && !column.merged ? [index] : [],
    )
    if (matches.length === 1) return { index: matches[0]!, type: this.columns[matches[0]!]!.type, fieldPath }
    if (matches.length > 1) {
      const owners = matches.map((index) => `${this.qualifierOf(this.columns[index]!.table)}.${name}`)
      invalid(
        span,
        `column '${name}' is ambiguous: it exists in ${this.describeTables(matches)}`,
        `qualify it as ${quotedList(owners)}`,
      )
    }
    if (path.length > 1 && this.tables.length > 0 && !this.columns.some((column) => column.name === name))
      invalid(
        span,
        `table or alias '${name}' not found`,
        `${didYouMean(name, this.tableNames()) ?? `the FROM clause has ${quotedList(this.tableNames())}`}`,
      )
    return this.notFound(
      name,
      this.columns.map((column) => column.name),
      span,
      this.describeAll(),
    )
  }

  /** `t.col…` where some FROM item is named by a prefix of the path. */
  private resolveQualified(path: readonly string[], span: SourceSpan): ResolvedColumn | undefined {
    for (let length = Math.min(path.length - 1, 3); length >= 1; length--) {
      const prefix = path.slice(0, length)
      const table = this.tables.findIndex((candidate) =>
        candidate.qualifiers.some(
          (qualifier) => qualifier.length === length && qualifier.every((part, i) => part === prefix[i]),
        ),
      )
      if (table < 0) continue
      const name = path[length]!
      const index = this.columns.findIndex((column) => column.table === table && column.name === name)
      if (index < 0) {
        const names = this.columns.filter((column) => column.table === table).map((column) => column.name)
        return this.notFound(name, names, span, this.tables[table]!.display)
      }
      return { index, type: this.columns[index]!.type, fieldPath: path.slice(length + 1) }
    }
    return undefined
  }

  private notFound(name: string, candidates: readonly string[], span: SourceSpan, where: string): never {
    const hint = didYouMean(name, candidates)
    return invalid(span, `column '${name}' not found in ${where}`, hint)
  }

  /** Columns `*` expands to (all but merged USING copies), or those of one FROM item for `t.*`. */
  expandStar(qualifier: readonly string[] | undefined, span: SourceSpan): number[] {
    if (qualifier === undefined)
      return this.columns.flatMap((column, index) => (column.merged ? [] : [index]))
    const table = this.tables.findIndex((candidate) =>
      candidate.qualifiers.some(
        (q) => q.length === qualifier.length && q.every((part, i) => part === qualifier[i]),
      ),
    )
    if (table < 0) {
      const name = qualifier.join('.')
      invalid(
        span,
        `table or alias '${name}' not found`,
        didYouMean(name, this.tableNames()) ?? `the FROM clause has ${quotedList(this.tableNames())}`,
      )
    }
    return this.columns.flatMap((column, index) => (column.table === table ? [index] : []))
  }

  private qualifierOf(table: number): string {
    return this.tables[table]!.qualifiers[0]?.join('.') ?? this.tables[table]!.display
  }

  private tableNames(): string[] {
    return this.tables.flatMap((table) => table.qualifiers.map((qualifier) => qualifier.join('.')))
  }

  private describeTables(columns: readonly number[]): string {
    return columns.map((index) => this.tables[this.columns[index]!.table]!.display).join(' and ')
  }

  private describeAll(): string {
    if (this.tables.length === 1) return this.tables[0]!.display
    if (this.tables.length === 0) return 'the query (it has no FROM clause)'
    return `any of ${this.tables.map((table) => table.display).join(', ')}`
  }
}
