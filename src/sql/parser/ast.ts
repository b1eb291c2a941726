/**
 * The syntax tree of Weir's Flink SQL dialect, as the parser produces it and the binder consumes it.
 *
 * The tree is purely syntactic: names are unresolved, literals keep their source text, and types are
 * type *expressions*. Several surface forms that mean the same thing share one shape (for example
 * `SUBSTRING(s FROM 1 FOR 2)` and `SUBSTRING(s, 1, 2)`, `FETCH FIRST n ROWS ONLY` and `LIMIT n`,
 * positional and named window-TVF arguments), so later stages handle each construct once.
 * Node names end in a syntactic role (`…Literal`, `…Ref`, `…Statement`) to stay distinct from the
 * engine's runtime types.
 */

/** A point in the SQL text. `line` and `column` are 1-based (UTF-16 code units); `offset` is 0-based. */
export interface SourcePosition {
  readonly line: number
  readonly column: number
  readonly offset: number
}

/** The text a node came from: `start` inclusive, `end` exclusive. */
export interface SourceSpan {
  readonly start: SourcePosition
  readonly end: SourcePosition
}

interface NodeBase {
  readonly span: SourceSpan
}

/** A possibly qualified object name such as `traffic.pageview` or `catalog.db.table`. */
export interface ObjectName extends NodeBase {
  readonly kind: 'objectName'
  readonly path: readonly string[]
}

// ─── Data types ──────────────────────────────────────────────────────────────────────────────────

/** Scalar type names after normalisation of synonyms (INTEGER → INT, NUMERIC → DECIMAL, …). */
export type ScalarTypeName =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'CHAR'
  | 'VARCHAR'
  | 'STRING'
  | 'BINARY'
  | 'VARBINARY'
  | 'BYTES'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'TIMESTAMP_LTZ'

export interface ScalarTypeSpec extends NodeBase {
  readonly kind: 'scalarType'
  readonly name: ScalarTypeName
  /** Length for CHAR/VARCHAR/BINARY/VARBINARY, precision for DECIMAL/TIME/TIMESTAMP*; absent means the default. */
  readonly precision?: number
  readonly scale?: number
  readonly nullable: boolean
}

export interface ArrayTypeSpec extends NodeBase {
  readonly kind: 'arrayType'
  readonly element: DataTypeSpec
  readonly nullable: boolean
}

export interface MultisetTypeSpec extends NodeBase {
  readonly kind: 'multisetType'
  readonly element: DataTypeSpec
  readonly nullable: boolean
}

export interface MapTypeSpec extends NodeBase {
  readonly kind: 'mapType'
  readonly key: DataTypeSpec
  readonly value: DataTypeSpec
  readonly nullable: boolean
}

export interface RowFieldSpec {
  readonly name: string
  readonly type: DataTypeSpec
  readonly comment?: string
}

export interface RowTypeSpec extends NodeBase {
  readonly kind: 'rowType'
  readonly fields: readonly RowFieldSpec[]
  readonly nullable: boolean
}

export type DataTypeSpec = ScalarTypeSpec | ArrayTypeSpec | MultisetTypeSpec | MapTypeSpec | RowTypeSpec

// ─── Expressions ─────────────────────────────────────────────────────────────────────────────────

/** A dotted name in an expression: a column, `table.column`, or a row field path; the binder decides. */
export interface ColumnRefExpr extends NodeBase {
  readonly kind: 'columnRef'
  readonly path: readonly string[]
}

/** `form` follows the literal's spelling: `1` integer, `1.5` decimal (exact), `1.5e3` double. */
export interface NumericLiteral extends NodeBase {
  readonly kind: 'numericLiteral'
  readonly text: string
  readonly form: 'integer' | 'decimal' | 'double'
}

export interface StringLiteral extends NodeBase {
  readonly kind: 'stringLiteral'
  readonly value: string
}

/** `X'0AFF'`; `hex` holds the digits as written. */
export interface BinaryLiteral extends NodeBase {
  readonly kind: 'binaryLiteral'
  readonly hex: string
}

