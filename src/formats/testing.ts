/** Test helpers shared by the formats tests. */
import { FormatError } from './errors.ts'
import type { RegisteredSchema, SchemaSource } from './schema-source.ts'

/** The FormatError `action` throws; fails the test if it throws something else or nothing. */
export function formatErrorOf(action: () => unknown): FormatError {
  try {
    action()
  } catch (error) {
    if (error instanceof FormatError) return error
    throw error
  }
  throw new Error('expected a FormatError, but nothing was thrown')
}

/** The FormatError `promise` rejects with; fails the test if it rejects with something else or resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<FormatError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof FormatError) return error
    throw error
  }
  throw new Error('expected a FormatError rejection, but the promise resolved')
}

/** An in-memory registry that counts the calls made to it. */
export class MemorySchemaSource implements SchemaSource {
  readonly byId = new Map<number, RegisteredSchema>()
  readonly bySubjectVersion = new Map<string, RegisteredSchema>()
  readonly idCalls: number[] = []
  /** Set to make every call fail as if the registry were down. */
  outage: Error | undefined

  register(id: number, schema: RegisteredSchema, subject?: string, version?: number): this {
    this.byId.set(id, schema)
    if (subject !== undefined && version !== undefined)
      this.bySubjectVersion.set(`${subject}/${version}`, schema)
    return this
  }

  async schemaById(id: number): Promise<RegisteredSchema | undefined> {
    this.idCalls.push(id)
    await Promise.resolve()
    if (this.outage !== undefined) throw this.outage
    return this.byId.get(id)
  }

  async schemaBySubjectVersion(subject: string, version: number): Promise<RegisteredSchema | undefined> {
    await Promise.resolve()
    if (this.outage !== undefined) throw this.outage
    return this.bySubjectVersion.get(`${subject}/${version}`)
  }
}
