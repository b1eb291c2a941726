import type {
  ColumnDefinition,
  CreateTableStatement,
  DataTypeSpec,
  Expression,
  FrameBound,
  FunctionCall,
  InsertStatement,
  IntervalQualifier,
  ObjectName,
  OptionsHint,
  Query,
  QueryBody,
  Select,
  SelectItem,
  SqlNode,
  Statement,
  TableAlias,
  TableOption,
  TableRef,
  WindowDefinition,
  WindowTvfRef,
} from './ast.ts'
import {
  FLINK_RESERVED_WORDS,
  NILADIC_FUNCTIONS,
  RESERVED_FUNCTION_NAMES,
  RESERVED_WORDS,
} from './keywords.ts'
import { Precedence, precedenceOf } from './precedence.ts'

/**
 * Prints a node as Flink SQL that parses back to the same tree (spans aside). Identifiers are
 * backquoted when Flink would not accept them bare; parentheses appear only where precedence needs them.
 */
export function toSql(node: SqlNode): string {
  switch (node.kind) {
    case 'query':
      return printQuery(node, '')
    case 'select':
    case 'setOperation':
    case 'values':
      return printQueryBody(node, '')
    case 'insert':
    case 'statementSet':
    case 'createTable':
    case 'createView':
    case 'createFunction':
    case 'drop':
    case 'set':
    case 'reset':
    case 'explain':
      return printStatement(node)
    case 'tableName':
    case 'derivedTable':
    case 'tableFunction':
    case 'windowTvf':
    case 'unnest':
    case 'join':
      return printTableRef(node, '')
    case 'scalarType':
    case 'arrayType':
    case 'multisetType':
    case 'mapType':
    case 'rowType':
      return printType(node)
    default:
      return printExpression(node)
  }
}

/** Prints statements as a script, each followed by `;` and a line break. */
export function toSqlScript(statements: readonly Statement[]): string {
  return statements.map((statement) => `${toSql(statement)};\n`).join('')
}

const SIMPLE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/

export function quoteIdentifier(name: string): string {
  const upper = name.toUpperCase()
  if (SIMPLE_IDENTIFIER.test(name) && !FLINK_RESERVED_WORDS.has(upper) && !RESERVED_WORDS.has(upper))
    return name
  return `\`${name.replaceAll('`', '``')}\``
}

function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

function printName(name: ObjectName | readonly string[]): string {
  const path = 'path' in name ? name.path : name
  return path.map(quoteIdentifier).join('.')
}

function printNameList(names: readonly string[]): string {
  return `(${names.map(quoteIdentifier).join(', ')})`
}

// ─── Statements ──────────────────────────────────────────────────────────────────────────────────

function printStatement(statement: Exclude<Statement, Query>): string {
  switch (statement.kind) {
    case 'insert':
      return printInsert(statement)
    case 'statementSet':
      return `EXECUTE ${printStatementSetBlock(statement.inserts)}`
    case 'createTable':
      return printCreateTable(statement)
    case 'createView': {
      const columns = statement.columns === undefined ? '' : ` ${printNameList(statement.columns)}`
      const comment = statement.comment === undefined ? '' : ` COMMENT ${quoteString(statement.comment)}`
      return `CREATE ${statement.temporary ? 'TEMPORARY ' : ''}VIEW ${ifNotExists(statement.ifNotExists)}${printName(
        statement.name,
      )}${columns}${comment} AS\n${printQuery(statement.query, '')}`
    }
    case 'createFunction': {
      const scope = statement.system ? 'TEMPORARY SYSTEM ' : statement.temporary ? 'TEMPORARY ' : ''
      const language = statement.language === undefined ? '' : ` LANGUAGE ${statement.language}`
      return `CREATE ${scope}FUNCTION ${ifNotExists(statement.ifNotExists)}${printName(statement.name)} AS ${quoteString(
        statement.implementation,
      )}${language}`
    }
    case 'drop': {
      const scope = statement.system ? 'TEMPORARY SYSTEM ' : statement.temporary ? 'TEMPORARY ' : ''
      const ifExists = statement.ifExists ? 'IF EXISTS ' : ''
      return `DROP ${scope}${statement.objectType} ${ifExists}${printName(statement.name)}`
    }
    case 'set':
      return statement.key === undefined
        ? 'SET'
        : `SET ${quoteString(statement.key)} = ${quoteString(statement.value ?? '')}`
    case 'reset':
      return statement.key === undefined ? 'RESET' : `RESET ${quoteString(statement.key)}`
    case 'explain': {
      const details = statement.details.length === 0 ? '' : ` ${statement.details.join(', ')}`
      const inner = statement.statement
      const body =
        inner.kind === 'statementSet'
          ? printStatementSetBlock(inner.inserts)
          : inner.kind === 'insert'
            ? printInsert(inner)
            : printQuery(inner, '')
      return `EXPLAIN${details}\n${body}`
    }
  }
}

