import type { DataTypeSpec, RowFieldSpec, ScalarTypeName, ScalarTypeSpec, SourcePosition } from './ast.ts'
import type { TokenCursor } from './cursor.ts'

/** Spellings that name a scalar type directly, mapped to the normalised name. */
const SIMPLE_TYPES: ReadonlyMap<string, ScalarTypeName> = new Map([
  ['BOOLEAN', 'BOOLEAN'],
  ['TINYINT', 'TINYINT'],
  ['SMALLINT', 'SMALLINT'],
  ['INT', 'INT'],
  ['INTEGER', 'INT'],
  ['BIGINT', 'BIGINT'],
  ['FLOAT', 'FLOAT'],
  ['REAL', 'FLOAT'],
  ['STRING', 'STRING'],
  ['BYTES', 'BYTES'],
  ['DATE', 'DATE'],
  ['VARCHAR', 'VARCHAR'],
  ['VARBINARY', 'VARBINARY'],
  ['TIMESTAMP_LTZ', 'TIMESTAMP_LTZ'],
])

/** Types that take `(length)` or `(precision)`. */
const PARAMETERISED: ReadonlySet<ScalarTypeName> = new Set([
  'CHAR',
  'VARCHAR',
  'BINARY',
  'VARBINARY',
  'TIME',
  'TIMESTAMP',
  'TIMESTAMP_LTZ',
])

const UNSUPPORTED_TYPES: ReadonlyMap<string, string> = new Map([
  ['RAW', 'the RAW type'],
  ['STRUCTURED', 'the STRUCTURED type'],
  ['INTERVAL', 'INTERVAL as a column type'],
  ['NULL', 'the NULL type'],
  ['VARIANT', 'the VARIANT type'],
])

/**
 * Parses a data type: `DECIMAL(10, 2)`, `TIMESTAMP(3) WITH LOCAL TIME ZONE`, `ARRAY<INT NOT NULL>`,
 * `INT ARRAY`, `MAP<STRING, INT>`, `ROW<a INT, b STRING 'comment'>`, each optionally `[NOT] NULL`.
 */
export function parseDataType(cursor: TokenCursor): DataTypeSpec {
  const start = cursor.current.start
  let type = withNullability(cursor, parseBaseType(cursor))
  // The optional suffixes are tested without recording them as expectations, so an error after a
  // type names what was really missing ("expected ','") rather than every possible suffix.
  while (cursor.isKeyword('ARRAY') || cursor.isKeyword('MULTISET')) {
    const kind = cursor.advance().upper === 'ARRAY' ? 'arrayType' : 'multisetType'
    type = withNullability(cursor, { kind, element: type, nullable: true, span: cursor.spanFrom(start) })
  }
  return type
}

function withNullability(cursor: TokenCursor, type: DataTypeSpec): DataTypeSpec {
  let nullable: boolean
  if (cursor.isKeyword('NOT') && cursor.isKeyword('NULL', 1)) {
    cursor.advance()
    nullable = false
  } else if (cursor.isKeyword('NULL')) {
    nullable = true
  } else {
    return type
  }
  cursor.advance()
  return { ...type, nullable, span: cursor.spanFrom(type.span.start) }
}

function parseBaseType(cursor: TokenCursor): DataTypeSpec {
  const token = cursor.current
  const start = token.start
  if (token.type !== 'word') return cursor.fail('a data type')
  const simple = SIMPLE_TYPES.get(token.upper)
  if (simple !== undefined) {
    cursor.advance()
    return scalar(cursor, simple, start)
  }
  const unsupported = UNSUPPORTED_TYPES.get(token.upper)
  if (unsupported !== undefined) return cursor.unsupported(unsupported)
  switch (token.upper) {
    case 'DOUBLE':
      cursor.advance()
      cursor.acceptKeyword('PRECISION')
      return scalar(cursor, 'DOUBLE', start)
    case 'DECIMAL':
    case 'DEC':
    case 'NUMERIC':
      cursor.advance()
      return parseDecimal(cursor, start)
    case 'CHAR':
    case 'CHARACTER':
      cursor.advance()
      return scalar(cursor, cursor.acceptKeyword('VARYING') ? 'VARCHAR' : 'CHAR', start)
    case 'BINARY':
      cursor.advance()
      return scalar(cursor, cursor.acceptKeyword('VARYING') ? 'VARBINARY' : 'BINARY', start)
    case 'TIME':
      cursor.advance()
      return parseTime(cursor, start)
    case 'TIMESTAMP':
      cursor.advance()
      return parseTimestamp(cursor, start)
    case 'ARRAY':
    case 'MULTISET': {
      cursor.advance()
      cursor.expectSymbol('<')
      const element = parseDataType(cursor)
      cursor.expectSymbol('>')
      const kind = token.upper === 'ARRAY' ? 'arrayType' : 'multisetType'
      return { kind, element, nullable: true, span: cursor.spanFrom(start) }
    }
    case 'MAP': {
      cursor.advance()
      cursor.expectSymbol('<')
      const key = parseDataType(cursor)
      cursor.expectSymbol(',')
      const value = parseDataType(cursor)
      cursor.expectSymbol('>')
      return { kind: 'mapType', key, value, nullable: true, span: cursor.spanFrom(start) }
    }
    case 'ROW':
      cursor.advance()
      return parseRow(cursor, start)
  }
  if (cursor.isIdentifier()) {
    return cursor.unsupported(
      `user-defined type '${token.value}'`,
      'use a built-in type such as STRING or BIGINT',
    )
  }
  return cursor.fail('a data type')
}

