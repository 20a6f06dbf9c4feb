/**
 * /api/{module}/{unit_id}/{year}/{submodule} — data entries of every module.
 *
 * The module CRUD routes are not in the OpenAPI document yet: these shapes are
 * written by hand from co2calc.models.entries (EntryItem, EntryPage, EntryCreate,
 * EntryUpdate). Replace them with `Schemas[...]` once `npm run api:export` brings
 * the routes in.
 */
import { api } from './client'
import type { Query } from './client'
import type { DecimalString, Page, PageQuery } from './types'
import { withSignal } from './types'

export type EntryData = Record<string, unknown>

export interface EntryFlag {
  reason: string
  detail?: string | null
}

export interface EntryEmission {
  leaf: string
  scope: number
  category: string
  kg_co2e: DecimalString
  quantity: DecimalString
  quantity_unit: string
  factor_id: string
  factor_version: string
  uncertainty: number
  estimate?: boolean
}

export interface TrainAlternative {
  origin_station: string
  destination_station: string
  kg_co2e: DecimalString
}

export interface EntryItem {
  id: number
  module: string
  submodule: string
  data: EntryData
  note: string | null
  kg_co2e: DecimalString
  estimate: boolean
  flag: EntryFlag | null
  emissions: EntryEmission[]
  owner_user_id: number | null
  source: string
  created_at: string
  updated_at: string
  version: number
  train_alternative?: TrainAlternative | null
}

export interface EntryTotals {
  count: number
  kg_co2e: DecimalString
}

export interface EntryPage extends Page<EntryItem> {
  totals: EntryTotals
}

export interface EntryQuery extends PageQuery {
  flagged?: boolean
  owner_user_id?: number
  /** Exact-match filters on the submodule's filterable data fields. */
  filters?: Record<string, string | number | boolean | null | undefined>
}

export interface EntryCreate {
  data: EntryData
  note?: string | null
  owner_user_id?: number | null
}

export interface EntryUpdate extends EntryCreate {
  /** The version read; a stale version gives 409. */
  version: number
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
  const q: Query = { ...rest, ...(filters ?? {}) }
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

/** How the server computed an entry (factors, quantities, steps). */
export function explainEntry(ref: EntryRef, entryId: number, signal?: AbortSignal): Promise<Record<string, unknown>> {
  return api.get<Record<string, unknown>>(`${base(ref)}/${entryId}/explain`, withSignal(signal))
}
