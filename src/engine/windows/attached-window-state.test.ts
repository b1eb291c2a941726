import { describe, expect, it } from 'vitest'
import { count, sum } from '../aggregates/count-sum-avg.ts'
import { readDeadLetter } from '../dead-letter.ts'
import { groupBy } from '../grouping/grouping.ts'
import { insertBatch } from '../rows.ts'
import { runOperator } from '../testing/run-operator.ts'
import { boundedOutOfOrderness } from '../time/watermark-generator.ts'
import { attached } from './window.ts'
import { WindowAggregateOperator } from './window-aggregate.ts'

// Input rows as an upstream window aggregate emits them: [key, value, window_start, window_end].
const [KEY, VALUE, START, END] = [0, 1, 2, 3]

describe('window aggregation over windows attached to the rows (cascading windows)', () => {
  it('groups by the window the rows carry, fires each once its end passes, and dead-letters late rows', async () => {
    const operator = new WindowAggregateOperator({
      window: attached(START),
      timeColumn: END,
      grouping: groupBy([KEY]),
      aggregates: [{ fn: count() }, { fn: sum(), argument: VALUE }],
    })
    // As an upstream window operator emits them: the rows of windows ending at 20, then 30, then 40 (HOP
    // windows overlap: [10, 30) after [0, 20)); the watermark trails window_end by 2. A last row for [0, 20)
    // comes after that window fired: late.
    const rows = [
      ['a', 1, 0, 20],
      ['b', 4, 0, 20],
      ['a', 8, 0, 20],
      ['a', 2, 10, 30],
      ['a', 16, 20, 40],
      ['a', 32, 0, 20],
    ]
    const { output, deadLetters } = await runOperator(
      operator,
      rows.map((row) => ({ partition: 0, batch: insertBatch([row]) })),
      { watermarks: { watermarkOf: boundedOutOfOrderness(END, 2) } },
    )
    const sorted = output.rows.map((row) => JSON.stringify(row)).sort()
    expect(sorted).toEqual(
      [
        ['a', 2, 9, 0, 20, 19],
        ['b', 1, 4, 0, 20, 19],
        ['a', 1, 2, 10, 30, 29],
        ['a', 1, 16, 20, 40, 39],
      ]
        .map((row) => JSON.stringify(row))
        .sort(),
    )
    // Windows fire in end order.
    expect(output.rows.map((row) => row[4])).toEqual([20, 20, 30, 40])
    expect(deadLetters.rows.map((row) => readDeadLetter(row).row)).toEqual([['a', 32, 0, 20]])
  })
})
