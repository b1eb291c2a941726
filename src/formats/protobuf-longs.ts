/**
 * protobufjs leaves 64-bit integer fields as Long objects; we hand out what Avro longs are: a number while
 * the value is a safe integer, a bigint beyond 2^53. (protobufjs' own `longs: String` conversion is lossless
 * too, but formatting a Long as decimal costs more than decoding the whole message.)
 */
import protobuf from 'protobufjs'
import { isPlainObject } from './protobuf-shape.ts'

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'])

/** The fields of a message type that hold longs, directly or inside nested messages. */
interface LongFields {
  readonly longs: readonly protobuf.FieldBase[]
  readonly messages: readonly { readonly field: protobuf.FieldBase; readonly type: protobuf.Type }[]
}

const plans = new WeakMap<protobuf.Type, LongFields>()
const NONE: LongFields = { longs: [], messages: [] }

/** Replaces the Long objects in a `toObject` result, in place. */
export function settleLongs(type: protobuf.Type, object: Record<string, unknown>): void {
  const plan = planOf(type, new Set())
  for (const field of plan.longs) object[field.name] = eachValue(field, object[field.name], settleLong)
  for (const { field, type: nested } of plan.messages) {
    eachValue(field, object[field.name], (message) => {
      if (isPlainObject(message)) settleLongs(nested, message)
      return message
    })
  }
}

function settleLong(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('low' in value) || !('high' in value)) return value
  const { low, high } = value
  if (typeof low !== 'number' || typeof high !== 'number') return value
  const upper = 'unsigned' in value && value.unsigned === true ? high >>> 0 : high
  const number = upper * 2 ** 32 + (low >>> 0)
  // Values past 2^53 round to an unsafe number, never to a safe one, so this test is exact.
  return Number.isSafeInteger(number) ? number : (BigInt(upper) << 32n) + BigInt(low >>> 0)
}

/** Applies `convert` to a singular value, each element of a repeated field, or each value of a map field. */
function eachValue(field: protobuf.FieldBase, value: unknown, convert: (item: unknown) => unknown): unknown {
  if (field instanceof protobuf.MapField && isPlainObject(value)) {
    for (const key of Object.keys(value)) value[key] = convert(value[key])
  } else if (field.repeated && Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = convert(value[i])
  } else if (value !== null && value !== undefined) {
    return convert(value)
  }
  return value
}

/** `visiting` breaks recursion in self-referencing messages (a tree of nodes): such a field is kept. */
function planOf(type: protobuf.Type, visiting: Set<protobuf.Type>): LongFields {
  const known = plans.get(type)
  if (known !== undefined) return known
  visiting.add(type)
  const longs = type.fieldsArray.filter((field) => field.resolvedType === null && LONG_TYPES.has(field.type))
  const messages: LongFields['messages'][number][] = []
  for (const field of type.fieldsArray) {
    const nested = field.resolvedType
    if (nested instanceof protobuf.Type && (visiting.has(nested) || planOf(nested, visiting) !== NONE)) {
      messages.push({ field, type: nested })
    }
  }
  visiting.delete(type)
  const plan = longs.length === 0 && messages.length === 0 ? NONE : { longs, messages }
  plans.set(type, plan)
  return plan
}