function ifNotExists(flag: boolean): string {
  return flag ? 'IF NOT EXISTS ' : ''
}

function printStatementSetBlock(inserts: readonly InsertStatement[]): string {
  const body = inserts.map((insert) => `${printInsert(insert)};\n`).join('')
  return `STATEMENT SET\nBEGIN\n${body}END`
}

function printInsert(insert: InsertStatement): string {
  const parts = [`INSERT ${insert.overwrite ? 'OVERWRITE' : 'INTO'} ${printName(insert.target)}`]
  parts.push(...insert.hints.map(printHint))
  if (insert.partition.length > 0) {
    const values = insert.partition.map((p) => `${quoteIdentifier(p.column)} = ${printExpression(p.value)}`)
    parts.push(`PARTITION (${values.join(', ')})`)
  }
  if (insert.columns !== undefined) parts.push(printNameList(insert.columns))
  return `${parts.join(' ')}\n${printQuery(insert.source, '')}`
}

function printCreateTable(statement: CreateTableStatement): string {
  const head = `CREATE ${statement.temporary ? 'TEMPORARY ' : ''}TABLE ${ifNotExists(statement.ifNotExists)}${printName(
    statement.name,
  )}`
  const elements = statement.columns.map(printColumn)
  if (statement.watermark !== undefined) {
    const { column, strategy } = statement.watermark
    elements.push(`WATERMARK FOR ${quoteIdentifier(column)} AS ${printExpression(strategy)}`)
  }
  if (statement.primaryKey !== undefined) {
    const { constraintName, columns } = statement.primaryKey
    const constraint = constraintName === undefined ? '' : `CONSTRAINT ${quoteIdentifier(constraintName)} `
    elements.push(`${constraint}PRIMARY KEY ${printNameList(columns)} NOT ENFORCED`)
  }
  const lines = [elements.length === 0 ? head : `${head} (\n  ${elements.join(',\n  ')}\n)`]
  if (statement.comment !== undefined) lines.push(`COMMENT ${quoteString(statement.comment)}`)
  if (statement.partitionedBy.length > 0)
    lines.push(`PARTITIONED BY ${printNameList(statement.partitionedBy)}`)
  if (statement.options.length > 0)
    lines.push(`WITH (\n  ${statement.options.map(printOption).join(',\n  ')}\n)`)
  if (statement.like !== undefined) {
    const options = statement.like.options.map((option) => `${option.strategy} ${option.feature}`)
    const suffix = options.length === 0 ? '' : ` (${options.join(' ')})`
    lines.push(`LIKE ${printName(statement.like.source)}${suffix}`)
  }
  return lines.join('\n')
}

function printColumn(column: ColumnDefinition): string {
  const comment = column.comment === undefined ? '' : ` COMMENT ${quoteString(column.comment)}`
  const name = quoteIdentifier(column.name)
  switch (column.kind) {
    case 'physicalColumn':
      return `${name} ${printType(column.type)}${comment}`
    case 'computedColumn':
      return `${name} AS ${printExpression(column.expr)}${comment}`
    case 'metadataColumn': {
      const key = column.key === undefined ? '' : ` FROM ${quoteString(column.key)}`
      return `${name} ${printType(column.type)} METADATA${key}${column.virtual ? ' VIRTUAL' : ''}${comment}`
    }
  }
}

