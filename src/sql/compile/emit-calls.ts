import type { BoundExpr, Call } from '../expr/bound-expr.ts'
import { literalValue, numberLiteral } from '../expr/bound-expr.ts'
import { builtinScalar } from '../functions/builtins/index.ts'
import { castFunction } from '../functions/runtime/cast.ts'
import { likePattern, similarPattern } from '../functions/runtime/strings.ts'
import type { CallEmitter, ExpressionCodegen } from './codegen.ts'

/** CAST and TRY_CAST; representation-preserving casts (INT to BIGINT, …) cost nothing. */
function cast(gen: ExpressionCodegen, call: Call): string {
  const operand = call.args[0]!
  const convert = castFunction(operand.type, call.type, gen.env.zone)
  if (convert === undefined) return gen.emit(operand)
  const name = gen.constant(convert)
  if (call.op === 'CAST') return gen.strict(call.args, ([value]) => `${name}(${value})`)
  const value = gen.emit(operand)
  const result = gen.declare()
  gen.branch(`${value} != null`, () => {
    gen.line(`try { ${result} = ${name}(${value}) } catch { ${result} = null }`)
  })
  return result
}

/**
 * LIKE with a literal pattern is decided at compile time: `abc%` becomes startsWith, `%abc` endsWith, `%abc%`
 * includes, a pattern without wildcards ===, anything else one RegExp built once.
 */
function like(gen: ExpressionCodegen, call: Call): string {
  const pattern = literalValue(call.args[1])
  const escapeChar = literalValue(call.args[2])
  if (typeof pattern === 'string' && (call.args[2] === undefined || typeof escapeChar === 'string')) {
    const test = likeTest(gen, pattern, typeof escapeChar === 'string' ? escapeChar : undefined)
    return gen.strict([call.args[0]!], ([value]) => test(value!))
  }
  const dynamic = (value: string, source: string, escapeChar?: string) =>
    likePattern(source, escapeChar).test(value)
  return gen.strict(call.args, (values) => `${gen.constant(dynamic)}(${values.join(', ')})`)
}

function likeTest(
  gen: ExpressionCodegen,
  pattern: string,
  escapeChar: string | undefined,
): (value: string) => string {
  if (escapeChar === undefined && !pattern.includes('_')) {
    const inner = pattern.slice(1, -1)
    const plain = (text: string) => !text.includes('%')
    if (plain(pattern)) return (value) => `${value} === ${JSON.stringify(pattern)}`
    if (pattern.endsWith('%') && plain(pattern.slice(0, -1)))
      return (value) => `${value}.startsWith(${JSON.stringify(pattern.slice(0, -1))})`
    if (pattern.startsWith('%') && plain(pattern.slice(1)))
      return (value) => `${value}.endsWith(${JSON.stringify(pattern.slice(1))})`
    if (pattern.length >= 2 && pattern.startsWith('%') && pattern.endsWith('%') && plain(inner))
      return (value) => `${value}.includes(${JSON.stringify(inner)})`
  }
  const regex = gen.constant(likePattern(pattern, escapeChar))
  return (value) => `${regex}.test(${value})`
}

function similarTo(gen: ExpressionCodegen, call: Call): string {
  const pattern = literalValue(call.args[1])
  if (typeof pattern === 'string') {
    const regex = gen.constant(similarPattern(pattern))
    return gen.strict([call.args[0]!], ([value]) => `${regex}.test(${value})`)
  }
  const dynamic = (value: string, source: string) => similarPattern(source).test(value)
  return gen.strict(call.args, ([value, source]) => `${gen.constant(dynamic)}(${value}, ${source})`)
}

/** arr[i] (1-based; out of range is NULL) and map[key] (absent is NULL). */
function item(gen: ExpressionCodegen, call: Call): string {
  const collection = call.args[0]!.type.kind
  return gen.strict(call.args, ([container, index]) =>
    collection === 'MAP' ? `(${container}.get(${index}) ?? null)` : `(${container}[${index} - 1] ?? null)`,
  )
}

/** row.field, args [row, literal field position]. */
function field(gen: ExpressionCodegen, call: Call): string {
  const position = numberLiteral(call.args[1])
  return gen.strict([call.args[0]!], ([row]) => `(${row}[${position}] ?? null)`)
}

function rowOrArray(gen: ExpressionCodegen, call: Call): string {
  return gen.bind(`[${call.args.map((arg) => gen.emit(arg)).join(', ')}]`)
}

function mapConstructor(gen: ExpressionCodegen, call: Call): string {
  const values = call.args.map((arg) => gen.emit(arg))
  const entries: string[] = []
  for (let i = 0; i < values.length; i += 2) entries.push(`[${values[i]}, ${values[i + 1]}]`)
  return gen.bind(`new Map([${entries.join(', ')}])`)
}

/**
 * GROUPING(c1, …, cn) from the grouping-set bitmask column: args [mask, b1, …, bn] where bi is the literal bit
 * of ci in the mask. Bit (n-i) of the result is ci's bit, so GROUPING(a, b) of a set without b is 1.
 */
function grouping(gen: ExpressionCodegen, call: Call): string {
  const [mask, ...bits] = call.args as [BoundExpr, ...BoundExpr[]]
  const value = gen.emit(mask)
  const parts = bits.map((bit, i) => `(((${value} >> ${numberLiteral(bit)}) & 1) << ${bits.length - 1 - i})`)
  return gen.bind(parts.length === 0 ? '0' : parts.join(' | '))
}

/** Built-in and user-defined functions; strict ones are not called with NULL arguments. */
export function emitFunction(gen: ExpressionCodegen, call: Call): string {
  if (call.udf) {
    const definition = gen.context.functions?.lookup(call.op)
    if (definition === undefined) throw new Error(`user-defined function ${call.op} is not registered`)
    const name = gen.constant(definition.implementation)
    if (definition.strict === false)
      return gen.bind(`${name}(${call.args.map((arg) => gen.emit(arg)).join(', ')})`)
    return gen.strict(call.args, (values) => `${name}(${values.join(', ')})`)
  }
  const definition = builtinScalar(call.op)
  if (definition === undefined) throw new Error(`no implementation for ${call.op}`)
  const implementation = definition.implement(call.args, gen.env)
  const source =
    'inline' in implementation
      ? implementation.inline
      : (values: readonly string[]) => `${gen.constant(implementation.fn)}(${values.join(', ')})`
  if (definition.nulls === 'custom') return gen.bind(source(call.args.map((arg) => gen.emit(arg))))
  return gen.strict(call.args, source)
}

export const CALL_EMITTERS: ReadonlyMap<string, CallEmitter> = new Map<string, CallEmitter>([
  ['CAST', cast],
  ['TRY_CAST', cast],
  ['LIKE', like],
  ['SIMILAR TO', similarTo],
  ['ITEM', item],
  ['FIELD', field],
  ['ROW', rowOrArray],
  ['ARRAY', rowOrArray],
  ['MAP', mapConstructor],
  ['GROUPING', grouping],
])
