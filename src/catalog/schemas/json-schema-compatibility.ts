/**
 * JSON Schema compatibility as inclusion: the reader schema must accept every document the writer schema accepts.
 * The check is structural and errs on the side of "incompatible" where inclusion cannot be decided cheaply.
 *
 * Covered, with Confluent's rule names:
 * - booleans and `{}`: `true` accepts all, `false` nothing;
 * - `type` (TYPE_CHANGED, TYPE_NARROWED; `integer` -> `number` is a widening), `enum`/`const` (ENUM_ARRAY_NARROWED);
 * - bounds: min/max Length, Items, Properties, minimum/maximum and their exclusive forms (`<RULE>_ADDED`,
 *   `_INCREASED`, `_DECREASED`), multipleOf (MULTIPLE_OF_ADDED, MULTIPLE_OF_EXPANDED), pattern (PATTERN_ADDED,
 *   PATTERN_CHANGED), uniqueItems (UNIQUE_ITEMS_ADDED); each only where the writer admits the type it constrains;
 * - objects: properties compared pairwise; a property on one side only is compared with what the other side's
 *   content model (patternProperties, additionalProperties) allows for it (PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
 *   PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
 *   PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL); additionalProperties (ADDITIONAL_PROPERTIES_REMOVED,
 *   ADDITIONAL_PROPERTIES_NARROWED); newly required properties among those the reader declares
 *   (REQUIRED_ATTRIBUTE_ADDED, unless the property has a default, as Confluent allows); dependentRequired and
 *   array-valued dependencies (DEPENDENCY_ARRAY_EXTENDED); dependentSchemas and schema-valued dependencies, per
 *   property (DEPENDENCY_SCHEMA_ADDED; removing one is compatible);
 * - arrays: items, prefixItems and draft-07 tuple items/additionalItems, position by position (ITEM_ADDED_TO_OPEN_CONTENT_MODEL,
 *   ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL,
 *   ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, ADDITIONAL_ITEMS_REMOVED, ADDITIONAL_ITEMS_NARROWED,
 *   the last two also for an `additionalItems` without tuple, as Confluent compares it); contains with
 *   min/maxContains (CONTAINS_ADDED, MIN_CONTAINS_ADDED/INCREASED, MAX_CONTAINS_ADDED/DECREASED);
 * - unevaluatedProperties / unevaluatedItems, read as additionalProperties / the items after the tuple where no
 *   if/then/else or dependent schema beside them evaluates anything;
 * - `not`, contravariantly: the writer's `not` must cover the reader's (NOT_TYPE_EXTENDED);
 * - `$ref` (local pointers, anchors, referenced documents; recursive schemas terminate);
 * - combinators: a writer `anyOf`/`oneOf` is checked branch by branch, a writer `allOf` merged; a reader `allOf`
 *   needs every branch, a reader `anyOf`/`oneOf` one branch (SUM_TYPE_NARROWED). oneOf exclusivity is not checked.
 *
 * Confluent's own test cases (fixtures/, confluent-diff-cases.test.ts) pin these rules to Confluent's verdicts.
 *
 * Not decided, so any reader-side addition or change is reported as CONSTRAINT_CHANGED: if/then/else,
 * propertyNames, and unevaluated* beside if/then/else or dependent schemas. `format` is an annotation (2020-12
 * default) and is ignored, as are title, description, examples and other annotations.
 *
 * The walk is bounded (see work-budget.ts): each (reader node, writer node) pair's result is memoised, the writer
 * objects built from combinators are built once so that memo hits, and every comparison counts against the
 * request's WorkBudget. Without that, a `$ref` used twice at each of 30 levels means 2^30 comparisons.
 */
import {
  childPath,
  formatIncompatibility,
  type Incompatibility,
  READER_WRITER_ROLES,
  type SchemaRoles,
} from './incompatibility.ts'
import type { JsonSchemaRefResolver, ParsedJsonSchema } from './json-schema.ts'
import { isJsonSchemaNode, JSON_TYPE_NAMES, type JsonSchemaNode } from './json-schema-node.ts'
import { isJsonObject, stableStringify } from './json-text.ts'
import { TimedPatternMatcher } from './pattern-match.ts'
import { WorkBudget } from './work-budget.ts'

/** Reasons documents valid under `writer` may be rejected by `reader`; empty when none. */
export function checkJsonSchemaCompatibility(
  reader: ParsedJsonSchema,
  writer: ParsedJsonSchema,
  roles: SchemaRoles = READER_WRITER_ROLES,
  budget: WorkBudget = new WorkBudget(),
): string[] {
  return new JsonSchemaInclusion(reader.resolver, writer.resolver, roles, budget)
    .check(reader.document, writer.document, '#/')
    .map(formatIncompatibility)
}

type SchemaObject = Readonly<Record<string, unknown>>
type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'string' | 'integer'

const ALL_TYPES: ReadonlySet<JsonType> = new Set([
  'null',
  'boolean',
  'object',
  'array',
  'number',
  'string',
  'integer',
])

/** Keywords that never reject a document. */
const ANNOTATIONS: ReadonlySet<string> = new Set([
  '$schema',
  '$id',
  '$anchor',
  '$comment',
  '$defs',
  'definitions',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'format',
  'contentMediaType',
  'contentEncoding',
])

