import type { ScalarFunction } from '../scalar-function.ts'
import { JSON_FUNCTIONS } from './json-functions.ts'
import { MATH_FUNCTIONS } from './math-functions.ts'
import { STRING_FUNCTIONS } from './string-functions.ts'
import { TIME_FUNCTIONS } from './time-functions.ts'

/** Other spellings of built-in functions, mapped to the canonical name. */
const ALIASES: Readonly<Record<string, string>> = {
  CHARACTER_LENGTH: 'CHAR_LENGTH',
  SUBSTR: 'SUBSTRING',
  CEILING: 'CEIL',
  POW: 'POWER',
  DAY: 'DAYOFMONTH',
  SHA: 'SHA1',
}

const BUILTINS: ReadonlyMap<string, ScalarFunction> = new Map(
  [...STRING_FUNCTIONS, ...MATH_FUNCTIONS, ...TIME_FUNCTIONS, ...JSON_FUNCTIONS].map((fn) => [fn.name, fn]),
)

/** The built-in scalar function of that name (any case, aliases resolved), if there is one. */
export function builtinScalar(name: string): ScalarFunction | undefined {
  const upper = name.toUpperCase()
  return BUILTINS.get(ALIASES[upper] ?? upper)
}

export function builtinScalarNames(): string[] {
  return [...BUILTINS.keys(), ...Object.keys(ALIASES)]
}
