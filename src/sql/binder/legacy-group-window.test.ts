import { describe, expect, it } from 'vitest'
import { SqlValidationError } from '../errors.ts'
import { SqlSession } from '../session.ts'
import { testCatalog } from '../testing/fixtures.ts'

async function problemOf(sql: string): Promise<string> {
  const error = await new SqlSession({ resolver: testCatalog() }).planScript(sql).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!(error instanceof SqlValidationError)) throw new Error(`expected a SqlValidationError, got ${error}`)
  return `${error.problem}; ${error.hint ?? ''}`
}

describe('legacy group windows that cannot be rewritten say why', () => {
  it('an auxiliary function of another window family', async () => {
    expect(
      await problemOf(`SELECT HOP_START(event_time, INTERVAL '1' MINUTE), COUNT(*) FROM traffic.clickstream
        GROUP BY TUMBLE(event_time, INTERVAL '1' MINUTE)`),
    ).toBe('HOP_START does not match the GROUP BY TUMBLE window; use TUMBLE_START')
  })

  it('a processing-time auxiliary function', async () => {
    expect(
      await problemOf(`SELECT TUMBLE_PROCTIME(event_time, INTERVAL '1' MINUTE), COUNT(*) FROM traffic.clickstream
        GROUP BY TUMBLE(event_time, INTERVAL '1' MINUTE)`),
    ).toBe('TUMBLE_PROCTIME is not supported; use an event-time group window')
  })

  it('a HOP window with the wrong number of arguments', async () => {
    expect(
      await problemOf(
        `SELECT COUNT(*) FROM traffic.clickstream GROUP BY HOP(event_time, INTERVAL '1' MINUTE)`,
      ),
    ).toBe(
      "HOP group window takes 3 arguments; write HOP(time_attr, INTERVAL '10' SECOND, INTERVAL '1' MINUTE) (slide, then size)",
    )
  })

  it('a SESSION window with a computed key', async () => {
    expect(
      await problemOf(`SELECT COUNT(*) FROM traffic.clickstream
        GROUP BY SESSION(event_time, INTERVAL '1' MINUTE), UPPER(site)`),
    ).toBe(
      'with a SESSION group window the other GROUP BY keys must be columns (they partition the sessions); compute the key in a subquery in FROM',
    )
  })
})
