/**
 * /api/factors — factor sets for the administrators: list, browse, load a file,
 * activate a version, export. (Autocomplete of reference data lives in ./factors.ts.)
 */
import { api, buildUrl, CSRF_HEADER } from './client'
import { networkError, toApiError } from './errors'
import type { Page, QueryOf, ResponseOf, Schemas } from './types'
import { withSignal } from './types'

export type FactorSetInfo = Schemas['FactorSetInfo']
export type Factor = Schemas['FactorOut']
export type FactorDiff = Schemas['FactorDiffOut']
export type FactorSetLoaded = ResponseOf<'/api/factors/sets/{year}', 'post'>
export type FactorQuery = QueryOf<'/api/factors/sets/{year}/factors', 'get'>
export type FactorLoadQuery = QueryOf<'/api/factors/sets/{year}', 'post'>

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export function listFactorSets(year?: number, signal?: AbortSignal): Promise<FactorSetInfo[]> {
  return api.get<FactorSetInfo[]>('/factors/sets', { query: { year }, ...withSignal(signal) })
}

export function listFactors(year: number, query: FactorQuery = {}, signal?: AbortSignal): Promise<Page<Factor>> {
  return api.get<Page<Factor>>(`/factors/sets/${year}/factors`, { query: { ...query }, ...withSignal(signal) })
}

export function activateFactorSet(year: number, version: string): Promise<FactorSetInfo> {
  return api.put<FactorSetInfo>(`/factors/sets/${year}/active`, { version })
}

/** Where the browser downloads a set as CSV (the session cookie goes along). */
export function factorSetExportUrl(year: number, version?: string): string {
  return buildUrl(`/factors/sets/${year}/export`, { version })
}

/**
 * Upload a factor file as the request body (CSV or XLSX). A 422 `ApiError`
 * lists every invalid row: `loc = ["row", n, column]`.
 */
export async function loadFactorSet(
  year: number,
  file: Blob & { name?: string },
  query: FactorLoadQuery,
  csrfToken: string | null,
): Promise<FactorSetLoaded> {
  const isXlsx = file.type === XLSX_MIME || /\.xlsx$/i.test(file.name ?? '')
  const headers = new Headers({
    Accept: 'application/json, application/problem+json',
    'Content-Type': isXlsx ? XLSX_MIME : 'text/csv',
  })
  if (csrfToken) headers.set(CSRF_HEADER, csrfToken)
  let response: Response
  try {
    response = await fetch(buildUrl(`/factors/sets/${year}`, { ...query }), {
      method: 'POST',
      headers,
      body: file,
      credentials: 'same-origin',
    })
  } catch (cause) {
    throw networkError(cause)
  }
  if (!response.ok) throw await toApiError(response)
  return (await response.json()) as FactorSetLoaded
}