const UNDECIDED_KEYWORDS = ['if', 'then', 'else', 'propertyNames'] as const

/**
 * In-place applicators that can evaluate properties or items themselves. Without them (combinators and `$ref`s are
 * taken apart before keywords are compared), `unevaluatedProperties` means `additionalProperties` and
 * `unevaluatedItems` means the items after the tuple.
 */
const EVALUATING_APPLICATORS = ['if', 'then', 'else', 'dependentSchemas', 'dependencies'] as const

interface Bound {
  readonly keyword: string
  readonly rule: string
  readonly upper: boolean
  readonly appliesTo: JsonType
}

const BOUNDS: readonly Bound[] = [
  { keyword: 'maxLength', rule: 'MAX_LENGTH', upper: true, appliesTo: 'string' },
  { keyword: 'minLength', rule: 'MIN_LENGTH', upper: false, appliesTo: 'string' },
  { keyword: 'maximum', rule: 'MAXIMUM', upper: true, appliesTo: 'number' },
  { keyword: 'minimum', rule: 'MINIMUM', upper: false, appliesTo: 'number' },
  { keyword: 'exclusiveMaximum', rule: 'EXCLUSIVE_MAXIMUM', upper: true, appliesTo: 'number' },
  { keyword: 'exclusiveMinimum', rule: 'EXCLUSIVE_MINIMUM', upper: false, appliesTo: 'number' },
  { keyword: 'maxItems', rule: 'MAX_ITEMS', upper: true, appliesTo: 'array' },
  { keyword: 'minItems', rule: 'MIN_ITEMS', upper: false, appliesTo: 'array' },
  { keyword: 'maxProperties', rule: 'MAX_PROPERTIES', upper: true, appliesTo: 'object' },
  { keyword: 'minProperties', rule: 'MIN_PROPERTIES', upper: false, appliesTo: 'object' },
]

/** Far beyond any hand-written schema; reached only by `$ref` cycles through combinators. */
const MAX_DEPTH = 200
const MAX_REF_HOPS = 64

class JsonSchemaInclusion {
  private readonly readerResolver: JsonSchemaRefResolver
  private readonly writerResolver: JsonSchemaRefResolver
  private readonly roles: SchemaRoles
  /** Pairs being compared further up the stack: meeting one again means a recursive schema. */
  private readonly inProgress = new Map<object, Map<object, number>>()
  /**
   * The lowest stack depth of an in-progress pair taken as compatible since the innermost check began. A result
   * that leaned on a pair still further up the stack is provisional (that pair may yet turn out incompatible)
   * and is not memoised; the pair's own check resolves its assumption.
   */
  private assumedFrom = Number.POSITIVE_INFINITY
  /** `{$ref, ...siblings}` rewritten as an allOf, built once per object so recursion is recognized. */
  private readonly refSplits = new WeakMap<object, SchemaObject>()
  private depth = 0
  private readonly budget: WorkBudget
  private readonly patterns: TimedPatternMatcher
  /**
   * Findings of pairs already compared, with the path they were found at. Findings name their path, so a memo
   * entry answers a request at another path only when it is empty or when the caller needs just "compatible?".
   */
  private readonly memo = new WeakMap<
    object,
    WeakMap<object, { path: string; findings: Incompatibility[] }>
  >()
  /** `without(node, keyword)` and `merge(base, branch)` results, so one combinator yields one object (memo hits). */
  private readonly withouts = new WeakMap<object, Map<string, SchemaObject>>()
  private readonly merges = new WeakMap<object, WeakMap<object, JsonSchemaNode>>()
  private readonly stringified = new WeakMap<object, string>()

  /** The same check with reader and writer swapped, for `not` (whose inclusion runs the other way). */
  private reversedCheck: JsonSchemaInclusion | undefined

  constructor(
    readerResolver: JsonSchemaRefResolver,
    writerResolver: JsonSchemaRefResolver,
    roles: SchemaRoles,
    budget: WorkBudget,
    reversed?: JsonSchemaInclusion,
  ) {
    this.readerResolver = readerResolver
    this.writerResolver = writerResolver
    this.roles = roles
    this.budget = budget
    this.patterns = new TimedPatternMatcher('JSON', budget)
    this.reversedCheck = reversed
  }

  private get reversed(): JsonSchemaInclusion {
    this.reversedCheck ??= new JsonSchemaInclusion(
      this.writerResolver,
      this.readerResolver,
      { reader: this.roles.writer, writer: this.roles.reader },
      this.budget,
      this,
    )
    return this.reversedCheck
  }

