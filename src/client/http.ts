import { UdmClientError, UdmUnreachableError } from './errors.ts'

export interface UdmConnectionOptions {
  /** Base URL of a UDM server, e.g. http://127.0.0.1:8081. */
  url: string
  /** An API token; sent as a bearer token to /api/v1 and as the basic-auth password to registry routes. */
  token?: string
  /** How long one request may take before it counts as failed (default 10 s): a hung server is a fault too. */
  requestTimeoutMs?: number
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

/** JSON over HTTP to one UDM server, with its errors turned into UdmClientError. */
export class UdmHttp {
  private readonly base: string
  private readonly bearer: string | undefined
  private readonly basic: string | undefined
  private readonly timeoutMs: number

  constructor(options: UdmConnectionOptions) {
    this.base = options.url.replace(/\/+$/, '')
    this.bearer = options.token ? `Bearer ${options.token}` : undefined
    this.basic = options.token
      ? `Basic ${Buffer.from(`weir:${options.token}`).toString('base64')}`
      : undefined
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  }

  /**
   * GET a JSON document. With `missingCodes`, a 404 whose body carries one of these Confluent error codes
   * (e.g. 40403, schema not found) resolves to `undefined`; any other 404 (a wrong URL, a proxy's page) is
   * an error like any other, so "does not exist" is only ever the registry's own answer.
   */
  async get<T>(path: string, missingCodes: readonly number[]): Promise<T | undefined>
  async get<T>(path: string): Promise<T>
  async get<T>(path: string, missingCodes?: readonly number[]): Promise<T | undefined> {
    const url = `${this.base}${path}`
    const authorization = path.startsWith('/api/') ? this.bearer : this.basic
    let response: Response
    let body: unknown
    try {
      response = await fetch(url, {
        headers: authorization ? { authorization } : {},
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      body = await response.json().catch(() => undefined)
    } catch (error) {
      throw new UdmUnreachableError(url, error, this.base)
    }
    if (!response.ok) {
      const error = errorFrom(response.status, body, url)
      if (response.status === 404 && missingCodes?.includes(Number(error.code))) return undefined
      throw error
    }
    return body as T
  }
}

function errorFrom(status: number, body: unknown, url: string): UdmClientError {
  if (typeof body === 'object' && body !== null) {
    // UDM routes answer {error: {code, message}}; registry routes answer Confluent's {error_code, message}.
    const nested =
      'error' in body && typeof body.error === 'object' && body.error !== null ? body.error : body
    const code = 'code' in nested ? nested.code : 'error_code' in nested ? nested.error_code : undefined
    const message =
      'message' in nested && typeof nested.message === 'string' ? nested.message : `HTTP ${status}`
    return new UdmClientError(status, code as string | number | undefined, message, url)
  }
  return new UdmClientError(status, undefined, `HTTP ${status} from ${url}`, url)
}
