import { InvalidSchemaError } from './types.ts'

/** The InvalidSchemaError `action` throws; fails the test when it throws nothing or something else. */
export function invalidSchemaErrorOf(action: () => unknown): InvalidSchemaError {
  try {
    action()
  } catch (error) {
    if (error instanceof InvalidSchemaError) return error
    throw error
  }
  throw new Error('expected an InvalidSchemaError, but nothing was thrown')
}
