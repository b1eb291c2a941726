/**
 * Window definitions with the semantics of Flink's window table-valued functions: a window covers
 * [start, end) in event-time milliseconds, `window_time` is end - 1, and a window fires once the watermark
 * reaches its window_time (Flink registers the timer at end - 1). Offsets shift the window grid.
 */
export interface TimeWindow {
  readonly start: number
  readonly end: number
}

export type WindowSpec =
  | { readonly kind: 'tumble'; readonly size: number; readonly offset: number }
  | { readonly kind: 'hop'; readonly slide: number; readonly size: number; readonly offset: number }
  | { readonly kind: 'cumulate'; readonly step: number; readonly maxSize: number; readonly offset: number }
  | { readonly kind: 'session'; readonly gap: number }
  /**
   * Windows an upstream window operator already assigned: the row carries its window's start in
   * `startColumn` and its end in the operator's time column (Flink's window-attached windowing strategy,
   * used by cascading window aggregations).
   */
  | { readonly kind: 'attached'; readonly startColumn: number }

/** Windows whose extent depends only on the timestamp (everything but SESSION and attached windows). */
export type AlignedWindowSpec = Exclude<WindowSpec, { kind: 'session' | 'attached' }>

/** TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]) */
export function tumble(size: number, offset = 0): AlignedWindowSpec {
  checkPositive('TUMBLE size', size)
  return { kind: 'tumble', size, offset }
}

/** HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset]) */
export function hop(slide: number, size: number, offset = 0): AlignedWindowSpec {
  checkPositive('HOP slide', slide)
  checkPositive('HOP size', size)
  return { kind: 'hop', slide, size, offset }
}

/** CUMULATE(TABLE t, DESCRIPTOR(ts), step, maxSize [, offset]); maxSize must be a multiple of step. */
export function cumulate(step: number, maxSize: number, offset = 0): AlignedWindowSpec {
  checkPositive('CUMULATE step', step)
  checkPositive('CUMULATE max size', maxSize)
  if (maxSize % step !== 0)
    throw new RangeError(`CUMULATE max size ${maxSize} is not a multiple of step ${step}`)
  return { kind: 'cumulate', step, maxSize, offset }
}

/** SESSION(TABLE t PARTITION BY keys, DESCRIPTOR(ts), gap) */
export function session(gap: number): WindowSpec {
  checkPositive('SESSION gap', gap)
  return { kind: 'session', gap }
}

/** A window given by the row's own window_start and window_end columns (see `WindowSpec`). */
export function attached(startColumn: number): WindowSpec {
  return { kind: 'attached', startColumn }
}

export function windowTime(window: TimeWindow): number {
  return window.end - 1
}

/** Whether a window ending at `end` has fired under `watermark`. */
export function isFired(end: number, watermark: number): boolean {
  return end - 1 <= watermark
}

/** The start of the window of length `size` containing `timestamp` on the grid shifted by `offset`. */
export function alignedStart(timestamp: number, size: number, offset: number): number {
  const remainder = (timestamp - offset) % size
  return timestamp - (remainder < 0 ? remainder + size : remainder)
}

/** Every window containing `timestamp`, in order of start then end. */
export function assignWindows(spec: AlignedWindowSpec, timestamp: number): TimeWindow[] {
  switch (spec.kind) {
    case 'tumble': {
      const start = alignedStart(timestamp, spec.size, spec.offset)
      return [{ start, end: start + spec.size }]
    }
    case 'hop': {
      const windows: TimeWindow[] = []
      const lastStart = alignedStart(timestamp, spec.slide, spec.offset)
      for (let start = lastStart; start > timestamp - spec.size; start -= spec.slide) {
        windows.push({ start, end: start + spec.size })
      }
      return windows.reverse()
    }
    case 'cumulate': {
      const windows: TimeWindow[] = []
      const start = alignedStart(timestamp, spec.maxSize, spec.offset)
      const firstEnd = alignedStart(timestamp, spec.step, spec.offset) + spec.step
      for (let end = firstEnd; end <= start + spec.maxSize; end += spec.step) windows.push({ start, end })
      return windows
    }
  }
}

function checkPositive(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`${what} must be a positive integer of milliseconds, got ${value}`)
}
