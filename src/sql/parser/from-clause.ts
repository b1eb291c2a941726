import type {
  ColumnRefExpr,
  DerivedTableRef,
  Expression,
  FunctionCall,
  JoinType,
  OptionsHint,
  Query,
  SourcePosition,
  TableAlias,
  TableNameRef,
  TableOption,
  TableRef,
  WindowTvfRef,
  WindowTvfSpec,
} from './ast.ts'
import type { TokenCursor } from './cursor.ts'
import type { ExpressionParser } from './expressions.ts'

type WindowKind = WindowTvfSpec['type']

/** Parameter names of each window TVF, in positional order after DATA and TIMECOL. */
const WINDOW_PARAMETERS: Readonly<Record<WindowKind, readonly string[]>> = {
  TUMBLE: ['SIZE', 'OFFSET'],
  HOP: ['SLIDE', 'SIZE', 'OFFSET'],
  CUMULATE: ['STEP', 'SIZE', 'OFFSET'],
  SESSION: ['GAP'],
}

function isWindowKind(word: string): word is WindowKind {
  return Object.hasOwn(WINDOW_PARAMETERS, word)
}

/** The arguments of a window TVF, collected from positional or named form before validation. */
interface WindowArguments {
  input?: TableNameRef | DerivedTableRef
  partitionBy: ColumnRefExpr[]
  timeColumn?: ColumnRefExpr
  readonly scalars: Map<string, Expression>
}

/** `'key' = 'value', …` as in `WITH (…)` and `OPTIONS(…)`, up to but excluding the closing `)`. */
export function parseOptionList(cursor: TokenCursor): TableOption[] {
  const options: TableOption[] = []
  do {
    const start = cursor.current.start
    const key = cursor.expectString()
    cursor.expectSymbol('=')
    const value = cursor.expectString()
    options.push({ kind: 'tableOption', key, value, span: cursor.spanFrom(start) })
  } while (cursor.acceptSymbol(','))
  return options
}

/** `/*+ OPTIONS('k' = 'v') *\/` after a table name; other hints are refused rather than ignored. */
export function parseOptionsHints(cursor: TokenCursor): OptionsHint[] {
  const hints: OptionsHint[] = []
  while (cursor.isType('hintStart')) {
    cursor.advance()
    do {
      const start = cursor.current.start
      const nameToken = cursor.current
      if (cursor.expectIdentifier().toUpperCase() !== 'OPTIONS') {
        cursor.unsupported(
          `the ${nameToken.value} hint`,
          'only OPTIONS(…) table hints are supported',
          nameToken,
        )
      }
      cursor.expectSymbol('(')
      const options = parseOptionList(cursor)
      cursor.expectSymbol(')')
      hints.push({ kind: 'optionsHint', options, span: cursor.spanFrom(start) })
    } while (cursor.acceptSymbol(','))
    if (!cursor.isType('hintEnd')) cursor.fail("'*/'")
    cursor.advance()
  }
  return hints
}

/** Table references and joins in FROM, including Flink's window TVFs and temporal joins. */
export class FromClauseParser {
  constructor(
    private readonly cursor: TokenCursor,
    private readonly expressions: ExpressionParser,
    private readonly parseQuery: () => Query,
  ) {}

  /** A FROM clause: table references joined left to right. */
  parseFrom(): TableRef {
    const cursor = this.cursor
    let left = this.parseTablePrimary()
    for (;;) {
      let joinType: JoinType | undefined
      if (cursor.acceptSymbol(',')) joinType = 'COMMA'
      else joinType = this.acceptJoinKeywords()
      if (joinType === undefined) return left
      const right = this.parseTablePrimary()
      let on: Expression | undefined
      let using: string[] | undefined
      if (joinType !== 'COMMA' && joinType !== 'CROSS') {
        if (cursor.acceptKeyword('ON')) on = this.expressions.parseExpression()
        else if (cursor.acceptKeyword('USING')) using = cursor.expectIdentifierList()
        else cursor.fail()
      }
      left = { kind: 'join', joinType, left, right, on, using, span: cursor.spanFrom(left.span.start) }
    }
  }

  private acceptJoinKeywords(): JoinType | undefined {
    const cursor = this.cursor
    if (cursor.isKeyword('NATURAL'))
      return cursor.unsupported('NATURAL JOIN', 'name the join columns with ON or USING')
    if (cursor.acceptKeyword('JOIN')) return 'INNER'
    if (cursor.acceptKeyword('INNER')) {
      cursor.expectKeyword('JOIN')
      return 'INNER'
    }
    if (cursor.acceptKeyword('CROSS')) {
      cursor.expectKeyword('JOIN')
      return 'CROSS'
    }
    const side = cursor.acceptOneOf(['LEFT', 'RIGHT', 'FULL'] as const)
    if (side === undefined) return undefined
    cursor.acceptKeyword('OUTER')
    cursor.expectKeyword('JOIN')
    return side
  }

