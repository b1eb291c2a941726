import { describe, expect, it } from 'vitest'
import { hashInt32, Rng, streamKey, WeightedPicker } from './random.ts'
import { SkewedIds, ZipfSampler } from './zipf.ts'

function draws(rng: Rng, count: number, draw: (rng: Rng) => number): number[] {
  return Array.from({ length: count }, () => draw(rng))
}

describe('Rng', () => {
  it('repeats a sequence for the same seed and diverges for another', () => {
    const a = draws(new Rng(42), 100, (r) => r.nextInt32())
    expect(draws(new Rng(42), 100, (r) => r.nextInt32())).toEqual(a)
    expect(draws(new Rng(43), 100, (r) => r.nextInt32())).not.toEqual(a)
  })

  it('gives each row of a stream its own sequence, the same whenever the row is re-seeded', () => {
    const key = streamKey(7, 'table')
    const rng = new Rng()
    const rowFirstDraws = Array.from({ length: 1000 }, (_, row) => {
      rng.seedRow(key, row)
      return rng.nextInt32()
    })
    expect(new Set(rowFirstDraws).size).toBe(1000)
    rng.seedRow(key, 500)
    expect(rng.nextInt32()).toBe(rowFirstDraws[500])
    rng.seedRow(streamKey(7, 'other table'), 500)
    expect(rng.nextInt32()).not.toBe(rowFirstDraws[500])
  })

  it('separates seeds that differ only above 32 bits', () => {
    const rng = new Rng()
    rng.seedRow(streamKey(1, 't'), 0)
    const low = rng.nextInt32()
    rng.seedRow(streamKey(1 + 2 ** 32, 't'), 0)
    expect(rng.nextInt32()).not.toBe(low)
  })

  it('draws nextInt uniformly within the bound, small and large bounds alike', () => {
    const rng = new Rng(1)
    const counts = new Array<number>(10).fill(0)
    for (let i = 0; i < 100_000; i++) counts[rng.nextInt(10)]!++
    for (const count of counts) expect(count).toBeGreaterThan(9_500)
    for (const count of counts) expect(count).toBeLessThan(10_500)
    for (const bound of [1, 3, 2 ** 21, 2 ** 21 + 1, 2 ** 40]) {
      for (let i = 0; i < 1000; i++) {
        const value = rng.nextInt(bound)
        expect(Number.isInteger(value) && value >= 0 && value < bound).toBe(true)
      }
    }
  })

  it('draws doubles in [0, 1) with mean 1/2', () => {
    const values = draws(new Rng(2), 100_000, (r) => r.nextDouble())
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(1)
    expect(values.reduce((a, b) => a + b) / values.length).toBeCloseTo(0.5, 2)
  })

  it('jitters around 0 with the requested spread and no wild outliers', () => {
    const values = draws(new Rng(3), 100_000, (r) => r.nextJitter(2))
    const mean = values.reduce((a, b) => a + b) / values.length
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length
    expect(mean).toBeCloseTo(0, 1)
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1)
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(2 * Math.sqrt(3) * 2)
  })

  it('hashes (key, id) to the same value every time', () => {
    const key = streamKey(5, 'users')
    expect(hashInt32(key, 123)).toBe(hashInt32(key, 123))
    expect(hashInt32(key, 123)).not.toBe(hashInt32(key, 124))
  })
})

describe('WeightedPicker', () => {
  it('picks in proportion to the weights and never picks a zero weight', () => {
    const picker = new WeightedPicker([
      ['never-first', 0],
      ['a', 1],
      ['b', 3],
      ['never-last', 0],
    ])
    const rng = new Rng(4)
    const counts = new Map<string, number>()
    for (let i = 0; i < 100_000; i++) {
      const value = picker.pick(rng)
      counts.set(value, (counts.get(value) ?? 0) + 1)
    }
    expect([...counts.keys()].sort()).toEqual(['a', 'b'])
    expect(counts.get('a')! / 100_000).toBeCloseTo(0.25, 2)
  })

  it('maps extreme draws to the first and last weighted entries', () => {
    const picker = new WeightedPicker([
      ['a', 1],
      ['b', 1],
      ['zero', 0],
    ])
    expect(picker.values[picker.indexOf(-(2 ** 31))]).toBe('a')
    expect(picker.values[picker.indexOf(2 ** 31 - 1)]).toBe('b')
  })

  it('rejects weights that cannot make a distribution', () => {
    expect(() => new WeightedPicker([])).toThrow(/positive weight/)
    expect(() => new WeightedPicker([['a', 0]])).toThrow(/positive weight/)
    expect(() => new WeightedPicker([['a', -1]])).toThrow(/weight of a/)
  })
})

describe('ZipfSampler', () => {
  /** P(k) for Zipf(n, s), exactly. */
  function zipfProbability(n: number, s: number, k: number): number {
    let total = 0
    for (let i = 1; i <= n; i++) total += i ** -s
    return k ** -s / total
  }

  it.each([
    [1000, 1],
    [1000, 0.8],
    [50, 2.5],
  ])('matches the Zipf law for n = %i, exponent %d', (n, exponent) => {
    const zipf = new ZipfSampler(n, exponent)
    const rng = new Rng(5)
    const counts = new Array<number>(n + 1).fill(0)
    const samples = 400_000
    for (let i = 0; i < samples; i++) counts[zipf.sample(rng)]!++
    expect(counts[0]).toBe(0)
    for (const k of [1, 2, 3, 10]) {
      const expected = zipfProbability(n, exponent, k)
      expect(Math.abs(counts[k]! / samples - expected)).toBeLessThan(4 * Math.sqrt(expected / samples) + 1e-4)
    }
  })

  it('stays within [1, n] for huge n without any table', () => {
    const zipf = new ZipfSampler(2 ** 40, 1.1)
    const rng = new Rng(6)
    for (let i = 0; i < 10_000; i++) {
      const k = zipf.sample(rng)
      expect(k >= 1 && k <= 2 ** 40 && Number.isInteger(k)).toBe(true)
    }
  })

  it('rejects parameters without a Zipf law', () => {
    expect(() => new ZipfSampler(0, 1)).toThrow(/positive integer/)
    expect(() => new ZipfSampler(10, 0)).toThrow(/exponent/)
  })
})

describe('SkewedIds', () => {
  it('scatters ranks over the ids as a permutation', () => {
    for (const n of [1, 7, 1000, 1 << 20]) {
      const ids = new SkewedIds(n, 1, streamKey(8, 'ids'))
      const sample = Math.min(n, 5000)
      const seen = new Set<number>()
      for (let rank = 1; rank <= sample; rank++) seen.add(ids.idOfRank(rank))
      expect(seen.size).toBe(sample)
      for (const id of seen) expect(id >= 1 && id <= n).toBe(true)
    }
    expect(new SkewedIds(1000, 1, streamKey(8, 'ids')).idOfRank(1)).not.toBe(1)
  })
})
