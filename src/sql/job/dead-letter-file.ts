import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { DeadLetter } from '../../engine/index.ts'

/** The session option naming the directory where a job keeps rows its operators could not process. */
export const DEAD_LETTERS_PATH_OPTION = 'weir.dead-letters.path'

/**
 * Appends each dead letter (a late row, a row without event time, an unmatched retraction) as one JSON line
 * to `<directory>/dead-letters-<subtask>.jsonl`, with the operator, the reason, the row's event time and the
 * row itself. Dead letters are rare by design, so each is written synchronously: none is lost if the job dies.
 */
export function deadLetterFile(directory: string, subtask: number): (letter: DeadLetter) => void {
  mkdirSync(directory, { recursive: true })
  const path = join(directory, `dead-letters-${subtask}.jsonl`)
  return (letter) => {
    const line = JSON.stringify(
      {
        operator: letter.operator,
        reason: letter.reason,
        event_time: letter.eventTime === null ? null : new Date(letter.eventTime).toISOString(),
        row: letter.row,
        at: new Date().toISOString(),
      },
      (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
    )
    appendFileSync(path, `${line}\n`)
  }
}
