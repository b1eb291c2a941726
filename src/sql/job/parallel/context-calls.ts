import type { SchemaRegistrar } from '../../../connectors/engine/avro-confluent.ts'
import type { ConnectorContext } from '../../../connectors/engine/context.ts'
import type { RegisteredSchema, SchemaSource, SchemaType } from '../../../formats/index.ts'
import { type SerializedError, serializeError } from './messages.ts'

/**
 * Connectors in worker threads reach the job's catalog through the coordinator: a schema lookup or a sink's
 * schema registration is a call to the main thread, where the catalog (an HTTP client, or the embedded store,
 * which one process must own alone) lives. Codecs cache schemas by id, so this is off the hot path.
 */
export type ContextCall =
  | { readonly method: 'schemaById'; readonly args: [id: number] }
  | { readonly method: 'schemaBySubjectVersion'; readonly args: [subject: string, version: number] }
  | {
      readonly method: 'registerSchema'
      readonly args: [subject: string, schema: string, schemaType?: SchemaType]
    }

export interface ContextCallRequest {
  readonly type: 'contextCall'
  readonly callId: number
  readonly call: ContextCall
}

export interface ContextCallReply {
  readonly type: 'contextReply'
  readonly callId: number
  readonly result?: unknown
  readonly error?: SerializedError
}

/** Which parts of the job's connector context exist, so workers build proxies for just those. */
export interface SharedContext {
  readonly schemaSource: boolean
  readonly schemaRegistrar: boolean
}

export function sharedContextOf(context: ConnectorContext | undefined): SharedContext {
  const unsupported = (['printOutput', 'onMalformedInput'] as const).filter(
    (key) => context?.[key] !== undefined,
  )
  if (unsupported.length > 0) {
    throw new Error(
      `the connector context's ${unsupported.join(', ')} cannot be handed to worker threads: run with 'parallelism.default' = '1'`,
    )
  }
  return {
    schemaSource: context?.schemaSource !== undefined,
    schemaRegistrar: context?.schemaRegistrar !== undefined,
  }
}

/** Answers a worker's call from the job's own connector context (coordinator side). */
export async function answerContextCall(context: ConnectorContext, call: ContextCall): Promise<unknown> {
  switch (call.method) {
    case 'schemaById':
      return context.schemaSource?.schemaById(...call.args)
    case 'schemaBySubjectVersion':
      return context.schemaSource?.schemaBySubjectVersion(...call.args)
    case 'registerSchema':
      if (context.schemaRegistrar === undefined) throw new Error('the job has no schema registrar')
      return context.schemaRegistrar(...call.args)
  }
}

export function replyTo(request: ContextCallRequest, context: ConnectorContext): Promise<ContextCallReply> {
  return answerContextCall(context, request.call).then(
    (result) => ({ type: 'contextReply', callId: request.callId, result }),
    (error: unknown) => ({ type: 'contextReply', callId: request.callId, error: serializeError(error) }),
  )
}

/** The worker side: proxies that turn context calls into messages and await the replies. */
export class ContextCaller {
  private nextCallId = 0
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >()

  constructor(private readonly send: (request: ContextCallRequest) => void) {}

  settle(reply: ContextCallReply): void {
    const call = this.pending.get(reply.callId)
    if (call === undefined) return
    this.pending.delete(reply.callId)
    if (reply.error === undefined) call.resolve(reply.result)
    else call.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }))
  }

  context(shared: SharedContext): Pick<ConnectorContext, 'schemaSource' | 'schemaRegistrar'> {
    const schemaSource: SchemaSource = {
      schemaById: (id) =>
        this.call({ method: 'schemaById', args: [id] }) as Promise<RegisteredSchema | undefined>,
      schemaBySubjectVersion: (subject, version) =>
        this.call({ method: 'schemaBySubjectVersion', args: [subject, version] }) as Promise<
          RegisteredSchema | undefined
        >,
    }
    const schemaRegistrar: SchemaRegistrar = (subject, schema, schemaType) =>
      this.call({ method: 'registerSchema', args: [subject, schema, schemaType] }) as Promise<number>
    return {
      ...(shared.schemaSource ? { schemaSource } : {}),
      ...(shared.schemaRegistrar ? { schemaRegistrar } : {}),
    }
  }

  private call(call: ContextCall): Promise<unknown> {
    const callId = this.nextCallId++
    return new Promise((resolve, reject) => {
      this.pending.set(callId, { resolve, reject })
      this.send({ type: 'contextCall', callId, call })
    })
  }
}