  /** `needFindings: false` when the caller only asks whether the result is empty. */
  check(
    readerNode: JsonSchemaNode,
    writerNode: JsonSchemaNode,
    path: string,
    needFindings = true,
  ): Incompatibility[] {
    this.budget.spend('JSON', 'compatibility checking')
    const reader = this.expand(readerNode, this.readerResolver)
    const writer = this.expand(writerNode, this.writerResolver)
    if (writer === false || reader === true) return []
    if (reader === false) {
      return [
        this.finding(
          'TYPE_NARROWED',
          path,
          'false',
          `The ${this.roles.reader} schema at '${path}' accepts no value, but the ${this.roles.writer} schema does`,
        ),
      ]
    }
    const writerObject: SchemaObject = writer === true ? {} : writer
    let active = this.inProgress.get(reader)
    if (active === undefined) {
      active = new Map()
      this.inProgress.set(reader, active)
    }
    const entered = active.get(writerObject)
    if (entered !== undefined) {
      this.assumedFrom = Math.min(this.assumedFrom, entered)
      return []
    }
    const known = this.memo.get(reader)?.get(writerObject)
    if (known !== undefined && (known.findings.length === 0 || known.path === path || !needFindings)) {
      // Passing findings on costs in proportion to their number, as does building them.
      this.budget.spend('JSON', 'compatibility checking', known.findings.length)
      return known.findings
    }
    if (this.depth >= MAX_DEPTH) {
      return [
        this.finding(
          'TOO_DEEP_TO_COMPARE',
          path,
          String(MAX_DEPTH),
          `The schemas at '${path}' nest more than ${MAX_DEPTH} levels deep through $ref cycles and cannot be compared`,
        ),
      ]
    }
    const depth = this.depth
    const outerAssumed = this.assumedFrom
    this.assumedFrom = Number.POSITIVE_INFINITY
    active.set(writerObject, depth)
    this.depth++
    try {
      const findings = this.compare(reader, writerObject, path)
      this.budget.spend('JSON', 'compatibility checking', findings.length)
      if (this.assumedFrom >= depth) {
        let byWriter = this.memo.get(reader)
        if (byWriter === undefined) {
          byWriter = new WeakMap()
          this.memo.set(reader, byWriter)
        }
        byWriter.set(writerObject, { path, findings })
      }
      return findings
    } finally {
      this.depth--
      active.delete(writerObject)
      // An assumption about this very pair is settled here; one about a pair further up stays open.
      this.assumedFrom = Math.min(
        outerAssumed,
        this.assumedFrom < depth ? this.assumedFrom : Number.POSITIVE_INFINITY,
      )
    }
  }

  /** Follows `$ref`s; a `$ref` with constraining siblings becomes `allOf: [{$ref}, siblings]`. */
  private expand(node: JsonSchemaNode, resolver: JsonSchemaRefResolver): JsonSchemaNode {
    let current = node
    for (let hop = 0; hop < MAX_REF_HOPS; hop++) {
      if (typeof current === 'boolean' || typeof current.$ref !== 'string') return current
      const ref = current.$ref
      const siblings = Object.keys(current).filter(
        (keyword) => keyword !== '$ref' && !ANNOTATIONS.has(keyword),
      )
      if (siblings.length > 0) return this.splitRef(current, ref, siblings, resolver)
      const target = resolver.resolve(ref, current)
      if (target === undefined) throw new Error(`Unresolvable $ref ${ref} got past schema validation`)
      current = target
    }
    // A cycle of bare $refs constrains nothing.
    return true
  }

  private splitRef(
    node: SchemaObject,
    ref: string,
    siblings: readonly string[],
    resolver: JsonSchemaRefResolver,
  ): SchemaObject {
    const cached = this.refSplits.get(node)
    if (cached !== undefined) return cached
    const refOnly = { $ref: ref }
    const rest = Object.fromEntries(siblings.map((keyword) => [keyword, node[keyword]]))
    resolver.adopt(refOnly, node)
    resolver.adopt(rest, node)
    const split = { allOf: [refOnly, rest] }
    this.refSplits.set(node, split)
    return split
  }

