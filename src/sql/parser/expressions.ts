import type {
  BinaryOperator,
  Expression,
  FrameBound,
  FunctionCall,
  IntervalQualifier,
  IntervalUnit,
  NumericLiteral,
  OrderItem,
  Query,
  SourcePosition,
  TimeUnit,
  TimeUnitArg,
  WindowDefinition,
  WindowFrame,
} from './ast.ts'
import { TIME_UNITS } from './ast.ts'
import type { TokenCursor } from './cursor.ts'
import { NILADIC_FUNCTIONS, RESERVED_FUNCTION_NAMES, RESERVED_WORDS } from './keywords.ts'
import type { Token } from './lexer.ts'
import { binaryPrecedence, Precedence } from './precedence.ts'
import { parseDataType } from './types.ts'

const SYMBOL_OPERATORS: ReadonlyMap<string, BinaryOperator> = new Map([
  ['=', '='],
  ['<>', '<>'],
  ['!=', '<>'],
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
  ['+', '+'],
  ['-', '-'],
  ['*', '*'],
  ['/', '/'],
  ['%', '%'],
  ['||', '||'],
])

const COMPARISONS: ReadonlySet<BinaryOperator> = new Set(['=', '<>', '<', '<=', '>', '>='])

const EXTRACT_UNITS: readonly TimeUnit[] = TIME_UNITS

/** Units of `FLOOR(ts TO unit)`, `CEIL(ts TO unit)`, `TIMESTAMPADD` and `TIMESTAMPDIFF`. */
const DATETIME_STEP_UNITS: readonly TimeUnit[] = [
  'MILLENNIUM',
  'CENTURY',
  'DECADE',
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
  'NANOSECOND',
]

/** Interval units with the plural spellings Flink's documentation uses (`INTERVAL '10' MINUTES`). */
const INTERVAL_UNITS: ReadonlyMap<string, IntervalUnit> = new Map([
  ['YEAR', 'YEAR'],
  ['YEARS', 'YEAR'],
  ['MONTH', 'MONTH'],
  ['MONTHS', 'MONTH'],
  ['DAY', 'DAY'],
  ['DAYS', 'DAY'],
  ['HOUR', 'HOUR'],
  ['HOURS', 'HOUR'],
  ['MINUTE', 'MINUTE'],
  ['MINUTES', 'MINUTE'],
  ['SECOND', 'SECOND'],
  ['SECONDS', 'SECOND'],
])

/** Allowed `start TO end` interval qualifiers. */
const INTERVAL_RANGES: ReadonlySet<string> = new Set([
  'YEAR TO MONTH',
  'DAY TO HOUR',
  'DAY TO MINUTE',
  'DAY TO SECOND',
  'HOUR TO MINUTE',
  'HOUR TO SECOND',
  'MINUTE TO SECOND',
])

/** Functions whose standard syntax puts keywords between the arguments, which Weir does not parse yet. */
const KEYWORD_ARGUMENT_FUNCTIONS: ReadonlySet<string> = new Set([
  'OVERLAY',
  'JSON_VALUE',
  'JSON_QUERY',
  'JSON_EXISTS',
  'JSON_OBJECT',
  'JSON_OBJECTAGG',
  'JSON_ARRAY',
  'JSON_ARRAYAGG',
  'TRANSLATE',
  'CONVERT',
])

const PREDICATE_KEYWORDS: ReadonlySet<string> = new Set(['BETWEEN', 'IN', 'LIKE', 'SIMILAR'])

export function numericLiteral(token: Token): NumericLiteral {
  const text = token.value
  const form = /[eE]/.test(text) ? 'double' : text.includes('.') ? 'decimal' : 'integer'
  return { kind: 'numericLiteral', text, form, span: { start: token.start, end: token.end } }
}

/**
 * A Pratt parser for expressions with Calcite's precedences. Subqueries are parsed by the query
 * parser, handed in as `parseSubquery` to keep the two modules free of an import cycle.
 */
export class ExpressionParser {
  constructor(
    private readonly cursor: TokenCursor,
    private readonly parseSubquery: () => Query,
  ) {}

