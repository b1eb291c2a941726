import { LEAF_CATEGORIES, leafCategoryPicker } from './categories.ts'
import { type DimensionVersion, ORIGINAL_VERSION, VersionedAttribute } from './dimension-versions.ts'
import type { IndexedRows } from './generator.ts'
import { Rng, type StreamKey, streamKey, type WeightedPicker } from './random.ts'
import { column, type Schema } from './schema.ts'
import { ZipfSampler } from './zipf.ts'

const MIN_PRICE_CENTS = 990
const MAX_PRICE_CENTS = 299_900
const BRAND_COUNT = 200
const BRANDS: readonly string[] = Array.from(
  { length: BRAND_COUNT },
  (_, i) => `brand-${String(i + 1).padStart(3, '0')}`,
)

export const PRICE_BANDS = ['<50', '50-200', '200-1000', '1000+'] as const

function priceBandIndex(priceCents: number): number {
  if (priceCents < 5_000) return 0
  if (priceCents < 20_000) return 1
  if (priceCents < 100_000) return 2
  return 3
}

interface ProductFacts {
  readonly leafIndex: number
  readonly priceCents: number
  readonly brandIndex: number
}

/**
 * What a product is: its leaf category, list price and brand, drawn from the product's own stream so the
 * clickstream and dim_product agree. Category popularity then follows from how many popular products
 * each category holds.
 */
class ProductModel {
  private readonly key: StreamKey
  private readonly leaves: WeightedPicker<number> = leafCategoryPicker()
  private readonly brands = new ZipfSampler(BRAND_COUNT, 1)
  private readonly logMinPrice = Math.log(MIN_PRICE_CENTS)
  private readonly logPriceRange = Math.log(MAX_PRICE_CENTS) - Math.log(MIN_PRICE_CENTS)

  constructor(seed: number) {
    this.key = streamKey(seed, 'product')
  }

  facts(productId: number, rng: Rng): ProductFacts {
    rng.seedRow(this.key, productId)
    const leafIndex = this.leaves.pickIndex(rng)
    // Log-uniform: as many products at 10-100 yuan as at 100-1000.
    const priceCents = Math.round(Math.exp(this.logMinPrice + rng.nextUnit() * this.logPriceRange))
    const brandIndex = this.brands.sample(rng) - 1
    return { leafIndex, priceCents, brandIndex }
  }
}

/** Category and list price of every product, precomputed for the clickstream's hot loop (6 bytes each). */
export class ProductCatalog {
  private readonly leafIndex: Uint8Array
  private readonly listPriceCents: Int32Array

  constructor(
    seed: number,
    readonly products: number,
  ) {
    if (!Number.isSafeInteger(products) || products < 1) throw new RangeError('products must be >= 1')
    this.leafIndex = new Uint8Array(products + 1)
    this.listPriceCents = new Int32Array(products + 1)
    const model = new ProductModel(seed)
    const rng = new Rng()
    for (let id = 1; id <= products; id++) {
      const facts = model.facts(id, rng)
      this.leafIndex[id] = facts.leafIndex
      this.listPriceCents[id] = facts.priceCents
    }
  }

  /** Index into LEAF_CATEGORIES. */
  leafIndexOf(productId: number): number {
    return this.leafIndex[productId]!
  }

  listPriceCentsOf(productId: number): number {
    return this.listPriceCents[productId]!
  }
}

export const DIM_PRODUCT_SCHEMA: Schema = [
  column('product_id', 'BIGINT'),
  column('category_id', 'INT'),
  column('brand', 'STRING'),
  column('price_band', 'STRING'),
]

export interface DimProductConfig {
  readonly seed: number
  /** Products 1..products; the clickstream's product ids fall in the same range. */
  readonly products: number
  /** Which version of the table; each round re-prices a fraction of products into another price band. */
  readonly versioning: DimensionVersion
}

export const DEFAULT_DIM_PRODUCT_CONFIG: DimProductConfig = {
  seed: 0,
  products: 100_000,
  versioning: ORIGINAL_VERSION,
}

/** dim_product: one row per product id, ordered by id. */
export class DimProductRows implements IndexedRows {
  readonly schema = DIM_PRODUCT_SCHEMA
  readonly size: number
  private readonly rng = new Rng()
  private readonly model: ProductModel
  private readonly priceBand: VersionedAttribute

  readonly config: DimProductConfig

  constructor(overrides: Partial<DimProductConfig> = {}) {
    const config = { ...DEFAULT_DIM_PRODUCT_CONFIG, ...overrides }
    this.config = config
    if (!Number.isSafeInteger(config.products) || config.products < 1)
      throw new RangeError('products must be >= 1')
    this.size = config.products
    this.model = new ProductModel(config.seed)
    this.priceBand = new VersionedAttribute(
      config.seed,
      'dim_product.price_band',
      PRICE_BANDS.length,
      config.versioning,
    )
  }

  rowAt(index: number): unknown[] {
    const productId = index + 1
    const facts = this.model.facts(productId, this.rng)
    const band = PRICE_BANDS[this.priceBand.valueOf(productId, priceBandIndex(facts.priceCents))]
    return [productId, LEAF_CATEGORIES[facts.leafIndex]!.id, BRANDS[facts.brandIndex], band]
  }
}
