/** A logical node the embedded engine has no operator for; the message names the node so users can rewrite. */
export class UnsupportedPlanError extends Error {
  constructor(node: string, detail?: string) {
    super(`${node} is not supported by the embedded engine yet${detail === undefined ? '' : `: ${detail}`}`)
    this.name = 'UnsupportedPlanError'
  }
}
