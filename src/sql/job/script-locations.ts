import type {
  CreateTableStatement,
  InsertStatement,
  OptionsHint,
  SourcePosition,
  SourceSpan,
  Statement,
  TableNameRef,
} from '../parser/index.ts'

/** Where a statement names a table: a FROM/JOIN reference or an INSERT target, with its OPTIONS hints. */
interface TableUse {
  readonly name: string
  readonly span: SourceSpan
  readonly hints: readonly OptionsHint[]
  /** A lookup join's `FOR SYSTEM_TIME AS OF`. */
  readonly temporal: boolean
}

/**
 * Finds, in a parsed script, the text a problem with a table is about: the option in its WITH clause (or in
 * an OPTIONS hint), the WITH clause itself for a missing option, or where the statement uses the table
 * when the table comes from the catalog and has no DDL in the script.
 */
export class ScriptLocations {
  constructor(
    private readonly script: string,
    private readonly statements: readonly Statement[],
  ) {}

  /** For statement `index` (in script order), a problem with `table`'s connector, about `option` if given. */
  tableOption(index: number, table: string, option?: string): SourceSpan {
    const statement = this.statements[index]!
    const uses = this.uses(index, table)
    const ddl = this.ddl(index, table)
    if (option !== undefined) {
      // Hints override the WITH clause, so a hinted option is the value the connector saw.
      for (const use of uses)
        for (const hint of use.hints)
          for (const given of hint.options) if (given.key === option) return given.span
      const declared = ddl?.options.find((given) => given.key === option)
      if (declared !== undefined) return declared.span
    }
    if (ddl !== undefined) return this.withClause(ddl)
    return uses[0]?.span ?? statement.span
  }

  /** For statement `index`, where it uses `table`; a temporal (lookup) use first when `temporal` is set. */
  tableUse(index: number, table: string, temporal = false): SourceSpan {
    const uses = this.uses(index, table)
    const use = (temporal ? uses.find((candidate) => candidate.temporal) : undefined) ?? uses[0]
    return use?.span ?? this.statements[index]!.span
  }

  statementSpan(index: number): SourceSpan {
    return this.statements[index]!.span
  }

  /** Uses in the statement itself first, then in the views defined before it (a view's query is planned in). */
  private uses(index: number, table: string): TableUse[] {
    const own = tableUses(this.statements[index]!).filter((use) => use.name === table)
    const earlier = this.statements
      .slice(0, index)
      .filter((statement) => statement.kind === 'createView')
      .flatMap((statement) => tableUses(statement).filter((use) => use.name === table))
    return [...own, ...earlier]
  }

  /** The CREATE TABLE in force at statement `index`: the last one of that name before it. */
  private ddl(index: number, table: string): CreateTableStatement | undefined {
    for (let i = index - 1; i >= 0; i--) {
      const statement = this.statements[i]!
      if (statement.kind === 'createTable' && statement.name.path.join('.') === table) return statement
    }
    return undefined
  }

  /** The WITH keyword of a CREATE TABLE (the parser keeps no span for it), else the table's name. */
  private withClause(ddl: CreateTableStatement): SourceSpan {
    const first = ddl.options[0]
    if (first === undefined) return ddl.name.span
    const head = this.script.slice(ddl.span.start.offset, first.span.start.offset)
    const matches = [...head.matchAll(/\bWITH\b/gi)]
    const last = matches[matches.length - 1]
    if (last?.index === undefined) return first.span
    const start = ddl.span.start.offset + last.index
    return { start: this.position(start), end: this.position(start + last[0].length) }
  }

  private position(offset: number): SourcePosition {
    const before = this.script.slice(0, offset)
    const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1
    return { offset, line: before.split(/\r\n|\r|\n/).length, column: offset - lineStart + 1 }
  }
}

/** Every table reference and INSERT target in a statement's syntax tree. */
function tableUses(node: unknown, found: TableUse[] = []): TableUse[] {
  if (Array.isArray(node)) {
    for (const item of node) tableUses(item, found)
    return found
  }
  if (typeof node !== 'object' || node === null) return found
  const record = node as Record<string, unknown> & { kind?: unknown }
  if (record.kind === 'tableName') {
    const ref = node as TableNameRef
    found.push({
      name: ref.name.path.join('.'),
      span: ref.span,
      hints: ref.hints,
      temporal: ref.systemTime !== undefined,
    })
  }
  if (record.kind === 'insert') {
    const insert = node as InsertStatement
    found.push({
      name: insert.target.path.join('.'),
      span: insert.target.span,
      hints: insert.hints,
      temporal: false,
    })
  }
  for (const [key, value] of Object.entries(record)) if (key !== 'span') tableUses(value, found)
  return found
}
