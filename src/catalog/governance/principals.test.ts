import { describe, expect, it } from 'vitest'
import { validateGroupName, validatePrincipalName } from './principals.ts'

describe('principal and group names', () => {
  it.each(['alice', 'alice@example.com', 'flink-prod', 'svc.dataeye_01', '42'])(
    'accepts the principal %j',
    (name) => {
      expect(validatePrincipalName(name)).toBe(name)
    },
  )

  it.each([
    '',
    '../admin',
    'a/b',
    'user:alice',
    'alice bob',
    "x' OR '1'='1",
    'a;DROP TABLE gov_principals',
    '-alice',
    'ålice',
    'alice\n',
    'a'.repeat(129),
  ])('refuses the principal %j', (name) => {
    expect(() => validatePrincipalName(name, 'principal')).toThrow(
      expect.objectContaining({ field: 'principal' }),
    )
  })

  it.each(['analysts', 'data-eng', 'team_1'])('accepts the group %j', (name) => {
    expect(validateGroupName(name)).toBe(name)
  })

  it.each(['', 'Analysts', '1team', '../x', 'a.b', "a' --", 'a'.repeat(129)])(
    'refuses the group %j',
    (name) => {
      expect(() => validateGroupName(name)).toThrow(expect.objectContaining({ status: 400, field: 'name' }))
    },
  )
})
