/**
 * A binary min-heap of (time, payload) timers. Window operators keep one timer per pending window end, so
 * firing under a watermark pops exactly the due windows instead of scanning all state.
 */
export class TimerQueue<P> {
  private times: number[] = []
  private payloads: P[] = []

  get size(): number {
    return this.times.length
  }

  /** The earliest timer's time; check `size` first, as it is +Infinity when empty and that fires too. */
  peekTime(): number {
    return this.times.length === 0 ? Number.POSITIVE_INFINITY : this.times[0]!
  }

  push(time: number, payload: P): void {
    const times = this.times
    const payloads = this.payloads
    let index = times.length
    times.push(time)
    payloads.push(payload)
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (times[parent]! <= time) break
      times[index] = times[parent]!
      payloads[index] = payloads[parent]!
      index = parent
    }
    times[index] = time
    payloads[index] = payload
  }

  /** Removes the earliest timer and returns its payload; the queue must not be empty. */
  pop(): P {
    const times = this.times
    const payloads = this.payloads
    const top = payloads[0]!
    const lastTime = times.pop()!
    const lastPayload = payloads.pop()!
    const size = times.length
    if (size === 0) return top
    let index = 0
    for (;;) {
      const left = 2 * index + 1
      if (left >= size) break
      const right = left + 1
      const child = right < size && times[right]! < times[left]! ? right : left
      if (times[child]! >= lastTime) break
      times[index] = times[child]!
      payloads[index] = payloads[child]!
      index = child
    }
    times[index] = lastTime
    payloads[index] = lastPayload
    return top
  }

  /** The timers as (time, payload) pairs, for snapshots; `restore` accepts them in any order. */
  entries(): Array<[number, P]> {
    return this.times.map((time, i) => [time, this.payloads[i]!])
  }

  restore(entries: ReadonlyArray<readonly [number, P]>): void {
    this.times = []
    this.payloads = []
    for (const [time, payload] of entries) this.push(time, payload)
  }
}
