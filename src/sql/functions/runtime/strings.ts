import { createHash } from 'node:crypto'

/** String functions with Flink's semantics, on JS strings (lengths and positions count UTF-16 code units). */

/**
 * SUBSTRING(s, pos [, len]): 1-based; a negative `pos` counts from the end and 0 acts as 1, like Flink's
 * BinaryStringData#substringSQL. A negative length yields ''.
 */
export function substring(text: string, position: number, length?: number): string {
  const start = position > 0 ? position - 1 : position < 0 ? Math.max(0, text.length + position) : 0
  if (length === undefined) return text.slice(start)
  if (length <= 0) return ''
  return text.slice(start, start + length)
}

/** SQL TRIM removes the given characters (a space by default), not all whitespace as String#trim does. */
export function trimLeading(text: string, characters = ' '): string {
  let start = 0
  while (start < text.length && characters.includes(text[start]!)) start++
  return text.slice(start)
}

export function trimTrailing(text: string, characters = ' '): string {
  let end = text.length
  while (end > 0 && characters.includes(text[end - 1]!)) end--
  return text.slice(0, end)
}

export function trimBoth(text: string, characters = ' '): string {
  return trimTrailing(trimLeading(text, characters), characters)
}

/** LPAD: truncates to `length` when longer; NULL for a negative length or an empty pad that would be needed. */
export function leftPad(text: string, length: number, pad: string): string | null {
  if (length < 0) return null
  if (text.length >= length) return text.slice(0, length)
  if (pad.length === 0) return null
  return padding(pad, length - text.length) + text
}

export function rightPad(text: string, length: number, pad: string): string | null {
  if (length < 0) return null
  if (text.length >= length) return text.slice(0, length)
  if (pad.length === 0) return null
  return text + padding(pad, length - text.length)
}

function padding(pad: string, length: number): string {
  return pad.repeat(Math.ceil(length / pad.length)).slice(0, length)
}

/** INITCAP: each run of letters and digits starts upper-case and continues lower-case. */
export function initCap(text: string): string {
  let out = ''
  let inWord = false
  for (const char of text) {
    const wordChar = /[\p{L}\p{N}]/u.test(char)
    out += wordChar && !inWord ? char.toUpperCase() : char.toLowerCase()
    inWord = wordChar
  }
  return out
}

/** SPLIT_INDEX(s, separator, index): the 0-based piece, NULL when out of range. */
export function splitIndex(text: string, separator: string, index: number): string | null {
  if (index < 0) return null
  const pieces = separator === '' ? [...text] : text.split(separator)
  return pieces[index] ?? null
}

/** REPLACE(s, search, replacement), with `$` in the replacement taken literally. */
export function replaceAll(text: string, search: string, replacement: string): string {
  return text.replaceAll(search, () => replacement)
}

/** LOCATE/POSITION: the 1-based index of `needle` in `text` at or after `from`, 0 when absent. */
export function locate(needle: string, text: string, from = 1): number {
  if (from < 1) return 0
  return text.indexOf(needle, from - 1) + 1
}

const regexCache = new Map<string, RegExp>()
const REGEX_CACHE_LIMIT = 256

/** A compiled regular expression per distinct pattern (Java syntax is close enough to JS for common use). */
export function regex(pattern: string, flags = ''): RegExp {
  const key = `${flags}/${pattern}`
  let compiled = regexCache.get(key)
  if (compiled === undefined) {
    if (regexCache.size >= REGEX_CACHE_LIMIT) regexCache.clear()
    compiled = new RegExp(pattern, flags)
    regexCache.set(key, compiled)
  }
  return compiled
}

/** REGEXP_EXTRACT(s, regex [, group]): a group of the first match (0, the default, is the whole match). */
export function regexpExtract(text: string, pattern: RegExp, group = 0): string | null {
  const match = pattern.exec(text)
  if (match === null || group < 0 || group >= match.length) return null
  return match[group] ?? null
}

export function regexpReplace(text: string, pattern: RegExp, replacement: string): string {
  return text.replace(pattern, replacement)
}

/** The RegExp matching a SQL LIKE pattern as a whole; `%` and `_` may be escaped with `escape`. */
export function likePattern(pattern: string, escapeChar?: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!
    if (escapeChar !== undefined && char === escapeChar) {
      const next = pattern[++i]
      if (next === undefined) throw new RangeError(`LIKE pattern '${pattern}' ends with the escape character`)
      source += escapeRegex(next)
    } else if (char === '%') source += '.*'
    else if (char === '_') source += '.'
    else source += escapeRegex(char)
  }
  return new RegExp(`^${source}$`, 's')
}

/** SIMILAR TO: SQL's regular expressions, i.e. a regex with `%`/`_` wildcards, matched as a whole. */
export function similarPattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern.replaceAll('%', '.*').replaceAll('_', '.')})$`, 's')
}

function escapeRegex(char: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(char) ? `\\${char}` : char
}

/** Java's String#hashCode, which Flink's HASH_CODE and bucket assignment use. */
export function javaStringHash(text: string): number {
  let hash = 0
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0
  return hash
}

export function digestHex(algorithm: string, text: string): string {
  return createHash(algorithm).update(text, 'utf8').digest('hex')
}
