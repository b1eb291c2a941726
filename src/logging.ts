import pino, { type Logger } from 'pino'

/**
 * The process-wide structured logger. Servers log JSON lines to stdout; CLI commands and tests
 * keep quiet unless WEIR_LOG_LEVEL asks otherwise.
 */
export const rootLogger: Logger = pino({
  name: 'weir',
  level: process.env.WEIR_LOG_LEVEL ?? 'info',
})

export type { Logger }
