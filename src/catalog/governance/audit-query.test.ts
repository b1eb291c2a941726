import { describe, expect, it } from 'vitest'
import { parseAuditQuery } from './audit-query.ts'

function fieldRefused(parameters: Record<string, unknown>): string | undefined {
  try {
    parseAuditQuery(parameters)
  } catch (error) {
    return (error as { field?: string }).field
  }
  return undefined
}

describe('audit query parameters', () => {
  it('defaults to the newest 100 records', () => {
    expect(parseAuditQuery({})).toEqual({ order: 'desc', limit: 100 })
  })

  it('reads every filter', () => {
    expect(
      parseAuditQuery({
        principal: 'alice@example.com',
        resource: 'dataset:traffic.pageview',
        action: 'dataset.update',
        result: 'denied',
        from: '2025-03-01',
        to: '2025-03-02T10:00:00+02:00',
        order: 'asc',
        cursor: '1500',
        limit: '1000',
      }),
    ).toEqual({
      principal: 'alice@example.com',
      resource: 'dataset:traffic.pageview',
      action: 'dataset.update',
      result: 'denied',
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-02T08:00:00.000Z',
      order: 'asc',
      cursor: 1500,
      limit: 1000,
    })
  })

  it('accepts every resource kind and subjects with odd names', () => {
    for (const resource of [
      'global',
      'namespace:traffic',
      'subject:com.example.PageView',
      'cluster:kafka-main',
    ]) {
      expect(parseAuditQuery({ resource }).resource).toBe(resource)
    }
  })

  const INJECTION = "x' OR '1'='1' --"
  it.each([
    [{ principal: INJECTION }, 'principal'],
    [{ principal: '../admin' }, 'principal'],
    [{ resource: INJECTION }, 'resource'],
    [{ resource: 'table:users' }, 'resource'],
    [{ resource: 'dataset:a b' }, 'resource'],
    [{ resource: 'dataset:' }, 'resource'],
    [{ action: INJECTION }, 'action'],
    [{ action: 'dataset.*' }, 'action'],
    [{ action: 'constructor' }, 'action'],
    [{ result: 'maybe' }, 'result'],
    [{ from: INJECTION }, 'from'],
    [{ from: '2025-02-30T25:00:00Z' }, 'from'],
    [{ to: '1740830400' }, 'to'],
    [{ order: 'random' }, 'order'],
    [{ cursor: '0' }, 'cursor'],
    [{ cursor: '-5' }, 'cursor'],
    [{ cursor: '99999999999999999' }, 'cursor'],
    [{ limit: '1001' }, 'limit'],
    [{ limit: '10; DELETE FROM gov_audit' }, 'limit'],
    [{ principal: ['alice', 'bob'] }, 'principal'],
    [{ sequence: '1' }, 'sequence'],
    [{ '1=1; --': '' }, '1=1; --'],
  ])('refuses %j', (parameters, field) => {
    expect(fieldRefused(parameters)).toBe(field)
  })

  it('filters on failed authentications and lost records, which are not permission actions', () => {
    expect(parseAuditQuery({ action: 'authenticate' }).action).toBe('authenticate')
    expect(parseAuditQuery({ action: 'audit.write_failed' }).action).toBe('audit.write_failed')
    expect(fieldRefused({ action: 'authenticated' })).toBe('action')
  })
})