  private parseTablePrimary(): TableRef {
    const cursor = this.cursor
    const start = cursor.current.start
    if (cursor.acceptKeyword('LATERAL')) {
      if (!cursor.acceptKeyword('TABLE')) {
        return cursor.unsupported('a LATERAL subquery', 'use LATERAL TABLE(f(…)) to call a table function')
      }
      const call = this.parseTableFunctionCall()
      return {
        kind: 'tableFunction',
        call,
        lateral: true,
        alias: this.parseAlias(),
        span: cursor.spanFrom(start),
      }
    }
    if (cursor.isKeyword('TABLE') && cursor.isSymbol('(', 1)) {
      const name = cursor.peek(2)
      if (name.type === 'word' && isWindowKind(name.upper) && cursor.isSymbol('(', 3)) {
        return this.parseWindowTvf(name.upper)
      }
      cursor.advance()
      const call = this.parseTableFunctionCall()
      return {
        kind: 'tableFunction',
        call,
        lateral: false,
        alias: this.parseAlias(),
        span: cursor.spanFrom(start),
      }
    }
    if (cursor.isKeyword('UNNEST') && cursor.isSymbol('(', 1)) {
      cursor.advance()
      cursor.advance()
      const args = this.expressions.parseExpressionList()
      cursor.expectSymbol(')')
      const withOrdinality = cursor.acceptKeywords('WITH', 'ORDINALITY')
      return { kind: 'unnest', args, withOrdinality, alias: this.parseAlias(), span: cursor.spanFrom(start) }
    }
    if (cursor.isSymbol('(')) {
      if (this.expressions.isQueryStart(1) || cursor.isSymbol('(', 1)) return this.parseDerivedTable(true)
      cursor.advance()
      const nested = this.parseFrom()
      cursor.expectSymbol(')')
      return nested
    }
    if (cursor.isIdentifier()) return this.parseTableName()
    return cursor.fail('a table name', "'('", "'TABLE'", "'LATERAL'", "'UNNEST'")
  }

  private parseTableName(): TableNameRef {
    const cursor = this.cursor
    const name = cursor.expectObjectName()
    const hints = parseOptionsHints(cursor)
    let systemTime: Expression | undefined
    if (cursor.acceptKeyword('FOR')) {
      cursor.expectKeywords('SYSTEM_TIME', 'AS', 'OF')
      systemTime = this.expressions.parseExpression()
    }
    if (cursor.isKeyword('MATCH_RECOGNIZE')) cursor.unsupported('MATCH_RECOGNIZE')
    if (cursor.isKeyword('TABLESAMPLE')) cursor.unsupported('TABLESAMPLE')
    return {
      kind: 'tableName',
      name,
      hints,
      systemTime,
      alias: this.parseAlias(),
      span: cursor.spanFrom(name.span.start),
    }
  }

  private parseDerivedTable(withAlias: boolean): DerivedTableRef {
    const cursor = this.cursor
    const start = cursor.expectSymbol('(').start
    const query = this.parseQuery()
    cursor.expectSymbol(')')
    const alias = withAlias ? this.parseAlias() : undefined
    return { kind: 'derivedTable', query, alias, span: cursor.spanFrom(start) }
  }

  /** `(f(args))` after TABLE or LATERAL TABLE. */
  private parseTableFunctionCall(): FunctionCall {
    const cursor = this.cursor
    cursor.expectSymbol('(')
    const start = cursor.current.start
    const call = this.expressions.parseExpression()
    if (call.kind !== 'functionCall')
      return cursor.invalid('expected a table function call such as f(x)', start)
    cursor.expectSymbol(')')
    return call
  }

  /** `[AS] name [(column, …)]` */
  private parseAlias(): TableAlias | undefined {
    const cursor = this.cursor
    let name: string
    if (cursor.acceptKeyword('AS')) name = cursor.expectIdentifier()
    else if (cursor.isIdentifier()) name = cursor.advance().value
    else return undefined
    return cursor.isSymbol('(') ? { name, columns: cursor.expectIdentifierList() } : { name }
  }

