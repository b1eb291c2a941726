/** Every benchmark prints its results as JSON lines on stdout; progress and notes go to stderr. */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

export function progress(message: string): void {
  process.stderr.write(`${message}\n`)
}

export function rate(count: number, millis: number): number {
  return Math.round((count / millis) * 1000)
}