  /** Parses an expression whose operators all bind tighter than `minPrecedence`. */
  parseExpression(minPrecedence: number = Precedence.Lowest): Expression {
    return this.continueExpression(this.parsePrefix(), minPrecedence)
  }

  parseExpressionList(): Expression[] {
    const list = [this.parseExpression()]
    while (this.cursor.acceptSymbol(',')) list.push(this.parseExpression())
    return list
  }

  /** `expr [ASC|DESC] [NULLS FIRST|LAST], …` */
  parseOrderItems(): OrderItem[] {
    const items: OrderItem[] = []
    do {
      const expr = this.parseExpression()
      const direction = this.cursor.acceptOneOf(['ASC', 'DESC'] as const)
      const nulls = this.cursor.acceptKeyword('NULLS')
        ? this.cursor.expectOneOf(['FIRST', 'LAST'] as const)
        : undefined
      items.push({ kind: 'orderItem', expr, direction, nulls, span: this.cursor.spanFrom(expr.span.start) })
    } while (this.cursor.acceptSymbol(','))
    return items
  }

  /** `( [base] [PARTITION BY …] [ORDER BY …] [ROWS|RANGE …] )`, the body of OVER and WINDOW. */
  parseWindowDefinition(): WindowDefinition {
    const cursor = this.cursor
    const start = cursor.expectSymbol('(').start
    const frameStarts = cursor.isKeyword('ROWS') || cursor.isKeyword('RANGE') || cursor.isKeyword('GROUPS')
    const baseWindow = cursor.isIdentifier() && !frameStarts ? cursor.advance().value : undefined
    const partitionBy = cursor.acceptKeyword('PARTITION')
      ? this.afterBy(() => this.parseExpressionList())
      : []
    const orderBy = cursor.acceptKeyword('ORDER') ? this.afterBy(() => this.parseOrderItems()) : []
    const frame = this.parseWindowFrame()
    cursor.expectSymbol(')')
    return { kind: 'windowDefinition', baseWindow, partitionBy, orderBy, frame, span: cursor.spanFrom(start) }
  }

  isQueryStart(ahead = 0): boolean {
    const cursor = this.cursor
    return (
      cursor.isKeyword('SELECT', ahead) ||
      cursor.isKeyword('WITH', ahead) ||
      cursor.isKeyword('VALUES', ahead)
    )
  }

  private afterBy<T>(parse: () => T): T {
    this.cursor.expectKeyword('BY')
    return parse()
  }

  private continueExpression(left: Expression, minPrecedence: number): Expression {
    let expr = left
    for (;;) {
      const extended = this.parseInfix(expr, minPrecedence)
      if (extended === undefined) return expr
      expr = extended
    }
  }

  /** Extends `left` with the operator at the cursor if it binds tighter than `minPrecedence`. */
  private parseInfix(left: Expression, minPrecedence: number): Expression | undefined {
    const cursor = this.cursor
    const token = cursor.current
    if (token.type === 'symbol') {
      const operator = SYMBOL_OPERATORS.get(token.value)
      if (operator !== undefined) return this.parseBinary(left, operator, minPrecedence)
      if (Precedence.Postfix <= minPrecedence) return undefined
      if (token.value === '[') return this.parseSubscript(left)
      if (token.value === '.') return this.parseFieldAccess(left)
      return undefined
    }
    if (token.type !== 'word') return undefined
    switch (token.upper) {
      case 'AND':
      case 'OR':
        return this.parseBinary(left, token.upper, minPrecedence)
      case 'IS':
        return this.parseIs(left, minPrecedence)
      case 'NOT': {
        const next = cursor.peek(1)
        if (next.type !== 'word' || !PREDICATE_KEYWORDS.has(next.upper)) return undefined
        if (Precedence.Predicate <= minPrecedence) return undefined
        cursor.advance()
        return this.parsePredicate(left, true)
      }
      case 'BETWEEN':
      case 'IN':
      case 'LIKE':
      case 'SIMILAR':
        return Precedence.Predicate <= minPrecedence ? undefined : this.parsePredicate(left, false)
      default:
        return undefined
    }
  }

