/**
 * The engine's data model. A row is a positional array whose arity and column types are fixed per plan edge,
 * so V8 sees one array shape per edge and keeps property access monomorphic. Rows are immutable once emitted:
 * a batch may be delivered to several consumers (fan-out), so operators build new rows instead of editing.
 */
export type Row = unknown[]

/** Changelog kinds with Flink's byte values, so a `kinds` array can be exchanged with Flink-compatible formats. */
export const RowKind = {
  Insert: 0,
  UpdateBefore: 1,
  UpdateAfter: 2,
  Delete: 3,
} as const
export type RowKind = (typeof RowKind)[keyof typeof RowKind]

const KIND_SYMBOLS = ['+I', '-U', '+U', '-D'] as const

export function rowKindSymbol(kind: RowKind): (typeof KIND_SYMBOLS)[RowKind] {
  return KIND_SYMBOLS[kind]
}

/** +I and +U add a row to the result; -U and -D take one away. */
export function isRetraction(kind: number): boolean {
  return kind === RowKind.UpdateBefore || kind === RowKind.Delete
}

/**
 * A batch of rows of one edge. `kinds` is null when every row is an insert, which is the common case for
 * sources and window results: insert-only streams carry no per-row kind array at all.
 */
export interface Batch {
  readonly rows: Row[]
  readonly kinds: Uint8Array | null
}

export function insertBatch(rows: Row[]): Batch {
  return { rows, kinds: null }
}

export function isInsertOnly(batch: Batch): boolean {
  return batch.kinds === null || batch.kinds.every((kind) => kind === RowKind.Insert)
}

export function kindAt(batch: Batch, index: number): RowKind {
  return batch.kinds === null ? RowKind.Insert : (batch.kinds[index] as RowKind)
}

/** Value equality of two rows, used to tell whether an aggregate result changed and to find rows to retract. */
export function rowsEqual(left: Row, right: Row): boolean {
  if (left.length !== right.length) return false
  for (let i = 0; i < left.length; i++) {
    if (!valuesEqual(left[i], right[i])) return false
  }
  return true
}

export function valuesEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true
  if (typeof left === 'number' && typeof right === 'number') return Number.isNaN(left) && Number.isNaN(right)
  if (left instanceof Uint8Array && right instanceof Uint8Array) return bytesEqual(left, right)
  if (Array.isArray(left) && Array.isArray(right)) return rowsEqual(left, right)
  return false
}

function bytesEqual(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false
  for (let i = 0; i < left.length; i++) if (left[i] !== right[i]) return false
  return true
}
