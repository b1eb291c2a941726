import type {
  ColumnDefinition,
  CreateFunctionStatement,
  CreateTableStatement,
  CreateViewStatement,
  DropStatement,
  ExplainDetail,
  ExplainStatement,
  Expression,
  InsertStatement,
  Literal,
  PartitionValue,
  PrimaryKeyDefinition,
  ResetStatement,
  SetStatement,
  SourcePosition,
  Statement,
  StatementSet,
  TableLikeClause,
  TableLikeOption,
  WatermarkDefinition,
} from './ast.ts'
import type { TokenCursor } from './cursor.ts'
import type { ExpressionParser } from './expressions.ts'
import { parseOptionList, parseOptionsHints } from './from-clause.ts'
import { QueryParser } from './query.ts'
import { parseDataType } from './types.ts'

/** Statements Flink has and Weir does not parse (yet), by leading keyword. */
const UNSUPPORTED_STATEMENTS: ReadonlyMap<string, string> = new Map([
  ['ALTER', 'ALTER statement'],
  ['ANALYZE', 'ANALYZE TABLE'],
  ['ADD', 'ADD JAR'],
  ['CALL', 'CALL (stored procedure)'],
  ['COMPILE', 'COMPILE PLAN'],
  ['DELETE', 'DELETE statement'],
  ['DESC', 'DESCRIBE statement'],
  ['DESCRIBE', 'DESCRIBE statement'],
  ['LOAD', 'LOAD MODULE'],
  ['REMOVE', 'REMOVE JAR'],
  ['REPLACE', 'REPLACE TABLE … AS'],
  ['SHOW', 'SHOW statement'],
  ['STOP', 'STOP JOB'],
  ['TRUNCATE', 'TRUNCATE TABLE'],
  ['UNLOAD', 'UNLOAD MODULE'],
  ['UPDATE', 'UPDATE statement'],
  ['USE', 'USE statement'],
])

const UNSUPPORTED_CREATE_OBJECTS: ReadonlyMap<string, string> = new Map([
  ['CATALOG', 'CREATE CATALOG'],
  ['DATABASE', 'CREATE DATABASE'],
  ['MATERIALIZED', 'CREATE MATERIALIZED TABLE'],
  ['MODEL', 'CREATE MODEL'],
  ['CONNECTION', 'CREATE CONNECTION'],
])

const EXPLAIN_DETAILS: readonly ExplainDetail[] = [
  'ESTIMATED_COST',
  'CHANGELOG_MODE',
  'PLAN_ADVICE',
  'JSON_EXECUTION_PLAN',
]

const LIKE_STRATEGIES: readonly TableLikeOption['strategy'][] = ['INCLUDING', 'EXCLUDING', 'OVERWRITING']

const LIKE_FEATURES: readonly TableLikeOption['feature'][] = [
  'ALL',
  'CONSTRAINTS',
  'DISTRIBUTION',
  'GENERATED',
  'METADATA',
  'OPTIONS',
  'PARTITIONS',
  'WATERMARKS',
]

const LITERAL_KINDS: ReadonlySet<string> = new Set([
  'numericLiteral',
  'stringLiteral',
  'binaryLiteral',
  'booleanLiteral',
  'nullLiteral',
  'temporalLiteral',
  'intervalLiteral',
])

function isLiteral(expr: Expression): expr is Literal {
  return LITERAL_KINDS.has(expr.kind)
}

/** The table schema pieces collected while reading the column list of CREATE TABLE. */
interface TableSchema {
  readonly columns: ColumnDefinition[]
  watermark?: WatermarkDefinition
  primaryKey?: PrimaryKeyDefinition
}

/** Statements of Weir's Flink SQL dialect: DDL, DML, SET/RESET, EXPLAIN and statement sets. */
export class StatementParser {
  private readonly queries: QueryParser
  private readonly expressions: ExpressionParser

  constructor(private readonly cursor: TokenCursor) {
    this.queries = new QueryParser(cursor)
    this.expressions = this.queries.expressions
  }

  /** Statements separated by `;`; empty statements are skipped. */
  parseScript(): Statement[] {
    const cursor = this.cursor
    const statements: Statement[] = []
    for (;;) {
      this.skipEmptyStatements()
      if (cursor.atEnd()) return statements
      statements.push(this.parseStatement())
      if (!cursor.acceptSymbol(';') && !cursor.atEnd()) cursor.fail('end of input')
    }
  }