  private parseBinary(
    left: Expression,
    operator: BinaryOperator,
    minPrecedence: number,
  ): Expression | undefined {
    const precedence = binaryPrecedence(operator)
    if (precedence <= minPrecedence) return undefined
    const cursor = this.cursor
    cursor.advance()
    if (
      COMPARISONS.has(operator) &&
      (cursor.isKeyword('ANY') || cursor.isKeyword('SOME') || cursor.isKeyword('ALL'))
    ) {
      return cursor.unsupported(
        `quantified comparison (${operator} ${cursor.current.upper} …)`,
        'use IN or EXISTS',
      )
    }
    const right = this.parseExpression(precedence)
    return { kind: 'binary', operator, left, right, span: { start: left.span.start, end: right.span.end } }
  }

  private parseSubscript(operand: Expression): Expression {
    this.cursor.advance()
    const index = this.parseExpression()
    this.cursor.expectSymbol(']')
    return { kind: 'subscript', operand, index, span: this.cursor.spanFrom(operand.span.start) }
  }

  private parseFieldAccess(operand: Expression): Expression {
    this.cursor.advance()
    const field = this.cursor.expectIdentifier()
    return { kind: 'fieldAccess', operand, field, span: this.cursor.spanFrom(operand.span.start) }
  }

  /** `IS [NOT] NULL|TRUE|FALSE|UNKNOWN` (postfix) or `IS [NOT] DISTINCT FROM x` (a comparison). */
  private parseIs(operand: Expression, minPrecedence: number): Expression | undefined {
    const cursor = this.cursor
    const negated = cursor.isKeyword('NOT', 1)
    if (cursor.isKeyword('DISTINCT', negated ? 2 : 1)) {
      if (Precedence.Comparison <= minPrecedence) return undefined
      cursor.advance()
      if (negated) cursor.advance()
      cursor.advance()
      cursor.expectKeyword('FROM')
      const right = this.parseExpression(Precedence.Comparison)
      const operator = negated ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM'
      return {
        kind: 'binary',
        operator,
        left: operand,
        right,
        span: { start: operand.span.start, end: right.span.end },
      }
    }
    if (Precedence.Is <= minPrecedence) return undefined
    cursor.advance()
    if (negated) cursor.advance()
    cursor.noteExpected("'DISTINCT FROM'")
    const test = cursor.expectOneOf(['NULL', 'TRUE', 'FALSE', 'UNKNOWN'] as const)
    return { kind: 'is', operand, test, negated, span: cursor.spanFrom(operand.span.start) }
  }

  /** BETWEEN, IN, LIKE or SIMILAR TO after `operand` (and after NOT when `negated`). */
  private parsePredicate(operand: Expression, negated: boolean): Expression {
    const cursor = this.cursor
    const start = operand.span.start
    const keyword = cursor.advance().upper
    if (keyword === 'BETWEEN') {
      const symmetric = cursor.acceptKeyword('SYMMETRIC')
      if (!symmetric) cursor.acceptKeyword('ASYMMETRIC')
      const low = this.parseExpression(Precedence.Predicate)
      cursor.expectKeyword('AND')
      const high = this.parseExpression(Precedence.Predicate)
      return { kind: 'between', operand, low, high, negated, symmetric, span: cursor.spanFrom(start) }
    }
    if (keyword === 'IN') {
      cursor.expectSymbol('(')
      if (this.isQueryStart()) {
        const query = this.parseSubquery()
        cursor.expectSymbol(')')
        return { kind: 'inSubquery', operand, query, negated, span: cursor.spanFrom(start) }
      }
      const list = this.parseExpressionList()
      cursor.expectSymbol(')')
      return { kind: 'inList', operand, list, negated, span: cursor.spanFrom(start) }
    }
    if (keyword === 'SIMILAR') cursor.expectKeyword('TO')
    const pattern = this.parseExpression(Precedence.Predicate)
    const escapeChar = cursor.acceptKeyword('ESCAPE') ? this.parseExpression(Precedence.Predicate) : undefined
    const operator = keyword === 'LIKE' ? 'LIKE' : 'SIMILAR TO'
    return {
      kind: 'like',
      operator,
      operand,
      pattern,
      escape: escapeChar,
      negated,
      span: cursor.spanFrom(start),
    }
  }