export interface BooleanLiteral extends NodeBase {
  readonly kind: 'booleanLiteral'
  readonly value: boolean
}

export interface NullLiteral extends NodeBase {
  readonly kind: 'nullLiteral'
}

/** `DATE '2024-01-31'`, `TIME '12:00:00'`, `TIMESTAMP '2024-01-31 12:00:00.000'`; the text is not validated here. */
export interface TemporalLiteral extends NodeBase {
  readonly kind: 'temporalLiteral'
  readonly type: 'DATE' | 'TIME' | 'TIMESTAMP'
  readonly value: string
}

export type IntervalUnit = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND'

/** `DAY(2) TO SECOND(3)`: `startPrecision` 2, `fractionalPrecision` 3. `SECOND(3)` alone sets `startPrecision`. */
export interface IntervalQualifier {
  readonly start: IntervalUnit
  readonly startPrecision?: number
  readonly end?: IntervalUnit
  readonly fractionalPrecision?: number
}

/** `INTERVAL '1:30' HOUR TO MINUTE`; `negative` for `INTERVAL -'1' DAY`. The text is not validated here. */
export interface IntervalLiteral extends NodeBase {
  readonly kind: 'intervalLiteral'
  readonly value: string
  readonly negative: boolean
  readonly qualifier: IntervalQualifier
}

/** Every unit EXTRACT knows; the other time-unit positions accept subsets of it. */
export const TIME_UNITS = [
  'MILLENNIUM',
  'CENTURY',
  'DECADE',
  'YEAR',
  'ISOYEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
  'DOY',
  'DOW',
  'ISODOW',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
  'NANOSECOND',
  'EPOCH',
] as const

export type TimeUnit = (typeof TIME_UNITS)[number]

/** A bare time unit used as an argument: `FLOOR(ts TO HOUR)` and `TIMESTAMPDIFF(MINUTE, a, b)`. */
export interface TimeUnitArg extends NodeBase {
  readonly kind: 'timeUnit'
  readonly unit: TimeUnit
}

export interface UnaryExpr extends NodeBase {
  readonly kind: 'unary'
  readonly operator: '-' | '+' | 'NOT'
  readonly operand: Expression
}

/** `!=` is normalised to `<>`. */
export type BinaryOperator =
  | 'OR'
  | 'AND'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'IS DISTINCT FROM'
  | 'IS NOT DISTINCT FROM'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'

export interface BinaryExpr extends NodeBase {
  readonly kind: 'binary'
  readonly operator: BinaryOperator
  readonly left: Expression
  readonly right: Expression
}

/** `x IS [NOT] NULL | TRUE | FALSE | UNKNOWN`. */
export interface IsExpr extends NodeBase {
  readonly kind: 'is'
  readonly operand: Expression
  readonly test: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN'
  readonly negated: boolean
}

export interface BetweenExpr extends NodeBase {
  readonly kind: 'between'
  readonly operand: Expression
  readonly low: Expression
  readonly high: Expression
  readonly negated: boolean
  readonly symmetric: boolean
}

export interface LikeExpr extends NodeBase {
  readonly kind: 'like'
  readonly operator: 'LIKE' | 'SIMILAR TO'
  readonly operand: Expression
  readonly pattern: Expression
  readonly escape?: Expression
  readonly negated: boolean
}

export interface InListExpr extends NodeBase {
  readonly kind: 'inList'
  readonly operand: Expression
  readonly list: readonly Expression[]
  readonly negated: boolean
}

export interface InSubqueryExpr extends NodeBase {
  readonly kind: 'inSubquery'
  readonly operand: Expression
  readonly query: Query
  readonly negated: boolean
}

export interface ExistsExpr extends NodeBase {
  readonly kind: 'exists'
  readonly query: Query
}

export interface ScalarSubqueryExpr extends NodeBase {
  readonly kind: 'scalarSubquery'
  readonly query: Query
}

export interface WhenClause {
  readonly condition: Expression
  readonly result: Expression
}

