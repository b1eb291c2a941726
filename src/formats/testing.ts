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

/**
 * A Protobuf file whose shop.Order is its second message, nests a message type and an enum, and refers to
 * another message: what decoding by message index and nested ROWs must get right.
 */
export const SHOP_ORDER_PROTO = `syntax = "proto3";
package shop;
message Envelope { string note = 1; }
message Order {
  string order_id = 1;
  int64 amount_cents = 2;
  Customer customer = 3;
  repeated Line lines = 4;
  map<string, int32> tags = 5;
  Status status = 6;
  message Line { string sku = 1; uint32 quantity = 2; }
  enum Status { NEW = 0; PAID = 1; }
}
message Customer { string name = 1; string city = 2; }`
