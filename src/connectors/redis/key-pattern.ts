/**
 * Redis key patterns name their parts in braces, e.g. `dim:user:{user_id}`. A pattern is compiled once;
 * rendering a key from a record is then a string concatenation, with a clear error for a missing part.
 */
export class KeyPattern {
  private readonly literals: string[] = []
  readonly fields: string[] = []

  constructor(readonly pattern: string) {
    const placeholder = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g
    let last = 0
    for (const match of pattern.matchAll(placeholder)) {
      this.literals.push(pattern.slice(last, match.index))
      this.fields.push(match[1]!)
      last = match.index + match[0].length
    }
    this.literals.push(pattern.slice(last))
    if (/[{}]/.test(this.literals.join(''))) {
      throw new Error(
        `Redis key pattern '${pattern}' has an unbalanced or invalid {placeholder}: use {field_name}`,
      )
    }
  }

  render(key: Record<string, unknown>): string {
    let rendered = this.literals[0]!
    for (let i = 0; i < this.fields.length; i++) {
      const value = key[this.fields[i]!]
      if (value === undefined || value === null) {
        throw new Error(
          `key pattern '${this.pattern}' needs '${this.fields[i]}'; the lookup gave ${JSON.stringify(Object.keys(key))}`,
        )
      }
      rendered += String(value) + this.literals[i + 1]!
    }
    return rendered
  }
}
