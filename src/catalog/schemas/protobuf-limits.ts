/**
 * Size limits on `.proto` text, checked before protobufjs sees it. protobufjs rebuilds a message's field index
 * after every field it adds and a namespace's after every declaration, so parsing is quadratic: one message of
 * 3 000 fields takes 3 s and 20 000 fields minutes, on the server's event loop, for a request any viewer may send
 * (a compatibility check or a lookup parses the schema it is given). A scan that ignores comments and strings
 * counts statements (`;`-terminated lines and `{` blocks) per block and in all, and refuses a text over a limit
 * with SchemaTooComplexError, before any quadratic work starts.
 */
import { positionAt } from './json-text.ts'
import { SchemaTooComplexError } from './work-budget.ts'

/** Statements directly inside one message, enum, service or the file's top level (~0.2 s to parse at the limit). */
export const MAX_PROTO_BLOCK_STATEMENTS = 1_000
/** Statements in the whole file (~0.5 s to parse at the limit). */
export const MAX_PROTO_STATEMENTS = 5_000

export function checkProtoSize(text: string): void {
  const counts: number[] = [0]
  let total = 0
  const count = (at: number): void => {
    total++
    const depth = counts.length - 1
    counts[depth] = (counts[depth] ?? 0) + 1
    if ((counts[depth] ?? 0) > MAX_PROTO_BLOCK_STATEMENTS) {
      throw tooLarge(
        `more than ${MAX_PROTO_BLOCK_STATEMENTS} statements in one block (near line ${positionAt(text, at).line})`,
      )
    }
    if (total > MAX_PROTO_STATEMENTS)
      throw tooLarge(`more than ${MAX_PROTO_STATEMENTS} statements in one file`)
  }
  for (let at = 0; at < text.length; at++) {
    const char = text[at]
    if (char === '/' && text[at + 1] === '/') {
      const end = text.indexOf('\n', at)
      at = end < 0 ? text.length : end
    } else if (char === '/' && text[at + 1] === '*') {
      const end = text.indexOf('*/', at + 2)
      at = end < 0 ? text.length : end + 1
    } else if (char === '"' || char === "'") {
      // Escaped quotes do not end the string; an unterminated one is left for the parser to report.
      let end = at + 1
      while (end < text.length && text[end] !== char && text[end] !== '\n') end += text[end] === '\\' ? 2 : 1
      at = end
    } else if (char === ';') {
      count(at)
    } else if (char === '{') {
      count(at)
      counts.push(0)
    } else if (char === '}' && counts.length > 1) {
      counts.pop()
    }
  }
}

function tooLarge(detail: string): SchemaTooComplexError {
  return new SchemaTooComplexError('PROTOBUF', 'parsing', 'size', detail)
}
