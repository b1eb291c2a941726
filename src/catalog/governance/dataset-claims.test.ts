import { describe, expect, it } from 'vitest'
import { parseDatasetDefinition } from '../locations/definitions.ts'
import { locationIdentity } from '../locations/location-identity.ts'
import { type ClaimIndex, datasetClaims } from './dataset-claims.ts'
import { buildSubjectIndex } from './subject-binding.ts'

/** ns2.orders lives on kafka-main topic ns2topic and names ns2.orders-value; admin-only registered `orphan-value`. */
function index(): ClaimIndex {
  return {
    subjects: buildSubjectIndex([
      { name: 'ns2.orders', subjects: ['ns2.orders-value'], topics: ['ns2topic'] },
      { name: 'ns1.mine', subjects: ['ns1.mine-value'], topics: ['ns1topic'] },
    ]),
    locations: new Map([
      [locationIdentity('kafka-main', 'kafka', { topic: 'ns2topic' }), ['ns2.orders']],
      [locationIdentity('kafka-main', 'kafka', { topic: 'ns1topic' }), ['ns1.mine']],
    ]),
    clustersOf: new Map([
      ['ns2.orders', ['kafka-main']],
      ['ns1.mine', ['kafka-main']],
    ]),
    clusterSystems: new Map([
      ['kafka-main', 'kafka'],
      ['kafka-other', 'kafka'],
    ]),
    registeredSubjects: new Set(['ns2.orders-value', 'ns2topic-value', 'ns1.mine-value', 'orphan-value']),
  }
}

// A cluster the index does not know adds no claims (the write itself fails), which isolates the subject rules.
const NOWHERE = { prod: [{ cluster: 'unregistered', topic: 'nowhere' }] }

function claims(definition: Record<string, unknown>) {
  return datasetClaims(parseDatasetDefinition({ kind: 'stream', locations: NOWHERE, ...definition }), index())
}

const onKafkaMain = (topic: string) => ({ prod: [{ cluster: 'kafka-main', topic }] })

describe('dataset claims', () => {
  it('asks nothing more of a dataset that keeps what it has', () => {
    expect(
      claims({ name: 'ns1.mine', value: { format: 'avro' }, locations: onKafkaMain('ns1topic') }),
    ).toEqual([])
    expect(
      claims({ name: 'ns2.orders', value: { format: 'avro' }, locations: onKafkaMain('ns2topic') }),
    ).toEqual([])
  })

  it('lets a new dataset take new subjects of its own namespace or topics, on a cluster it may use', () => {
    expect(claims({ name: 'ns1.fresh', value: { format: 'avro' }, locations: onKafkaMain('fresh') })).toEqual(
      [{ action: 'cluster.use', resource: { kind: 'cluster', name: 'kafka-main' } }],
    )
    expect(
      claims({
        name: 'ns1.fresh',
        value: { format: 'avro', subject: 'fresh-value' },
        locations: onKafkaMain('fresh'),
      }),
    ).toEqual([{ action: 'cluster.use', resource: { kind: 'cluster', name: 'kafka-main' } }])
  })

  it('needs owner of the datasets governing a subject now, whether it is named or topic-named', () => {
    const bind = (datasets: string[], name: string) => ({
      action: 'subject.bind',
      resource: { kind: 'subject', name, datasets },
    })
    expect(claims({ name: 'ns1.x', value: { format: 'avro', subject: 'ns2.orders-value' } })).toEqual([
      bind(['ns2.orders'], 'ns2.orders-value'),
    ])
    expect(claims({ name: 'ns1.x', value: { format: 'avro', subject: 'ns2topic-value' } })).toEqual([
      bind(['ns2.orders'], 'ns2topic-value'),
    ])
    // Moving onto another cluster's topic of the same name still reaches ns2's topic-named subject.
    expect(
      claims({
        name: 'ns1.x',
        value: { format: 'raw' },
        locations: { prod: [{ cluster: 'kafka-other', topic: 'ns2topic' }] },
      }),
    ).toEqual([
      { action: 'cluster.use', resource: { kind: 'cluster', name: 'kafka-other' } },
      bind(['ns2.orders'], 'ns2topic-key'),
      bind(['ns2.orders'], 'ns2topic-value'),
    ])
  })

  it('needs admin for registered subjects of no dataset and for names outside the namespace', () => {
    const unbound = (name: string) => ({
      action: 'subject.bind',
      resource: { kind: 'subject', name, datasets: [] },
    })
    expect(claims({ name: 'ns1.x', value: { format: 'avro', subject: 'orphan-value' } })).toEqual([
      unbound('orphan-value'),
    ])
    expect(claims({ name: 'ns1.x', value: { format: 'avro', subject: 'ns2.x-value' } })).toEqual([
      unbound('ns2.x-value'),
    ])
    expect(claims({ name: 'ns1.x', value: { format: 'avro', subject: 'someday-value' } })).toEqual([
      unbound('someday-value'),
    ])
    expect(
      claims({
        name: 'ns1.x',
        key: { format: 'avro', subject: 'ns1.x-key' },
        value: { format: 'avro', subject: 'ns1.other-value' },
      }),
    ).toEqual([])
  })

  it('asks nothing for a location the dataset already shares with another', () => {
    const shared = index()
    const identity = locationIdentity('kafka-main', 'kafka', { topic: 'ns2topic' })
    const definition = parseDatasetDefinition({
      name: 'ns2.orders',
      kind: 'stream',
      value: { format: 'avro' },
      locations: onKafkaMain('ns2topic'),
    })
    expect(
      datasetClaims(definition, { ...shared, locations: new Map([[identity, ['ns2.orders', 'ns3.copy']]]) }),
    ).toEqual([])
  })

  it('needs owner of the datasets already at a location to point another one there', () => {
    expect(claims({ name: 'ns1.x', value: { format: 'raw' }, locations: onKafkaMain('ns2topic') })).toEqual([
      { action: 'cluster.use', resource: { kind: 'cluster', name: 'kafka-main' } },
      { action: 'location.share', resource: { kind: 'dataset', name: 'ns2.orders' } },
      // Joining the topic would make ns1.x govern both its topic-named subjects along with ns2.orders.
      {
        action: 'subject.bind',
        resource: { kind: 'subject', name: 'ns2topic-key', datasets: ['ns2.orders'] },
      },
      {
        action: 'subject.bind',
        resource: { kind: 'subject', name: 'ns2topic-value', datasets: ['ns2.orders'] },
      },
    ])
  })
})
