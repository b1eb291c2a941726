import type { Batch } from './rows.ts'

/**
 * Event-time progress: no row with event time ≤ `timestamp` is expected any more. Timestamps are epoch
 * milliseconds. A bounded source ends with `MAX_WATERMARK` so every pending event-time window fires.
 */
export interface Watermark {
  readonly type: 'watermark'
  readonly timestamp: number
}

/** Marks the point in every input where operator state belongs to checkpoint `checkpointId`. */
export interface CheckpointBarrier {
  readonly type: 'barrier'
  readonly checkpointId: number
}

/**
 * The input has no data for a while and must not hold back the combined watermark; the next batch or
 * watermark on the same input makes it active again.
 */
export interface InputIdle {
  readonly type: 'idle'
}

export interface EndOfInput {
  readonly type: 'end'
}

export type StreamEvent = Watermark | CheckpointBarrier | InputIdle | EndOfInput

/** What flows along a plan edge: batches of rows interleaved with control events, in order. */
export type StreamElement = Batch | StreamEvent

export const MIN_WATERMARK = Number.NEGATIVE_INFINITY
export const MAX_WATERMARK = Number.POSITIVE_INFINITY

export function watermark(timestamp: number): Watermark {
  return { type: 'watermark', timestamp }
}

export function checkpointBarrier(checkpointId: number): CheckpointBarrier {
  return { type: 'barrier', checkpointId }
}

export const INPUT_IDLE: InputIdle = { type: 'idle' }
export const END_OF_INPUT: EndOfInput = { type: 'end' }

export function isBatch(element: StreamElement): element is Batch {
  return !('type' in element)
}
