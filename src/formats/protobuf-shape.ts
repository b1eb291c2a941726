/**
 * Checks that a plain object fits a Protobuf message before protobufjs sees it: `Type.fromObject` silently
 * coerces ('abc' in an int32 field becomes 0, unknown fields vanish) and `Type.verify` rejects the enum
 * names and decimal-string longs that our decoder itself produces. Accepts exactly what decode returns,
 * plus the numeric alternatives protobufjs understands (enum numbers, longs as numbers or bigints,
 * bytes as base64 strings).
 */
import protobuf from 'protobufjs'
import { describeValue } from './errors.ts'

export interface ShapeProblem {
  /** Field path, '' for the message itself. */
  readonly path: string
  /** Completes "Field <path> …", e.g. `should be int32, found 1.5`. */
  readonly problem: string
}

function expected(path: string, what: string, found: unknown): ShapeProblem {
  return { path, problem: `should be ${what}, found ${describeValue(found)}` }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  )
}

export function checkMessage(type: protobuf.Type, value: unknown, path = ''): ShapeProblem | undefined {
  if (!isPlainObject(value)) return expected(path, `a ${type.name} message object`, value)
  for (const name in value) {
    const item = value[name]
    if (item === undefined || item === null) continue
    const field = type.fields[name]
    const at = path === '' ? name : `${path}.${name}`
    if (field === undefined) return { path: at, problem: `is not a field of ${type.name}` }
    const problem = checkField(field, item, at)
    if (problem !== undefined) return problem
  }
  for (const oneof of type.oneofsArray) {
    let set: string | undefined
    for (const member of oneof.fieldsArray) {
      if (value[member.name] === undefined || value[member.name] === null) continue
      if (set !== undefined) {
        return { path, problem: `sets ${set} and ${member.name}, but oneof '${oneof.name}' allows one` }
      }
      set = member.name
    }
  }
  return undefined
}

function checkField(field: protobuf.Field, value: unknown, path: string): ShapeProblem | undefined {
  if (field instanceof protobuf.MapField) {
    if (!isPlainObject(value)) return expected(path, 'a map (plain object)', value)
    for (const [key, item] of Object.entries(value)) {
      if (!isMapKey(field.keyType, key)) return expected(path, `a map with ${field.keyType} keys`, key)
      const problem = checkValue(field, item, `${path}[${JSON.stringify(key)}]`)
      if (problem !== undefined) return problem
    }
    return undefined
  }
  if (field.repeated) {
    if (!Array.isArray(value)) return expected(path, 'an array', value)
    for (let i = 0; i < value.length; i++) {
      const problem = checkValue(field, value[i], `${path}[${i}]`)
      if (problem !== undefined) return problem
    }
    return undefined
  }
  return checkValue(field, value, path)
}

function checkValue(field: protobuf.FieldBase, value: unknown, path: string): ShapeProblem | undefined {
  const resolved = field.resolvedType
  if (resolved instanceof protobuf.Type) return checkMessage(resolved, value, path)
  if (resolved instanceof protobuf.Enum) {
    return isEnumValue(resolved, value) ? undefined : expected(path, `a ${resolved.name} value`, value)
  }
  return isScalar(field.type, value) ? undefined : expected(path, field.type, value)
}

function isEnumValue(type: protobuf.Enum, value: unknown): boolean {
  if (typeof value === 'string') return Object.hasOwn(type.values, value)
  // Open enums: proto3 keeps unknown numbers, so any int32 is a legal value.
  return typeof value === 'number' && (value | 0) === value
}

const INTEGER = /^-?\d+$/
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 }
const UINT32 = { min: 0, max: 2 ** 32 - 1 }
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n }
const UINT64 = { min: 0n, max: 2n ** 64n - 1n }

function isScalar(type: string, value: unknown): boolean {
  switch (type) {
    case 'double':
    case 'float':
      return typeof value === 'number'
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return isIntegerIn(value, INT32)
    case 'uint32':
    case 'fixed32':
      return isIntegerIn(value, UINT32)
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return isLongIn(value, INT64)
    case 'uint64':
    case 'fixed64':
      return isLongIn(value, UINT64)
    case 'bool':
      return typeof value === 'boolean'
    case 'string':
      return typeof value === 'string'
    case 'bytes':
      return value instanceof Uint8Array || typeof value === 'string'
    default:
      return false
  }
}

function isIntegerIn(value: unknown, range: { min: number; max: number }): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max
}

function isLongIn(value: unknown, range: { min: bigint; max: bigint }): boolean {
  // Every safe integer is a valid int64; only unsigned types need a check, and no bigint is made for it.
  if (typeof value === 'number') return Number.isSafeInteger(value) && (range.min < 0n || value >= 0)
  if (typeof value === 'string' && INTEGER.test(value)) value = BigInt(value)
  return typeof value === 'bigint' && value >= range.min && value <= range.max
}

function isMapKey(keyType: string, key: string): boolean {
  if (keyType === 'string') return true
  if (keyType === 'bool') return key === 'true' || key === 'false'
  if (!INTEGER.test(key)) return false
  return keyType.endsWith('64') ? isScalar(keyType, key) : isScalar(keyType, Number(key))
}