  private parsePrefix(): Expression {
    const cursor = this.cursor
    const token = cursor.current
    const span = { start: token.start, end: token.end }
    switch (token.type) {
      case 'number':
        cursor.advance()
        return numericLiteral(token)
      case 'string':
        cursor.advance()
        return { kind: 'stringLiteral', value: token.value, span }
      case 'binaryString':
        cursor.advance()
        return { kind: 'binaryLiteral', hex: token.value, span }
      case 'quotedIdentifier':
        return this.parseNameOrCall()
      case 'word':
        return this.parseWordPrefix(token)
      case 'symbol':
        if (token.value === '(') return this.parseParenthesized()
        if (token.value === '-' || token.value === '+') {
          cursor.advance()
          const operand = this.parseExpression(Precedence.UnarySign)
          return { kind: 'unary', operator: token.value, operand, span: cursor.spanFrom(token.start) }
        }
        return cursor.fail('an expression')
      default:
        return cursor.fail('an expression')
    }
  }

  private parseWordPrefix(token: Token): Expression {
    const cursor = this.cursor
    const span = { start: token.start, end: token.end }
    const callFollows = cursor.isSymbol('(', 1)
    switch (token.upper) {
      case 'NOT': {
        cursor.advance()
        const operand = this.parseExpression(Precedence.Not)
        return { kind: 'unary', operator: 'NOT', operand, span: cursor.spanFrom(token.start) }
      }
      case 'NULL':
        cursor.advance()
        return { kind: 'nullLiteral', span }
      case 'TRUE':
      case 'FALSE':
        cursor.advance()
        return { kind: 'booleanLiteral', value: token.upper === 'TRUE', span }
      case 'CASE':
        return this.parseCase()
      case 'INTERVAL':
        return this.parseInterval()
      case 'EXISTS':
        if (callFollows) return this.parseExists()
        break
      case 'DATE':
      case 'TIME':
      case 'TIMESTAMP':
        if (cursor.peek(1).type === 'string') {
          cursor.advance()
          const value = cursor.advance().value
          return { kind: 'temporalLiteral', type: token.upper, value, span: cursor.spanFrom(token.start) }
        }
        break
      case 'ANY':
      case 'SOME':
        if (callFollows)
          return cursor.unsupported(`quantified comparison (${token.upper} …)`, 'use IN or EXISTS')
        break
      case 'ARRAY':
        if (cursor.isSymbol('[', 1)) return this.parseArrayConstructor()
        if (callFollows) return cursor.unsupported('ARRAY(subquery)')
        break
      case 'MAP':
        if (cursor.isSymbol('[', 1)) return this.parseMapConstructor()
        if (callFollows) return cursor.unsupported('MAP(subquery)')
        break
    }
    if (callFollows) {
      const special = this.parseSpecialCall(token.upper)
      if (special !== undefined) return special
    } else if (NILADIC_FUNCTIONS.has(token.upper)) {
      cursor.advance()
      return { kind: 'functionCall', name: token.value, args: [], star: false, distinct: false, span }
    }
    const callableKeyword =
      callFollows && (RESERVED_FUNCTION_NAMES.has(token.upper) || NILADIC_FUNCTIONS.has(token.upper))
    if (RESERVED_WORDS.has(token.upper) && !callableKeyword) return cursor.fail('an expression')
    return this.parseNameOrCall()
  }

