/**
 * OpenLineage RunEvents (https://openlineage.io/spec/2-0-2/OpenLineage.json), as any producer sends them to
 * `POST /api/v1/lineage`: validated with every problem named by its JSON path, normalized (UTC times,
 * lower-case run ids, absent lists as empty), and turned into lineage edges between Weir datasets and jobs.
 * Facets are kept as received; only `schema` and `columnLineage`, which Weir reads, are checked in depth.
 */
import { CatalogError, joinField } from '../locations/errors.ts'
import { describeValue, type Fields, isRecord } from '../locations/input.ts'
import { type ColumnEdge, datasetNodeId, jobNodeId, type LineageEdge } from './lineage-graph.ts'

export const RUN_EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'FAIL', 'ABORT', 'OTHER'] as const
export type RunEventType = (typeof RUN_EVENT_TYPES)[number]

export interface SchemaField {
  name: string
  type?: string
  description?: string
  /** Members of a struct field. */
  fields?: SchemaField[]
}

export interface DatasetRef {
  namespace: string
  name: string
}

/** An output field and the input fields it is computed from. */
export interface ColumnLineage {
  field: string
  inputs: Array<DatasetRef & { field: string }>
}

export interface OpenLineageDataset extends DatasetRef {
  facets: Fields
  /** From the `schema` facet. */
  schemaFields: SchemaField[] | undefined
  /** From the `columnLineage` facet. */
  columnLineage: ColumnLineage[]
}

export interface RunEvent {
  /** The spec makes it optional; an event without one is an OTHER event. */
  eventType: RunEventType
  eventTime: string
  producer: string
  schemaURL: string | undefined
  run: { runId: string; facets: Fields }
  job: { namespace: string; name: string; facets: Fields }
  inputs: OpenLineageDataset[]
  outputs: OpenLineageDataset[]
}

export interface ValidationProblem {
  path: string
  message: string
}

const MAX_NAME_LENGTH = 1024
const MAX_DATASETS = 1000
const MAX_SCHEMA_DEPTH = 32
const MAX_REPORTED_PROBLEMS = 20
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i

/** Returns the event, or throws a 400 CatalogError naming every problem found (the first as its field). */
export function parseRunEvent(body: unknown): RunEvent {
  const problems: ValidationProblem[] = []
  const event = readRunEvent(body, problems)
  if (problems.length > 0 || event === undefined) throw validationError(problems)
  return event
}

function validationError(problems: readonly ValidationProblem[]): CatalogError {
  const shown = problems
    .slice(0, MAX_REPORTED_PROBLEMS)
    .map((problem) => `${problem.path}: ${problem.message}`)
  const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : ''
  return new CatalogError(
    400,
    'invalid_field',
    `not a valid OpenLineage RunEvent: ${shown.join('; ')}${more}`,
    problems[0]?.path ?? '(document)',
  )
}

function readRunEvent(body: unknown, problems: ValidationProblem[]): RunEvent | undefined {
  if (!isRecord(body)) {
    problems.push({ path: '(document)', message: `expected a RunEvent object, got ${describeValue(body)}` })
    return undefined
  }
  const read = new Reader(problems)
  const run = read.object(body, 'run', '', true)
  const job = read.object(body, 'job', '', true)
  const runId = run ? read.string(run, 'runId', 'run') : ''
  if (runId !== '' && !UUID.test(runId)) read.problem('run.runId', `'${runId}' is not a UUID`)
  return {
    eventType: read.eventType(body),
    eventTime: read.eventTime(body),
    producer: read.string(body, 'producer', ''),
    schemaURL: read.optionalString(body, 'schemaURL', ''),
    run: { runId: runId.toLowerCase(), facets: run ? read.facets(run, 'run') : {} },
    job: {
      namespace: job ? read.string(job, 'namespace', 'job') : '',
      name: job ? read.string(job, 'name', 'job') : '',
      facets: job ? read.facets(job, 'job') : {},
    },
    inputs: read.datasets(body, 'inputs'),
    outputs: read.datasets(body, 'outputs'),
  }
}

/** Reads fields and records what is wrong instead of stopping at the first problem. */
class Reader {
  constructor(private readonly problems: ValidationProblem[]) {}

