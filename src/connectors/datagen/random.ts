/**
 * Seeded randomness for the datagen generators.
 *
 * Every generated row is a pure function of (seed, table, row index): a generator re-seeds one `Rng` from
 * a `StreamKey` and the row index before drawing that row's values. That makes a checkpoint of a datagen
 * source just a row index, lets parallel subtasks generate disjoint index ranges, and keeps a row
 * identical however the stream is batched.
 */

const TWO_POW_31 = 2147483648
const TWO_POW_32 = 4294967296
const TWO_POW_53 = 9007199254740992
/** Bounds up to 2^21 keep `uint32 * bound` below 2^53, so Lemire's multiply-shift is exact in doubles. */
const EXACT_MULTIPLY_BOUND = 2097152

/** The murmur3 finaliser: a bijection on uint32 with full avalanche, used to turn counters into seeds. */
function mix32(value: number): number {
  let h = value | 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h
}

/** Four 32-bit words naming one independent random stream: a seed combined with a table's label. */
export interface StreamKey {
  readonly a: number
  readonly b: number
  readonly c: number
  readonly d: number
}

/** Seeds are any safe integer; the label keeps tables generated from the same seed independent. */
export function streamKey(seed: number, label: string): StreamKey {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`)
  const high = Math.floor(seed / TWO_POW_32)
  const low = seed - high * TWO_POW_32
  let labelHash = 0x811c9dc5
  for (let i = 0; i < label.length; i++) labelHash = Math.imul(labelHash ^ label.charCodeAt(i), 0x01000193)
  const a = mix32(low ^ mix32(labelHash))
  const b = mix32(high ^ mix32(a + 0x9e3779b9))
  const c = mix32(a ^ mix32(b + 0x7f4a7c15))
  const d = mix32(b ^ mix32(c + 0x6a09e667))
  return { a, b, c, d }
}

/** A uniform int32 that depends only on (key, id): attributes that several tables must agree on. */
export function hashInt32(key: StreamKey, id: number): number {
  const high = Math.floor(id / TWO_POW_32)
  const low = id - high * TWO_POW_32
  return mix32(mix32(low ^ key.a) ^ mix32(high + key.b))
}

/**
 * xoshiro128** (Blackman & Vigna): 128 bits of state, fast on 32-bit integer arithmetic, good statistical
 * quality. The state lives in an Int32Array, and the core draw returns a signed int32, which V8 passes
 * around untagged: a uint32 or double crossing a call that is not inlined would allocate a heap number.
 */
export class Rng {
  private readonly state = new Int32Array(4)

  constructor(seed = 0) {
    this.seedRow(streamKey(seed, ''), 0)
  }

  /**
   * Re-seeds for row `index` of the stream `key`. The first word is a bijection of the index's low 32 bits,
   * so rows below 2^32 never share a state.
   */
  seedRow(key: StreamKey, index: number): void {
    const high = Math.floor(index / TWO_POW_32)
    const low = index - high * TWO_POW_32
    const s = this.state
    s[0] = mix32(low ^ key.a)
    s[1] = mix32((s[0] ^ key.b) + high)
    s[2] = mix32(s[1] ^ key.c)
    s[3] = mix32(s[2] + key.d) | 1
  }

  /** 32 uniform bits as a signed integer. */
  nextInt32(): number {
    const s = this.state
    const s0 = s[0]!
    const s1 = s[1]!
    const s2 = s[2]! ^ s0
    const s3 = s[3]! ^ s1
    const product = Math.imul(s1, 5)
    const result = Math.imul((product << 7) | (product >>> 25), 9)
    s[0] = s0 ^ s3
    s[1] = s1 ^ s2
    s[2] = s2 ^ (s1 << 9)
    s[3] = (s3 << 11) | (s3 >>> 21)
    return result
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  nextDouble(): number {
    const high = this.nextInt32() >>> 5
    const low = this.nextInt32() >>> 6
    return (high * 67108864 + low) / TWO_POW_53
  }

  /** Uniform in [0, 1) with 32 bits: enough for most draws, half the cost of `nextDouble`. */
  nextUnit(): number {
    return (this.nextInt32() >>> 0) / TWO_POW_32
  }

  /**
   * Uniform integer in [0, bound). Exact (Lemire's nearly divisionless rejection) for bounds up to 2^21;
   * above that a 53-bit double is scaled, biased by at most bound / 2^53.
   */
  nextInt(bound: number): number {
    if (bound <= EXACT_MULTIPLY_BOUND) {
      let bits = this.nextInt32() >>> 0
      // The low word of bits * bound, exactly; the high word below is exact as the product stays under 2^53.
      let low = Math.imul(bits, bound) >>> 0
      if (low < bound) {
        const threshold = (TWO_POW_32 - bound) % bound
        while (low < threshold) {
          bits = this.nextInt32() >>> 0
          low = Math.imul(bits, bound) >>> 0
        }
      }
      return Math.floor((bits * bound) / TWO_POW_32)
    }
    return Math.floor(this.nextDouble() * bound)
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.nextInt32() + TWO_POW_31 < p * TWO_POW_32
  }

  pick<T>(values: readonly T[]): T {
    return values[this.nextInt(values.length)]!
  }

  /**
   * Bell-shaped noise with standard deviation `stddev`, bounded to ±3.46 stddev: the Irwin–Hall sum of four
   * uniforms. Cheaper than Box–Muller and never produces the wild outliers a true normal would.
   */
  nextJitter(stddev: number): number {
    const sum = this.nextUnit() + this.nextUnit() + this.nextUnit() + this.nextUnit()
    return (sum - 2) * Math.sqrt(3) * stddev
  }
}

/**
 * Picks values by weight from a precomputed cumulative table, searched in binary (O(log n) per draw). The
 * table holds int32 thresholds so a draw is one `nextInt32` and integer comparisons.
 */
export class WeightedPicker<T> {
  readonly values: readonly T[]
  /** Entry i is picked by draws below thresholds[i] (and not below thresholds[i - 1]). */
  private readonly thresholds: Int32Array
  /** Entries after the last positive weight can never be picked, so the search stops before them. */
  private readonly searchLength: number

  constructor(entries: readonly (readonly [value: T, weight: number])[]) {
    let total = 0
    for (const [value, weight] of entries) {
      if (!(weight >= 0) || !Number.isFinite(weight)) {
        throw new RangeError(`weight of ${String(value)} must be a finite number >= 0, got ${weight}`)
      }
      total += weight
    }
    if (!(total > 0)) throw new RangeError('a weighted pick needs a positive weight')
    this.values = entries.map(([value]) => value)
    this.searchLength = entries.findLastIndex(([, weight]) => weight > 0) + 1
    this.thresholds = new Int32Array(this.searchLength)
    let running = 0
    for (let i = 0; i < this.searchLength; i++) {
      running += entries[i]![1]
      // The last threshold is never compared: whatever passes all others lands on the last entry.
      this.thresholds[i] = Math.min(TWO_POW_31 - 1, Math.floor((running / total) * TWO_POW_32) - TWO_POW_31)
    }
  }

  pickIndex(rng: Rng): number {
    return this.indexOf(rng.nextInt32())
  }

  /** The index a uniform int32 selects: lets a hash pick consistently across tables. */
  indexOf(draw: number): number {
    const thresholds = this.thresholds
    let low = 0
    let high = this.searchLength - 1
    while (low < high) {
      const middle = (low + high) >>> 1
      if (draw < thresholds[middle]!) high = middle
      else low = middle + 1
    }
    return low
  }

  pick(rng: Rng): T {
    return this.values[this.pickIndex(rng)]!
  }
}