  /** `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]))` and its HOP, CUMULATE, SESSION and named forms. */
  private parseWindowTvf(window: WindowKind): WindowTvfRef {
    const cursor = this.cursor
    const start = cursor.advance().start
    cursor.expectSymbol('(')
    cursor.advance()
    const open = cursor.expectSymbol('(')
    const args: WindowArguments = { partitionBy: [], scalars: new Map() }
    if (cursor.isIdentifier() && cursor.isSymbol('=>', 1)) this.parseNamedWindowArguments(window, args)
    else this.parsePositionalWindowArguments(window, args)
    cursor.expectSymbol(')')
    cursor.expectSymbol(')')
    const { input, timeColumn } = args
    if (input === undefined) return cursor.invalid(`${window} needs its input table (DATA)`, open.start)
    if (timeColumn === undefined) return cursor.invalid(`${window} needs a time column (TIMECOL)`, open.start)
    if (args.partitionBy.length > 0 && window !== 'SESSION') {
      return cursor.invalid(`PARTITION BY is only valid in SESSION windows, not ${window}`, input.span.end)
    }
    return {
      kind: 'windowTvf',
      input,
      partitionBy: args.partitionBy,
      timeColumn,
      window: this.windowSpec(window, args.scalars, open.start),
      alias: this.parseAlias(),
      span: cursor.spanFrom(start),
    }
  }

  private parsePositionalWindowArguments(window: WindowKind, args: WindowArguments): void {
    const cursor = this.cursor
    this.parseWindowInput(args)
    cursor.expectSymbol(',')
    args.timeColumn = this.parseDescriptor()
    const names = WINDOW_PARAMETERS[window]
    for (let i = 0; cursor.acceptSymbol(','); i++) {
      const name = names[i] ?? cursor.invalid(`${window} takes at most ${names.length + 2} arguments`)
      args.scalars.set(name, this.expressions.parseExpression())
    }
  }

  private parseNamedWindowArguments(window: WindowKind, args: WindowArguments): void {
    const cursor = this.cursor
    const seen = new Set<string>()
    do {
      const nameToken = cursor.current
      const name = cursor.expectIdentifier().toUpperCase()
      if (seen.has(name)) cursor.invalid(`${window} argument ${name} is given twice`, nameToken.start)
      seen.add(name)
      cursor.expectSymbol('=>')
      if (name === 'DATA') this.parseWindowInput(args)
      else if (name === 'TIMECOL') args.timeColumn = this.parseDescriptor()
      else if (WINDOW_PARAMETERS[window].includes(name))
        args.scalars.set(name, this.expressions.parseExpression())
      else {
        const known = ['DATA', 'TIMECOL', ...WINDOW_PARAMETERS[window]].join(', ')
        cursor.invalid(`${window} has no argument ${name} (it takes ${known})`, nameToken.start)
      }
    } while (cursor.acceptSymbol(','))
  }

  /** `TABLE name [PARTITION BY key | (key, …)]` or `(subquery)`. */
  private parseWindowInput(args: WindowArguments): void {
    const cursor = this.cursor
    if (cursor.isSymbol('(')) {
      args.input = this.parseDerivedTable(false)
      return
    }
    const start = cursor.expectKeyword('TABLE').start
    const name = cursor.expectObjectName()
    args.input = { kind: 'tableName', name, hints: [], span: cursor.spanFrom(start) }
    if (!cursor.acceptKeyword('PARTITION')) return
    cursor.expectKeyword('BY')
    const parenthesised = cursor.acceptSymbol('(')
    do {
      args.partitionBy.push(this.parseSimpleColumn())
    } while (parenthesised && cursor.acceptSymbol(','))
    if (parenthesised) cursor.expectSymbol(')')
  }

  private parseDescriptor(): ColumnRefExpr {
    const cursor = this.cursor
    cursor.expectKeyword('DESCRIPTOR')
    cursor.expectSymbol('(')
    const column = this.parseSimpleColumn()
    if (cursor.isSymbol(',')) cursor.invalid('DESCRIPTOR takes exactly one time column')
    cursor.expectSymbol(')')
    return column
  }

  private parseSimpleColumn(): ColumnRefExpr {
    const start = this.cursor.current.start
    const name = this.cursor.expectIdentifier()
    return { kind: 'columnRef', path: [name], span: this.cursor.spanFrom(start) }
  }

  private windowSpec(
    window: WindowKind,
    scalars: Map<string, Expression>,
    at: SourcePosition,
  ): WindowTvfSpec {
    const cursor = this.cursor
    const required = (name: string): Expression =>
      scalars.get(name) ?? cursor.invalid(`${window} needs its ${name} argument`, at)
    const offset = scalars.get('OFFSET')
    switch (window) {
      case 'TUMBLE':
        return { type: window, size: required('SIZE'), offset }
      case 'HOP':
        return { type: window, slide: required('SLIDE'), size: required('SIZE'), offset }
      case 'CUMULATE':
        return { type: window, step: required('STEP'), maxSize: required('SIZE'), offset }
      case 'SESSION':
        return { type: window, gap: required('GAP') }
    }
  }
}
