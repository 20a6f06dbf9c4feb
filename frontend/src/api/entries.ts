/**
 * /api/{module}/{unit_id}/{year}/{submodule} — data entries of every module.
 *
 * Every module has the same generic routes (co2calc.entries.router); the shapes
 * come from the generated document, through the travel module's routes.
 */
import { api } from './client'
import type { Query } from './client'
import type { BodyOf, QueryOf, ResponseOf, Schemas } from './types'
import { withSignal } from './types'

type ListPath = '/api/travel/{unit_id}/{year}/{submodule}'
type OnePath = '/api/travel/{unit_id}/{year}/{submodule}/{entry_id}'
type BulkPath = '/api/travel/{unit_id}/{year}/{submodule}/bulk-delete'

export type EntryItem = Schemas['EntryItem']
export type EntryFlag = Schemas['EntryFlag']
export type EntryEmission = Schemas['EntryEmission']
export type EntryTotals = Schemas['EntryTotals']
export type TrainAlternative = Schemas['TrainAlternative']
export type EntryData = EntryItem['data']
export type EntryPage = ResponseOf<ListPath, 'get'>
export type EntryCreate = BodyOf<ListPath, 'post'>
export type EntryUpdate = BodyOf<OnePath, 'put'>
export type BulkDeleteResult = ResponseOf<BulkPath, 'post'>
/** The calculation trace of one entry: inputs, factors with sources, steps, result. */
export type EntryExplanation = ResponseOf<`${OnePath}/explain`, 'get'>

/** The generic query; each module adds exact-match filters on its filterable data fields. */
export type EntryQuery = Pick<QueryOf<ListPath, 'get'>, 'page' | 'page_size' | 'sort' | 'q' | 'flagged' | 'owner_user_id'> & {
  filters?: Record<string, string | number | boolean | null | undefined>
}

export interface EntryRef {
  module: string
  unitId: number
  year: number
  submodule: string
}

const base = (r: EntryRef) =>
  `/${encodeURIComponent(r.module)}/${r.unitId}/${r.year}/${encodeURIComponent(r.submodule)}`

export function listEntries(ref: EntryRef, query: EntryQuery = {}, signal?: AbortSignal): Promise<EntryPage> {
  const { filters, ...rest } = query
  const q: Query = { ...(rest as Query), ...(filters ?? {}) }
  return api.get<EntryPage>(base(ref), { query: q, ...withSignal(signal) })
}

export function createEntry(ref: EntryRef, body: EntryCreate): Promise<EntryItem> {
  return api.post<EntryItem>(base(ref), body)
}

export function updateEntry(ref: EntryRef, entryId: number, body: EntryUpdate): Promise<EntryItem> {
  return api.put<EntryItem>(`${base(ref)}/${entryId}`, body)
}

export function deleteEntry(ref: EntryRef, entryId: number): Promise<void> {
  return api.delete<void>(`${base(ref)}/${entryId}`)
}

/** Delete several entries: all of them or none (403/404 list the refused or missing ids). */
export function bulkDeleteEntries(ref: EntryRef, ids: number[]): Promise<BulkDeleteResult> {
  return api.post<BulkDeleteResult>(`${base(ref)}/bulk-delete`, { ids })
}

/** How the server computed an entry (inputs, factors with sources, steps, result). */
export function explainEntry(ref: EntryRef, entryId: number, signal?: AbortSignal): Promise<EntryExplanation> {
  return api.get<EntryExplanation>(`${base(ref)}/${entryId}/explain`, withSignal(signal))
}