  /** Calls whose syntax differs from `f(a, b)`; undefined for ordinary functions and for `f()`. */
  private parseSpecialCall(name: string): Expression | undefined {
    if (this.cursor.isSymbol(')', 2) && name !== 'ROW') return undefined
    switch (name) {
      case 'CAST':
      case 'TRY_CAST':
        return this.parseCast(name === 'TRY_CAST')
      case 'EXTRACT':
        return this.parseExtract()
      case 'TRIM':
        return this.parseTrim()
      case 'SUBSTRING':
        return this.parseKeywordArgumentsCall('FROM', Precedence.Lowest, 'FOR')
      case 'POSITION':
        return this.parseKeywordArgumentsCall('IN', Precedence.Predicate)
      case 'FLOOR':
      case 'CEIL':
      case 'CEILING':
        return this.parseFloorOrCeil()
      case 'TIMESTAMPADD':
      case 'TIMESTAMPDIFF':
        return this.parseTimestampArithmetic()
      case 'ROW':
        return this.parseRowConstructor()
      default:
        return undefined
    }
  }

  /** A name (`a`, `t.a`, `` `a b`.c ``) or, when `(` follows a single name, a function call. */
  private parseNameOrCall(): Expression {
    const cursor = this.cursor
    const first = cursor.advance()
    if (cursor.isSymbol('(')) return this.parseFunctionCall(first)
    const path = [first.value]
    while (cursor.isSymbol('.') && cursor.isIdentifier(1)) {
      cursor.advance()
      path.push(cursor.advance().value)
    }
    if (cursor.isSymbol('(')) {
      return cursor.unsupported(
        `qualified function name '${path.join('.')}'`,
        'register the function and call it by name',
      )
    }
    return { kind: 'columnRef', path, span: cursor.spanFrom(first.start) }
  }

  private parseFunctionCall(nameToken: Token): Expression {
    const cursor = this.cursor
    cursor.expectSymbol('(')
    let star = false
    let distinct = false
    let args: Expression[] = []
    // `*`, DISTINCT and ALL are tested without recording them, so `f(FROM` reports
    // "expected ')' or an expression" rather than every rarely meant alternative.
    if (cursor.isSymbol('*')) {
      cursor.advance()
      star = true
      cursor.expectSymbol(')')
    } else if (!cursor.acceptSymbol(')')) {
      distinct = cursor.isKeyword('DISTINCT')
      if (distinct || cursor.isKeyword('ALL')) cursor.advance()
      args = this.parseCallArguments(nameToken.upper)
      cursor.expectSymbol(')')
    }
    const call: FunctionCall = {
      kind: 'functionCall',
      name: nameToken.value,
      args,
      star,
      distinct,
      span: cursor.spanFrom(nameToken.start),
    }
    return this.parseCallSuffix(call)
  }

  private parseCallArguments(upperName: string): Expression[] {
    const cursor = this.cursor
    const args: Expression[] = []
    do {
      if (cursor.isIdentifier() && cursor.isSymbol('=>', 1)) {
        cursor.unsupported('a named argument in a function call', 'pass the arguments by position')
      }
      args.push(this.parseExpression())
      if (cursor.isKeyword('ORDER')) cursor.unsupported(`ORDER BY inside ${upperName}(…)`)
      if (KEYWORD_ARGUMENT_FUNCTIONS.has(upperName) && !cursor.isSymbol(',') && !cursor.isSymbol(')')) {
        cursor.unsupported(`the keyword syntax of ${upperName}(…)`)
      }
    } while (cursor.acceptSymbol(','))
    return args
  }

  /** `FILTER (WHERE …)` and `OVER …` after a call. */
  private parseCallSuffix(call: FunctionCall): FunctionCall {
    const cursor = this.cursor
    if (cursor.isKeyword('WITHIN') && cursor.isKeyword('GROUP', 1))
      cursor.unsupported('WITHIN GROUP (ORDER BY …)')
    if ((cursor.isKeyword('IGNORE') || cursor.isKeyword('RESPECT')) && cursor.isKeyword('NULLS', 1)) {
      cursor.unsupported(`${cursor.current.upper} NULLS`)
    }
    let filter: Expression | undefined
    if (cursor.acceptKeyword('FILTER')) {
      cursor.expectSymbol('(')
      cursor.expectKeyword('WHERE')
      filter = this.parseExpression()
      cursor.expectSymbol(')')
    }
    let over: WindowDefinition | undefined
    if (cursor.acceptKeyword('OVER')) {
      if (cursor.isSymbol('(')) {
        over = this.parseWindowDefinition()
      } else {
        const start = cursor.current.start
        const baseWindow = cursor.expectIdentifier()
        over = {
          kind: 'windowDefinition',
          baseWindow,
          partitionBy: [],
          orderBy: [],
          span: cursor.spanFrom(start),
        }
      }
    }
    if (filter === undefined && over === undefined) return call
    return { ...call, filter, over, span: cursor.spanFrom(call.span.start) }
  }

