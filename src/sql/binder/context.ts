import type { ResolvedTable } from '../catalog/table-resolver.ts'
import type { FunctionRegistry } from '../functions/registry.ts'
import type { Query } from '../parser/index.ts'

/** A view of the session: its query is bound where the view is used, like a CTE. */
export interface ViewDefinition {
  readonly name: string
  readonly query: Query
  readonly columns?: readonly string[]
}

export type CatalogEntry =
  | { readonly kind: 'table'; readonly table: ResolvedTable }
  | ({ readonly kind: 'view' } & ViewDefinition)

/** The tables and views a statement can see, resolved before binding so that binding is synchronous. */
export interface BindCatalog {
  lookup(path: readonly string[]): CatalogEntry | undefined
  /** Every known name (dotted), for suggestions after a miss. */
  names(): readonly string[]
}

export interface BindContext {
  readonly catalog: BindCatalog
  readonly functions: FunctionRegistry | undefined
  /** Session options (`SET 'k' = 'v'`) in force for the statement. */
  readonly options: Readonly<Record<string, string>>
}