  problem(path: string, message: string): void {
    this.problems.push({ path, message })
  }

  object(record: Fields, key: string, at: string, required: boolean): Fields | undefined {
    const value = record[key]
    const path = joinField(at, key)
    if (value === undefined || value === null) {
      if (required) this.problem(path, 'is required')
      return undefined
    }
    if (!isRecord(value)) {
      this.problem(path, `expected an object, got ${describeValue(value)}`)
      return undefined
    }
    return value
  }

  optionalString(record: Fields, key: string, at: string): string | undefined {
    const value = record[key]
    if (value === undefined || value === null) return undefined
    const path = joinField(at, key)
    if (typeof value !== 'string') {
      this.problem(path, `expected a string, got ${describeValue(value)}`)
      return undefined
    }
    if (value.length > MAX_NAME_LENGTH) {
      this.problem(path, `is longer than ${MAX_NAME_LENGTH} characters`)
      return undefined
    }
    return value
  }

  /** A required, non-empty string; '' stands in when it is not, with the problem recorded. */
  string(record: Fields, key: string, at: string): string {
    const value = this.optionalString(record, key, at)
    if (value === undefined) {
      if (record[key] === undefined || record[key] === null) this.problem(joinField(at, key), 'is required')
      return ''
    }
    if (value.trim() === '') this.problem(joinField(at, key), 'must not be empty')
    return value
  }

  eventType(body: Fields): RunEventType {
    const value = this.optionalString(body, 'eventType', '')
    if (value === undefined) return 'OTHER'
    if ((RUN_EVENT_TYPES as readonly string[]).includes(value)) return value as RunEventType
    this.problem('eventType', `'${value}' is not one of ${RUN_EVENT_TYPES.join(', ')}`)
    return 'OTHER'
  }

  eventTime(body: Fields): string {
    const value = this.string(body, 'eventTime', '')
    if (value === '') return ''
    const millis = Date.parse(value)
    if (!DATE_TIME.test(value) || !Number.isFinite(millis)) {
      this.problem(
        'eventTime',
        `'${value}' is not an ISO 8601 date-time with a time zone, e.g. 2024-05-01T12:00:00Z`,
      )
      return ''
    }
    return new Date(millis).toISOString()
  }

  facets(record: Fields, at: string): Fields {
    return this.object(record, 'facets', at, false) ?? {}
  }

