import type { LogicalType } from '../types/logical-type.ts'
import { isBinary } from '../types/logical-type.ts'
import { type Compiled, type CompileOptions, createCodegen, type Row } from './compile-expression.ts'

export interface SortField {
  readonly index: number
  readonly type: LogicalType
  readonly descending: boolean
  /** Flink's default: NULLS FIRST ascending, NULLS LAST descending (NULL is the smallest value). */
  readonly nullsFirst: boolean
}

/** A generated `(left, right) => number` for ORDER BY: negative when `left` sorts first. */
export function compileComparator(
  fields: readonly SortField[],
  options: CompileOptions,
): Compiled<(left: Row, right: Row) => number> {
  const gen = createCodegen(options)
  for (const [position, field] of fields.entries()) {
    const a = `a${position}`
    const b = `b${position}`
    gen.line(`const ${a} = left[${field.index}], ${b} = right[${field.index}]`)
    const nullOrder = field.nullsFirst ? -1 : 1
    gen.line(
      `if (${a} == null || ${b} == null) { if (!(${a} == null && ${b} == null)) return ${a} == null ? ${nullOrder} : ${-nullOrder} }`,
    )
    const less = field.descending ? 1 : -1
    if (isBinary(field.type)) {
      const compare = gen.constant((x: Uint8Array, y: Uint8Array) => Buffer.compare(x, y))
      gen.line(
        `else { const c = ${compare}(${a}, ${b}); if (c !== 0) return ${field.descending ? '-c' : 'c'} }`,
      )
    } else {
      gen.line(`else if (${a} < ${b}) return ${less}`)
      gen.line(`else if (${a} > ${b}) return ${-less}`)
    }
  }
  return gen.instantiate(`function compare(left, right) {\n${gen.takeLines().join('\n')}\n  return 0\n}`)
}
