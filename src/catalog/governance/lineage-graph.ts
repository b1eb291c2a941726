/**
 * The lineage graph and its queries, in the style of Marquez: nodes are datasets and jobs (`dataset:<name>`,
 * `job:<namespace>/<name>`), edges run from an input dataset to the job reading it and from a job to each
 * dataset it writes; column edges refine them field by field.
 */
import { invalidField } from '../locations/errors.ts'

export type NodeType = 'dataset' | 'job'

export interface LineageEdge {
  origin: string
  destination: string
}

export interface ColumnRef {
  /** A dataset node id. */
  dataset: string
  field: string
}

export interface ColumnEdge {
  origin: ColumnRef
  destination: ColumnRef
  /** The job node that computes the destination field. */
  job: string
}

export interface LineageNode {
  id: string
  type: NodeType
  /** The id without its type prefix: a dataset name, an external `namespace/name`, or a job's `namespace/name`. */
  name: string
  data?: unknown
}

export interface LineageGraph {
  nodes: LineageNode[]
  edges: LineageEdge[]
  columnEdges: ColumnEdge[]
}

/**
 * `upstream`: what the start node is derived from; `downstream`: what is derived from it; `both`: the two
 * together, without wandering sideways into siblings (other readers of an input), which are not its lineage.
 */
export const DIRECTIONS = ['upstream', 'downstream', 'both'] as const
export type Direction = (typeof DIRECTIONS)[number]

/** Depth counts edges: 2 from a dataset reaches the jobs reading or writing it and the datasets beyond them. */
export const DEFAULT_DEPTH = 20
export const MAX_DEPTH = 100
/** An OpenLineage namespace and name of up to 1024 characters each, plus the type prefix. */
const MAX_NODE_ID_LENGTH = 2100

export function datasetNodeId(name: string): string {
  return `dataset:${name}`
}

export function jobNodeId(namespace: string, name: string): string {
  return `job:${namespace}/${name}`
}

export function parseNodeId(id: string): { type: NodeType; name: string } | undefined {
  const colon = id.indexOf(':')
  const type = id.slice(0, colon)
  const name = id.slice(colon + 1)
  if (colon < 0 || name === '' || (type !== 'dataset' && type !== 'job')) return undefined
  return { type, name }
}

export interface LineageQuery {
  node: string
  depth: number
  direction: Direction
}

/** Reads `GET /api/v1/lineage?node=dataset:traffic.pageview&depth=3&direction=upstream`. */
export function parseLineageQuery(query: Record<string, unknown>): LineageQuery {
  const node = query.node
  if (typeof node !== 'string' || node.length > MAX_NODE_ID_LENGTH || parseNodeId(node) === undefined) {
    throw invalidField(
      'node',
      'name a node as dataset:<name> or job:<namespace>/<name>, e.g. dataset:traffic.pageview',
    )
  }
  const depthText = query.depth ?? String(DEFAULT_DEPTH)
  const depth = typeof depthText === 'string' && /^\d{1,3}$/.test(depthText) ? Number(depthText) : Number.NaN
  if (!(depth <= MAX_DEPTH)) throw invalidField('depth', `must be a whole number from 0 to ${MAX_DEPTH}`)
  const direction = query.direction ?? 'both'
  if (typeof direction !== 'string' || !(DIRECTIONS as readonly string[]).includes(direction)) {
    throw invalidField('direction', `must be one of ${DIRECTIONS.join(', ')}`)
  }
  return { node, depth, direction: direction as Direction }
}

/** The whole graph's edges indexed both ways, so each query walks only what it returns. */
export class LineageIndex {
  private readonly outgoing = new Map<string, LineageEdge[]>()
  private readonly incoming = new Map<string, LineageEdge[]>()
  private readonly columnEdges: readonly ColumnEdge[]

  constructor(
    edges: Iterable<LineageEdge>,
    columnEdges: Iterable<ColumnEdge> = [],
    private readonly nodeData: ReadonlyMap<string, unknown> = new Map(),
  ) {
    const seen = new Set<string>()
    for (const edge of edges) {
      const key = edgeKey(edge)
      if (seen.has(key)) continue
      seen.add(key)
      append(this.outgoing, edge.origin, edge)
      append(this.incoming, edge.destination, edge)
    }
    this.columnEdges = [...columnEdges]
  }

  graph(start: string, depth: number, direction: Direction): LineageGraph {
    const reached = new Set<string>([start])
    const edges = new Map<string, LineageEdge>()
    if (direction !== 'downstream')
      this.walk(start, depth, this.incoming, (edge) => edge.origin, reached, edges)
    if (direction !== 'upstream')
      this.walk(start, depth, this.outgoing, (edge) => edge.destination, reached, edges)
    return {
      nodes: [...reached].map((id) => this.node(id)),
      edges: [...edges.values()],
      columnEdges: this.columnEdges.filter(
        (edge) => reached.has(edge.origin.dataset) && reached.has(edge.destination.dataset),
      ),
    }
  }

  /** Breadth-first; a node is expanded once, so cycles end, and edges closing a cycle are still reported. */
  private walk(
    start: string,
    depth: number,
    adjacency: ReadonlyMap<string, readonly LineageEdge[]>,
    next: (edge: LineageEdge) => string,
    reached: Set<string>,
    edges: Map<string, LineageEdge>,
  ): void {
    const expanded = new Set<string>([start])
    let frontier = [start]
    for (let distance = 0; distance < depth && frontier.length > 0; distance++) {
      const following: string[] = []
      for (const id of frontier) {
        for (const edge of adjacency.get(id) ?? []) {
          edges.set(edgeKey(edge), edge)
          const neighbour = next(edge)
          reached.add(neighbour)
          if (!expanded.has(neighbour)) {
            expanded.add(neighbour)
            following.push(neighbour)
          }
        }
      }
      frontier = following
    }
  }

  private node(id: string): LineageNode {
    const parsed = parseNodeId(id)
    const node: LineageNode = { id, type: parsed?.type ?? 'dataset', name: parsed?.name ?? id }
    const data = this.nodeData.get(id)
    if (data !== undefined) node.data = data
    return node
  }
}

function edgeKey(edge: LineageEdge): string {
  return `${edge.origin}\u0000${edge.destination}`
}

function append(index: Map<string, LineageEdge[]>, key: string, edge: LineageEdge): void {
  const list = index.get(key)
  if (list === undefined) index.set(key, [edge])
  else list.push(edge)
}
