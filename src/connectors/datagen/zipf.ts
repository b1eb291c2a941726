import { hashInt32, type Rng, type StreamKey } from './random.ts'

/**
 * Zipf-distributed integers in [1, n]: P(k) ∝ 1 / k^exponent, by rejection-inversion (Hörmann &
 * Derflinger, "Rejection-inversion to generate variates from monotone discrete distributions", 1996).
 *
 * Why not an alias table: it needs 8+ bytes per value (8 MB for a million users) and each draw touches a
 * random entry, a cache miss that measured slower than this method's arithmetic once the generator shares
 * the cache with the rest of a pipeline. Rejection-inversion needs O(1) memory for any n, and most draws
 * are accepted by the cheap `k - x <= s` test after one log1p and one exp.
 */
export class ZipfSampler {
  private readonly oneMinusExponent: number
  private readonly hIntegralX1: number
  private readonly hIntegralN: number
  private readonly s: number

  constructor(
    readonly n: number,
    readonly exponent: number,
  ) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Zipf n must be a positive integer, got ${n}`)
    if (!(exponent > 0)) throw new RangeError(`Zipf exponent must be > 0, got ${exponent}`)
    this.oneMinusExponent = 1 - exponent
    this.hIntegralX1 = this.hIntegral(1.5) - 1
    this.hIntegralN = this.hIntegral(n + 0.5)
    this.s = 2 - this.hIntegralInverse(this.hIntegral(2.5) - 2 ** -exponent)
  }

  sample(rng: Rng): number {
    const t = this.oneMinusExponent
    for (;;) {
      const u = this.hIntegralN + rng.nextDouble() * (this.hIntegralX1 - this.hIntegralN)
      // hIntegralInverse(u), written out: as a call V8 leaves it out of line and boxes its double result.
      const x = t === 0 ? Math.exp(u) : Math.exp(Math.log1p(Math.max(-1, u * t)) / t)
      const k = Math.min(this.n, Math.max(1, Math.floor(x + 0.5)))
      if (k - x <= this.s || u >= this.hIntegral(k + 0.5) - k ** -this.exponent) return k
    }
  }

  /** H(x) = (x^(1-e) - 1) / (1-e), an antiderivative of x^-e; log x when e = 1. */
  private hIntegral(x: number): number {
    const logX = Math.log(x)
    const t = this.oneMinusExponent
    return t === 0 ? logX : Math.expm1(t * logX) / t
  }

  /** The inverse of H; the clamp guards rounding just outside the domain of log1p. */
  private hIntegralInverse(y: number): number {
    const t = this.oneMinusExponent
    return t === 0 ? Math.exp(y) : Math.exp(Math.log1p(Math.max(-1, y * t)) / t)
  }
}

/**
 * Zipf-skewed ids in [1, n] whose heavy hitters are scattered over the id space by an affine permutation,
 * so "the hottest user" is not simply user 1 and hash partitioning sees realistic hot keys.
 */
export class SkewedIds {
  private readonly zipf: ZipfSampler
  private readonly multiplier: number
  private readonly offset: number

  constructor(n: number, exponent: number, key: StreamKey) {
    if (n > 2 ** 31) throw new RangeError(`at most 2^31 skewed ids, got ${n}`)
    this.zipf = new ZipfSampler(n, exponent)
    // A multiplier below 2^21 keeps rank * multiplier exact in doubles; coprime to n makes it a bijection.
    let multiplier = ((hashInt32(key, 0) >>> 0) % 1048576) + 1048577
    while (greatestCommonDivisor(multiplier, n) !== 1) multiplier++
    this.multiplier = multiplier
    this.offset = (hashInt32(key, 1) >>> 0) % n
  }

  /** The id of popularity rank `rank` (1 = most popular). */
  idOfRank(rank: number): number {
    const n = this.zipf.n
    const scattered = (rank - 1) * this.multiplier + this.offset
    // Floating-point `%` is a slow library call; a rounded division corrected by one step is exact here.
    let id = scattered - Math.floor(scattered / n) * n
    if (id < 0) id += n
    else if (id >= n) id -= n
    return id + 1
  }

  next(rng: Rng): number {
    return this.idOfRank(this.zipf.sample(rng))
  }
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}