function printOption(option: TableOption): string {
  return `${quoteString(option.key)} = ${quoteString(option.value)}`
}

function printHint(hint: OptionsHint): string {
  return `/*+ OPTIONS(${hint.options.map(printOption).join(', ')}) */`
}

// ─── Queries ─────────────────────────────────────────────────────────────────────────────────────

function printQuery(query: Query, indent: string): string {
  const clauses: string[] = []
  if (query.with.length > 0) {
    const inner = `${indent}  `
    const ctes = query.with.map((cte) => {
      const columns = cte.columns === undefined ? '' : ` ${printNameList(cte.columns)}`
      return `${quoteIdentifier(cte.name)}${columns} AS (\n${inner}${printQuery(cte.query, inner)}\n${indent})`
    })
    clauses.push(`WITH ${ctes.join(`,\n${indent}`)}`)
  }
  clauses.push(printQueryBody(query.body, indent))
  if (query.orderBy.length > 0) clauses.push(`ORDER BY ${query.orderBy.map(printOrderItem).join(', ')}`)
  if (query.limit !== undefined) clauses.push(`LIMIT ${query.limit.text}`)
  if (query.offset !== undefined) clauses.push(`OFFSET ${query.offset.text}`)
  return clauses.join(`\n${indent}`)
}

function printQueryBody(body: QueryBody, indent: string): string {
  switch (body.kind) {
    case 'query':
      return `(${printQuery(body, `${indent}  `)})`
    case 'select':
      return printSelect(body, indent)
    case 'values':
      return `VALUES ${body.rows.map((row) => `(${row.map(printExpression).join(', ')})`).join(', ')}`
    case 'setOperation': {
      const precedence = body.operator === 'INTERSECT' ? 2 : 1
      const operand = (side: QueryBody, needsParentheses: (inner: number) => boolean): string => {
        const text = printQueryBody(side, indent)
        if (side.kind !== 'setOperation') return text
        return needsParentheses(side.operator === 'INTERSECT' ? 2 : 1) ? `(${text})` : text
      }
      const left = operand(body.left, (inner) => inner < precedence)
      const right = operand(body.right, (inner) => inner <= precedence)
      return `${left}\n${indent}${body.operator}${body.all ? ' ALL' : ''}\n${indent}${right}`
    }
  }
}

/** Select lists longer than this are printed one item per line. */
const SELECT_LINE_WIDTH = 100

function printSelect(select: Select, indent: string): string {
  const items = select.items.map(printSelectItem)
  const oneLine = items.join(', ')
  const list =
    oneLine.length <= SELECT_LINE_WIDTH ? ` ${oneLine}` : `\n${indent}  ${items.join(`,\n${indent}  `)}`
  const clauses = [`SELECT${select.distinct ? ' DISTINCT' : ''}${list}`]
  if (select.from !== undefined) clauses.push(`FROM ${printTableRef(select.from, indent)}`)
  if (select.where !== undefined) clauses.push(`WHERE ${printExpression(select.where)}`)
  if (select.groupBy.length > 0)
    clauses.push(`GROUP BY ${select.groupBy.map(printGroupingElement).join(', ')}`)
  if (select.having !== undefined) clauses.push(`HAVING ${printExpression(select.having)}`)
  if (select.windows.length > 0) {
    const windows = select.windows.map(
      (w) => `${quoteIdentifier(w.name)} AS ${printWindowDefinition(w.definition)}`,
    )
    clauses.push(`WINDOW ${windows.join(', ')}`)
  }
  return clauses.join(`\n${indent}`)
}

function printSelectItem(item: SelectItem): string {
  if (item.kind === 'selectWildcard') {
    return item.qualifier === undefined ? '*' : `${printName(item.qualifier)}.*`
  }
  const expr = printExpression(item.expr)
  return item.alias === undefined ? expr : `${expr} AS ${quoteIdentifier(item.alias)}`
}