  private parseWindowFrame(): WindowFrame | undefined {
    const cursor = this.cursor
    if (cursor.isKeyword('GROUPS')) return cursor.unsupported('window frame unit GROUPS', 'use ROWS or RANGE')
    const unit = cursor.acceptOneOf(['ROWS', 'RANGE'] as const)
    if (unit === undefined) return undefined
    let start: FrameBound
    let end: FrameBound
    if (cursor.acceptKeyword('BETWEEN')) {
      start = this.parseFrameBound()
      cursor.expectKeyword('AND')
      end = this.parseFrameBound()
    } else {
      start = this.parseFrameBound()
      end = { type: 'CURRENT ROW' }
    }
    if (cursor.isKeyword('EXCLUDE')) cursor.unsupported('EXCLUDE in a window frame')
    return { unit, start, end }
  }

  private parseFrameBound(): FrameBound {
    const cursor = this.cursor
    if (cursor.acceptKeyword('UNBOUNDED')) {
      const side = cursor.expectOneOf(['PRECEDING', 'FOLLOWING'] as const)
      return { type: side === 'PRECEDING' ? 'UNBOUNDED PRECEDING' : 'UNBOUNDED FOLLOWING' }
    }
    if (cursor.acceptKeywords('CURRENT', 'ROW')) return { type: 'CURRENT ROW' }
    const offset = this.parseExpression()
    return { type: cursor.expectOneOf(['PRECEDING', 'FOLLOWING'] as const), offset }
  }

  /** `(subquery)`, `(expr)` or the implicit row `(a, b)`. */
  private parseParenthesized(): Expression {
    const cursor = this.cursor
    const open = cursor.advance()
    if (this.isQueryStart()) {
      const query = this.parseSubquery()
      cursor.expectSymbol(')')
      return { kind: 'scalarSubquery', query, span: cursor.spanFrom(open.start) }
    }
    const first = this.parseExpression()
    if (cursor.acceptSymbol(',')) {
      const fields = [first, ...this.parseExpressionList()]
      cursor.expectSymbol(')')
      return { kind: 'rowConstructor', fields, span: cursor.spanFrom(open.start) }
    }
    cursor.expectSymbol(')')
    return first
  }

  private parseExists(): Expression {
    const cursor = this.cursor
    const start = cursor.advance().start
    cursor.expectSymbol('(')
    const query = this.parseSubquery()
    cursor.expectSymbol(')')
    return { kind: 'exists', query, span: cursor.spanFrom(start) }
  }

  private parseCase(): Expression {
    const cursor = this.cursor
    const start = cursor.advance().start
    const operand = cursor.isKeyword('WHEN') ? undefined : this.parseExpression()
    const whens = []
    while (cursor.acceptKeyword('WHEN')) {
      const condition = this.parseExpression()
      if (operand !== undefined && cursor.isSymbol(',')) {
        cursor.unsupported('a WHEN with several values in a simple CASE', 'write one WHEN per value')
      }
      cursor.expectKeyword('THEN')
      whens.push({ condition, result: this.parseExpression() })
    }
    if (whens.length === 0) return cursor.fail()
    const otherwise = cursor.acceptKeyword('ELSE') ? this.parseExpression() : undefined
    cursor.expectKeyword('END')
    return { kind: 'case', operand, whens, otherwise, span: cursor.spanFrom(start) }
  }