  /** Exactly one statement, optionally followed by `;`. */
  parseSingleStatement(): Statement {
    const cursor = this.cursor
    if (cursor.atEnd()) cursor.fail('a statement')
    const statement = this.parseStatement()
    const terminated = cursor.acceptSymbol(';')
    this.skipEmptyStatements()
    if (!cursor.atEnd()) {
      if (terminated)
        cursor.invalid('expected a single statement', cursor.current.start, 'use parseScript for several')
      cursor.fail('end of input')
    }
    return statement
  }

  /** Skips stray `;` without recording them as expected, so errors name what a statement needs. */
  private skipEmptyStatements(): void {
    while (this.cursor.isSymbol(';')) this.cursor.advance()
  }

  private parseStatement(): Statement {
    const cursor = this.cursor
    const token = cursor.current
    if (token.type === 'symbol' && token.value === '(') return this.queries.parseQuery()
    if (token.type !== 'word') return cursor.fail('a statement')
    switch (token.upper) {
      case 'SELECT':
      case 'WITH':
      case 'VALUES':
        return this.queries.parseQuery()
      case 'INSERT':
        return this.parseInsert()
      case 'CREATE':
        return this.parseCreate()
      case 'DROP':
        return this.parseDrop()
      case 'SET':
        return this.parseSet()
      case 'RESET':
        return this.parseReset()
      case 'EXPLAIN':
        return this.parseExplain()
      case 'BEGIN':
        return this.parseBeginStatementSet()
      case 'EXECUTE':
        return this.parseExecute()
    }
    const unsupported = UNSUPPORTED_STATEMENTS.get(token.upper)
    if (unsupported !== undefined) return cursor.unsupported(unsupported)
    return cursor.fail('a statement')
  }

  private parseInsert(): InsertStatement {
    const cursor = this.cursor
    const start = cursor.expectKeyword('INSERT').start
    const overwrite = cursor.expectOneOf(['INTO', 'OVERWRITE'] as const) === 'OVERWRITE'
    const target = cursor.expectObjectName()
    const hints = parseOptionsHints(cursor)
    const partition = cursor.acceptKeyword('PARTITION') ? this.parsePartitionSpec() : []
    // `(a, b) SELECT …` is a column list; `(SELECT …)` is the query itself.
    const columns = cursor.isSymbol('(') && cursor.isIdentifier(1) ? cursor.expectIdentifierList() : undefined
    const source = this.queries.parseQuery()
    return {
      kind: 'insert',
      overwrite,
      target,
      hints,
      partition,
      columns,
      source,
      span: cursor.spanFrom(start),
    }
  }

  /** `(dt = '2024-01-31', hh = '10')` */
  private parsePartitionSpec(): PartitionValue[] {
    const cursor = this.cursor
    cursor.expectSymbol('(')
    const values: PartitionValue[] = []
    do {
      const column = cursor.expectIdentifier()
      cursor.expectSymbol('=')
      const start = cursor.current.start
      const value = this.expressions.parseExpression()
      if (!isLiteral(value)) return cursor.invalid('a static partition value must be a literal', start)
      values.push({ column, value })
    } while (cursor.acceptSymbol(','))
    cursor.expectSymbol(')')
    return values
  }

  private parseCreate(): Statement {
    const cursor = this.cursor
    const start = cursor.advance().start
    if (cursor.isKeyword('OR') && cursor.isKeyword('REPLACE', 1)) cursor.unsupported('CREATE OR REPLACE')
    const temporary = cursor.acceptKeyword('TEMPORARY')
    const systemToken = cursor.current
    const system = temporary && cursor.acceptKeyword('SYSTEM')
    if (cursor.acceptKeyword('FUNCTION')) return this.parseCreateFunction(start, temporary, system)
    if (system) cursor.invalid('only functions can be TEMPORARY SYSTEM', systemToken.start)
    if (cursor.acceptKeyword('TABLE')) return this.parseCreateTable(start, temporary)
    if (cursor.acceptKeyword('VIEW')) return this.parseCreateView(start, temporary)
    const unsupported =
      cursor.current.type === 'word' ? UNSUPPORTED_CREATE_OBJECTS.get(cursor.current.upper) : undefined
    if (unsupported !== undefined) return cursor.unsupported(unsupported)
    return cursor.fail()
  }