/** Searched `CASE WHEN c THEN r … END`, or simple `CASE x WHEN v THEN r … END` when `operand` is set. */
export interface CaseExpr extends NodeBase {
  readonly kind: 'case'
  readonly operand?: Expression
  readonly whens: readonly WhenClause[]
  readonly otherwise?: Expression
}

/** `CAST(x AS t)`, or `TRY_CAST(x AS t)` when `safe` (null instead of an error on failure). */
export interface CastExpr extends NodeBase {
  readonly kind: 'cast'
  readonly operand: Expression
  readonly type: DataTypeSpec
  readonly safe: boolean
}

export interface ExtractExpr extends NodeBase {
  readonly kind: 'extract'
  readonly unit: TimeUnit
  readonly operand: Expression
}

/** `TRIM([BOTH|LEADING|TRAILING] [characters] FROM operand)`; plain `TRIM(s)` is BOTH without characters. */
export interface TrimExpr extends NodeBase {
  readonly kind: 'trim'
  readonly side: 'BOTH' | 'LEADING' | 'TRAILING'
  readonly characters?: Expression
  readonly operand: Expression
}

export type FrameBound =
  | { readonly type: 'UNBOUNDED PRECEDING' }
  | { readonly type: 'PRECEDING'; readonly offset: Expression }
  | { readonly type: 'CURRENT ROW' }
  | { readonly type: 'FOLLOWING'; readonly offset: Expression }
  | { readonly type: 'UNBOUNDED FOLLOWING' }

/** `ROWS 5 PRECEDING` is normalised to `ROWS BETWEEN 5 PRECEDING AND CURRENT ROW`. */
export interface WindowFrame {
  readonly unit: 'ROWS' | 'RANGE'
  readonly start: FrameBound
  readonly end: FrameBound
}

/** The body of `OVER (…)` or `WINDOW w AS (…)`; `OVER w` is a definition with only `baseWindow`. */
export interface WindowDefinition extends NodeBase {
  readonly kind: 'windowDefinition'
  readonly baseWindow?: string
  readonly partitionBy: readonly Expression[]
  readonly orderBy: readonly OrderItem[]
  readonly frame?: WindowFrame
}

/**
 * A function call. Special syntaxes that are plain calls in meaning are normalised to their
 * comma form: `SUBSTRING(s FROM a FOR b)`, `POSITION(a IN b)`, `FLOOR(ts TO HOUR)` (a `timeUnit`
 * argument). Niladic `CURRENT_TIMESTAMP` & co. are calls with no arguments.
 */
export interface FunctionCall extends NodeBase {
  readonly kind: 'functionCall'
  /** As written; built-in function names are case-insensitive, so compare ignoring case. */
  readonly name: string
  readonly args: readonly Expression[]
  /** `COUNT(*)` */
  readonly star: boolean
  readonly distinct: boolean
  /** `agg(...) FILTER (WHERE cond)` */
  readonly filter?: Expression
  readonly over?: WindowDefinition
}

/** `expr.field` where `expr` is not a plain name (those stay in `ColumnRefExpr.path`). */
export interface FieldAccessExpr extends NodeBase {
  readonly kind: 'fieldAccess'
  readonly operand: Expression
  readonly field: string
}

/** `arr[1]` or `map['key']`; the binder tells them apart by type. */
export interface SubscriptExpr extends NodeBase {
  readonly kind: 'subscript'
  readonly operand: Expression
  readonly index: Expression
}

/** `ROW(a, b)` or the implicit `(a, b)`. */
export interface RowConstructorExpr extends NodeBase {
  readonly kind: 'rowConstructor'
  readonly fields: readonly Expression[]
}

export interface ArrayConstructorExpr extends NodeBase {
  readonly kind: 'arrayConstructor'
  readonly elements: readonly Expression[]
}

export interface MapEntry {
  readonly key: Expression
  readonly value: Expression
}

export interface MapConstructorExpr extends NodeBase {
  readonly kind: 'mapConstructor'
  readonly entries: readonly MapEntry[]
}

export type Literal =
  | NumericLiteral
  | StringLiteral
  | BinaryLiteral
  | BooleanLiteral
  | NullLiteral
  | TemporalLiteral
  | IntervalLiteral

