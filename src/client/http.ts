import { UdmClientError } from './errors.ts'

export interface UdmConnectionOptions {
  /** Base URL of a UDM server, e.g. http://127.0.0.1:8081. */
  url: string
  /** An API token; sent as a bearer token to /api/v1 and as the basic-auth password to registry routes. */
  token?: string
}

/** JSON over HTTP to one UDM server, with its errors turned into UdmClientError. */
export class UdmHttp {
  private readonly base: string
  private readonly bearer: string | undefined
  private readonly basic: string | undefined

  constructor(options: UdmConnectionOptions) {
    this.base = options.url.replace(/\/+$/, '')
    this.bearer = options.token ? `Bearer ${options.token}` : undefined
    this.basic = options.token
      ? `Basic ${Buffer.from(`weir:${options.token}`).toString('base64')}`
      : undefined
  }

  /** GET a JSON document; `undefined` when the server answers 404 and `allowMissing` is set. */
  async get<T>(path: string, allowMissing: true): Promise<T | undefined>
  async get<T>(path: string, allowMissing?: false): Promise<T>
  async get<T>(path: string, allowMissing = false): Promise<T | undefined> {
    const url = `${this.base}${path}`
    const authorization = path.startsWith('/api/') ? this.bearer : this.basic
    const response = await fetch(url, { headers: authorization ? { authorization } : {} })
    if (response.status === 404 && allowMissing) return undefined
    const body: unknown = await response.json().catch(() => undefined)
    if (!response.ok) throw errorFrom(response.status, body, url)
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
