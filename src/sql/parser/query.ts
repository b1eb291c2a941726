import type {
  CommonTableExpr,
  Expression,
  GroupingElement,
  GroupingTuple,
  NamedWindow,
  NumericLiteral,
  Query,
  QueryBody,
  Select,
  SelectItem,
  SetOperation,
  TableRef,
  ValuesQuery,
} from './ast.ts'
import type { TokenCursor } from './cursor.ts'
import { ExpressionParser, numericLiteral } from './expressions.ts'
import { FromClauseParser } from './from-clause.ts'

/** INTERSECT binds tighter than UNION and EXCEPT, as in standard SQL. */
const SET_OPERATOR_PRECEDENCE: ReadonlyMap<string, number> = new Map([
  ['UNION', 1],
  ['EXCEPT', 1],
  ['INTERSECT', 2],
])

/** Queries: WITH, SELECT, set operations, VALUES, ORDER BY and LIMIT. */
export class QueryParser {
  readonly expressions: ExpressionParser
  private readonly from: FromClauseParser

  constructor(private readonly cursor: TokenCursor) {
    this.expressions = new ExpressionParser(cursor, () => this.parseQuery())
    this.from = new FromClauseParser(cursor, this.expressions, () => this.parseQuery())
  }

  parseQuery(): Query {
    const cursor = this.cursor
    const start = cursor.current.start
    const ctes = cursor.acceptKeyword('WITH') ? this.parseCommonTableExprs() : []
    const body = this.parseSetExpression(0)
    let orderBy: Query['orderBy'] = []
    if (cursor.acceptKeyword('ORDER')) {
      cursor.expectKeyword('BY')
      orderBy = this.expressions.parseOrderItems()
    }
    let limit: NumericLiteral | undefined
    if (cursor.acceptKeyword('LIMIT') && !cursor.acceptKeyword('ALL')) {
      limit = this.parseRowCount()
      if (cursor.isSymbol(','))
        cursor.unsupported("MySQL's LIMIT offset, count", 'write LIMIT count OFFSET offset')
    }
    let offset: NumericLiteral | undefined
    if (cursor.acceptKeyword('OFFSET')) {
      offset = this.parseRowCount()
      cursor.acceptOneOf(['ROWS', 'ROW'] as const)
    }
    if (cursor.isKeyword('FETCH')) {
      if (limit !== undefined) cursor.invalid('a query cannot have both LIMIT and FETCH')
      limit = this.parseFetch()
    }
    return { kind: 'query', with: ctes, body, orderBy, limit, offset, span: cursor.spanFrom(start) }
  }

  private parseCommonTableExprs(): CommonTableExpr[] {
    const cursor = this.cursor
    if (cursor.isKeyword('RECURSIVE')) cursor.unsupported('WITH RECURSIVE')
    const ctes: CommonTableExpr[] = []
    do {
      const start = cursor.current.start
      const name = cursor.expectIdentifier()
      const columns = cursor.isSymbol('(') ? cursor.expectIdentifierList() : undefined
      cursor.expectKeyword('AS')
      cursor.expectSymbol('(')
      const query = this.parseQuery()
      cursor.expectSymbol(')')
      ctes.push({ kind: 'commonTableExpr', name, columns, query, span: cursor.spanFrom(start) })
    } while (cursor.acceptSymbol(','))
    return ctes
  }

  private parseSetExpression(minPrecedence: number): QueryBody {
    const cursor = this.cursor
    let left = this.parseQueryPrimary()
    for (;;) {
      const token = cursor.current
      const precedence = token.type === 'word' ? SET_OPERATOR_PRECEDENCE.get(token.upper) : undefined
      if (precedence === undefined || precedence <= minPrecedence) return left
      const operator = cursor.advance().upper as SetOperation['operator']
      const all = cursor.acceptKeyword('ALL')
      if (!all) cursor.acceptKeyword('DISTINCT')
      const right = this.parseSetExpression(precedence)
      left = {
        kind: 'setOperation',
        operator,
        all,
        left,
        right,
        span: { start: left.span.start, end: right.span.end },
      }
    }
  }

