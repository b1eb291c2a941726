import { describe, expect, it } from 'vitest'
import { CatalogError } from '../locations/errors.ts'
import { type DatasetRef, lineageDatasetNode, lineageOfEvent, parseRunEvent } from './openlineage.ts'

const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.33.0/integration/flink'
const facet = (name: string) => ({
  _producer: PRODUCER,
  _schemaURL: `https://openlineage.io/spec/facets/1-0-1/${name}.json#/$defs/${name}`,
})

/** The shape OpenLineage's Flink listener sends for a Flink SQL job reading one topic and writing two sinks. */
function flinkStartEvent(): Record<string, unknown> {
  return {
    eventTime: '2025-03-01T13:00:00.915489+01:00',
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    eventType: 'START',
    run: {
      runId: '01955A3C-7E1B-7C3D-9F00-6B7A1E2D3C4B',
      facets: {
        processing_engine: {
          ...facet('ProcessingEngineRunFacet'),
          version: '1.19.1',
          name: 'flink',
          openlineageAdapterVersion: '1.33.0',
        },
        flink_job: { ...facet('FlinkJobRunFacet'), jobId: 'a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3' },
      },
    },
    job: {
      namespace: 'flink-jobs',
      name: 'insert-into_default_catalog.default_database.pageview_per_minute',
      facets: {
        jobType: {
          ...facet('JobTypeJobFacet'),
          processingType: 'STREAMING',
          integration: 'FLINK',
          jobType: 'JOB',
        },
      },
    },
    inputs: [
      {
        namespace: 'kafka://kafka-1:9092',
        name: 'pv_events',
        facets: {
          schema: {
            ...facet('SchemaDatasetFacet'),
            fields: [
              { name: 'user_id', type: 'long' },
              { name: 'page', type: 'string' },
              { name: 'ts', type: 'long', description: 'event time, epoch millis' },
              { name: 'device', type: 'struct', fields: [{ name: 'os', type: 'string' }] },
            ],
          },
          symlinks: {
            ...facet('SymlinksDatasetFacet'),
            identifiers: [
              {
                namespace: 'kafka://kafka-1:9092',
                name: 'default_catalog.default_database.pv',
                type: 'TABLE',
              },
            ],
          },
        },
        inputFacets: {},
      },
    ],
    outputs: [
      {
        namespace: 'kafka://kafka-1:9092',
        name: 'pv_per_minute',
        facets: {
          schema: {
            ...facet('SchemaDatasetFacet'),
            fields: [
              { name: 'page', type: 'string' },
              { name: 'window_start', type: 'timestamp' },
              { name: 'pv', type: 'long' },
            ],
          },
          columnLineage: {
            ...facet('ColumnLineageDatasetFacet'),
            fields: {
              page: {
                inputFields: [
                  {
                    namespace: 'kafka://kafka-1:9092',
                    name: 'pv_events',
                    field: 'page',
                    transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }],
                  },
                ],
              },
              pv: {
                inputFields: [{ namespace: 'kafka://kafka-1:9092', name: 'pv_events', field: 'user_id' }],
                transformationType: 'AGGREGATION',
              },
            },
          },
        },
        outputFacets: {},
      },
      { namespace: 'redis://redis-1:6379', name: 'dashboard:pv', facets: {} },
    ],
  }
}

const resolve = ({ namespace, name }: DatasetRef): string | undefined =>
  namespace === 'kafka://kafka-1:9092'
    ? { pv_events: 'traffic.pageview', pv_per_minute: 'traffic.pageview_per_minute' }[name]
    : undefined

function problemOf(body: unknown): CatalogError {
  try {
    parseRunEvent(body)
  } catch (error) {
    if (error instanceof CatalogError) return error
    throw error
  }
  throw new Error('expected the event to be refused')
}