function printGroupingElement(element: Select['groupBy'][number]): string {
  switch (element.kind) {
    case 'groupingTuple':
      return `(${element.exprs.map(printExpression).join(', ')})`
    case 'groupingSets':
      return `GROUPING SETS (${element.elements.map(printGroupingElement).join(', ')})`
    case 'rollup':
    case 'cube':
      return `${element.kind.toUpperCase()}(${element.elements.map(printGroupingElement).join(', ')})`
    default:
      return printExpression(element)
  }
}

function printOrderItem(item: Query['orderBy'][number]): string {
  const direction = item.direction === undefined ? '' : ` ${item.direction}`
  const nulls = item.nulls === undefined ? '' : ` NULLS ${item.nulls}`
  return `${printExpression(item.expr)}${direction}${nulls}`
}

// ─── FROM clause ─────────────────────────────────────────────────────────────────────────────────

function printTableRef(table: TableRef, indent: string): string {
  switch (table.kind) {
    case 'tableName': {
      const parts = [printName(table.name), ...table.hints.map(printHint)]
      if (table.systemTime !== undefined)
        parts.push(`FOR SYSTEM_TIME AS OF ${printExpression(table.systemTime)}`)
      return parts.join(' ') + printAlias(table.alias)
    }
    case 'derivedTable':
      return `(${printQuery(table.query, `${indent}  `)})${printAlias(table.alias)}`
    case 'tableFunction':
      return `${table.lateral ? 'LATERAL ' : ''}TABLE(${printExpression(table.call)})${printAlias(table.alias)}`
    case 'windowTvf':
      return `TABLE(${printWindowTvf(table, indent)})${printAlias(table.alias)}`
    case 'unnest': {
      const ordinality = table.withOrdinality ? ' WITH ORDINALITY' : ''
      return `UNNEST(${table.args.map(printExpression).join(', ')})${ordinality}${printAlias(table.alias)}`
    }
    case 'join': {
      const left = printTableRef(table.left, indent)
      const rightText = printTableRef(table.right, indent)
      const right = table.right.kind === 'join' ? `(${rightText})` : rightText
      if (table.joinType === 'COMMA') return `${left},\n${indent}  ${right}`
      const keyword = table.joinType === 'INNER' ? 'JOIN' : `${table.joinType} JOIN`
      const condition =
        table.on !== undefined
          ? ` ON ${printExpression(table.on)}`
          : table.using !== undefined
            ? ` USING ${printNameList(table.using)}`
            : ''
      return `${left}\n${indent}${keyword} ${right}${condition}`
    }
  }
}

function printAlias(alias: TableAlias | undefined): string {
  if (alias === undefined) return ''
  const columns = alias.columns === undefined ? '' : ` ${printNameList(alias.columns)}`
  return ` AS ${quoteIdentifier(alias.name)}${columns}`
}

function printWindowTvf(tvf: WindowTvfRef, indent: string): string {
  const input =
    tvf.input.kind === 'tableName' ? `TABLE ${printName(tvf.input.name)}` : printTableRef(tvf.input, indent)
  const partition =
    tvf.partitionBy.length > 0 ? ` PARTITION BY (${tvf.partitionBy.map(printExpression).join(', ')})` : ''
  const args = [`${input}${partition}`, `DESCRIPTOR(${printExpression(tvf.timeColumn)})`]
  const window = tvf.window
  switch (window.type) {
    case 'TUMBLE':
      args.push(printExpression(window.size))
      break
    case 'HOP':
      args.push(printExpression(window.slide), printExpression(window.size))
      break
    case 'CUMULATE':
      args.push(printExpression(window.step), printExpression(window.maxSize))
      break
    case 'SESSION':
      args.push(printExpression(window.gap))
      break
  }
  if (window.type !== 'SESSION' && window.offset !== undefined) args.push(printExpression(window.offset))
  return `${window.type}(${args.join(', ')})`
}