  private parseQueryPrimary(): QueryBody {
    const cursor = this.cursor
    if (cursor.isKeyword('SELECT')) return this.parseSelect()
    if (cursor.isKeyword('VALUES')) return this.parseValues()
    if (cursor.acceptSymbol('(')) {
      const query = this.parseQuery()
      cursor.expectSymbol(')')
      return query
    }
    return cursor.fail("'SELECT'", "'VALUES'")
  }

  private parseSelect(): Select {
    const cursor = this.cursor
    const start = cursor.advance().start
    if (cursor.current.type === 'hintStart') cursor.unsupported('a query hint (/*+ … */ after SELECT)')
    const distinct = cursor.acceptKeyword('DISTINCT')
    if (!distinct) cursor.acceptKeyword('ALL')
    const items = [this.parseSelectItem()]
    while (cursor.acceptSymbol(',')) items.push(this.parseSelectItem())
    const from: TableRef | undefined = cursor.acceptKeyword('FROM') ? this.from.parseFrom() : undefined
    const where = cursor.acceptKeyword('WHERE') ? this.expressions.parseExpression() : undefined
    let groupBy: GroupingElement[] = []
    if (cursor.acceptKeyword('GROUP')) {
      cursor.expectKeyword('BY')
      groupBy = this.parseGroupBy()
    }
    const having = cursor.acceptKeyword('HAVING') ? this.expressions.parseExpression() : undefined
    const windows = cursor.acceptKeyword('WINDOW') ? this.parseNamedWindows() : []
    if (cursor.isKeyword('QUALIFY'))
      cursor.unsupported('QUALIFY', 'filter on the window function in an outer query')
    return {
      kind: 'select',
      distinct,
      items,
      from,
      where,
      groupBy,
      having,
      windows,
      span: cursor.spanFrom(start),
    }
  }

  private parseSelectItem(): SelectItem {
    const cursor = this.cursor
    const start = cursor.current.start
    // Checked without recording an expectation: "expected an expression" reads better than "'*' or …".
    if (cursor.isSymbol('*')) {
      cursor.advance()
      return { kind: 'selectWildcard', span: cursor.spanFrom(start) }
    }
    const qualifier = this.acceptWildcardQualifier()
    if (qualifier !== undefined) return { kind: 'selectWildcard', qualifier, span: cursor.spanFrom(start) }
    const expr = this.expressions.parseExpression()
    let alias: string | undefined
    if (cursor.acceptKeyword('AS')) alias = cursor.expectIdentifier()
    else if (cursor.isIdentifier()) alias = cursor.advance().value
    return { kind: 'selectExpression', expr, alias, span: cursor.spanFrom(start) }
  }

  /** Consumes `t.*` / `db.t.*` and returns the qualifier, or consumes nothing. */
  private acceptWildcardQualifier(): string[] | undefined {
    const cursor = this.cursor
    let ahead = 0
    while (cursor.isIdentifier(ahead) && cursor.isSymbol('.', ahead + 1)) {
      if (cursor.isSymbol('*', ahead + 2)) {
        const qualifier: string[] = []
        for (let i = 0; i <= ahead; i += 2) {
          qualifier.push(cursor.advance().value)
          cursor.advance()
        }
        cursor.advance()
        return qualifier
      }
      ahead += 2
    }
    return undefined
  }

  private parseGroupBy(): GroupingElement[] {
    const elements = [this.parseGroupingElement()]
    while (this.cursor.acceptSymbol(',')) elements.push(this.parseGroupingElement())
    return elements
  }

