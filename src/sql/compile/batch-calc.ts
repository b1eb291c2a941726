import type { BoundExpr } from '../expr/bound-expr.ts'
import { conjuncts, inputsOf } from '../expr/rewrite.ts'
import { type Compiled, type CompileOptions, createCodegen, type Row } from './compile-expression.ts'

/** Flink's Calc: an optional filter, then an optional projection (without one, passing rows are kept as they are). */
export interface CalcSpec {
  readonly filter?: BoundExpr
  readonly projection?: readonly BoundExpr[]
}

/** Filter+project of an insert-only batch in one generated loop, with no call per row. */
export type BatchCalc = (rows: Row[]) => Row[]

/** The same over a changelog batch: the kinds of passing rows travel with them (`kinds` null = all inserts). */
export type ChangelogBatchCalc = (
  rows: Row[],
  kinds: Uint8Array | null,
) => { readonly rows: Row[]; readonly kinds: Uint8Array | null }

export function compileBatchCalc(spec: CalcSpec, options: CompileOptions): Compiled<BatchCalc> {
  return generate(spec, options, false) as Compiled<BatchCalc>
}

export function compileChangelogBatchCalc(
  spec: CalcSpec,
  options: CompileOptions,
): Compiled<ChangelogBatchCalc> {
  return generate(spec, options, true) as Compiled<ChangelogBatchCalc>
}

function generate(
  spec: CalcSpec,
  options: CompileOptions,
  changelog: boolean,
): Compiled<BatchCalc | ChangelogBatchCalc> {
  const gen = createCodegen(options, 2)
  let filterLines: string[] = []
  if (spec.filter !== undefined) {
    gen.readInputs(sorted(inputsOf(spec.filter)))
    // A row passes only if every conjunct is TRUE, so each is tested on its own and the rest is skipped:
    // no three-valued bookkeeping for the AND chain itself.
    for (const conjunct of conjuncts(spec.filter)) gen.line(`if (${gen.emit(conjunct)} !== true) continue`)
    filterLines = gen.takeLines()
  }
  let output = 'row'
  if (spec.projection !== undefined) {
    const inputs = new Set<number>()
    for (const expr of spec.projection) for (const index of inputsOf(expr)) inputs.add(index)
    gen.readInputs(sorted(inputs))
    output = `[${spec.projection.map((expr) => gen.emit(expr)).join(', ')}]`
  }
  const projectLines = gen.takeLines()
  const presized = spec.filter === undefined
  const store = presized ? `out[r] = ${output}` : `out.push(${output})`
  const keepKind = changelog && !presized ? 'if (kinds !== null) outKinds.push(kinds[r])' : ''
  const body = [
    `function calc(rows${changelog ? ', kinds' : ''}) {`,
    `  const out = ${presized ? 'new Array(rows.length)' : '[]'}`,
    changelog && !presized ? '  const outKinds = []' : '',
    '  for (let r = 0; r < rows.length; r++) {',
    '    const row = rows[r]',
    ...filterLines,
    ...projectLines,
    `    ${store}`,
    keepKind === '' ? '' : `    ${keepKind}`,
    '  }',
    changelog
      ? `  return { rows: out, kinds: ${presized ? 'kinds' : 'kinds === null ? null : Uint8Array.from(outKinds)'} }`
      : '  return out',
    '}',
  ]
  return gen.instantiate(body.filter((line) => line !== '').join('\n'))
}

function sorted(indexes: Set<number>): number[] {
  return [...indexes].sort((a, b) => a - b)
}