  private acceptIfNotExists(): boolean {
    const cursor = this.cursor
    if (!(cursor.isKeyword('IF') && cursor.isKeyword('NOT', 1))) return false
    cursor.expectKeywords('IF', 'NOT', 'EXISTS')
    return true
  }

  private parseCreateTable(start: SourcePosition, temporary: boolean): CreateTableStatement {
    const cursor = this.cursor
    const ifNotExists = this.acceptIfNotExists()
    const name = cursor.expectObjectName()
    const schema: TableSchema = { columns: [] }
    if (cursor.acceptSymbol('(')) {
      do {
        this.parseTableElement(schema)
      } while (cursor.acceptSymbol(','))
      cursor.expectSymbol(')')
    }
    const comment = cursor.acceptKeyword('COMMENT') ? cursor.expectString() : undefined
    if (cursor.isKeyword('DISTRIBUTED')) cursor.unsupported('DISTRIBUTED BY')
    let partitionedBy: string[] = []
    if (cursor.acceptKeyword('PARTITIONED')) {
      cursor.expectKeyword('BY')
      partitionedBy = cursor.expectIdentifierList()
    }
    let options: CreateTableStatement['options'] = []
    if (cursor.acceptKeyword('WITH')) {
      cursor.expectSymbol('(')
      options = parseOptionList(cursor)
      cursor.expectSymbol(')')
    }
    const like = cursor.isKeyword('LIKE') ? this.parseTableLike() : undefined
    if (cursor.isKeyword('AS'))
      cursor.unsupported('CREATE TABLE … AS SELECT', 'create the table, then INSERT INTO it')
    return {
      kind: 'createTable',
      temporary,
      ifNotExists,
      name,
      columns: schema.columns,
      watermark: schema.watermark,
      primaryKey: schema.primaryKey,
      comment,
      partitionedBy,
      options,
      like,
      span: cursor.spanFrom(start),
    }
  }

  /** One entry of the CREATE TABLE column list: a column, a watermark or a constraint. */
  private parseTableElement(schema: TableSchema): void {
    const cursor = this.cursor
    const start = cursor.current.start
    if (cursor.isKeyword('WATERMARK') && cursor.isKeyword('FOR', 1)) {
      if (schema.watermark !== undefined) cursor.invalid('a table can have only one WATERMARK')
      cursor.advance()
      cursor.advance()
      const column = cursor.expectIdentifier()
      cursor.expectKeyword('AS')
      const strategy = this.expressions.parseExpression()
      schema.watermark = { kind: 'watermark', column, strategy, span: cursor.spanFrom(start) }
      return
    }
    if (cursor.isKeyword('CONSTRAINT') || (cursor.isKeyword('PRIMARY') && cursor.isKeyword('KEY', 1))) {
      this.setPrimaryKey(schema, this.parsePrimaryKey())
      return
    }
    if (cursor.isKeyword('UNIQUE')) cursor.unsupported('UNIQUE constraint')
    schema.columns.push(this.parseColumn(schema))
  }

  private parseColumn(schema: TableSchema): ColumnDefinition {
    const cursor = this.cursor
    const start = cursor.current.start
    const name = cursor.expectIdentifier()
    if (cursor.acceptKeyword('AS')) {
      const expr = this.expressions.parseExpression()
      return {
        kind: 'computedColumn',
        name,
        expr,
        comment: this.acceptComment(),
        span: cursor.spanFrom(start),
      }
    }
    const type = parseDataType(cursor)
    if (cursor.acceptKeyword('METADATA')) {
      const key = cursor.acceptKeyword('FROM') ? cursor.expectString() : undefined
      const virtual = cursor.acceptKeyword('VIRTUAL')
      const comment = this.acceptComment()
      return { kind: 'metadataColumn', name, type, key, virtual, comment, span: cursor.spanFrom(start) }
    }
    if (cursor.isKeyword('CONSTRAINT') || cursor.isKeyword('PRIMARY')) {
      this.setPrimaryKey(schema, this.parsePrimaryKey(name))
    }
    return { kind: 'physicalColumn', name, type, comment: this.acceptComment(), span: cursor.spanFrom(start) }
  }

