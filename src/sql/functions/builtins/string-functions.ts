import type { BoundExpr } from '../../expr/bound-expr.ts'
import { literalValue } from '../../expr/bound-expr.ts'
import { isCharacter, type LogicalType, types } from '../../types/logical-type.ts'
import {
  digestHex,
  initCap,
  javaStringHash,
  leftPad,
  locate,
  regex,
  regexpExtract,
  regexpReplace,
  replaceAll,
  rightPad,
  splitIndex,
  substring,
  trimBoth,
  trimLeading,
  trimTrailing,
} from '../runtime/strings.ts'
import { fn, inline, type ScalarFunction, scalar } from '../scalar-function.ts'
import { P } from '../signature.ts'

/** VARCHAR of the argument's length, so UPPER(VARCHAR(10)) stays VARCHAR(10); STRING for an untyped NULL. */
function sameString(args: readonly BoundExpr[]): LogicalType {
  const type = args[0]!.type
  return isCharacter(type) ? types.varchar(type.length) : types.string()
}

const STRING = types.string()
const INT = types.int()

/**
 * Resolves the regex argument at `index`: a literal pattern is compiled once per call site, others go
 * through the shared cache. A pattern that does not compile gives null (the call's result is then NULL).
 */
function patternResolver(
  args: readonly BoundExpr[],
  index: number,
  flags = '',
): (source: string) => RegExp | null {
  const fixed = literalValue(args[index])
  if (typeof fixed === 'string') {
    const compiled = new RegExp(fixed, flags)
    return () => compiled
  }
  return (source) => {
    try {
      return regex(source, flags)
    } catch {
      return null
    }
  }
}

function validRegex(args: readonly BoundExpr[], index: number): string | undefined {
  const source = literalValue(args[index])
  if (typeof source !== 'string') return undefined
  try {
    new RegExp(source)
    return undefined
  } catch (error) {
    return `invalid regular expression '${source}': ${error instanceof Error ? error.message : String(error)}`
  }
}

const trimSignature = { params: [P.string, P.string], optional: 1 }