  private compare(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const branches = writer[keyword]
      if (Array.isArray(branches)) {
        // A writer document satisfies the rest of the writer schema and at least one branch.
        const base = this.without(writer, keyword)
        // Branches often lead to the same findings (a shared definition); each is reported once.
        return unique(
          branches.flatMap((branch) => this.check(reader, this.merge(base, asSchema(branch)), path)),
        )
      }
    }
    const writerAll = writer.allOf
    if (Array.isArray(writerAll)) {
      const merged = writerAll.reduce<JsonSchemaNode>(
        (all, branch) => (all === false ? false : this.merge(all === true ? {} : all, asSchema(branch))),
        this.without(writer, 'allOf'),
      )
      return this.check(reader, merged, path)
    }
    const readerAll = reader.allOf
    if (Array.isArray(readerAll)) {
      return [
        ...this.check(this.without(reader, 'allOf'), writer, path),
        ...readerAll.flatMap((branch, index) =>
          this.check(asSchema(branch), writer, childPath(childPath(path, 'allOf'), index)),
        ),
      ]
    }
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const branches = reader[keyword]
      if (Array.isArray(branches)) return this.compareReaderSum(reader, keyword, branches, writer, path)
    }
    return this.compareKeywords(reader, writer, path)
  }

  private compareReaderSum(
    reader: SchemaObject,
    keyword: 'anyOf' | 'oneOf',
    branches: readonly unknown[],
    writer: SchemaObject,
    path: string,
  ): Incompatibility[] {
    const findings = [...this.check(this.without(reader, keyword), writer, path)]
    const sumPath = childPath(path, keyword)
    const covered = branches.some(
      (branch, index) => this.check(asSchema(branch), writer, childPath(sumPath, index), false).length === 0,
    )
    if (!covered) {
      findings.push(
        this.finding(
          'SUM_TYPE_NARROWED',
          sumPath,
          keyword,
          `No branch of the ${keyword} of the ${this.roles.reader} schema at '${path}' accepts everything the ${this.roles.writer} schema allows there`,
        ),
      )
    }
    return findings
  }

  /** The writer schema as one object: later keywords win, which can only make it accept more, never less. */
  private merge(base: SchemaObject, branch: JsonSchemaNode): JsonSchemaNode {
    const expanded = this.expand(branch, this.writerResolver)
    if (typeof expanded === 'boolean') return expanded ? base : false
    let byBranch = this.merges.get(base)
    if (byBranch === undefined) {
      byBranch = new WeakMap()
      this.merges.set(base, byBranch)
    }
    const cached = byBranch.get(expanded)
    if (cached !== undefined) return cached
    const merged = mergeObjects(base, expanded)
    byBranch.set(expanded, merged)
    return merged
  }

  private without(node: SchemaObject, keyword: string): SchemaObject {
    let byKeyword = this.withouts.get(node)
    if (byKeyword === undefined) {
      byKeyword = new Map()
      this.withouts.set(node, byKeyword)
    }
    let rest = byKeyword.get(keyword)
    if (rest === undefined) {
      rest = without(node, keyword)
      byKeyword.set(keyword, rest)
    }
    return rest
  }

  /** stableStringify, once per object: undecided keywords compare whole subschemas as text. */
  private textOf(value: unknown): string {
    if (typeof value !== 'object' || value === null) return stableStringify(value)
    let text = this.stringified.get(value)
    if (text === undefined) {
      text = stableStringify(value)
      // Charged by size, since a large subschema costs more than a comparison.
      this.budget.spend('JSON', 'compatibility checking', Math.ceil(text.length / 1024))
      this.stringified.set(value, text)
    }
    return text
  }

  private compareKeywords(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    const writerTypes = possibleTypes(writer)
    const findings = [
      ...this.compareTypes(reader, writerTypes, path),
      ...this.compareEnums(reader, writer, path),
    ]
    const admits = (type: JsonType): boolean =>
      writerTypes.has(type) || (type === 'number' && writerTypes.has('integer'))
    for (const bound of BOUNDS) {
      if (admits(bound.appliesTo)) findings.push(...this.compareBound(bound, reader, writer, path))
    }
    if (admits('string')) findings.push(...this.comparePattern(reader, writer, path))
    if (admits('number')) findings.push(...this.compareMultipleOf(reader, writer, path))
    if (admits('array')) findings.push(...this.compareArrays(reader, writer, path))
    if (admits('object')) findings.push(...this.compareObjects(reader, writer, path))
    findings.push(...this.compareNot(reader, writer, path))
    for (const keyword of [...UNDECIDED_KEYWORDS, ...unevaluatedLeftUndecided(reader)]) {
      if (keyword in reader && this.textOf(reader[keyword]) !== this.textOf(writer[keyword])) {
        findings.push(this.constraintChanged(keyword, path))
      }
    }
    return findings
  }

  /**
   * `not` turns inclusion around: the reader's `not` rejects no writer document when the writer rejects at least
   * what the reader's `not` describes (its own `not` schema accepts everything the reader's does).
   */
  private compareNot(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    if (!('not' in reader)) return []
    const notPath = childPath(path, 'not')
    if (
      'not' in writer &&
      this.reversed.check(asSchema(writer.not), asSchema(reader.not), notPath, false).length === 0
    ) {
      return []
    }
    return [
      this.finding(
        'NOT_TYPE_EXTENDED',
        notPath,
        'not',
        `The ${this.roles.reader} schema at '${path}' rejects, through 'not', values the ${this.roles.writer} schema allows`,
      ),
    ]
  }

  /**
   * `contains` with minContains (default 1) and maxContains. The writer's matches are a lower bound for the reader's
   * when the writer's `contains` accepts no more than the reader's, and an upper bound when it accepts no less.
   */
  private compareContains(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    if (!('contains' in reader)) return []
    const containsPath = childPath(path, 'contains')
    if (!('contains' in writer)) {
      return [
        this.finding(
          'CONTAINS_ADDED',
          containsPath,
          'contains',
          `The ${this.roles.reader} schema at '${path}' counts array items matching 'contains', which the ${this.roles.writer} schema does not constrain`,
        ),
      ]
    }
    const readerContains = asSchema(reader.contains)
    const writerContains = asSchema(writer.contains)
    const findings: Incompatibility[] = []
    const readerMin = typeof reader.minContains === 'number' ? reader.minContains : 1
    const writerMin = typeof writer.minContains === 'number' ? writer.minContains : 1
    if (readerMin > 0) {
      const narrowed = this.check(readerContains, writerContains, containsPath)
      if (narrowed.length > 0) findings.push(...narrowed)
      else if (readerMin > writerMin) {
        findings.push(
          this.finding(
            typeof writer.minContains === 'number' ? 'MIN_CONTAINS_INCREASED' : 'MIN_CONTAINS_ADDED',
            childPath(path, 'minContains'),
            `${writerMin} -> ${readerMin}`,
            `The ${this.roles.reader} schema at '${path}' needs ${readerMin} items matching 'contains', the ${this.roles.writer} schema guarantees ${writerMin}`,
          ),
        )
      }
    }
    const readerMax = reader.maxContains
    if (typeof readerMax === 'number') {
      const writerMax = writer.maxContains
      const bounded =
        typeof writerMax === 'number' &&
        writerMax <= readerMax &&
        this.reversed.check(writerContains, readerContains, containsPath, false).length === 0
      if (!bounded) {
        findings.push(
          this.finding(
            typeof writerMax === 'number' ? 'MAX_CONTAINS_DECREASED' : 'MAX_CONTAINS_ADDED',
            childPath(path, 'maxContains'),
            `${writerMax ?? 'none'} -> ${readerMax}`,
            `The ${this.roles.reader} schema at '${path}' allows at most ${readerMax} items matching 'contains', which the ${this.roles.writer} schema does not guarantee`,
          ),
        )
      }
    }
    return findings
  }

  /**
   * `additionalItems` next to no tuple `items` validates nothing (the spec ignores it), but Confluent compares it
   * anyway and rejects a narrowed or removed one; so does this check, so that a schema change Confluent refuses is
   * refused here too. It only ever adds findings, so it cannot let an incompatible change through.
   */
  private compareAdditionalItemsWithoutTuple(
    reader: SchemaObject,
    writer: SchemaObject,
    path: string,
  ): Incompatibility[] {
    if (!('additionalItems' in reader) || Array.isArray(reader.items) || Array.isArray(writer.items))
      return []
    const readerExtra = asSchema(reader.additionalItems)
    const writerExtra = 'additionalItems' in writer ? asSchema(writer.additionalItems) : true
    const extraPath = childPath(path, 'additionalItems')
    if (this.check(readerExtra, writerExtra, extraPath, false).length === 0) return []
    return [this.additionalChanged('ITEMS', readerExtra, extraPath)]
  }

  private compareTypes(
    reader: SchemaObject,
    writerTypes: ReadonlySet<JsonType>,
    path: string,
  ): Incompatibility[] {
    const readerTypes = possibleTypes(reader)
    const accepted = (type: JsonType): boolean =>
      readerTypes.has(type) || (type === 'integer' && readerTypes.has('number'))
    const rejected = [...writerTypes].filter((type) => !accepted(type))
    if (rejected.length === 0) return []
    const rule = rejected.length === writerTypes.size ? 'TYPE_CHANGED' : 'TYPE_NARROWED'
    return [
      this.finding(
        rule,
        childPath(path, 'type'),
        `[${[...writerTypes].join(', ')}] -> [${[...readerTypes].join(', ')}]`,
        `The ${this.roles.reader} schema at '${path}' rejects the type(s) ${rejected.join(', ')} that the ${this.roles.writer} schema allows`,
      ),
    ]
  }

  private compareEnums(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    const readerValues = enumValues(reader)
    if (readerValues === undefined) return []
    const writerValues = enumValues(writer)
    this.budget.spend('JSON', 'compatibility checking', readerValues.length + (writerValues?.length ?? 0))
    const readerKeys = new Set(readerValues.map(stableStringify))
    const missing = writerValues?.filter((value) => !readerKeys.has(stableStringify(value)))
    if (missing !== undefined && missing.length === 0) return []
    const location = childPath(path, 'enum' in reader ? 'enum' : 'const')
    return [
      this.finding(
        'ENUM_ARRAY_NARROWED',
        location,
        missing === undefined ? 'enum added' : JSON.stringify(missing),
        missing === undefined
          ? `The ${this.roles.reader} schema at '${path}' only accepts listed values, the ${this.roles.writer} schema accepts any`
          : `The ${this.roles.reader} schema at '${path}' rejects the values ${JSON.stringify(missing)} that the ${this.roles.writer} schema allows`,
      ),
    ]
  }

  private compareBound(
    bound: Bound,
    reader: SchemaObject,
    writer: SchemaObject,
    path: string,
  ): Incompatibility[] {
    const readerLimit = reader[bound.keyword]
    if (typeof readerLimit !== 'number') return []
    const writerLimit = writer[bound.keyword]
    const location = childPath(path, bound.keyword)
    if (typeof writerLimit !== 'number') {
      return [
        this.finding(
          `${bound.rule}_ADDED`,
          location,
          String(readerLimit),
          `The ${this.roles.reader} schema adds ${bound.keyword} ${readerLimit} at '${path}', which the ${this.roles.writer} schema does not have`,
        ),
      ]
    }
    const tighter = bound.upper ? readerLimit < writerLimit : readerLimit > writerLimit
    if (!tighter) return []
    return [
      this.finding(
        `${bound.rule}_${bound.upper ? 'DECREASED' : 'INCREASED'}`,
        location,
        `${writerLimit} -> ${readerLimit}`,
        `The ${this.roles.reader} schema tightens ${bound.keyword} at '${path}' from ${writerLimit} in the ${this.roles.writer} schema to ${readerLimit}`,
      ),
    ]
  }

  private comparePattern(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    if (typeof reader.pattern !== 'string' || reader.pattern === writer.pattern) return []
    const added = typeof writer.pattern !== 'string'
    return [
      this.finding(
        added ? 'PATTERN_ADDED' : 'PATTERN_CHANGED',
        childPath(path, 'pattern'),
        reader.pattern,
        added
          ? `The ${this.roles.reader} schema adds the pattern '${reader.pattern}' at '${path}'`
          : `The ${this.roles.reader} schema changes the pattern at '${path}' from '${writer.pattern}' to '${reader.pattern}'`,
      ),
    ]
  }

  private compareMultipleOf(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    const readerFactor = reader.multipleOf
    if (typeof readerFactor !== 'number') return []
    const writerFactor = writer.multipleOf
    if (typeof writerFactor === 'number' && isMultipleOf(writerFactor, readerFactor)) return []
    const added = typeof writerFactor !== 'number'
    return [
      this.finding(
        added ? 'MULTIPLE_OF_ADDED' : 'MULTIPLE_OF_EXPANDED',
        childPath(path, 'multipleOf'),
        String(readerFactor),
        added
          ? `The ${this.roles.reader} schema adds multipleOf ${readerFactor} at '${path}'`
          : `The ${this.roles.reader} schema requires multiples of ${readerFactor} at '${path}', but the ${this.roles.writer} schema allows multiples of ${writerFactor}`,
      ),
    ]
  }

  private compareArrays(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    const findings: Incompatibility[] = []
    if (reader.uniqueItems === true && writer.uniqueItems !== true) {
      findings.push(
        this.finding(
          'UNIQUE_ITEMS_ADDED',
          childPath(path, 'uniqueItems'),
          'true',
          `The ${this.roles.reader} schema requires unique items at '${path}', the ${this.roles.writer} schema does not`,
        ),
      )
    }
    const readerTuple = tupleOf(reader)
    const writerTuple = tupleOf(writer)
    const readerRest = restItemsOf(reader)
    const writerRest = restItemsOf(writer)
    for (let index = 0; index < Math.max(readerTuple.length, writerTuple.length); index++) {
      const readerItem = readerTuple[index] ?? readerRest
      const writerItem = writerTuple[index] ?? writerRest
      const itemPath = childPath(
        childPath(path, tupleKeyword(index < readerTuple.length ? reader : writer)),
        index,
      )
      const problems = this.check(readerItem, writerItem, itemPath)
      if (problems.length === 0) continue
      if (index < readerTuple.length && index < writerTuple.length) {
        findings.push(...problems)
      } else if (index < readerTuple.length) {
        findings.push(
          this.finding(
            isUnconstrained(writerRest)
              ? 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL'
              : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
            itemPath,
            String(index),
            `The ${this.roles.reader} schema constrains array position ${index} at '${path}', where the ${this.roles.writer} schema allows values it rejects`,
          ),
        )
      } else {
        findings.push(
          this.finding(
            readerRest === false
              ? 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL'
              : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
            itemPath,
            String(index),
            `The ${this.roles.writer} schema allows array position ${index} at '${path}' with values the ${this.roles.reader} schema rejects`,
          ),
        )
      }
    }
    const restPath = childPath(path, restKeyword(reader))
    const restProblems = this.check(readerRest, writerRest, restPath)
    if (restProblems.length > 0) {
      if (readerTuple.length === 0 && writerTuple.length === 0) findings.push(...restProblems)
      else findings.push(this.additionalChanged('ITEMS', readerRest, restPath))
    }
    findings.push(
      ...this.compareAdditionalItemsWithoutTuple(reader, writer, path),
      ...this.compareContains(reader, writer, path),
    )
    return findings
  }

  private compareObjects(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    const findings: Incompatibility[] = []
    const readerProperties = isJsonObject(reader.properties) ? reader.properties : {}
    const writerProperties = isJsonObject(writer.properties) ? writer.properties : {}
    const propertiesPath = childPath(path, 'properties')
    for (const name of new Set([...Object.keys(readerProperties), ...Object.keys(writerProperties)])) {
      const propertyPath = childPath(propertiesPath, name)
      const writerSchema = this.writerSchemaFor(writer, name)
      const problems = this.readerSchemasFor(reader, name).flatMap((readerSchema) =>
        this.check(readerSchema, writerSchema, propertyPath),
      )
      if (problems.length === 0) continue
      if (name in readerProperties && name in writerProperties) {
        findings.push(...problems)
      } else if (name in readerProperties) {
        findings.push(
          this.finding(
            isUnconstrained(writerSchema)
              ? 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'
              : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
            propertyPath,
            name,
            `The property '${name}' was added to the ${this.roles.reader} schema at '${path}', but the ${this.roles.writer} schema's content model allows values for it that the new definition rejects`,
          ),
        )
      } else {
        findings.push(
          this.finding(
            additionalPropertiesOf(reader) === false
              ? 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'
              : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
            propertyPath,
            name,
            `The property '${name}' of the ${this.roles.writer} schema is missing from the ${this.roles.reader} schema at '${path}', whose content model rejects values the ${this.roles.writer} schema allows for it`,
          ),
        )
      }
    }
    const readerPatterns = isJsonObject(reader.patternProperties) ? reader.patternProperties : {}
    const writerPatterns = isJsonObject(writer.patternProperties) ? writer.patternProperties : {}
    for (const [pattern, schema] of Object.entries(readerPatterns)) {
      const writerSchema =
        pattern in writerPatterns ? asSchema(writerPatterns[pattern]) : additionalPropertiesOf(writer)
      findings.push(
        ...this.check(
          asSchema(schema),
          writerSchema,
          childPath(childPath(path, 'patternProperties'), pattern),
        ),
      )
    }
    const additionalPath = childPath(path, 'additionalProperties')
    const readerAdditional = additionalPropertiesOf(reader)
    if (this.check(readerAdditional, additionalPropertiesOf(writer), additionalPath).length > 0) {
      findings.push(this.additionalChanged('PROPERTIES', readerAdditional, additionalPath))
    }
    findings.push(
      ...this.compareRequired(reader, writer, path),
      ...this.compareDependencies(reader, writer, path),
    )
    return findings
  }

  /**
   * Newly required properties, among those the reader declares: like Confluent, a `required` entry naming no
   * declared property is not compared (it is taken for a leftover, as in `required: ["foo"]` -> `["bar"]` with
   * only `foo` declared, which Confluent accepts).
   */
  private compareRequired(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    const writerRequired = new Set(stringsOf(writer.required))
    const readerProperties = isJsonObject(reader.properties) ? reader.properties : {}
    return stringsOf(reader.required)
      .filter((name) => !writerRequired.has(name) && Object.hasOwn(readerProperties, name))
      .filter((name) => {
        const property = readerProperties[name]
        return !(isJsonObject(property) && 'default' in property)
      })
      .map((name) =>
        this.finding(
          'REQUIRED_ATTRIBUTE_ADDED',
          childPath(path, 'required'),
          name,
          `The property '${name}' is required by the ${this.roles.reader} schema at '${path}' but not by the ${this.roles.writer} schema`,
        ),
      )
  }

  private compareDependencies(reader: SchemaObject, writer: SchemaObject, path: string): Incompatibility[] {
    const findings: Incompatibility[] = []
    const writerRequired = new Set(stringsOf(writer.required))
    const writerDependencies = dependencyArrays(writer)
    for (const [property, needed] of Object.entries(dependencyArrays(reader))) {
      const guaranteed = new Set([...writerRequired, ...(writerDependencies[property] ?? [])])
      const missing = needed.filter((name) => !guaranteed.has(name))
      if (missing.length > 0) {
        findings.push(
          this.finding(
            'DEPENDENCY_ARRAY_EXTENDED',
            childPath(childPath(path, 'dependentRequired'), property),
            missing.join(', '),
            `The ${this.roles.reader} schema at '${path}' requires ${missing.join(', ')} whenever '${property}' is present; the ${this.roles.writer} schema does not`,
          ),
        )
      }
    }
    // Dependent schemas apply to the whole object when their property is present: the writer's must be at least as
    // strict. One the reader dropped constrains nothing (DEPENDENCY_SCHEMA_REMOVED is compatible in Confluent).
    const writerSchemas = dependencySchemas(writer)
    for (const [property, readerSchemas] of Object.entries(dependencySchemas(reader))) {
      const dependencyPath = childPath(childPath(path, 'dependentSchemas'), property)
      const writerSchema = writerSchemas[property]?.[0]
      for (const readerSchema of readerSchemas) {
        if (writerSchema !== undefined) {
          findings.push(...this.check(readerSchema, writerSchema, dependencyPath))
        } else if (!isUnconstrained(readerSchema)) {
          findings.push(
            this.finding(
              'DEPENDENCY_SCHEMA_ADDED',
              dependencyPath,
              property,
              `The ${this.roles.reader} schema at '${path}' adds a dependent schema for '${property}' that the ${this.roles.writer} schema does not have`,
            ),
          )
        }
      }
    }
    return findings
  }

  private additionalChanged(
    what: 'PROPERTIES' | 'ITEMS',
    readerSchema: JsonSchemaNode,
    path: string,
  ): Incompatibility {
    const removed = readerSchema === false
    const noun = what === 'PROPERTIES' ? 'additional properties' : 'additional array items'
    return this.finding(
      `ADDITIONAL_${what}_${removed ? 'REMOVED' : 'NARROWED'}`,
      path,
      what.toLowerCase(),
      removed
        ? `The ${this.roles.reader} schema forbids ${noun} at '${path}', which the ${this.roles.writer} schema allows`
        : `The ${this.roles.reader} schema accepts fewer ${noun} at '${path}' than the ${this.roles.writer} schema allows`,
    )
  }

  private matchingPatternSchemas(node: SchemaObject, name: string): JsonSchemaNode[] {
    const patterns = isJsonObject(node.patternProperties) ? node.patternProperties : {}
    return Object.entries(patterns)
      .filter(([pattern]) => this.patterns.test(pattern, name))
      .map(([, schema]) => asSchema(schema))
  }

  /** Every schema a reader applies to property `name`: its own, matching patterns, else additionalProperties. */
  private readerSchemasFor(node: SchemaObject, name: string): JsonSchemaNode[] {
    const properties = isJsonObject(node.properties) ? node.properties : {}
    const applicable = [
      ...(name in properties ? [asSchema(properties[name])] : []),
      ...this.matchingPatternSchemas(node, name),
    ]
    return applicable.length > 0 ? applicable : [additionalPropertiesOf(node)]
  }

  /** One schema a writer's values for property `name` satisfy (any one is a safe over-approximation). */
  private writerSchemaFor(node: SchemaObject, name: string): JsonSchemaNode {
    const properties = isJsonObject(node.properties) ? node.properties : {}
    if (name in properties) return asSchema(properties[name])
    return this.matchingPatternSchemas(node, name)[0] ?? additionalPropertiesOf(node)
  }

  private constraintChanged(keyword: string, path: string): Incompatibility {
    return this.finding(
      'CONSTRAINT_CHANGED',
      childPath(path, keyword),
      keyword,
      `The ${this.roles.reader} schema at '${path}' adds or changes '${keyword}'; such changes are not analysed and count as incompatible`,
    )
  }

  private finding(type: string, location: string, message: string, description: string): Incompatibility {
    return { type, location, message, description }
  }
}

