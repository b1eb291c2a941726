import { afterEach, describe, expect, it, vi } from 'vitest'
import { insertBatch } from '../../engine/index.ts'
import { LiveBlock } from './live-block.ts'
import { MaterializedResult } from './materialized-result.ts'
import { MIN_REDRAW_INTERVAL_MS, TerminalTableView } from './terminal-view.ts'

function terminal(columns = 40, rows = 10) {
  const writes: string[] = []
  return { writes, columns, rows, write: (text: string) => writes.push(text) }
}

describe('the live block', () => {
  it('moves back over its last drawing and overwrites it, cutting lines to the width', () => {
    const output = terminal(20)
    const block = new LiveBlock(output)
    block.draw(['a', 'b'])
    block.draw(['0123456789abcdefghijklm'])
    expect(output.writes).toEqual(['a\x1b[K\nb\x1b[K\n\x1b[J', '\x1b[2F0123456789abcdefghij\x1b[K\n\x1b[J'])
    block.release()
    block.draw(['c'])
    expect(output.writes[2]).toBe('c\x1b[K\n\x1b[J')
  })
})

describe('the terminal table view', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('redraws at most ten times a second however often rows arrive, and only when something changed', () => {
    vi.useFakeTimers({ now: 0 })
    const output = terminal()
    const view = new TerminalTableView(output)
    const result = new MaterializedResult('pv', [{ name: 'n', type: 'BIGINT' }], undefined)
    view.add(result)
    for (let i = 0; i < 50; i++) {
      result.apply(insertBatch([[i]]))
      view.changed()
      vi.advanceTimersByTime(10)
    }
    // 500 ms of changes every 10 ms: a drawing at most every MIN_REDRAW_INTERVAL_MS.
    expect(output.writes.length).toBeLessThanOrEqual(500 / MIN_REDRAW_INTERVAL_MS + 1)
    expect(output.writes.length).toBeGreaterThanOrEqual(4)
    const drawn = output.writes.length
    view.changed()
    vi.advanceTimersByTime(1000)
    expect(output.writes.length).toBe(drawn)
  })

  it('keeps the table and the progress within the terminal height, progress last', () => {
    vi.useFakeTimers({ now: 0 })
    const output = terminal(40, 10)
    const view = new TerminalTableView(output)
    const result = new MaterializedResult('pv', [{ name: 'n', type: 'BIGINT' }], undefined)
    view.add(result)
    result.apply(insertBatch(Array.from({ length: 100 }, (_, i) => [i])))
    view.setProgress(['finished: 100 records in, 0 late'])
    view.finish()
    const frame = view.frame()
    expect(frame.length).toBeLessThan(10)
    expect(frame.at(-1)).toBe('finished: 100 records in, 0 late')
    expect(frame.at(-2)).toMatch(/^… \d+ more rows not shown$/)
    expect(frame.slice(0, 3)).toEqual(['pv: 100 rows', 'n', '-'])
  })
})