// ─── Expressions ─────────────────────────────────────────────────────────────────────────────────

/** Parenthesises `child` if it binds looser than its left-hand position under an operator of `precedence`. */
function leftOperand(child: Expression, precedence: number): string {
  const text = printExpression(child)
  return precedenceOf(child) < precedence ? `(${text})` : text
}

/** Right-hand operands are parsed with the operator's own precedence, so equal precedence needs parentheses. */
function rightOperand(child: Expression, precedence: number): string {
  const text = printExpression(child)
  return precedenceOf(child) <= precedence ? `(${text})` : text
}

function printExpression(expr: Expression): string {
  switch (expr.kind) {
    case 'columnRef':
      return printName(expr.path)
    case 'numericLiteral':
      return expr.text
    case 'stringLiteral':
      return quoteString(expr.value)
    case 'binaryLiteral':
      return `X'${expr.hex}'`
    case 'booleanLiteral':
      return expr.value ? 'TRUE' : 'FALSE'
    case 'nullLiteral':
      return 'NULL'
    case 'temporalLiteral':
      return `${expr.type} ${quoteString(expr.value)}`
    case 'intervalLiteral':
      return `INTERVAL ${expr.negative ? '-' : ''}${quoteString(expr.value)} ${printIntervalQualifier(expr.qualifier)}`
    case 'timeUnit':
      return expr.unit
    case 'unary': {
      if (expr.operator === 'NOT') return `NOT ${leftOperand(expr.operand, Precedence.Not)}`
      const operand = leftOperand(expr.operand, Precedence.UnarySign)
      // `- -x` must not become the comment `--x`.
      return operand.startsWith('-') || operand.startsWith('+')
        ? `${expr.operator} ${operand}`
        : expr.operator + operand
    }
    case 'binary': {
      const precedence = precedenceOf(expr)
      return `${leftOperand(expr.left, precedence)} ${expr.operator} ${rightOperand(expr.right, precedence)}`
    }
    case 'is':
      return `${leftOperand(expr.operand, Precedence.Is)} IS ${expr.negated ? 'NOT ' : ''}${expr.test}`
    case 'between': {
      const operand = leftOperand(expr.operand, Precedence.Predicate)
      const symmetric = expr.symmetric ? 'SYMMETRIC ' : ''
      const low = rightOperand(expr.low, Precedence.Predicate)
      const high = rightOperand(expr.high, Precedence.Predicate)
      return `${operand} ${not(expr.negated)}BETWEEN ${symmetric}${low} AND ${high}`
    }
    case 'like': {
      const operand = leftOperand(expr.operand, Precedence.Predicate)
      const pattern = rightOperand(expr.pattern, Precedence.Predicate)
      const escapeClause =
        expr.escape === undefined ? '' : ` ESCAPE ${rightOperand(expr.escape, Precedence.Predicate)}`
      return `${operand} ${not(expr.negated)}${expr.operator} ${pattern}${escapeClause}`
    }
    case 'inList': {
      const list = expr.list.map(printExpression).join(', ')
      return `${leftOperand(expr.operand, Precedence.Predicate)} ${not(expr.negated)}IN (${list})`
    }
    case 'inSubquery':
      return `${leftOperand(expr.operand, Precedence.Predicate)} ${not(expr.negated)}IN (${printQuery(expr.query, '  ')})`
    case 'exists':
      return `EXISTS (${printQuery(expr.query, '  ')})`
    case 'scalarSubquery':
      return `(${printQuery(expr.query, '  ')})`
    case 'case': {
      const operand = expr.operand === undefined ? '' : ` ${printExpression(expr.operand)}`
      const whens = expr.whens.map(
        (w) => ` WHEN ${printExpression(w.condition)} THEN ${printExpression(w.result)}`,
      )
      const otherwise = expr.otherwise === undefined ? '' : ` ELSE ${printExpression(expr.otherwise)}`
      return `CASE${operand}${whens.join('')}${otherwise} END`
    }
    case 'cast':
      return `${expr.safe ? 'TRY_CAST' : 'CAST'}(${printExpression(expr.operand)} AS ${printType(expr.type)})`
    case 'extract':
      return `EXTRACT(${expr.unit} FROM ${printExpression(expr.operand)})`
    case 'trim': {
      const characters = expr.characters === undefined ? '' : `${printExpression(expr.characters)} `
      return `TRIM(${expr.side} ${characters}FROM ${printExpression(expr.operand)})`
    }
    case 'functionCall':
      return printCall(expr)
    case 'fieldAccess':
      return `${postfixOperand(expr.operand)}.${quoteIdentifier(expr.field)}`
    case 'subscript':
      return `${postfixOperand(expr.operand)}[${printExpression(expr.index)}]`
    case 'rowConstructor':
      return `ROW(${expr.fields.map(printExpression).join(', ')})`
    case 'arrayConstructor':
      return `ARRAY[${expr.elements.map(printExpression).join(', ')}]`
    case 'mapConstructor':
      return `MAP[${expr.entries.map((e) => `${printExpression(e.key)}, ${printExpression(e.value)}`).join(', ')}]`
  }
}

