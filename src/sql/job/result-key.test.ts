import { describe, expect, it } from 'vitest'
import { StaticTableResolver } from '../catalog/table-resolver.ts'
import type { SinkNode } from '../plan/nodes.ts'
import { planJob } from './plan-job.ts'
import { resultKeyOf } from './result-key.ts'

const CLICKS = `CREATE TEMPORARY TABLE clicks (
  user_id BIGINT, site STRING, platform STRING, price DOUBLE, event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'generator' = 'clickstream', 'number-of-rows' = '10');`

async function sinkOf(statements: string): Promise<SinkNode> {
  const job = await planJob({ script: `${CLICKS}\n${statements}`, resolver: new StaticTableResolver({}) })
  const plan = job.inserts.at(-1)
  if (plan?.kind !== 'insert') throw new Error('expected an INSERT')
  return plan.sinks[0]!
}

describe('the key a result view shows rows by', () => {
  it("is a window aggregate's group key, without the window, wherever the SELECT puts it", async () => {
    const sink = await sinkOf(`SELECT window_start, window_end, COUNT(*) AS pv, platform, site
      FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '1' DAY))
      GROUP BY window_start, window_end, GROUPING SETS ((site), (site, platform), ())`)
    const key = resultKeyOf(sink)!
    expect(key.map((column) => sink.table.columns[column]!.name).sort()).toEqual(['platform', 'site'])
  })

  it("is an unbounded aggregate's group key (its upsert key)", async () => {
    const sink = await sinkOf('SELECT COUNT(*) AS pv, site FROM clicks GROUP BY site')
    expect(resultKeyOf(sink)).toEqual([1])
  })

  it("is the print table's PRIMARY KEY when it declares one", async () => {
    const sink = await sinkOf(`CREATE TEMPORARY TABLE per_user (user_id BIGINT, pv BIGINT,
        PRIMARY KEY (user_id) NOT ENFORCED) WITH ('connector' = 'print');
      INSERT INTO per_user SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id;`)
    expect(resultKeyOf(sink)).toEqual([0])
  })

  it('is none for plain rows, or when a group key is projected away', async () => {
    expect(resultKeyOf(await sinkOf('SELECT site, price FROM clicks WHERE price > 10'))).toBeUndefined()
    const partial = await sinkOf(
      'SELECT site, cnt FROM (SELECT site, platform, COUNT(*) AS cnt FROM clicks GROUP BY site, platform)',
    )
    expect(resultKeyOf(partial)).toBeUndefined()
  })
})
