/**
 * /api/results/{unit_id}/{year} — a unit-year's results, its change and trajectory.
 *
 * The results function is not wired into the OpenAPI document yet: these shapes
 * are written by hand from co2calc.models.results. Replace them with
 * `Schemas[...]` once `npm run api:export` brings the routes in.
 */
import { api } from './client'
import type { DecimalString, ResponseOf } from './types'
import { withSignal } from './types'

export interface Amount {
  key?: string | null
  kg: DecimalString
  t: DecimalString
  low_kg: number
  high_kg: number
  sd_kg: number
  method: string
}

export interface SubmoduleAmount extends Amount {
  module: string
  submodule: string
}

export interface PerFte {
  fte: DecimalString
  kg: DecimalString
  t: DecimalString
  reference_t: DecimalString
  ratio_to_reference: number
}

export interface Estimates {
  kg: DecimalString
  included_in_total: boolean
  total: Amount
  share_of_total: number
  by_leaf: Amount[]
}

export interface CarEquivalent {
  km: DecimalString
  kg_per_km: DecimalString
  source: string
}

export interface TopItem {
  entry_id: number
  module: string
  submodule: string
  label: string | null
  kg: DecimalString
  share: number
  flagged?: boolean
}

export interface DataQuality {
  entries: number
  flagged_entries: number
  estimate_kg: DecimalString
  estimate_share: number
  flagged_or_estimated_share: number
}

export interface UnitYearResults {
  unit_id: number
  unit_code: string
  unit_name: string
  year: number
  report_id: number
  report_status: string
  include_estimates: boolean
  total: Amount
  per_fte: PerFte | null
  by_scope: Amount[]
  by_module: Amount[]
  by_submodule: SubmoduleAmount[]
  top_items: TopItem[]
  estimates: Estimates
  data_quality: DataQuality
  car_km: CarEquivalent
  frozen?: Record<string, unknown> | null
}

export interface ChangeLine {
  module: string
  submodule: string
  previous_kg: DecimalString
  current_kg: DecimalString
  change_kg: DecimalString
  activity_kg: DecimalString
  factor_kg: DecimalString
  headcount_kg: DecimalString
}

export interface YearChange {
  unit_id: number
  year: number
  previous_year: number
  include_estimates: boolean
  previous_kg: DecimalString
  current_kg: DecimalString
  change_kg: DecimalString
  change_pct: number | null
  activity_kg: DecimalString
  factor_kg: DecimalString
  headcount_kg: DecimalString
  fte_previous: DecimalString
  fte_current: DecimalString
  by_submodule: ChangeLine[]
  method: string
}

export interface ResultsQuery {
  include_estimates?: boolean
}

export function getUnitYearResults(unitId: number, year: number, query: ResultsQuery = {}, signal?: AbortSignal): Promise<UnitYearResults> {
  return api.get<UnitYearResults>(`/results/${unitId}/${year}`, { query: { ...query }, ...withSignal(signal) })
}

export function getYearChange(unitId: number, year: number, query: ResultsQuery = {}, signal?: AbortSignal): Promise<YearChange> {
  return api.get<YearChange>(`/results/${unitId}/${year}/change`, { query: { ...query }, ...withSignal(signal) })
}

/** Where to send the browser to download an export (a plain link, the session cookie goes along). */
export function exportUrl(unitId: number, year: number, format: 'csv' | 'xlsx', what: 'entries' | 'results'): string {
  return `/api/results/${unitId}/${year}/export?format=${format}&what=${what}`
}

/** Generated shapes (routes now in the document); the hand-written ones above must stay assignable to them. */
export type GeneratedUnitYearResults = ResponseOf<'/api/results/{unit_id}/{year}', 'get'>
export type GeneratedYearChange = ResponseOf<'/api/results/{unit_id}/{year}/change', 'get'>
