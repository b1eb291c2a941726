import { closestName } from './closest-name.ts'

/** Validation of a connector's WITH options, with Flink's option names; every error says what to change. */
export class ConnectorOptionError extends Error {
  override readonly name = 'ConnectorOptionError'

  /**
   * @param option the WITH option at fault, when there is one: `weir sql validate` points at it in the
   *   script (or at the WITH clause when the option is missing).
   */
  constructor(
    message: string,
    readonly option?: string,
  ) {
    super(message)
  }
}

export interface OptionSpec {
  readonly required: readonly string[]
  readonly optional: readonly string[]
}

/** A connector's options after checking that every given name is one it knows and the required are present. */
export class ConnectorOptions {
  private constructor(
    readonly connector: string,
    private readonly raw: Readonly<Record<string, string>>,
  ) {}

  static validate(raw: Readonly<Record<string, string>>, spec: OptionSpec): ConnectorOptions {
    const connector = raw.connector ?? ''
    const known = ['connector', ...spec.required, ...spec.optional]
    for (const name of Object.keys(raw)) {
      if (known.includes(name)) continue
      const guess = closestName(name, known)
      const hint = guess === undefined ? '' : ` did you mean '${guess}'?`
      throw new ConnectorOptionError(
        `unknown option '${name}' for connector '${connector}';${hint} valid options: ${known.join(', ')}`,
        name,
      )
    }
    for (const name of spec.required) {
      if (raw[name] === undefined || raw[name] === '') throw missingOption(connector, name)
    }
    return new ConnectorOptions(connector, raw)
  }

  optional(name: string): string | undefined {
    return this.raw[name]
  }

  required(name: string): string {
    const value = this.raw[name]
    if (value === undefined || value === '') throw missingOption(this.connector, name)
    return value
  }

  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const text = this.raw[name]
    if (text === undefined) return fallback
    const choice = choices.find((candidate) => candidate === text)
    if (choice === undefined) {
      throw new ConnectorOptionError(
        `option '${name}' must be one of ${choices.join(', ')}; got '${text}'`,
        name,
      )
    }
    return choice
  }

  boolean(name: string, fallback: boolean): boolean {
    const text = this.raw[name]
    if (text === undefined) return fallback
    if (text === 'true' || text === 'false') return text === 'true'
    throw new ConnectorOptionError(`option '${name}' must be 'true' or 'false'; got '${text}'`, name)
  }

  integer(name: string, fallback: number, minimum = 0): number {
    const text = this.raw[name]
    if (text === undefined) return fallback
    const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN
    if (!Number.isSafeInteger(value) || value < minimum) {
      throw new ConnectorOptionError(`option '${name}' must be an integer >= ${minimum}; got '${text}'`, name)
    }
    return value
  }

  /** Flink's MemorySize text: '128mb', '64 kb', '1gb' or plain bytes. */
  memorySize(name: string, fallback: number): number {
    const text = this.raw[name]
    if (text === undefined) return fallback
    const match = /^\s*(\d+)\s*(b|bytes|k|kb|kibibytes|m|mb|mebibytes|g|gb|gibibytes)?\s*$/i.exec(text)
    if (match === null) {
      throw new ConnectorOptionError(
        `option '${name}' must be a size like '128mb', '64kb' or bytes; got '${text}'`,
        name,
      )
    }
    const unit = (match[2] ?? 'b').toLowerCase()[0]!
    const shift = { b: 0, k: 10, m: 20, g: 30 }[unit] ?? 0
    return Number(match[1]) * 2 ** shift
  }
}

function missingOption(connector: string, name: string): ConnectorOptionError {
  return new ConnectorOptionError(
    `connector '${connector}' requires option '${name}': add '${name}' = '...' to the WITH clause`,
    name,
  )
}