describe('parsing RunEvents', () => {
  it('reads an event from the Flink listener and normalizes time and run id', () => {
    const event = parseRunEvent(flinkStartEvent())
    expect(event).toMatchObject({
      eventType: 'START',
      eventTime: '2025-03-01T12:00:00.915Z',
      producer: PRODUCER,
      run: { runId: '01955a3c-7e1b-7c3d-9f00-6b7a1e2d3c4b' },
      job: {
        namespace: 'flink-jobs',
        name: 'insert-into_default_catalog.default_database.pageview_per_minute',
      },
    })
    expect(event.run.facets).toHaveProperty('flink_job.jobId', 'a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3')
    expect(event.inputs[0]!.schemaFields).toEqual([
      { name: 'user_id', type: 'long' },
      { name: 'page', type: 'string' },
      { name: 'ts', type: 'long', description: 'event time, epoch millis' },
      { name: 'device', type: 'struct', fields: [{ name: 'os', type: 'string' }] },
    ])
    expect(event.outputs[0]!.columnLineage).toEqual([
      { field: 'page', inputs: [{ namespace: 'kafka://kafka-1:9092', name: 'pv_events', field: 'page' }] },
      { field: 'pv', inputs: [{ namespace: 'kafka://kafka-1:9092', name: 'pv_events', field: 'user_id' }] },
    ])
    expect(event.outputs[1]).toMatchObject({
      name: 'dashboard:pv',
      schemaFields: undefined,
      columnLineage: [],
    })
  })

  it('reads the minimal events of the other run states', () => {
    for (const eventType of ['RUNNING', 'COMPLETE', 'FAIL', 'ABORT', 'OTHER']) {
      const { inputs, outputs, ...minimal } = flinkStartEvent()
      expect(parseRunEvent({ ...minimal, eventType })).toMatchObject({ eventType, inputs: [], outputs: [] })
    }
  })

  it('treats an event without eventType as OTHER, as the spec allows', () => {
    const { eventType, ...rest } = flinkStartEvent()
    expect(parseRunEvent(rest).eventType).toBe('OTHER')
  })

  it.each([
    ['a list', [], '(document)', 'expected a RunEvent object'],
    ['null', null, '(document)', 'expected a RunEvent object'],
    ['no run', { run: undefined }, 'run', 'is required'],
    ['no job', { job: 'x' }, 'job', 'expected an object, got string "x"'],
    ['a run id that is no UUID', { run: { runId: "1' OR '1'='1" } }, 'run.runId', 'is not a UUID'],
    ['a missing run id', { run: {} }, 'run.runId', 'is required'],
    ['an unknown event type', { eventType: 'DONE' }, 'eventType', "'DONE' is not one of START"],
    ['a lower-case event type', { eventType: 'start' }, 'eventType', 'is not one of'],
    ['a time without zone', { eventTime: '2025-03-01T12:00:00' }, 'eventTime', 'with a time zone'],
    ['an impossible time', { eventTime: '2025-13-45T99:00:00Z' }, 'eventTime', 'ISO 8601'],
    ['a numeric time', { eventTime: 1740830400000 }, 'eventTime', 'expected a string, got number'],
    ['no producer', { producer: undefined }, 'producer', 'is required'],
    ['an empty job name', { job: { namespace: 'flink-jobs', name: ' ' } }, 'job.name', 'must not be empty'],
    [
      'an overlong job name',
      { job: { namespace: 'n', name: 'j'.repeat(1025) } },
      'job.name',
      'longer than 1024',
    ],
    ['inputs that are no list', { inputs: { name: 'x' } }, 'inputs', 'expected a list of datasets'],
    [
      'a dataset that is no object',
      { inputs: [{ namespace: 'a', name: 'b' }, 'pv_events'] },
      'inputs[1]',
      'expected a dataset',
    ],
    [
      'a numeric dataset name',
      { outputs: [{ namespace: 'a', name: 42 }] },
      'outputs[0].name',
      'expected a string',
    ],
    [
      'facets that are no object',
      { outputs: [{ namespace: 'a', name: 'b', facets: [] }] },
      'outputs[0].facets',
      'an object',
    ],
    [
      'a schema field without a name',
      {
        inputs: [
          { namespace: 'a', name: 'b', facets: { schema: { fields: [{ name: 'x' }, { type: 'long' }] } } },
        ],
      },
      'inputs[0].facets.schema.fields[1].name',
      'is required',
    ],
    [
      'a column lineage input without a field',
      {
        outputs: [
          {
            namespace: 'a',
            name: 'b',
            facets: { columnLineage: { fields: { pv: { inputFields: [{ namespace: 'a', name: 'c' }] } } } },
          },
        ],
      },
      'outputs[0].facets.columnLineage.fields.pv.inputFields[0].field',
      'is required',
    ],
    [
      'column lineage without fields',
      { outputs: [{ namespace: 'a', name: 'b', facets: { columnLineage: {} } }] },
      'outputs[0].facets.columnLineage.fields',
      'is required',
    ],
  ])('refuses %s, naming the path', (_, change, path, message) => {
    const body = Array.isArray(change) || change === null ? change : { ...flinkStartEvent(), ...change }
    const error = problemOf(body)
    expect(error).toMatchObject({ status: 400, code: 'invalid_field', field: path })
    const problems = error.message.replace('not a valid OpenLineage RunEvent: ', '').split('; ')
    expect(problems.find((problem) => problem.startsWith(`${path}: `))).toContain(message)
  })

  it('refuses more datasets than an event may carry', () => {
    const inputs = Array.from({ length: 1001 }, (_, index) => ({ namespace: 'a', name: `t${index}` }))
    expect(problemOf({ ...flinkStartEvent(), inputs }).message).toContain('inputs: lists 1001 datasets')
  })

  it('refuses schemas nested beyond reason without recursing into them', () => {
    let field: Record<string, unknown> = { name: 'leaf' }
    for (let level = 0; level < 10_000; level++) field = { name: `f${level}`, fields: [field] }
    const inputs = [{ namespace: 'a', name: 'b', facets: { schema: { fields: [field] } } }]
    expect(problemOf({ ...flinkStartEvent(), inputs }).message).toContain('nests deeper than 32 levels')
  })

  it('lists every problem, the first as the field', () => {
    const error = problemOf({ ...flinkStartEvent(), eventType: 'X', run: { runId: 'nope' }, producer: 3 })
    expect(error.field).toBe('run.runId')
    expect(error.message).toMatch(/run\.runId: .*eventType: .*producer: /)
  })

  it('keeps names full of SQL or path syntax as opaque text', () => {
    const hostile = "pv'; DROP TABLE lineage_jobs; --/../../etc/passwd"
    const event = parseRunEvent({
      ...flinkStartEvent(),
      job: { namespace: 'flink-jobs', name: hostile },
      inputs: [{ namespace: 'file:///', name: hostile }],
      outputs: [],
    })
    const lineage = lineageOfEvent(event, resolve)
    expect(lineage.job).toBe(`job:flink-jobs/${hostile}`)
    expect(lineage.edges).toEqual([{ origin: `dataset:file:////${hostile}`, destination: lineage.job }])
  })
})