function not(negated: boolean): string {
  return negated ? 'NOT ' : ''
}

/**
 * A plain name before `.field` is parenthesised, or it would merge into the name (`(r).f`, not
 * `r.f`); so is a number, or `1.f` would lex as the number `1.`.
 */
function postfixOperand(operand: Expression): string {
  const text = printExpression(operand)
  const merges = operand.kind === 'columnRef' || operand.kind === 'numericLiteral'
  return merges || precedenceOf(operand) < Precedence.Postfix ? `(${text})` : text
}

function printIntervalQualifier(qualifier: IntervalQualifier): string {
  const { start, startPrecision, end, fractionalPrecision } = qualifier
  let text: string = start
  if (startPrecision !== undefined) {
    const fraction = end === undefined && fractionalPrecision !== undefined ? `, ${fractionalPrecision}` : ''
    text += `(${startPrecision}${fraction})`
  }
  if (end !== undefined) {
    text += ` TO ${end}`
    if (fractionalPrecision !== undefined) text += `(${fractionalPrecision})`
  }
  return text
}

/** Names the parser reads as syntax rather than a call, so a call by that name must be quoted. */
const SYNTAX_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'CAST',
  'TRY_CAST',
  'EXTRACT',
  'TRIM',
  'ROW',
  'EXISTS',
])

/** Calls the parser reads through a special path that takes plain arguments only (no DISTINCT, FILTER, OVER). */
const KEYWORD_ARGUMENT_CALLS: ReadonlySet<string> = new Set([
  'SUBSTRING',
  'POSITION',
  'FLOOR',
  'CEIL',
  'CEILING',
  'TIMESTAMPADD',
  'TIMESTAMPDIFF',
])

/**
 * The name of a call printed as `name(args)`. It is backquoted when the bare name would send the
 * parser down a special-syntax path that reads these arguments differently.
 */
function printFunctionName(call: FunctionCall, plain: boolean): string {
  const name = call.name
  const upper = name.toUpperCase()
  const bare =
    SIMPLE_IDENTIFIER.test(name) &&
    !SYNTAX_FUNCTION_NAMES.has(upper) &&
    (!KEYWORD_ARGUMENT_CALLS.has(upper) || (plain && readsBackAsCommaCall(upper, call))) &&
    (!RESERVED_WORDS.has(upper) || RESERVED_FUNCTION_NAMES.has(upper) || NILADIC_FUNCTIONS.has(upper))
  return bare ? name : `\`${name.replaceAll('`', '``')}\``
}

function readsBackAsCommaCall(upper: string, call: FunctionCall): boolean {
  switch (upper) {
    // Only a malformed POSITION gets here (the two-argument form prints as `a IN b`), and its
    // first argument could end in an IN that the parser would take for the separator.
    case 'POSITION':
      return false
    case 'TIMESTAMPADD':
    case 'TIMESTAMPDIFF':
      return call.args[0]?.kind === 'timeUnit'
    default:
      return true
  }
}