function scalar(cursor: TokenCursor, name: ScalarTypeName, start: SourcePosition): ScalarTypeSpec {
  if (PARAMETERISED.has(name) && cursor.acceptSymbol('(')) {
    const precision = cursor.expectUnsignedInteger()
    cursor.expectSymbol(')')
    return { kind: 'scalarType', name, precision, nullable: true, span: cursor.spanFrom(start) }
  }
  return { kind: 'scalarType', name, nullable: true, span: cursor.spanFrom(start) }
}

function parseDecimal(cursor: TokenCursor, start: SourcePosition): ScalarTypeSpec {
  if (!cursor.acceptSymbol('('))
    return { kind: 'scalarType', name: 'DECIMAL', nullable: true, span: cursor.spanFrom(start) }
  const precision = cursor.expectUnsignedInteger()
  const scale = cursor.acceptSymbol(',') ? cursor.expectUnsignedInteger() : undefined
  cursor.expectSymbol(')')
  return {
    kind: 'scalarType',
    name: 'DECIMAL',
    precision,
    ...(scale === undefined ? {} : { scale }),
    nullable: true,
    span: cursor.spanFrom(start),
  }
}

function parseTime(cursor: TokenCursor, start: SourcePosition): ScalarTypeSpec {
  const type = scalar(cursor, 'TIME', start)
  if (cursor.acceptKeywords('WITHOUT', 'TIME', 'ZONE')) return { ...type, span: cursor.spanFrom(start) }
  if (cursor.isKeyword('WITH')) return cursor.unsupported('TIME WITH [LOCAL] TIME ZONE')
  return type
}

function parseTimestamp(cursor: TokenCursor, start: SourcePosition): ScalarTypeSpec {
  const type = scalar(cursor, 'TIMESTAMP', start)
  if (cursor.acceptKeywords('WITHOUT', 'TIME', 'ZONE')) return { ...type, span: cursor.spanFrom(start) }
  if (cursor.acceptKeywords('WITH', 'LOCAL', 'TIME', 'ZONE')) {
    return { ...type, name: 'TIMESTAMP_LTZ', span: cursor.spanFrom(start) }
  }
  if (cursor.isKeyword('WITH') && cursor.isKeyword('TIME', 1)) {
    return cursor.unsupported(
      'TIMESTAMP WITH TIME ZONE',
      'use TIMESTAMP_LTZ (TIMESTAMP WITH LOCAL TIME ZONE)',
    )
  }
  return type
}

/** `ROW<a INT, b STRING 'comment'>` or `ROW(a INT, b STRING)`. */
function parseRow(cursor: TokenCursor, start: SourcePosition): DataTypeSpec {
  let close = '>'
  if (!cursor.acceptSymbol('<')) {
    cursor.expectSymbol('(')
    close = ')'
  }
  const fields: RowFieldSpec[] = []
  if (!cursor.acceptSymbol(close)) {
    do {
      const name = cursor.expectIdentifier()
      const type = parseDataType(cursor)
      const comment = cursor.acceptString()
      fields.push(comment === undefined ? { name, type } : { name, type, comment })
    } while (cursor.acceptSymbol(','))
    cursor.expectSymbol(close)
  }
  return { kind: 'rowType', fields, nullable: true, span: cursor.spanFrom(start) }
}