describe('lineage of an event', () => {
  it('maps Kafka topics to Weir datasets and keeps the rest as external nodes', () => {
    const lineage = lineageOfEvent(parseRunEvent(flinkStartEvent()), resolve)
    const job = 'job:flink-jobs/insert-into_default_catalog.default_database.pageview_per_minute'
    expect(lineage.job).toBe(job)
    expect(lineage.edges).toEqual([
      { origin: 'dataset:traffic.pageview', destination: job },
      { origin: job, destination: 'dataset:traffic.pageview_per_minute' },
      { origin: job, destination: 'dataset:redis://redis-1:6379/dashboard:pv' },
    ])
    expect(lineage.columnEdges).toEqual([
      {
        origin: { dataset: 'dataset:traffic.pageview', field: 'page' },
        destination: { dataset: 'dataset:traffic.pageview_per_minute', field: 'page' },
        job,
      },
      {
        origin: { dataset: 'dataset:traffic.pageview', field: 'user_id' },
        destination: { dataset: 'dataset:traffic.pageview_per_minute', field: 'pv' },
        job,
      },
    ])
    expect(lineage.datasets.map((dataset) => dataset.node)).toEqual([
      'dataset:traffic.pageview',
      'dataset:traffic.pageview_per_minute',
      'dataset:redis://redis-1:6379/dashboard:pv',
    ])
    expect(lineage.datasets[0]!.schemaFields).toHaveLength(4)
  })

  it('names external datasets by namespace and name', () => {
    expect(
      lineageDatasetNode({ namespace: 'postgres://db:5432', name: 'shop.public.orders' }, () => undefined),
    ).toBe('dataset:postgres://db:5432/shop.public.orders')
  })
})
