import { describe, expect, it } from 'vitest'
import { type Batch, insertBatch, type Row, RowKind } from '../../engine/index.ts'
import { MaterializedResult, type ResultColumn } from './materialized-result.ts'
import { renderTable, TableauPrinter } from './render-table.ts'

const COLUMNS: ResultColumn[] = [
  { name: 'site', type: 'STRING' },
  { name: 'window_end', type: 'TIMESTAMP(3)' },
  { name: 'pv', type: 'BIGINT' },
]
const T = (minute: number): number => Date.UTC(2024, 0, 1, 0, minute)

function changes(...rows: [RowKind, Row][]): Batch {
  return { rows: rows.map(([, row]) => row), kinds: Uint8Array.from(rows.map(([kind]) => kind)) }
}

describe('the materialized result', () => {
  it('keeps the latest row per key, in key order with NULL (the rolled-up total) first', () => {
    const result = new MaterializedResult('pv', COLUMNS, [0])
    result.apply(
      insertBatch([
        ['b', T(1), 3],
        [null, T(1), 5],
        ['a', T(1), 2],
      ]),
    )
    result.apply(insertBatch([['a', T(2), 4]]))
    expect(result.rows()).toEqual([
      [null, T(1), 5],
      ['a', T(2), 4],
      ['b', T(1), 3],
    ])
    result.apply(changes([RowKind.Delete, ['b', T(1), 3]]))
    expect(result.size).toBe(2)
  })

  it('puts the coarsest grouping-set rows first: the grand total, then per site, then per site and platform', () => {
    const twoKeys: ResultColumn[] = [
      { name: 'site', type: 'STRING' },
      { name: 'platform', type: 'STRING' },
    ]
    const result = new MaterializedResult('pv', [...twoKeys, { name: 'pv', type: 'BIGINT' }], [0, 1])
    result.apply(
      insertBatch([
        ['app', 'ios', 1],
        ['app', null, 3],
        ['m', 'h5', 1],
        [null, null, 5],
        ['m', null, 2],
        ['app', 'android', 2],
      ]),
    )
    expect(result.rows().map((row) => row.slice(0, 2))).toEqual([
      [null, null],
      ['app', null],
      ['m', null],
      ['app', 'android'],
      ['app', 'ios'],
      ['m', 'h5'],
    ])
  })

  it('without a key, adds inserts and takes away the row a retraction names', () => {
    const result = new MaterializedResult('pv', COLUMNS, undefined)
    result.apply(
      insertBatch([
        ['a', T(1), 1],
        ['a', T(1), 1],
        ['b', T(1), 1],
      ]),
    )
    result.apply(changes([RowKind.UpdateBefore, ['a', T(1), 1]], [RowKind.UpdateAfter, ['a', T(1), 2]]))
    expect(result.rows()).toEqual([
      ['a', T(1), 1],
      ['b', T(1), 1],
      ['a', T(1), 2],
    ])
  })

  it('without a key, keeps only the latest rows of an endless append stream and says so', () => {
    const result = new MaterializedResult('pv', COLUMNS, undefined, 10)
    for (let i = 0; i < 35; i++) result.apply(insertBatch([['a', T(i), i]]))
    expect(result.size).toBeLessThanOrEqual(20)
    expect(result.rows().at(-1)).toEqual(['a', T(34), 34])
    expect(result.droppedRows + result.size).toBe(35)
    expect(renderTable(result, { width: 200 })[0]).toMatch(/older rows let go/)
  })

  it('counts a change only when rows arrive, so a view redraws only then', () => {
    const result = new MaterializedResult('pv', COLUMNS, [0])
    result.apply(insertBatch([]))
    expect(result.version).toBe(0)
    result.apply(insertBatch([['a', T(1), 1]]))
    expect(result.version).toBe(1)
  })
})

describe('renderTable', () => {
  const result = new MaterializedResult('metrics', COLUMNS, [0])
  result.apply(
    insertBatch([
      ['vip.com', T(1), 1234],
      ['app', T(1), 7],
      [null, T(1), 1241],
    ]),
  )

  it('shows a title, the column names, a rule and the rows, numbers right-aligned', () => {
    expect(renderTable(result, { width: 80 })).toEqual([
      'metrics: 3 rows',
      'site     window_end                 pv',
      '-------  -----------------------  ----',
      'null     2024-01-01 00:01:00.000  1241',
      'app      2024-01-01 00:01:00.000     7',
      'vip.com  2024-01-01 00:01:00.000  1234',
    ])
  })

  it('keeps to the height it is given and says how many rows it left out', () => {
    const lines = renderTable(result, { width: 80, height: 5 })
    expect(lines).toHaveLength(5)
    // Columns are as wide as the rows shown need.
    expect(lines.slice(3)).toEqual(['null  2024-01-01 00:01:00.000  1241', '… 2 more rows not shown'])
  })

  it('leaves out whole columns that do not fit, naming them, rather than cutting a number', () => {
    const lines = renderTable(result, { width: 34 })
    expect(lines[0]).toMatch(/^metrics: 3 rows; pv not shown/)
    expect(lines[1]).toBe('site     window_end')
    expect(lines[3]).toBe('null     2024-01-01 00:01:00.000')
    expect(lines.every((line) => line.length <= 34)).toBe(true)
  })

  it('cuts values longer than 30 characters with ...', () => {
    const long = new MaterializedResult('t', [{ name: 'url', type: 'STRING' }], undefined)
    long.apply(insertBatch([['https://www.vip.com/product.html?id=1234567']]))
    expect(renderTable(long, { width: 80 })[3]).toBe('https://www.vip.com/product...')
  })
})

describe('the tableau printer', () => {
  it('prints a boxed header, a row per change with its kind, and the total at the end', () => {
    const printer = new TableauPrinter([
      { name: 'site', type: 'STRING' },
      { name: 'pv', type: 'BIGINT' },
    ])
    const text =
      printer.header() + printer.row('+I', ['app', 7]) + printer.row('-U', ['app', 7]) + printer.footer()
    expect(text.split('\n')).toEqual([
      '+----+--------------------------------+----------------------+',
      '| op | site                           | pv                   |',
      '+----+--------------------------------+----------------------+',
      '| +I | app                            |                    7 |',
      '| -U | app                            |                    7 |',
      '+----+--------------------------------+----------------------+',
      'Received a total of 2 rows',
      '',
    ])
  })
})
