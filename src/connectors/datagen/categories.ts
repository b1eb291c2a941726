import { WeightedPicker } from './random.ts'

/**
 * The product category tree of the modelled shop: 8 departments, 44 leaf categories. A leaf's id is its
 * department's id * 100 + its position, so SQL rolls leaves up to departments with `category_id / 100`.
 */
export interface Category {
  readonly id: number
  /** Slug path such as 'women/dresses': departments are one segment, leaves two. */
  readonly path: string
  readonly parentId: number | null
}

/** Departments with their share of traffic; within one, earlier leaves are more popular. */
const DEPARTMENTS: readonly { readonly slug: string; readonly weight: number; readonly leaves: string[] }[] =
  [
    { slug: 'women', weight: 26, leaves: ['dresses', 'tops', 'knitwear', 'coats', 'jeans', 'lingerie'] },
    { slug: 'men', weight: 10, leaves: ['t-shirts', 'shirts', 'jackets', 'trousers', 'sportswear'] },
    {
      slug: 'shoes-bags',
      weight: 14,
      leaves: ['sneakers', 'boots', 'heels', 'handbags', 'backpacks', 'wallets'],
    },
    {
      slug: 'beauty',
      weight: 18,
      leaves: ['skincare', 'makeup', 'fragrance', 'haircare', 'bodycare', 'mens-grooming'],
    },
    { slug: 'kids', weight: 10, leaves: ['baby-clothing', 'kids-clothing', 'toys', 'diapers', 'strollers'] },
    { slug: 'home', weight: 9, leaves: ['bedding', 'kitchen', 'storage', 'decor', 'cleaning', 'furniture'] },
    {
      slug: 'electronics',
      weight: 6,
      leaves: ['phones', 'laptops', 'headphones', 'smart-home', 'appliances'],
    },
    { slug: 'food-health', weight: 7, leaves: ['snacks', 'drinks', 'supplements', 'fresh', 'imported-food'] },
  ]

export const DEPARTMENT_CATEGORIES: readonly Category[] = DEPARTMENTS.map((department, d) => ({
  id: d + 1,
  path: department.slug,
  parentId: null,
}))

export const LEAF_CATEGORIES: readonly Category[] = DEPARTMENTS.flatMap((department, d) =>
  department.leaves.map((leaf, l) => ({
    id: (d + 1) * 100 + l + 1,
    path: `${department.slug}/${leaf}`,
    parentId: d + 1,
  })),
)

/** Indices into LEAF_CATEGORIES, weighted by department share and then 1 / (position + 1). */
export function leafCategoryPicker(): WeightedPicker<number> {
  const entries: [number, number][] = []
  for (const department of DEPARTMENTS) {
    const harmonic = department.leaves.reduce((sum, _, l) => sum + 1 / (l + 1), 0)
    department.leaves.forEach((_, l) => {
      entries.push([entries.length, (department.weight * (1 / (l + 1))) / harmonic])
    })
  }
  return new WeightedPicker(entries)
}
