/**
 * The one message for "nothing answered at the UDM server's address", shared by the SDK's HTTP client
 * (http.ts) and the CLI's (src/cli/commands/udm-client.ts), so both say the same thing in the same words.
 * fetch() reports every network failure as `TypeError: fetch failed` and keeps the reason in `cause`
 * (sometimes nested, or an AggregateError over IPv4 and IPv6): the reason is dug out of there.
 */
export function unreachableMessage(serverUrl: string, error: unknown): string {
  return `cannot reach the UDM server at ${serverUrl}: ${unreachableReason(error)}; start it with \`weir udm serve\` or check --url (or $WEIR_UDM_URL)`
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (ECONNREFUSED), nothing listens there',
  ENOTFOUND: 'host not found (ENOTFOUND)',
  EAI_AGAIN: 'host name lookup failed (EAI_AGAIN)',
  ECONNRESET: 'the connection was reset (ECONNRESET)',
  EHOSTUNREACH: 'host unreachable (EHOSTUNREACH)',
  ETIMEDOUT: 'the connection timed out (ETIMEDOUT)',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer before the timeout',
  UND_ERR_BODY_TIMEOUT: 'no answer before the timeout',
  UND_ERR_SOCKET: 'the connection closed before an answer',
}

/** Why the request got no answer, in a few words: the innermost cause's code or message. */
export function unreachableReason(error: unknown): string {
  let current: unknown = error
  for (let depth = 0; depth < 5; depth++) {
    if (!(current instanceof Error)) break
    if (current.name === 'TimeoutError' || current.name === 'AbortError')
      return 'no answer before the timeout'
    const code = (current as NodeJS.ErrnoException).code
    if (code !== undefined && REASONS[code] !== undefined) return REASONS[code]
    const inner =
      current instanceof AggregateError && current.errors.length > 0 ? current.errors[0] : current.cause
    if (inner === undefined) return code === undefined ? current.message : `${current.message} (${code})`
    current = inner
  }
  return String(current)
}
