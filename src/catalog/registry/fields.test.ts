import { describe, expect, it } from 'vitest'
import { parseAvroSchema } from '../schemas/avro.ts'
import { fieldNamesOf } from './fields.ts'

describe('fieldNamesOf', () => {
  it('visits a bounded number of nodes when unions revisit recursive records (issue #19)', () => {
    // 200 record types, each with a field `f` whose union lists itself and all earlier ones: every path is
    // `f`, `f.f`, ... but unbounded the walk visits 200^4 nodes (12 s) on the path of any lookup.
    const names = Array.from({ length: 200 }, (_, index) => `R${index}`)
    const records = names.map((name, index) => ({
      type: 'record',
      name,
      fields: [{ name: 'f', type: ['null', ...names.slice(0, index + 1)] }],
    }))
    const schema = parseAvroSchema(
      JSON.stringify({ type: 'record', name: 'Top', fields: [{ name: 'f', type: ['null', ...records] }] }),
    )
    const began = performance.now()
    const fields = fieldNamesOf(schema)
    expect(performance.now() - began).toBeLessThan(2_000)
    expect(fields.slice(0, 3)).toEqual(['f', 'f.f', 'f.f.f'])
    expect(fields).not.toContain('')
  })

  it('still lists up to 2000 fields', () => {
    const fields = Array.from({ length: 2_500 }, (_, index) => ({ name: `f${index}`, type: 'int' }))
    const schema = parseAvroSchema(JSON.stringify({ type: 'record', name: 'Wide', fields }))
    expect(fieldNamesOf(schema)).toHaveLength(2_000)
  })
})
