/** Wall-clock time in epoch milliseconds, injectable so idle timeouts can be tested without waiting. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private time = 0) {}

  now(): number {
    return this.time
  }

  advance(millis: number): void {
    this.time += millis
  }
}