  /** An expression, `(a, b)`, `()`, `GROUPING SETS (…)`, `ROLLUP (…)` or `CUBE (…)`. */
  private parseGroupingElement(): GroupingElement {
    const cursor = this.cursor
    const start = cursor.current.start
    if (cursor.isKeyword('GROUPING') && cursor.isKeyword('SETS', 1)) {
      cursor.advance()
      cursor.advance()
      cursor.expectSymbol('(')
      const elements = [this.parseGroupingElement()]
      while (cursor.acceptSymbol(',')) elements.push(this.parseGroupingElement())
      cursor.expectSymbol(')')
      return { kind: 'groupingSets', elements, span: cursor.spanFrom(start) }
    }
    if ((cursor.isKeyword('ROLLUP') || cursor.isKeyword('CUBE')) && cursor.isSymbol('(', 1)) {
      const kind = cursor.advance().upper === 'ROLLUP' ? 'rollup' : 'cube'
      cursor.advance()
      const elements = [this.parseTupleOrExpression()]
      while (cursor.acceptSymbol(',')) elements.push(this.parseTupleOrExpression())
      cursor.expectSymbol(')')
      return { kind, elements, span: cursor.spanFrom(start) }
    }
    return this.parseTupleOrExpression()
  }

  /**
   * `(a, b)` and `()` are grouping tuples; anything else, including `(a)` and `(a + b) * 2`, is an
   * expression. Telling them apart needs a look past the first element, hence the mark/reset.
   */
  private parseTupleOrExpression(): Expression | GroupingTuple {
    const cursor = this.cursor
    const start = cursor.current.start
    if (cursor.isSymbol('(') && cursor.isSymbol(')', 1)) {
      cursor.advance()
      cursor.advance()
      return { kind: 'groupingTuple', exprs: [], span: cursor.spanFrom(start) }
    }
    if (cursor.isSymbol('(') && !this.expressions.isQueryStart(1)) {
      const mark = cursor.mark()
      cursor.advance()
      const first = this.expressions.parseExpression()
      if (cursor.acceptSymbol(',')) {
        const exprs = [first, ...this.expressions.parseExpressionList()]
        cursor.expectSymbol(')')
        return { kind: 'groupingTuple', exprs, span: cursor.spanFrom(start) }
      }
      cursor.reset(mark)
    }
    return this.expressions.parseExpression()
  }

  private parseNamedWindows(): NamedWindow[] {
    const cursor = this.cursor
    const windows: NamedWindow[] = []
    do {
      const start = cursor.current.start
      const name = cursor.expectIdentifier()
      cursor.expectKeyword('AS')
      const definition = this.expressions.parseWindowDefinition()
      windows.push({ kind: 'namedWindow', name, definition, span: cursor.spanFrom(start) })
    } while (cursor.acceptSymbol(','))
    return windows
  }

  private parseValues(): ValuesQuery {
    const cursor = this.cursor
    const start = cursor.advance().start
    const rows: Expression[][] = []
    do {
      cursor.expectSymbol('(')
      rows.push(this.expressions.parseExpressionList())
      cursor.expectSymbol(')')
    } while (cursor.acceptSymbol(','))
    return { kind: 'values', rows, span: cursor.spanFrom(start) }
  }

  private parseRowCount(): NumericLiteral {
    const token = this.cursor.current
    if (token.type !== 'number' || !/^\d+$/.test(token.value)) return this.cursor.fail('an unsigned integer')
    this.cursor.advance()
    return numericLiteral(token)
  }

  /** `FETCH FIRST|NEXT [n] ROW|ROWS ONLY`, returned as the equivalent LIMIT. */
  private parseFetch(): NumericLiteral {
    const cursor = this.cursor
    const start = cursor.advance().start
    cursor.expectOneOf(['FIRST', 'NEXT'] as const)
    const count = cursor.current.type === 'number' ? this.parseRowCount() : undefined
    cursor.expectOneOf(['ROWS', 'ROW'] as const)
    cursor.expectKeyword('ONLY')
    return count ?? { kind: 'numericLiteral', text: '1', form: 'integer', span: cursor.spanFrom(start) }
  }
}