function printCall(call: FunctionCall): string {
  const upper = call.name.toUpperCase()
  const args = call.args
  const plain = !call.star && !call.distinct && call.filter === undefined && call.over === undefined
  if (plain && args.length === 0 && NILADIC_FUNCTIONS.has(upper)) return call.name
  const [first, second, third] = args
  if (plain && upper === 'SUBSTRING' && first !== undefined && second !== undefined && args.length <= 3) {
    const length = third === undefined ? '' : ` FOR ${printExpression(third)}`
    return `${call.name}(${printExpression(first)} FROM ${printExpression(second)}${length})`
  }
  if (plain && upper === 'POSITION' && first !== undefined && second !== undefined && args.length === 2) {
    return `${call.name}(${rightOperand(first, Precedence.Predicate)} IN ${printExpression(second)})`
  }
  const isFloorOrCeil = upper === 'FLOOR' || upper === 'CEIL' || upper === 'CEILING'
  if (plain && isFloorOrCeil && first !== undefined && second?.kind === 'timeUnit' && args.length === 2) {
    return `${call.name}(${printExpression(first)} TO ${second.unit})`
  }
  const inner = call.star ? '*' : `${call.distinct ? 'DISTINCT ' : ''}${args.map(printExpression).join(', ')}`
  let text = `${printFunctionName(call, plain)}(${inner})`
  if (call.filter !== undefined) text += ` FILTER (WHERE ${printExpression(call.filter)})`
  if (call.over !== undefined) text += ` OVER ${printOver(call.over)}`
  return text
}

function printOver(over: WindowDefinition): string {
  const onlyReference =
    over.baseWindow !== undefined && over.partitionBy.length === 0 && over.orderBy.length === 0 && !over.frame
  return onlyReference ? quoteIdentifier(over.baseWindow ?? '') : printWindowDefinition(over)
}

function printWindowDefinition(definition: WindowDefinition): string {
  const parts: string[] = []
  if (definition.baseWindow !== undefined) parts.push(quoteIdentifier(definition.baseWindow))
  if (definition.partitionBy.length > 0)
    parts.push(`PARTITION BY ${definition.partitionBy.map(printExpression).join(', ')}`)
  if (definition.orderBy.length > 0)
    parts.push(`ORDER BY ${definition.orderBy.map(printOrderItem).join(', ')}`)
  if (definition.frame !== undefined) {
    const { unit, start, end } = definition.frame
    parts.push(`${unit} BETWEEN ${printFrameBound(start)} AND ${printFrameBound(end)}`)
  }
  return `(${parts.join(' ')})`
}

function printFrameBound(bound: FrameBound): string {
  return bound.type === 'PRECEDING' || bound.type === 'FOLLOWING'
    ? `${printExpression(bound.offset)} ${bound.type}`
    : bound.type
}

// ─── Types ───────────────────────────────────────────────────────────────────────────────────────

function printType(type: DataTypeSpec): string {
  const notNull = type.nullable ? '' : ' NOT NULL'
  switch (type.kind) {
    case 'scalarType': {
      if (type.precision === undefined) return type.name + notNull
      const scale = type.scale === undefined ? '' : `, ${type.scale}`
      return `${type.name}(${type.precision}${scale})${notNull}`
    }
    case 'arrayType':
      return `ARRAY<${printType(type.element)}>${notNull}`
    case 'multisetType':
      return `MULTISET<${printType(type.element)}>${notNull}`
    case 'mapType':
      return `MAP<${printType(type.key)}, ${printType(type.value)}>${notNull}`
    case 'rowType': {
      const fields = type.fields.map((field) => {
        const comment = field.comment === undefined ? '' : ` ${quoteString(field.comment)}`
        return `${quoteIdentifier(field.name)} ${printType(field.type)}${comment}`
      })
      return `ROW<${fields.join(', ')}>${notNull}`
    }
  }
}