export const STRING_FUNCTIONS: readonly ScalarFunction[] = [
  scalar({
    name: 'CHAR_LENGTH',
    signatures: { params: [P.string] },
    returnType: INT,
    implement: inline(([s]) => `${s}.length`),
  }),
  scalar({
    name: 'UPPER',
    signatures: { params: [P.string] },
    returnType: sameString,
    implement: inline(([s]) => `${s}.toUpperCase()`),
  }),
  scalar({
    name: 'LOWER',
    signatures: { params: [P.string] },
    returnType: sameString,
    implement: inline(([s]) => `${s}.toLowerCase()`),
  }),
  scalar({
    name: 'INITCAP',
    signatures: { params: [P.string] },
    returnType: sameString,
    implement: fn(initCap),
  }),
  scalar({
    name: 'CONCAT',
    signatures: { params: [P.string], variadic: P.string },
    returnType: STRING,
    implement: inline((args) => `(${args.join(' + ')})`),
  }),
  scalar({
    name: 'CONCAT_WS',
    signatures: { params: [P.string, P.string], variadic: P.string },
    returnType: (args) => types.string(args[0]!.type.nullable),
    nulls: 'custom',
    implement: fn((separator: string | null, ...parts: (string | null | undefined)[]) => {
      if (separator === null || separator === undefined) return null
      return parts.filter((part) => part !== null && part !== undefined).join(separator)
    }),
  }),
  scalar({ name: 'BTRIM', signatures: trimSignature, returnType: sameString, implement: fn(trimBoth) }),
  scalar({ name: 'LTRIM', signatures: trimSignature, returnType: sameString, implement: fn(trimLeading) }),
  scalar({ name: 'RTRIM', signatures: trimSignature, returnType: sameString, implement: fn(trimTrailing) }),
  scalar({
    name: 'SUBSTRING',
    signatures: { params: [P.string, P.integer, P.integer], optional: 1 },
    returnType: sameString,
    implement: fn(substring),
  }),
  scalar({
    name: 'REPLACE',
    signatures: { params: [P.string, P.string, P.string] },
    returnType: STRING,
    implement: fn(replaceAll),
  }),
  scalar({
    name: 'POSITION',
    signatures: { params: [P.string, P.string] },
    returnType: INT,
    implement: fn(locate),
  }),
  scalar({
    name: 'LOCATE',
    signatures: { params: [P.string, P.string, P.integer], optional: 1 },
    returnType: INT,
    implement: fn(locate),
  }),
  scalar({
    name: 'REGEXP_EXTRACT',
    signatures: { params: [P.string, P.string, P.integer], optional: 1 },
    returnType: STRING,
    nulls: 'strict-nullable',
    validate: (args) => validRegex(args, 1),
    implement: (args) => {
      const pattern = patternResolver(args, 1)
      return {
        fn: (text: string, source: string, group?: number) => {
          const compiled = pattern(source)
          return compiled === null ? null : regexpExtract(text, compiled, group)
        },
      }
    },
  }),
  scalar({
    name: 'REGEXP_REPLACE',
    signatures: { params: [P.string, P.string, P.string] },
    returnType: STRING,
    nulls: 'strict-nullable',
    validate: (args) => validRegex(args, 1),
    implement: (args) => {
      const pattern = patternResolver(args, 1, 'g')
      return {
        fn: (text: string, source: string, replacement: string) => {
          const compiled = pattern(source)
          return compiled === null ? null : regexpReplace(text, compiled, replacement)
        },
      }
    },
  }),
  scalar({
    name: 'REGEXP',
    signatures: { params: [P.string, P.string] },
    returnType: types.boolean(),
    nulls: 'strict-nullable',
    validate: (args) => validRegex(args, 1),
    implement: (args) => {
      const pattern = patternResolver(args, 1)
      return {
        fn: (text: string, source: string) => {
          const compiled = pattern(source)
          return compiled === null ? null : compiled.test(text)
        },
      }
    },
  }),
  scalar({
    name: 'SPLIT_INDEX',
    signatures: { params: [P.string, P.string, P.integer] },
    returnType: STRING,
    nulls: 'strict-nullable',
    implement: fn(splitIndex),
  }),
  scalar({
    name: 'LPAD',
    signatures: { params: [P.string, P.integer, P.string] },
    returnType: STRING,
    nulls: 'strict-nullable',
    implement: fn(leftPad),
  }),
  scalar({
    name: 'RPAD',
    signatures: { params: [P.string, P.integer, P.string] },
    returnType: STRING,
    nulls: 'strict-nullable',
    implement: fn(rightPad),
  }),
  scalar({
    name: 'REVERSE',
    signatures: { params: [P.string] },
    returnType: sameString,
    implement: fn((text: string) => [...text].reverse().join('')),
  }),
  scalar({
    name: 'REPEAT',
    signatures: { params: [P.string, P.integer] },
    returnType: STRING,
    implement: fn((text: string, times: number) => (times <= 0 ? '' : text.repeat(times))),
  }),
  scalar({
    name: 'LEFT',
    signatures: { params: [P.string, P.integer] },
    returnType: STRING,
    implement: fn((text: string, length: number) => (length <= 0 ? '' : text.slice(0, length))),
  }),
  scalar({
    name: 'RIGHT',
    signatures: { params: [P.string, P.integer] },
    returnType: STRING,
    implement: fn((text: string, length: number) => (length <= 0 ? '' : text.slice(-length))),
  }),
  scalar({
    name: 'ASCII',
    signatures: { params: [P.string] },
    returnType: INT,
    implement: fn((text: string) => (text.length === 0 ? 0 : text.charCodeAt(0))),
  }),
  scalar({
    name: 'CHR',
    signatures: { params: [P.integer] },
    returnType: STRING,
    implement: fn((code: number) => String.fromCharCode(code % 256)),
  }),
  scalar({
    name: 'TO_BASE64',
    signatures: { params: [P.string] },
    returnType: STRING,
    implement: fn((text: string) => Buffer.from(text, 'utf8').toString('base64')),
  }),
  scalar({
    name: 'FROM_BASE64',
    signatures: { params: [P.string] },
    returnType: STRING,
    implement: fn((text: string) => Buffer.from(text, 'base64').toString('utf8')),
  }),
  scalar({
    name: 'UUID',
    signatures: { params: [] },
    returnType: types.string(false),
    deterministic: false,
    implement: fn(() => crypto.randomUUID()),
  }),
  ...(['MD5', 'SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512'] as const).map((name) =>
    scalar({
      name,
      signatures: { params: [P.string] },
      returnType: STRING,
      implement: fn((text: string) => digestHex(name === 'SHA1' ? 'sha1' : name.toLowerCase(), text)),
    }),
  ),
  scalar({
    name: 'SHA2',
    signatures: { params: [P.string, P.integer] },
    returnType: STRING,
    nulls: 'strict-nullable',
    implement: fn((text: string, bits: number) =>
      [224, 256, 384, 512].includes(bits) ? digestHex(`sha${bits}`, text) : null,
    ),
  }),
  scalar({
    name: 'HASH_CODE',
    signatures: { params: [P.any] },
    returnType: INT,
    implement: fn((value: unknown) =>
      typeof value === 'number' && Number.isInteger(value) ? value | 0 : javaStringHash(String(value)),
    ),
  }),
]
