/**
 * Weir's compatibility verdicts against Confluent's on Confluent's own schema-evolution cases (see
 * fixtures/README.md): for each case, Weir must accept the new schema as backward compatible (new reads old)
 * exactly when Confluent does.
 */
import { describe, expect, it } from 'vitest'
import jsonSchemaCases from './fixtures/confluent-json-schema-diff-cases.json' with { type: 'json' }
import protobufCases from './fixtures/confluent-protobuf-diff-cases.json' with { type: 'json' }
import { checkJsonSchemaCompatibility, parseJsonSchema } from './json-schema.ts'
import { checkProtobufCompatibility, parseProtobufSchema } from './protobuf.ts'
import { InvalidSchemaError } from './types.ts'

const NEW_READS_OLD = { reader: 'new', writer: 'old' }

/**
 * Cases where Weir deliberately reaches another verdict than Confluent, each with the reason. Empty: every
 * difference found so far was ours to fix.
 */
const DELIBERATE_DIFFERENCES: ReadonlyMap<string, string> = new Map()

/**
 * Cases Weir cannot judge yet for a reason outside the compatibility rules. Each must still fail the way noted, so
 * the entry is removed once the gap closes.
 */
const KNOWN_GAPS: ReadonlyMap<string, { reason: string; error: RegExp }> = new Map([
  [
    'diff-schema-examples-with-meta.json#0',
    {
      reason:
        'protobufjs cannot parse a list of messages inside an aggregate option value (`params: [{...}, {...}]`); ' +
        'the options are Confluent metadata that do not take part in compatibility',
      error: /illegal value '\{'/,
    },
  ],
])

interface Verdict {
  compatible: boolean
  findings: string[]
}

function jsonSchemaVerdict(old: unknown, update: unknown): Verdict {
  const findings = checkJsonSchemaCompatibility(
    parseJsonSchema(JSON.stringify(update)),
    parseJsonSchema(JSON.stringify(old)),
    NEW_READS_OLD,
  )
  return { compatible: findings.length === 0, findings }
}

function protobufVerdict(
  old: string,
  update: string,
  oldReferences: Record<string, string> = {},
  newReferences: Record<string, string> = {},
): Verdict {
  const findings = checkProtobufCompatibility(
    parseProtobufSchema(update, new Map(Object.entries(newReferences))),
    parseProtobufSchema(old, new Map(Object.entries(oldReferences))),
    NEW_READS_OLD,
  )
  return { compatible: findings.length === 0, findings }
}

interface Case {
  readonly case: string
  readonly compatible: boolean
  readonly confluentChanges: readonly string[]
}

function expectConfluentVerdict(testCase: Case, verdict: () => Verdict): void {
  const gap = KNOWN_GAPS.get(testCase.case)
  if (gap !== undefined) {
    expect(verdict).toThrow(InvalidSchemaError)
    expect(verdict).toThrow(gap.error)
    return
  }
  const { compatible, findings } = verdict()
  const expected = DELIBERATE_DIFFERENCES.has(testCase.case) ? !testCase.compatible : testCase.compatible
  // The message names Confluent's rules and Weir's findings, which is what one needs to see to decide who is right.
  expect(
    compatible,
    `Confluent reports ${JSON.stringify(testCase.confluentChanges)}; Weir found ${JSON.stringify(findings)}`,
  ).toBe(expected)
}

describe("Confluent's JSON Schema compatibility cases", () => {
  it.each(jsonSchemaCases.cases)('$case (Confluent: compatible=$compatible)', (testCase) => {
    expectConfluentVerdict(testCase, () => jsonSchemaVerdict(testCase.old, testCase.new))
  })
})

describe("Confluent's Protobuf compatibility cases", () => {
  it.each(
    protobufCases.cases as (Case & {
      old: string
      new: string
      oldReferences?: Record<string, string>
      newReferences?: Record<string, string>
    })[],
  )('$case (Confluent: compatible=$compatible)', (testCase) => {
    expectConfluentVerdict(testCase, () =>
      protobufVerdict(testCase.old, testCase.new, testCase.oldReferences, testCase.newReferences),
    )
  })
})

describe('the allow-lists', () => {
  it('name only cases that exist', () => {
    const names = new Set([...jsonSchemaCases.cases, ...protobufCases.cases].map((testCase) => testCase.case))
    expect(
      [...DELIBERATE_DIFFERENCES.keys(), ...KNOWN_GAPS.keys()].filter((name) => !names.has(name)),
    ).toEqual([])
  })
})
