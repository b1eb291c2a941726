export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  )
}

/** The promise a possibly asynchronous call returned, or undefined when it completed synchronously. */
export function pendingOrUndefined(result: unknown): PromiseLike<unknown> | undefined {
  return isPromiseLike(result) ? result : undefined
}
