import { describe, expect, it } from 'vitest'
import { DeadLetterSummary } from './dead-letter-summary.ts'

describe('the dead-letter summary lines', () => {
  it('prints a reason at once, then at most once per interval and only when its count grew', () => {
    const summary = new DeadLetterSummary(10_000)
    expect(summary.update({}, 0)).toEqual([])
    expect(summary.update({ undecodable: 1 }, 1_000)).toEqual([
      expect.stringMatching(/^dead letters: 1 undecodable: /),
    ])
    // Within the interval: nothing, however many more arrive.
    expect(summary.update({ undecodable: 500 }, 5_000)).toEqual([])
    // Another reason has its own interval.
    expect(summary.update({ undecodable: 500, late: 2 }, 6_000)).toEqual([
      expect.stringMatching(/^dead letters: 2 late: /),
    ])
    expect(summary.update({ undecodable: 900, late: 2 }, 11_000)).toEqual([
      expect.stringMatching(/^dead letters: 900 undecodable: /),
    ])
    // Past the interval but no new ones: nothing.
    expect(summary.update({ undecodable: 900, late: 2 }, 30_000)).toEqual([])
  })

  it('ends with one line per reason with its total', () => {
    const summary = new DeadLetterSummary()
    expect(summary.final({ undecodable: 3, 'not-null-violation': 1 })).toEqual([
      expect.stringMatching(/^dead letters: 3 undecodable: .*dead-letter topic/),
      expect.stringMatching(/^dead letters: 1 not-null-violation: .*table\.exec\.sink\.not-null-enforcer/),
    ])
    expect(summary.final({})).toEqual([])
  })
})