export type Expression =
  | Literal
  | ColumnRefExpr
  | TimeUnitArg
  | UnaryExpr
  | BinaryExpr
  | IsExpr
  | BetweenExpr
  | LikeExpr
  | InListExpr
  | InSubqueryExpr
  | ExistsExpr
  | ScalarSubqueryExpr
  | CaseExpr
  | CastExpr
  | ExtractExpr
  | TrimExpr
  | FunctionCall
  | FieldAccessExpr
  | SubscriptExpr
  | RowConstructorExpr
  | ArrayConstructorExpr
  | MapConstructorExpr

// ─── Queries ─────────────────────────────────────────────────────────────────────────────────────

export interface OrderItem extends NodeBase {
  readonly kind: 'orderItem'
  readonly expr: Expression
  readonly direction?: 'ASC' | 'DESC'
  readonly nulls?: 'FIRST' | 'LAST'
}

export interface CommonTableExpr extends NodeBase {
  readonly kind: 'commonTableExpr'
  readonly name: string
  readonly columns?: readonly string[]
  readonly query: Query
}

/**
 * A complete query: optional WITH, a body, and ORDER BY / LIMIT / OFFSET that apply to the whole
 * body (including a set operation). `FETCH FIRST n ROWS ONLY` is normalised to `limit`.
 */
export interface Query extends NodeBase {
  readonly kind: 'query'
  readonly with: readonly CommonTableExpr[]
  readonly body: QueryBody
  readonly orderBy: readonly OrderItem[]
  readonly limit?: NumericLiteral
  readonly offset?: NumericLiteral
}

/** A parenthesised query in a set operation stays a nested `Query`. */
export type QueryBody = Select | SetOperation | ValuesQuery | Query

export interface SetOperation extends NodeBase {
  readonly kind: 'setOperation'
  readonly operator: 'UNION' | 'INTERSECT' | 'EXCEPT'
  readonly all: boolean
  readonly left: QueryBody
  readonly right: QueryBody
}

export interface ValuesQuery extends NodeBase {
  readonly kind: 'values'
  readonly rows: readonly (readonly Expression[])[]
}

export interface SelectExpression extends NodeBase {
  readonly kind: 'selectExpression'
  readonly expr: Expression
  readonly alias?: string
}

/** `*` or `t.*` (`qualifier` = ['t']). */
export interface SelectWildcard extends NodeBase {
  readonly kind: 'selectWildcard'
  readonly qualifier?: readonly string[]
}

export type SelectItem = SelectExpression | SelectWildcard

export interface NamedWindow extends NodeBase {
  readonly kind: 'namedWindow'
  readonly name: string
  readonly definition: WindowDefinition
}

export interface Select extends NodeBase {
  readonly kind: 'select'
  readonly distinct: boolean
  readonly items: readonly SelectItem[]
  readonly from?: TableRef
  readonly where?: Expression
  readonly groupBy: readonly GroupingElement[]
  readonly having?: Expression
  readonly windows: readonly NamedWindow[]
}

/** `(a, b)` or `()` inside GROUP BY / GROUPING SETS / ROLLUP / CUBE. A lone `(a)` is just `a`. */
export interface GroupingTuple extends NodeBase {
  readonly kind: 'groupingTuple'
  readonly exprs: readonly Expression[]
}

export interface GroupingSets extends NodeBase {
  readonly kind: 'groupingSets'
  readonly elements: readonly GroupingElement[]
}

export interface Rollup extends NodeBase {
  readonly kind: 'rollup'
  readonly elements: readonly (Expression | GroupingTuple)[]
}

export interface Cube extends NodeBase {
  readonly kind: 'cube'
  readonly elements: readonly (Expression | GroupingTuple)[]
}

export type GroupingElement = Expression | GroupingTuple | GroupingSets | Rollup | Cube

// ─── FROM clause ─────────────────────────────────────────────────────────────────────────────────

export interface TableAlias {
  readonly name: string
  readonly columns?: readonly string[]
}

export interface TableOption extends NodeBase {
  readonly kind: 'tableOption'
  readonly key: string
  readonly value: string
}