function asSchema(value: unknown): JsonSchemaNode {
  // Validation guarantees schemas where schemas belong; anything else cannot constrain.
  return isJsonSchemaNode(value) ? value : true
}

function mergeObjects(base: SchemaObject, expanded: SchemaObject): SchemaObject {
  const merged: Record<string, unknown> = { ...base, ...expanded }
  const required = [...stringsOf(base.required), ...stringsOf(expanded.required)]
  if (required.length > 0) merged.required = [...new Set(required)]
  if (isJsonObject(base.properties) && isJsonObject(expanded.properties)) {
    merged.properties = { ...base.properties, ...expanded.properties }
  }
  return merged
}

function unique(findings: Incompatibility[]): Incompatibility[] {
  const seen = new Set<string>()
  return findings.filter((finding) => {
    const key = formatIncompatibility(finding)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function without(node: SchemaObject, keyword: string): SchemaObject {
  const { [keyword]: _removed, ...rest } = node
  return rest
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((element) => typeof element === 'string') : []
}

function isUnconstrained(node: JsonSchemaNode): boolean {
  return (
    node === true ||
    (typeof node === 'object' && Object.keys(node).every((keyword) => ANNOTATIONS.has(keyword)))
  )
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number'
    case 'boolean':
      return 'boolean'
    case 'string':
      return 'string'
    default:
      return 'object'
  }
}

function isJsonType(name: unknown): name is JsonType {
  return typeof name === 'string' && JSON_TYPE_NAMES.has(name)
}

function possibleTypes(node: SchemaObject): ReadonlySet<JsonType> {
  const declared = node.type
  if (declared !== undefined)
    return new Set((Array.isArray(declared) ? declared : [declared]).filter(isJsonType))
  const values = enumValues(node)
  return values === undefined ? ALL_TYPES : new Set(values.map(jsonTypeOf))
}

function enumValues(node: SchemaObject): readonly unknown[] | undefined {
  if (Array.isArray(node.enum)) return node.enum
  return 'const' in node ? [node.const] : undefined
}

function isMultipleOf(value: number, factor: number): boolean {
  const quotient = value / factor
  return Math.abs(quotient - Math.round(quotient)) < 1e-9
}

function tupleOf(node: SchemaObject): JsonSchemaNode[] {
  const tuple = Array.isArray(node.prefixItems)
    ? node.prefixItems
    : Array.isArray(node.items)
      ? node.items
      : []
  return tuple.map(asSchema)
}

function tupleKeyword(node: SchemaObject): string {
  return Array.isArray(node.prefixItems) ? 'prefixItems' : 'items'
}

/** The schema for array elements after the tuple positions (all of them when there is no tuple). */
function restItemsOf(node: SchemaObject): JsonSchemaNode {
  if (Array.isArray(node.items)) {
    if (node.additionalItems !== undefined) return asSchema(node.additionalItems)
  } else if (node.items !== undefined) {
    return asSchema(node.items)
  }
  return unevaluatedMeansAdditional(node) && node.unevaluatedItems !== undefined
    ? asSchema(node.unevaluatedItems)
    : true
}

/** Whether `unevaluated*` can be read as `additional*`: no applicator beside it evaluates anything. */
function unevaluatedMeansAdditional(node: SchemaObject): boolean {
  return EVALUATING_APPLICATORS.every((keyword) => !(keyword in node))
}

/** The `unevaluated*` keywords of `node` that are not read as `additional*` and so stay undecided. */
function unevaluatedLeftUndecided(node: SchemaObject): string[] {
  return unevaluatedMeansAdditional(node) ? [] : ['unevaluatedProperties', 'unevaluatedItems']
}

function restKeyword(node: SchemaObject): string {
  return Array.isArray(node.items) ? 'additionalItems' : 'items'
}

function additionalPropertiesOf(node: SchemaObject): JsonSchemaNode {
  if (node.additionalProperties !== undefined) return asSchema(node.additionalProperties)
  return unevaluatedMeansAdditional(node) && node.unevaluatedProperties !== undefined
    ? asSchema(node.unevaluatedProperties)
    : true
}

/** Schema-valued `dependencies` (draft-07) and `dependentSchemas` (2020-12), by property. */
function dependencySchemas(node: SchemaObject): Record<string, JsonSchemaNode[]> {
  const schemas: Record<string, JsonSchemaNode[]> = {}
  for (const source of [node.dependencies, node.dependentSchemas]) {
    if (!isJsonObject(source)) continue
    for (const [property, dependency] of Object.entries(source)) {
      if (!Array.isArray(dependency)) schemas[property] = [...(schemas[property] ?? []), asSchema(dependency)]
    }
  }
  return schemas
}

function dependencyArrays(node: SchemaObject): Record<string, string[]> {
  const arrays: Record<string, string[]> = {}
  for (const source of [node.dependencies, node.dependentRequired]) {
    if (!isJsonObject(source)) continue
    for (const [property, dependency] of Object.entries(source)) {
      if (Array.isArray(dependency))
        arrays[property] = [...(arrays[property] ?? []), ...stringsOf(dependency)]
    }
  }
  return arrays
}
