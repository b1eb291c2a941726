/**
 * A catalog dataset that cannot be used as a SQL table: a schema type with no SQL equivalent, a format or
 * system the engine cannot read yet, a location or schema missing. The message names the dataset and says
 * what to change.
 */
export class CatalogTableError extends Error {
  override readonly name = 'CatalogTableError'

  constructor(
    readonly dataset: string,
    problem: string,
  ) {
    super(`dataset '${dataset}': ${problem}`)
  }
}