  private parseCast(safe: boolean): Expression {
    const cursor = this.cursor
    const start = cursor.advance().start
    cursor.expectSymbol('(')
    const operand = this.parseExpression()
    cursor.expectKeyword('AS')
    const type = parseDataType(cursor)
    cursor.expectSymbol(')')
    return { kind: 'cast', operand, type, safe, span: cursor.spanFrom(start) }
  }

  private parseExtract(): Expression {
    const cursor = this.cursor
    const start = cursor.advance().start
    cursor.expectSymbol('(')
    const unit = this.parseTimeUnit(EXTRACT_UNITS).unit
    cursor.expectKeyword('FROM')
    const operand = this.parseExpression()
    cursor.expectSymbol(')')
    return { kind: 'extract', unit, operand, span: cursor.spanFrom(start) }
  }

  /** `TRIM([BOTH|LEADING|TRAILING] [characters] FROM s)` or `TRIM(s)`. */
  private parseTrim(): Expression {
    const cursor = this.cursor
    const start = cursor.advance().start
    cursor.expectSymbol('(')
    const side = cursor.acceptOneOf(['BOTH', 'LEADING', 'TRAILING'] as const)
    let characters: Expression | undefined
    let operand: Expression
    if (side !== undefined && cursor.acceptKeyword('FROM')) {
      operand = this.parseExpression()
    } else {
      const first = this.parseExpression()
      if (side !== undefined) cursor.expectKeyword('FROM')
      if (side !== undefined || cursor.acceptKeyword('FROM')) {
        characters = first
        operand = this.parseExpression()
      } else {
        operand = first
      }
    }
    cursor.expectSymbol(')')
    return { kind: 'trim', side: side ?? 'BOTH', characters, operand, span: cursor.spanFrom(start) }
  }

  /**
   * `SUBSTRING(s FROM a [FOR b])` and `POSITION(a IN b)`, normalised to plain calls. The first
   * argument binds tighter than `firstPrecedence` so `IN` is not read as the IN predicate.
   */
  private parseKeywordArgumentsCall(
    separator: string,
    firstPrecedence: number,
    lastSeparator?: string,
  ): Expression {
    const cursor = this.cursor
    const nameToken = cursor.advance()
    cursor.expectSymbol('(')
    const first = this.parseExpression(firstPrecedence)
    const args = [first]
    if (cursor.acceptKeyword(separator)) {
      args.push(this.parseExpression())
      if (lastSeparator !== undefined && cursor.acceptKeyword(lastSeparator))
        args.push(this.parseExpression())
    } else {
      args[0] = this.continueExpression(first, Precedence.Lowest)
      while (cursor.acceptSymbol(',')) args.push(this.parseExpression())
    }
    cursor.expectSymbol(')')
    return plainCall(nameToken, args, cursor.previous.end)
  }

  /** `FLOOR(x)`, or `FLOOR(ts TO HOUR)` with the unit as a `timeUnit` argument. */
  private parseFloorOrCeil(): Expression {
    const cursor = this.cursor
    const nameToken = cursor.advance()
    cursor.expectSymbol('(')
    const args = [this.parseExpression()]
    if (cursor.acceptKeyword('TO')) {
      args.push(this.parseTimeUnit(DATETIME_STEP_UNITS))
    } else {
      while (cursor.acceptSymbol(',')) args.push(this.parseExpression())
    }
    cursor.expectSymbol(')')
    return plainCall(nameToken, args, cursor.previous.end)
  }

  /** `TIMESTAMPADD(MINUTE, 5, ts)` and `TIMESTAMPDIFF(DAY, a, b)`: the first argument is a unit. */
  private parseTimestampArithmetic(): Expression {
    const cursor = this.cursor
    const nameToken = cursor.advance()
    cursor.expectSymbol('(')
    const args: Expression[] = [this.parseTimeUnit(DATETIME_STEP_UNITS)]
    while (cursor.acceptSymbol(',')) args.push(this.parseExpression())
    cursor.expectSymbol(')')
    return plainCall(nameToken, args, cursor.previous.end)
  }

