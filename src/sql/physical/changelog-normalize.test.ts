import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Batch,
  heapStateBackend,
  kindAt,
  OperatorMetrics,
  type Row,
  RowKind,
  rowKindSymbol,
  systemClock,
} from '../../engine/index.ts'
import { materialize } from '../../engine/testing/changelog.ts'
import { ChangelogNormalizeOperator } from './changelog-normalize.ts'

/** An upsert (`[key, value]`, +U) or a deletion of a key (`[key, null]`, -D), as upsert-kafka reads them. */
type Change = { key: string; value: number | null }

const upsert = (key: string, value: number): Change => ({ key, value })
const remove = (key: string): Change => ({ key, value: null })

/** Drives the operator directly with a real context and heap state, recording `+I[a, 1]`-style output. */
class Harness {
  readonly output: string[] = []
  readonly rows: Row[] = []
  readonly kinds: RowKind[] = []
  readonly operator = new ChangelogNormalizeOperator([0])

  constructor() {
    this.operator.open({
      name: 'changelog-normalize',
      output: {
        emit: (batch: Batch) => {
          batch.rows.forEach((row, i) => {
            const kind = kindAt(batch, i)
            this.rows.push(row)
            this.kinds.push(kind)
            this.output.push(`${rowKindSymbol(kind)}[${row.join(', ')}]`)
          })
        },
      },
      deadLetters: { send: () => undefined },
      metrics: new OperatorMetrics('changelog-normalize'),
      state: heapStateBackend,
      clock: systemClock,
    })
  }

  send(...changes: Change[]): void {
    this.operator.processBatch({
      rows: changes.map((change) => [change.key, change.value]),
      kinds: Uint8Array.from(
        changes.map((change) => (change.value === null ? RowKind.Delete : RowKind.UpdateAfter)),
      ),
    })
  }
}

describe('ChangelogNormalize', () => {
  it('turns upserts and deletions of keys into +I, -U/+U and -D of the full rows', () => {
    const harness = new Harness()
    harness.send(upsert('a', 1), upsert('b', 2), upsert('a', 3), upsert('a', 3), remove('c'), remove('a'))
    harness.send(upsert('a', 4), remove('b'), remove('b'))
    expect(harness.output).toEqual([
      '+I[a, 1]',
      '+I[b, 2]',
      '-U[a, 1]',
      '+U[a, 3]',
      // The repeated row and the deletion of a key never seen emit nothing.
      '-D[a, 3]',
      '+I[a, 4]',
      '-D[b, 2]',
    ])
  })

  it('continues from a snapshot as if it had not stopped', () => {
    const changes = [upsert('a', 1), upsert('b', 2), upsert('a', 3), remove('b'), upsert('b', 5)]
    const uninterrupted = new Harness()
    uninterrupted.send(...changes)

    const first = new Harness()
    first.send(...changes.slice(0, 2))
    const snapshot = structuredClone(first.operator.onBarrier())
    first.send(upsert('a', 99))
    const restored = new Harness()
    restored.operator.restore(snapshot)
    restored.send(...changes.slice(2))

    expect([...first.output.slice(0, 2), ...restored.output]).toEqual(uninterrupted.output)
    expect(restored.operator.stateEntries()).toBe(2)
  })

  it('leaves exactly the last row of every key not deleted since', () => {
    const change = fc.record({
      key: fc.constantFrom('a', 'b', 'c', 'd'),
      value: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    })
    fc.assert(
      fc.property(fc.array(fc.array(change, { maxLength: 8 }), { maxLength: 10 }), (batches) => {
        const harness = new Harness()
        const last = new Map<string, number>()
        for (const batch of batches) {
          harness.send(...batch)
          for (const { key, value } of batch) {
            if (value === null) last.delete(key)
            else last.set(key, value)
          }
        }
        // materialize throws on a retraction of a row that was never inserted.
        const expected = [...last].map((row) => JSON.stringify(row)).sort()
        expect(materialize(harness.rows, harness.kinds)).toEqual(expected)
      }),
    )
  })
})
