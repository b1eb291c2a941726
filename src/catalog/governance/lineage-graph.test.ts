import { describe, expect, it } from 'vitest'
import { CatalogError } from '../locations/errors.ts'
import {
  type ColumnEdge,
  type LineageEdge,
  type LineageGraph,
  LineageIndex,
  parseLineageQuery,
  parseNodeId,
} from './lineage-graph.ts'

const ds = (name: string) => `dataset:${name}`
const job = (name: string) => `job:flink/${name}`

/**
 *   a → j1 → b → j2 → c → j3 → a     (a cycle through three jobs)
 *             b → j4 → d            (another reader of b)
 *        e → j2                     (a second input of j2)
 */
const EDGES: LineageEdge[] = [
  [ds('a'), job('j1')],
  [job('j1'), ds('b')],
  [ds('b'), job('j2')],
  [job('j2'), ds('c')],
  [ds('c'), job('j3')],
  [job('j3'), ds('a')],
  [ds('b'), job('j4')],
  [job('j4'), ds('d')],
  [ds('e'), job('j2')],
].map(([origin, destination]) => ({ origin: origin!, destination: destination! }))

const COLUMN_EDGES: ColumnEdge[] = [
  { origin: { dataset: ds('a'), field: 'x' }, destination: { dataset: ds('b'), field: 'y' }, job: job('j1') },
  { origin: { dataset: ds('b'), field: 'y' }, destination: { dataset: ds('d'), field: 'z' }, job: job('j4') },
]

const index = new LineageIndex(EDGES, COLUMN_EDGES, new Map([[ds('a'), { fields: ['x'] }]]))

const ids = (graph: LineageGraph) => graph.nodes.map((node) => node.id).sort()
const edgeList = (graph: LineageGraph) =>
  graph.edges.map((edge) => `${edge.origin} → ${edge.destination}`).sort()

describe('lineage graph', () => {
  it('walks downstream up to the depth, in edges', () => {
    const graph = index.graph(ds('a'), 2, 'downstream')
    expect(ids(graph)).toEqual([ds('a'), ds('b'), job('j1')])
    expect(edgeList(graph)).toEqual([`${ds('a')} → ${job('j1')}`, `${job('j1')} → ${ds('b')}`])
  })

  it('walks upstream through the cycle and stops', () => {
    const graph = index.graph(ds('c'), 50, 'upstream')
    expect(ids(graph)).toEqual([ds('a'), ds('b'), ds('c'), ds('e'), job('j1'), job('j2'), job('j3')])
    expect(edgeList(graph)).toContain(`${job('j3')} → ${ds('a')}`)
    expect(edgeList(graph)).not.toContain(`${ds('b')} → ${job('j4')}`)
  })

  it('reports the edge that closes a cycle', () => {
    const graph = index.graph(ds('a'), 6, 'downstream')
    expect(edgeList(graph)).toContain(`${job('j3')} → ${ds('a')}`)
    expect(graph.edges).toHaveLength(8)
  })

  it('takes upstream and downstream together without siblings', () => {
    const graph = index.graph(ds('b'), 2, 'both')
    expect(ids(graph)).toEqual([ds('a'), ds('b'), ds('c'), ds('d'), job('j1'), job('j2'), job('j4')])
    expect(ids(graph)).not.toContain(ds('e'))
  })

  it('gives only the start node at depth 0 or for an unknown node', () => {
    expect(index.graph(ds('a'), 0, 'both')).toEqual({
      nodes: [{ id: ds('a'), type: 'dataset', name: 'a', data: { fields: ['x'] } }],
      edges: [],
      columnEdges: [],
    })
    expect(index.graph(ds('nowhere'), 5, 'both')).toEqual({
      nodes: [{ id: ds('nowhere'), type: 'dataset', name: 'nowhere' }],
      edges: [],
      columnEdges: [],
    })
  })

  it('types nodes by their id and lists the start first', () => {
    const graph = index.graph(job('j2'), 1, 'both')
    expect(graph.nodes[0]).toEqual({ id: job('j2'), type: 'job', name: 'flink/j2' })
    expect(
      graph.nodes
        .filter((node) => node.type === 'dataset')
        .map((node) => node.name)
        .sort(),
    ).toEqual(['b', 'c', 'e'])
  })

  it('keeps the column edges between the datasets it returns', () => {
    expect(index.graph(ds('a'), 2, 'downstream').columnEdges).toEqual([COLUMN_EDGES[0]])
    expect(index.graph(ds('a'), 4, 'downstream').columnEdges).toEqual(COLUMN_EDGES)
  })

  it('counts each edge once however often it was reported', () => {
    const repeated = new LineageIndex([...EDGES, ...EDGES])
    expect(repeated.graph(ds('a'), 2, 'downstream').edges).toHaveLength(2)
  })

  it('stays linear on a long chain with a large depth', () => {
    const chain: LineageEdge[] = []
    for (let i = 0; i < 50_000; i++) chain.push({ origin: ds(`n${i}`), destination: ds(`n${i + 1}`) })
    const graph = new LineageIndex(chain).graph(ds('n0'), 100, 'downstream')
    expect(graph.nodes).toHaveLength(101)
  })
})

describe('lineage queries', () => {
  it('reads node, depth and direction with defaults', () => {
    expect(parseLineageQuery({ node: 'dataset:traffic.pageview' })).toEqual({
      node: 'dataset:traffic.pageview',
      depth: 20,
      direction: 'both',
    })
    expect(parseLineageQuery({ node: 'job:flink/j1', depth: '3', direction: 'upstream' })).toEqual({
      node: 'job:flink/j1',
      depth: 3,
      direction: 'upstream',
    })
  })

  it.each([
    [{}, 'node'],
    [{ node: 'table:x' }, 'node'],
    [{ node: 'dataset:' }, 'node'],
    [{ node: ['dataset:a', 'dataset:b'] }, 'node'],
    [{ node: `dataset:${'x'.repeat(3000)}` }, 'node'],
    [{ node: 'dataset:a', depth: '-1' }, 'depth'],
    [{ node: 'dataset:a', depth: '101' }, 'depth'],
    [{ node: 'dataset:a', depth: '1e2' }, 'depth'],
    [{ node: 'dataset:a', depth: '1; DROP TABLE lineage_jobs' }, 'depth'],
    [{ node: 'dataset:a', depth: 5 }, 'depth'],
    [{ node: 'dataset:a', direction: 'sideways' }, 'direction'],
  ])('refuses %j', (query, field) => {
    let refused: unknown
    try {
      parseLineageQuery(query)
    } catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(CatalogError)
    expect(refused).toMatchObject({ status: 400, field })
  })

  it('keeps everything after the type as the name', () => {
    expect(parseNodeId('dataset:kafka://k:9092/pv')).toEqual({ type: 'dataset', name: 'kafka://k:9092/pv' })
    expect(parseNodeId('nocolon')).toBeUndefined()
  })
})