  private parseTimeUnit(allowed: readonly TimeUnit[]): TimeUnitArg {
    const cursor = this.cursor
    const token = cursor.current
    const unit = allowed.find((candidate) => token.type === 'word' && token.upper === candidate)
    if (unit === undefined) return cursor.fail('a time unit')
    cursor.advance()
    return { kind: 'timeUnit', unit, span: { start: token.start, end: token.end } }
  }

  private parseRowConstructor(): Expression {
    const cursor = this.cursor
    const start = cursor.advance().start
    cursor.expectSymbol('(')
    const fields = cursor.isSymbol(')') ? [] : this.parseExpressionList()
    cursor.expectSymbol(')')
    return { kind: 'rowConstructor', fields, span: cursor.spanFrom(start) }
  }

  private parseArrayConstructor(): Expression {
    const cursor = this.cursor
    const start = cursor.advance().start
    cursor.expectSymbol('[')
    const elements = this.parseExpressionList()
    cursor.expectSymbol(']')
    return { kind: 'arrayConstructor', elements, span: cursor.spanFrom(start) }
  }

  private parseMapConstructor(): Expression {
    const cursor = this.cursor
    const start = cursor.advance().start
    cursor.expectSymbol('[')
    const entries = []
    do {
      const key = this.parseExpression()
      cursor.expectSymbol(',')
      entries.push({ key, value: this.parseExpression() })
    } while (cursor.acceptSymbol(','))
    cursor.expectSymbol(']')
    return { kind: 'mapConstructor', entries, span: cursor.spanFrom(start) }
  }

  /** `INTERVAL [-]'value' qualifier` */
  private parseInterval(): Expression {
    const cursor = this.cursor
    const start = cursor.advance().start
    const negative = cursor.acceptSymbol('-')
    if (!negative) cursor.acceptSymbol('+')
    if (cursor.current.type === 'number') {
      cursor.invalid(
        'an INTERVAL value must be a quoted string',
        cursor.current.start,
        "write INTERVAL '5' MINUTE",
      )
    }
    const value = cursor.expectString()
    const qualifier = this.parseIntervalQualifier()
    return { kind: 'intervalLiteral', value, negative, qualifier, span: cursor.spanFrom(start) }
  }

  private parseIntervalQualifier(): IntervalQualifier {
    const cursor = this.cursor
    const start = this.parseIntervalUnit()
    let startPrecision: number | undefined
    let fractionalPrecision: number | undefined
    if (cursor.acceptSymbol('(')) {
      startPrecision = cursor.expectUnsignedInteger()
      if (start === 'SECOND' && cursor.acceptSymbol(',')) fractionalPrecision = cursor.expectUnsignedInteger()
      cursor.expectSymbol(')')
    }
    if (!cursor.isKeyword('TO')) return { start, startPrecision, fractionalPrecision }
    const to = cursor.advance()
    const end = this.parseIntervalUnit()
    if (!INTERVAL_RANGES.has(`${start} TO ${end}`)) {
      cursor.invalid(`INTERVAL ${start} TO ${end} is not a valid interval qualifier`, to.start)
    }
    if (end === 'SECOND' && cursor.acceptSymbol('(')) {
      fractionalPrecision = cursor.expectUnsignedInteger()
      cursor.expectSymbol(')')
    }
    return { start, startPrecision, end, fractionalPrecision }
  }

  private parseIntervalUnit(): IntervalUnit {
    const cursor = this.cursor
    const token = cursor.current
    const unit = token.type === 'word' ? INTERVAL_UNITS.get(token.upper) : undefined
    if (unit !== undefined) {
      cursor.advance()
      return unit
    }
    if (token.type === 'word' && (token.upper === 'WEEK' || token.upper === 'QUARTER')) {
      return cursor.unsupported(`INTERVAL … ${token.upper}`, `write it in days or months`)
    }
    return cursor.fail('an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)')
  }
}

function plainCall(nameToken: Token, args: Expression[], end: SourcePosition): FunctionCall {
  return {
    kind: 'functionCall',
    name: nameToken.value,
    args,
    star: false,
    distinct: false,
    span: { start: nameToken.start, end },
  }
}
