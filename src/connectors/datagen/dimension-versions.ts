import { hashInt32, type StreamKey, streamKey } from './random.ts'

const TWO_POW_32 = 4294967296

/** Which version of a dimension table to generate, and how much of it each version changes. */
export interface DimensionVersion {
  /** 0 is the original table; version v applies v successive rounds of changes. */
  readonly version: number
  /** Share of rows whose changing attribute takes a new value in each round, in [0, 1]. */
  readonly changedFraction: number
}

export const ORIGINAL_VERSION: DimensionVersion = { version: 0, changedFraction: 0 }

/**
 * An attribute that drifts between versions of a dimension table, for testing joins against tables that
 * change while a job runs. Whether row `id` changes in round k, and to what, depends only on (seed, k, id),
 * so version v+1 differs from version v in about `changedFraction` of rows and every version can be
 * generated on its own.
 */
export class VersionedAttribute {
  private readonly roundKeys: readonly StreamKey[]

  constructor(
    seed: number,
    label: string,
    private readonly choiceCount: number,
    private readonly versioning: DimensionVersion,
  ) {
    const { version, changedFraction } = versioning
    if (!Number.isSafeInteger(version) || version < 0) throw new RangeError('version must be an integer >= 0')
    if (!(changedFraction >= 0 && changedFraction <= 1))
      throw new RangeError('changedFraction must be in [0, 1]')
    this.roundKeys = Array.from({ length: version }, (_, k) => streamKey(seed, `${label}@${k + 1}`))
  }

  /** The choice (an index below `choiceCount`) row `id` holds in this version, given its original one. */
  valueOf(id: number, original: number): number {
    if (this.choiceCount < 2) return original
    let value = original
    for (const key of this.roundKeys) {
      const hash = hashInt32(key, id) >>> 0
      if (hash / TWO_POW_32 < this.versioning.changedFraction) {
        value = (value + 1 + (hash % (this.choiceCount - 1))) % this.choiceCount
      }
    }
    return value
  }
}