  private acceptComment(): string | undefined {
    return this.cursor.acceptKeyword('COMMENT') ? this.cursor.expectString() : undefined
  }

  /** `[CONSTRAINT name] PRIMARY KEY (a, b) NOT ENFORCED`, or without the list after a column. */
  private parsePrimaryKey(column?: string): PrimaryKeyDefinition {
    const cursor = this.cursor
    const start = cursor.current.start
    const constraintName = cursor.acceptKeyword('CONSTRAINT') ? cursor.expectIdentifier() : undefined
    cursor.expectKeywords('PRIMARY', 'KEY')
    const columns = column === undefined ? cursor.expectIdentifierList() : [column]
    if (cursor.isKeyword('ENFORCED')) {
      cursor.invalid(
        'Flink supports only NOT ENFORCED primary keys',
        cursor.current.start,
        'write NOT ENFORCED',
      )
    }
    cursor.expectKeywords('NOT', 'ENFORCED')
    return { kind: 'primaryKey', constraintName, columns, span: cursor.spanFrom(start) }
  }

  private setPrimaryKey(schema: TableSchema, primaryKey: PrimaryKeyDefinition): void {
    if (schema.primaryKey !== undefined)
      this.cursor.invalid('a table can have only one PRIMARY KEY', primaryKey.span.start)
    schema.primaryKey = primaryKey
  }

  /** `LIKE source [(INCLUDING ALL EXCLUDING OPTIONS …)]` */
  private parseTableLike(): TableLikeClause {
    const cursor = this.cursor
    const start = cursor.advance().start
    const source = cursor.expectObjectName()
    const options: TableLikeOption[] = []
    if (cursor.acceptSymbol('(')) {
      do {
        const strategy = cursor.expectOneOf(LIKE_STRATEGIES)
        options.push({ strategy, feature: cursor.expectOneOf(LIKE_FEATURES) })
      } while (!cursor.acceptSymbol(')'))
    }
    return { kind: 'tableLike', source, options, span: cursor.spanFrom(start) }
  }

  private parseCreateView(start: SourcePosition, temporary: boolean): CreateViewStatement {
    const cursor = this.cursor
    const ifNotExists = this.acceptIfNotExists()
    const name = cursor.expectObjectName()
    const columns = cursor.isSymbol('(') ? cursor.expectIdentifierList() : undefined
    const comment = this.acceptComment()
    cursor.expectKeyword('AS')
    const query = this.queries.parseQuery()
    return {
      kind: 'createView',
      temporary,
      ifNotExists,
      name,
      columns,
      comment,
      query,
      span: cursor.spanFrom(start),
    }
  }

  private parseCreateFunction(
    start: SourcePosition,
    temporary: boolean,
    system: boolean,
  ): CreateFunctionStatement {
    const cursor = this.cursor
    const ifNotExists = this.acceptIfNotExists()
    const name = cursor.expectObjectName()
    cursor.expectKeyword('AS')
    const implementation = cursor.expectString()
    const language = cursor.acceptKeyword('LANGUAGE')
      ? cursor.expectOneOf(['JAVA', 'SCALA', 'PYTHON'] as const)
      : undefined
    if (cursor.isKeyword('USING')) cursor.unsupported('CREATE FUNCTION … USING JAR')
    return {
      kind: 'createFunction',
      temporary,
      system,
      ifNotExists,
      name,
      implementation,
      language,
      span: cursor.spanFrom(start),
    }
  }

  private parseDrop(): DropStatement {
    const cursor = this.cursor
    const start = cursor.advance().start
    const temporary = cursor.acceptKeyword('TEMPORARY')
    const system = temporary && cursor.acceptKeyword('SYSTEM')
    const objectType = cursor.acceptOneOf(['TABLE', 'VIEW', 'FUNCTION'] as const)
    if (objectType === undefined) {
      const word = cursor.current.type === 'word' ? cursor.current.upper : ''
      if (['CATALOG', 'DATABASE', 'MATERIALIZED', 'MODEL', 'CONNECTION'].includes(word)) {
        return cursor.unsupported(`DROP ${word}`)
      }
      return cursor.fail()
    }
    if (system && objectType !== 'FUNCTION') cursor.invalid('only functions can be TEMPORARY SYSTEM', start)
    let ifExists = false
    if (cursor.isKeyword('IF') && cursor.isKeyword('EXISTS', 1)) {
      cursor.advance()
      cursor.advance()
      ifExists = true
    }
    const name = cursor.expectObjectName()
    return { kind: 'drop', objectType, temporary, system, ifExists, name, span: cursor.spanFrom(start) }
  }