/** `/*+ OPTIONS('k' = 'v') *\/` after a table name: Flink's dynamic table options. */
export interface OptionsHint extends NodeBase {
  readonly kind: 'optionsHint'
  readonly options: readonly TableOption[]
}

export interface TableNameRef extends NodeBase {
  readonly kind: 'tableName'
  readonly name: ObjectName
  readonly hints: readonly OptionsHint[]
  /** Temporal join: `FOR SYSTEM_TIME AS OF expr`. */
  readonly systemTime?: Expression
  readonly alias?: TableAlias
}

/** A subquery in FROM; Flink does not require an alias. */
export interface DerivedTableRef extends NodeBase {
  readonly kind: 'derivedTable'
  readonly query: Query
  readonly alias?: TableAlias
}

/** `LATERAL TABLE(f(x))` (lateral) or `TABLE(f(x))` for a user-defined table function. */
export interface TableFunctionRef extends NodeBase {
  readonly kind: 'tableFunction'
  readonly call: FunctionCall
  readonly lateral: boolean
  readonly alias?: TableAlias
}

export type WindowTvfSpec =
  | { readonly type: 'TUMBLE'; readonly size: Expression; readonly offset?: Expression }
  | {
      readonly type: 'HOP'
      readonly slide: Expression
      readonly size: Expression
      readonly offset?: Expression
    }
  | {
      readonly type: 'CUMULATE'
      readonly step: Expression
      readonly maxSize: Expression
      readonly offset?: Expression
    }
  | { readonly type: 'SESSION'; readonly gap: Expression }

/**
 * A window table-valued function: `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE))`.
 * Positional and named (`DATA => …, TIMECOL => …`) arguments produce the same node.
 */
export interface WindowTvfRef extends NodeBase {
  readonly kind: 'windowTvf'
  readonly input: TableNameRef | DerivedTableRef
  /** SESSION windows only: `TABLE t PARTITION BY (a, b)`. */
  readonly partitionBy: readonly ColumnRefExpr[]
  readonly timeColumn: ColumnRefExpr
  readonly window: WindowTvfSpec
  readonly alias?: TableAlias
}

export interface UnnestRef extends NodeBase {
  readonly kind: 'unnest'
  readonly args: readonly Expression[]
  readonly withOrdinality: boolean
  readonly alias?: TableAlias
}

/** `a, b` is a `COMMA` join (same meaning as CROSS; kept to print the user's form). */
export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'COMMA'

export interface JoinRef extends NodeBase {
  readonly kind: 'join'
  readonly joinType: JoinType
  readonly left: TableRef
  readonly right: TableRef
  readonly on?: Expression
  readonly using?: readonly string[]
}

export type TableRef = TableNameRef | DerivedTableRef | TableFunctionRef | WindowTvfRef | UnnestRef | JoinRef

// ─── Statements ──────────────────────────────────────────────────────────────────────────────────

export interface PhysicalColumn extends NodeBase {
  readonly kind: 'physicalColumn'
  readonly name: string
  readonly type: DataTypeSpec
  readonly comment?: string
}

export interface ComputedColumn extends NodeBase {
  readonly kind: 'computedColumn'
  readonly name: string
  readonly expr: Expression
  readonly comment?: string
}

/** `ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL`; `key` absent means the column name. */
export interface MetadataColumn extends NodeBase {
  readonly kind: 'metadataColumn'
  readonly name: string
  readonly type: DataTypeSpec
  readonly key?: string
  readonly virtual: boolean
  readonly comment?: string
}

export type ColumnDefinition = PhysicalColumn | ComputedColumn | MetadataColumn

export interface WatermarkDefinition extends NodeBase {
  readonly kind: 'watermark'
  readonly column: string
  readonly strategy: Expression
}

/** Always NOT ENFORCED (Flink accepts nothing else); a column-level key is normalised to this. */
export interface PrimaryKeyDefinition extends NodeBase {
  readonly kind: 'primaryKey'
  readonly constraintName?: string
  readonly columns: readonly string[]
}

