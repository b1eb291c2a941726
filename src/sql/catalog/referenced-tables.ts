import type { Query, QueryBody, Statement, TableRef } from '../parser/index.ts'

/**
 * The table paths a statement may read or write, found syntactically (CTE names included: the binder decides
 * what a name means). Used to resolve every table through the asynchronous `TableResolver` before binding,
 * so that binding itself stays synchronous.
 */
export function referencedTables(statement: Statement): (readonly string[])[] {
  const paths: (readonly string[])[] = []
  visitStatement(statement, paths)
  return paths
}

/** The table paths a query reads; for views, whose bodies are bound where they are used. */
export function tablesOfQuery(query: Query): (readonly string[])[] {
  const paths: (readonly string[])[] = []
  visitQuery(query, paths)
  return paths
}

function visitStatement(statement: Statement, paths: (readonly string[])[]): void {
  switch (statement.kind) {
    case 'query':
      visitQuery(statement, paths)
      break
    case 'insert':
      paths.push(statement.target.path)
      visitQuery(statement.source, paths)
      break
    case 'statementSet':
      for (const insert of statement.inserts) visitStatement(insert, paths)
      break
    case 'explain':
      visitStatement(statement.statement, paths)
      break
    case 'createView':
      visitQuery(statement.query, paths)
      break
    case 'createTable':
      if (statement.like !== undefined) paths.push(statement.like.source.path)
      break
    default:
      break
  }
}

function visitQuery(query: Query, paths: (readonly string[])[]): void {
  for (const cte of query.with) visitQuery(cte.query, paths)
  visitBody(query.body, paths)
}

function visitBody(body: QueryBody, paths: (readonly string[])[]): void {
  switch (body.kind) {
    case 'query':
      visitQuery(body, paths)
      break
    case 'setOperation':
      visitBody(body.left, paths)
      visitBody(body.right, paths)
      break
    case 'select':
      if (body.from !== undefined) visitTableRef(body.from, paths)
      break
    case 'values':
      break
  }
}

function visitTableRef(ref: TableRef, paths: (readonly string[])[]): void {
  switch (ref.kind) {
    case 'tableName':
      paths.push(ref.name.path)
      break
    case 'derivedTable':
      visitQuery(ref.query, paths)
      break
    case 'windowTvf':
      visitTableRef(ref.input, paths)
      break
    case 'join':
      visitTableRef(ref.left, paths)
      visitTableRef(ref.right, paths)
      break
    default:
      break
  }
}