  /** `SET` or `SET 'key' = 'value'` */
  private parseSet(): SetStatement {
    const cursor = this.cursor
    const start = cursor.advance().start
    if (cursor.atEnd() || cursor.isSymbol(';')) return { kind: 'set', span: cursor.spanFrom(start) }
    if (cursor.current.type !== 'string') {
      cursor.noteExpected("';'")
      cursor.noteExpected('end of input')
      if (cursor.current.type === 'word') {
        cursor.invalid(
          'SET keys and values must be quoted',
          cursor.current.start,
          "write SET 'key' = 'value'",
        )
      }
      cursor.fail('a string literal')
    }
    const key = cursor.expectString()
    cursor.expectSymbol('=')
    const value = cursor.expectString()
    return { kind: 'set', key, value, span: cursor.spanFrom(start) }
  }

  /** `RESET` or `RESET 'key'` */
  private parseReset(): ResetStatement {
    const cursor = this.cursor
    const start = cursor.advance().start
    const key = cursor.acceptString()
    return { kind: 'reset', key, span: cursor.spanFrom(start) }
  }

  /** `EXPLAIN [PLAN FOR | detail, …] (query | INSERT … | STATEMENT SET BEGIN … END)` */
  private parseExplain(): ExplainStatement {
    const cursor = this.cursor
    const start = cursor.advance().start
    const details: ExplainDetail[] = []
    if (!cursor.acceptKeywords('PLAN', 'FOR')) {
      for (let detail = cursor.acceptOneOf(EXPLAIN_DETAILS); detail !== undefined; ) {
        details.push(detail)
        detail = cursor.acceptSymbol(',') ? cursor.expectOneOf(EXPLAIN_DETAILS) : undefined
      }
    }
    let statement: ExplainStatement['statement']
    if (cursor.isKeyword('INSERT')) {
      statement = this.parseInsert()
    } else if (cursor.isKeyword('STATEMENT')) {
      const setStart = cursor.current.start
      cursor.expectKeywords('STATEMENT', 'SET', 'BEGIN')
      statement = this.parseStatementSetBody(setStart)
    } else {
      statement = this.queries.parseQuery()
    }
    return { kind: 'explain', details, statement, span: cursor.spanFrom(start) }
  }

  /** `BEGIN STATEMENT SET; INSERT …; INSERT …; END` */
  private parseBeginStatementSet(): StatementSet {
    const cursor = this.cursor
    const start = cursor.advance().start
    cursor.expectKeywords('STATEMENT', 'SET')
    cursor.expectSymbol(';')
    return this.parseStatementSetBody(start)
  }

  /** `EXECUTE STATEMENT SET BEGIN … END`, `EXECUTE INSERT …` or `EXECUTE SELECT …`. */
  private parseExecute(): Statement {
    const cursor = this.cursor
    const start = cursor.advance().start
    if (cursor.acceptKeywords('STATEMENT', 'SET')) {
      cursor.expectKeyword('BEGIN')
      return this.parseStatementSetBody(start)
    }
    if (cursor.isKeyword('INSERT')) return this.parseInsert()
    if (this.expressions.isQueryStart() || cursor.isSymbol('(')) return this.queries.parseQuery()
    if (cursor.isKeyword('PLAN')) return cursor.unsupported('EXECUTE PLAN')
    return cursor.fail("'INSERT'", 'a query')
  }

  /** The INSERTs of a statement set up to and including END; each INSERT ends with `;`. */
  private parseStatementSetBody(start: SourcePosition): StatementSet {
    const cursor = this.cursor
    const inserts: InsertStatement[] = []
    for (;;) {
      this.skipEmptyStatements()
      if (cursor.acceptKeyword('END')) break
      if (!cursor.isKeyword('INSERT')) cursor.fail("'INSERT'")
      inserts.push(this.parseInsert())
      if (!cursor.isKeyword('END')) cursor.expectSymbol(';')
    }
    if (inserts.length === 0) cursor.invalid('a statement set needs at least one INSERT', start)
    return { kind: 'statementSet', inserts, span: cursor.spanFrom(start) }
  }
}
