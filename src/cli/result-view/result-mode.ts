/**
 * How `weir sql run` shows what print tables (and bare SELECTs) receive, with the Flink SQL client's names
 * (`SET 'sql-client.execution.result-mode' = 'table' | 'changelog' | 'tableau'`):
 * - table: the result as a table with column names, updated in place on a terminal (printed once, as it
 *   ends, when stdout is not one);
 * - changelog: each change as a line, `+I[…]`, `-U[…]`, `+U[…]`, `-D[…]` (the print connector's format);
 * - tableau: each change as a row of a boxed table with an `op` column, printed as it arrives.
 */
export const RESULT_MODES = ['table', 'changelog', 'tableau'] as const
export type ResultMode = (typeof RESULT_MODES)[number]

export const RESULT_MODE_OPTION = 'sql-client.execution.result-mode'

export class ResultModeError extends Error {
  override readonly name = 'ResultModeError'
}

/** Flink's option takes the enum names in any case (TABLE, tableau). */
export function parseResultMode(text: string, origin: string): ResultMode {
  const mode = RESULT_MODES.find((candidate) => candidate === text.trim().toLowerCase())
  if (mode === undefined) {
    throw new ResultModeError(`${origin} must be one of ${RESULT_MODES.join(', ')}; got '${text}'`)
  }
  return mode
}

/**
 * The mode in force: the --result-mode flag, else the script's SET, else `table` on a terminal and
 * `changelog` otherwise, so that pipes, scripts and tests keep a plain, line-per-change format.
 */
export function chooseResultMode(
  flag: string | undefined,
  setting: string | undefined,
  stdoutIsTerminal: boolean,
): ResultMode {
  if (flag !== undefined) return parseResultMode(flag, '--result-mode')
  if (setting !== undefined) return parseResultMode(setting, `'${RESULT_MODE_OPTION}'`)
  return stdoutIsTerminal ? 'table' : 'changelog'
}