  datasets(body: Fields, key: 'inputs' | 'outputs'): OpenLineageDataset[] {
    const value = body[key]
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) {
      this.problem(key, `expected a list of datasets, got ${describeValue(value)}`)
      return []
    }
    if (value.length > MAX_DATASETS) {
      this.problem(key, `lists ${value.length} datasets; at most ${MAX_DATASETS} are accepted per event`)
      return []
    }
    const datasets: OpenLineageDataset[] = []
    value.forEach((item: unknown, index) => {
      const path = `${key}[${index}]`
      if (!isRecord(item)) {
        this.problem(path, `expected a dataset object, got ${describeValue(item)}`)
        return
      }
      const facets = this.facets(item, path)
      datasets.push({
        namespace: this.string(item, 'namespace', path),
        name: this.string(item, 'name', path),
        facets,
        schemaFields: this.schemaFacet(facets, joinField(path, 'facets')),
        columnLineage: this.columnLineageFacet(facets, joinField(path, 'facets')),
      })
    })
    return datasets
  }

  schemaFacet(facets: Fields, at: string): SchemaField[] | undefined {
    const schema = this.object(facets, 'schema', at, false)
    if (schema === undefined) return undefined
    return this.schemaFields(schema, joinField(at, 'schema'), 1)
  }

  schemaFields(record: Fields, at: string, depth: number): SchemaField[] {
    const value = record.fields
    const path = joinField(at, 'fields')
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) {
      this.problem(path, `expected a list of fields, got ${describeValue(value)}`)
      return []
    }
    if (depth > MAX_SCHEMA_DEPTH) {
      this.problem(path, `nests deeper than ${MAX_SCHEMA_DEPTH} levels`)
      return []
    }
    const fields: SchemaField[] = []
    value.forEach((item: unknown, index) => {
      const itemPath = `${path}[${index}]`
      if (!isRecord(item)) {
        this.problem(itemPath, `expected a field object, got ${describeValue(item)}`)
        return
      }
      const field: SchemaField = { name: this.string(item, 'name', itemPath) }
      const type = this.optionalString(item, 'type', itemPath)
      const description = this.optionalString(item, 'description', itemPath)
      if (type !== undefined) field.type = type
      if (description !== undefined) field.description = description
      if (item.fields !== undefined && item.fields !== null) {
        field.fields = this.schemaFields(item, itemPath, depth + 1)
      }
      fields.push(field)
    })
    return fields
  }

  /** `{ fields: { <output field>: { inputFields: [{ namespace, name, field }] } } }` */
  columnLineageFacet(facets: Fields, at: string): ColumnLineage[] {
    const facet = this.object(facets, 'columnLineage', at, false)
    if (facet === undefined) return []
    const facetPath = joinField(at, 'columnLineage')
    const fields = this.object(facet, 'fields', facetPath, true)
    if (fields === undefined) return []
    const fieldsPath = joinField(facetPath, 'fields')
    return Object.entries(fields).map(([field, entry]) => {
      const entryPath = joinField(fieldsPath, field)
      const inputs: ColumnLineage['inputs'] = []
      if (!isRecord(entry)) {
        this.problem(entryPath, `expected an object with inputFields, got ${describeValue(entry)}`)
        return { field, inputs }
      }
      const inputFields = entry.inputFields
      const inputsPath = joinField(entryPath, 'inputFields')
      if (!Array.isArray(inputFields)) {
        this.problem(inputsPath, `expected a list of input fields, got ${describeValue(inputFields)}`)
        return { field, inputs }
      }
      inputFields.forEach((input: unknown, index) => {
        const inputPath = `${inputsPath}[${index}]`
        if (!isRecord(input)) {
          this.problem(inputPath, `expected an input field object, got ${describeValue(input)}`)
          return
        }
        inputs.push({
          namespace: this.string(input, 'namespace', inputPath),
          name: this.string(input, 'name', inputPath),
          field: this.string(input, 'field', inputPath),
        })
      })
      return { field, inputs }
    })
  }
}

/**
 * Maps an OpenLineage dataset to its Weir logical name (e.g. `kafka://kafka-1:9092` + `pv_events` →
 * `traffic.pageview`), or undefined when no Weir dataset lives there.
 */
export type DatasetResolver = (dataset: DatasetRef) => string | undefined

/** Weir datasets appear under their logical names; anything else as an external `namespace/name` node. */
export function lineageDatasetNode(dataset: DatasetRef, resolve: DatasetResolver): string {
  return datasetNodeId(resolve(dataset) ?? `${dataset.namespace}/${dataset.name}`)
}

export interface EventDataset extends DatasetRef {
  node: string
  schemaFields: SchemaField[] | undefined
}

/** What one RunEvent says about the graph: its job node, the datasets it touches and the edges between them. */
export interface EventLineage {
  job: string
  datasets: EventDataset[]
  edges: LineageEdge[]
  columnEdges: ColumnEdge[]
}

export function lineageOfEvent(event: RunEvent, resolve: DatasetResolver): EventLineage {
  const job = jobNodeId(event.job.namespace, event.job.name)
  const nodeOf = (dataset: DatasetRef) => lineageDatasetNode(dataset, resolve)
  const describe = (dataset: OpenLineageDataset): EventDataset => ({
    namespace: dataset.namespace,
    name: dataset.name,
    node: nodeOf(dataset),
    schemaFields: dataset.schemaFields,
  })
  const inputs = event.inputs.map(describe)
  const outputs = event.outputs.map(describe)
  const edges: LineageEdge[] = [
    ...inputs.map((input) => ({ origin: input.node, destination: job })),
    ...outputs.map((output) => ({ origin: job, destination: output.node })),
  ]
  const columnEdges: ColumnEdge[] = event.outputs.flatMap((output, index) =>
    output.columnLineage.flatMap((column) =>
      column.inputs.map((input) => ({
        origin: { dataset: nodeOf(input), field: input.field },
        destination: { dataset: outputs[index]!.node, field: column.field },
        job,
      })),
    ),
  )
  return { job, datasets: [...inputs, ...outputs], edges, columnEdges }
}