export interface TableLikeOption {
  readonly strategy: 'INCLUDING' | 'EXCLUDING' | 'OVERWRITING'
  readonly feature:
    | 'ALL'
    | 'CONSTRAINTS'
    | 'DISTRIBUTION'
    | 'GENERATED'
    | 'METADATA'
    | 'OPTIONS'
    | 'PARTITIONS'
    | 'WATERMARKS'
}

export interface TableLikeClause extends NodeBase {
  readonly kind: 'tableLike'
  readonly source: ObjectName
  readonly options: readonly TableLikeOption[]
}

export interface CreateTableStatement extends NodeBase {
  readonly kind: 'createTable'
  readonly temporary: boolean
  readonly ifNotExists: boolean
  readonly name: ObjectName
  readonly columns: readonly ColumnDefinition[]
  readonly watermark?: WatermarkDefinition
  readonly primaryKey?: PrimaryKeyDefinition
  readonly comment?: string
  readonly partitionedBy: readonly string[]
  readonly options: readonly TableOption[]
  readonly like?: TableLikeClause
}

export interface CreateViewStatement extends NodeBase {
  readonly kind: 'createView'
  readonly temporary: boolean
  readonly ifNotExists: boolean
  readonly name: ObjectName
  readonly columns?: readonly string[]
  readonly comment?: string
  readonly query: Query
}

export interface CreateFunctionStatement extends NodeBase {
  readonly kind: 'createFunction'
  readonly temporary: boolean
  /** `TEMPORARY SYSTEM`: a function without catalog/database namespace. */
  readonly system: boolean
  readonly ifNotExists: boolean
  readonly name: ObjectName
  /** The implementation: a class name (JAVA/SCALA) or a Python `module.function`. */
  readonly implementation: string
  readonly language?: 'JAVA' | 'SCALA' | 'PYTHON'
}

export interface DropStatement extends NodeBase {
  readonly kind: 'drop'
  readonly objectType: 'TABLE' | 'VIEW' | 'FUNCTION'
  readonly temporary: boolean
  readonly system: boolean
  readonly ifExists: boolean
  readonly name: ObjectName
}

export interface PartitionValue {
  readonly column: string
  readonly value: Literal
}

export interface InsertStatement extends NodeBase {
  readonly kind: 'insert'
  readonly overwrite: boolean
  readonly target: ObjectName
  readonly hints: readonly OptionsHint[]
  /** Static partition: `PARTITION (dt = '2024-01-31')`. */
  readonly partition: readonly PartitionValue[]
  readonly columns?: readonly string[]
  readonly source: Query
}

/** `BEGIN STATEMENT SET; … END;` and `EXECUTE STATEMENT SET BEGIN … END;`: inserts run as one job. */
export interface StatementSet extends NodeBase {
  readonly kind: 'statementSet'
  readonly inserts: readonly InsertStatement[]
}

/** `SET` alone lists the session options; `SET 'k' = 'v'` sets one. */
export interface SetStatement extends NodeBase {
  readonly kind: 'set'
  readonly key?: string
  readonly value?: string
}

export interface ResetStatement extends NodeBase {
  readonly kind: 'reset'
  readonly key?: string
}

export type ExplainDetail = 'ESTIMATED_COST' | 'CHANGELOG_MODE' | 'PLAN_ADVICE' | 'JSON_EXECUTION_PLAN'

/** `EXPLAIN [details] stmt`; `EXPLAIN PLAN FOR stmt` has no details. */
export interface ExplainStatement extends NodeBase {
  readonly kind: 'explain'
  readonly details: readonly ExplainDetail[]
  readonly statement: Query | InsertStatement | StatementSet
}

/** `EXECUTE INSERT …` / `EXECUTE SELECT …` parse to the inner statement (the prefix changes nothing). */
export type Statement =
  | Query
  | InsertStatement
  | StatementSet
  | CreateTableStatement
  | CreateViewStatement
  | CreateFunctionStatement
  | DropStatement
  | SetStatement
  | ResetStatement
  | ExplainStatement

/** Every node `toSql` can print. */
export type SqlNode = Statement | QueryBody | Expression | TableRef | DataTypeSpec
