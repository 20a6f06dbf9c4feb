/**
 * Errors raised by the API layer.
 *
 *     ApiError            any failed call; `status` 0 when the server was not reached
 *
 * Every non-2xx response becomes an `ApiError`. An `application/problem+json`
 * body (RFC 9457) fills `type`, `title`, `detail` and the per-field `errors`;
 * any other body (a proxy's HTML page, an empty 502) still yields an `ApiError`
 * with `type` "about:blank" and the HTTP status text as `title`.
 */

/** Problem types the server uses are `PROBLEM_TYPE_BASE + slug` (see co2calc.http.errors). */
export const PROBLEM_TYPE_BASE = 'https://co2calc.org/problems/'

/** `type` of the error raised when the request never got an HTTP response. */
export const NETWORK_ERROR_TYPE = 'urn:co2calc:client:network-error'

export interface ApiFieldError {
  /** Dotted field path, e.g. "query.page" or "body.entries.0.fte". */
  field: string
  /** The same location as a list of segments, when the server sent one. */
  loc?: string[]
  message: string
  /** Machine-readable error kind, e.g. "greater_than_equal". */
  type?: string
}

export interface ProblemDetails {
  status: number
  type: string
  title: string
  detail: string
  instance?: string
  errors?: ApiFieldError[]
}

export class ApiError extends Error implements ProblemDetails {
  readonly status: number
  readonly type: string
  readonly title: string
  readonly detail: string
  readonly instance?: string
  readonly errors?: ApiFieldError[]

  constructor(problem: ProblemDetails, options?: { cause?: unknown }) {
    super(problem.detail || problem.title, options)
    this.name = 'ApiError'
    this.status = problem.status
    this.type = problem.type
    this.title = problem.title
    this.detail = problem.detail
    if (problem.instance !== undefined) this.instance = problem.instance
    if (problem.errors !== undefined) this.errors = problem.errors
  }

  /** True when the problem `type` is the server's `PROBLEM_TYPE_BASE + slug`. */
  is(slug: string): boolean {
    return this.type === PROBLEM_TYPE_BASE + slug
  }

  get isUnauthenticated(): boolean {
    return this.status === 401
  }

  /**
   * Field errors of a form whose fields are `names`: each error goes to the
   * deepest segment of its location that names a field ("body.data.origin" →
   * "origin"); errors naming no field are returned under `''`.
   */
  errorsForFields(names: readonly string[]): Record<string, string> {
    const known = new Set(names)
    const out: Record<string, string> = {}
    for (const e of this.errors ?? []) {
      const segments = e.loc ?? e.field.split('.')
      const name = [...segments].reverse().find((s) => known.has(s)) ?? ''
      out[name] = name in out ? `${out[name]} ${e.message}` : e.message
    }
    return out
  }

  /** Field errors keyed by dotted path, for forms. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const e of this.errors ?? []) out[e.field] ??= e.message
    return out
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

function parseFieldError(raw: unknown): ApiFieldError | null {
  if (!isRecord(raw)) return null
  const loc = Array.isArray(raw.loc) ? raw.loc.map(String) : undefined
  const field = asString(raw.field) ?? (loc ? loc.join('.') : asString(raw.loc))
  const message = asString(raw.message) ?? asString(raw.msg) ?? asString(raw.detail)
  if (field === undefined || message === undefined) return null
  const out: ApiFieldError = { field, message }
  if (loc) out.loc = loc
  const type = asString(raw.type)
  if (type !== undefined) out.type = type
  return out
}

/**
 * Build the `ApiError` for a failed response from its status and parsed body.
 * `body` is the decoded JSON (or `undefined` when the body was not JSON).
 */
export function problemFromBody(status: number, statusText: string, body: unknown): ApiError {
  const fallbackTitle = statusText || `HTTP ${status}`
  if (!isRecord(body)) {
    return new ApiError({ status, type: 'about:blank', title: fallbackTitle, detail: '' })
  }
  const problem: ProblemDetails = {
    // The HTTP status wins over a body that disagrees with it.
    status,
    type: asString(body.type) ?? 'about:blank',
    title: asString(body.title) ?? fallbackTitle,
    detail: asString(body.detail) ?? '',
  }
  const instance = asString(body.instance)
  if (instance !== undefined) problem.instance = instance
  if (Array.isArray(body.errors)) {
    problem.errors = body.errors.map(parseFieldError).filter((e): e is ApiFieldError => e !== null)
  }
  return new ApiError(problem)
}

/** Turn a failed `Response` into an `ApiError`, reading a problem+json body when there is one. */
export async function toApiError(response: Response): Promise<ApiError> {
  const contentType = response.headers.get('content-type') ?? ''
  let body: unknown
  if (/^application\/(problem\+)?json\b/i.test(contentType)) {
    try {
      body = await response.json()
    } catch {
      body = undefined
    }
  }
  return problemFromBody(response.status, response.statusText, body)
}

export function networkError(cause: unknown): ApiError {
  return new ApiError(
    { status: 0, type: NETWORK_ERROR_TYPE, title: 'Network error', detail: '' },
    { cause },
  )
}
