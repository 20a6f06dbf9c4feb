/**
 * The one fetch wrapper every API module goes through.
 *
 * - same-origin credentials (the session is an HttpOnly cookie);
 * - the session's CSRF token in `X-CSRF-Token` on POST, PUT and DELETE;
 * - JSON in and out; any non-2xx answer becomes an `ApiError` (see ./errors).
 *
 * Components never import this module: stores do.
 */
import { ApiError, networkError, toApiError } from './errors'

export const API_BASE = '/api'
export const CSRF_HEADER = 'X-CSRF-Token'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'
export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

export interface RequestOptions {
  query?: Query
  body?: unknown
  signal?: AbortSignal
}

type CsrfTokenProvider = () => string | null | undefined
type ApiErrorListener = (error: ApiError, request: { method: HttpMethod; path: string }) => void

let csrfTokenProvider: CsrfTokenProvider = () => null
const errorListeners = new Set<ApiErrorListener>()

/** Wire where the CSRF token comes from (the session store, see boot/api.ts). */
export function setCsrfTokenProvider(provider: CsrfTokenProvider): void {
  csrfTokenProvider = provider
}

/** Observe every `ApiError` (e.g. a 401 when the session expired). Returns an unsubscribe function. */
export function onApiError(listener: ApiErrorListener): () => void {
  errorListeners.add(listener)
  return () => errorListeners.delete(listener)
}

const UNSAFE: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'DELETE'])

/** `/api` + path + query string; `undefined`, `null` and `''` query values are left out. */
export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue
    params.append(key, String(value))
  }
  const qs = params.toString()
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`
}

export async function request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
  const headers = new Headers({ Accept: 'application/json, application/problem+json' })
  const init: RequestInit = { method, headers, credentials: 'same-origin' }
  if (options.signal) init.signal = options.signal
  if (options.body !== undefined) {
    headers.set('Content-Type', 'application/json')
    init.body = JSON.stringify(options.body)
  }
  if (UNSAFE.has(method)) {
    const token = csrfTokenProvider()
    if (token) headers.set(CSRF_HEADER, token)
  }

  let response: Response
  try {
    response = await fetch(buildUrl(path, options.query), init)
  } catch (cause) {
    // An abort is the caller's own decision: let it through untouched.
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw notify(networkError(cause), method, path)
  }

  if (!response.ok) throw notify(await toApiError(response), method, path)
  if (response.status === 204 || response.headers.get('content-length') === '0') {
    return undefined as T
  }
  const text = await response.text()
  return (text ? JSON.parse(text) : undefined) as T
}

function notify(error: ApiError, method: HttpMethod, path: string): ApiError {
  for (const listener of errorListeners) {
    try {
      listener(error, { method, path })
    } catch (e) {
      console.error(e)
    }
  }
  return error
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
}
