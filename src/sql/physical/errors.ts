/** A logical node the embedded engine has no operator for; the message names the node so users can rewrite. */
export class UnsupportedPlanError extends Error {
  /**
   * @param table the table the node reads, when it is about one (a lookup join's): `weir sql validate`
   *   points at where the statement uses it.
   */
  constructor(
    node: string,
    detail?: string,
    readonly table?: string,
  ) {
    super(`${node} is not supported by the embedded engine yet${detail === undefined ? '' : `: ${detail}`}`)
    this.name = 'UnsupportedPlanError'
  }
}
