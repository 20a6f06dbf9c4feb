/**
 * /api/results/{unit_id}[/{year}] — a unit's results, years side by side, the
 * year-over-year change, the trajectory against the objectives, and exports.
 * Every shape comes from the generated document (./schema.d.ts).
 */
import { api, buildUrl } from './client'
import type { QueryOf, ResponseOf, Schemas } from './types'
import { withSignal } from './types'

export type Amount = Schemas['Amount']
export type TopItem = Schemas['TopItem']
export type PerFte = Schemas['PerFte']
export type YearSummary = Schemas['YearSummary']
export type UnitYearResults = ResponseOf<'/api/results/{unit_id}/{year}', 'get'>
export type SubmoduleAmount = UnitYearResults['by_submodule'][number]
export type YearChange = ResponseOf<'/api/results/{unit_id}/{year}/change', 'get'>
export type ChangeLine = YearChange['by_submodule'][number]
export type ModuleChange = YearChange['by_module'][number]
export type UnitHistory = ResponseOf<'/api/results/{unit_id}', 'get'>
export type Trajectory = ResponseOf<'/api/results/{unit_id}/{year}/trajectory', 'get'>
export type ResultsQuery = QueryOf<'/api/results/{unit_id}/{year}', 'get'>
export type ExportQuery = QueryOf<'/api/results/{unit_id}/{year}/export', 'get'>

export function getUnitYearResults(unitId: number, year: number, query: ResultsQuery = {}, signal?: AbortSignal): Promise<UnitYearResults> {
  return api.get<UnitYearResults>(`/results/${unitId}/${year}`, { query: { ...query }, ...withSignal(signal) })
}

export function getYearChange(unitId: number, year: number, query: ResultsQuery = {}, signal?: AbortSignal): Promise<YearChange> {
  return api.get<YearChange>(`/results/${unitId}/${year}/change`, { query: { ...query }, ...withSignal(signal) })
}

/** Every year of the unit side by side. */
export function getUnitHistory(unitId: number, query: ResultsQuery = {}, signal?: AbortSignal): Promise<UnitHistory> {
  return api.get<UnitHistory>(`/results/${unitId}`, { query: { ...query }, ...withSignal(signal) })
}

/** The objectives path, the gap to it and the projection. */
export function getTrajectory(unitId: number, year: number, query: ResultsQuery = {}, signal?: AbortSignal): Promise<Trajectory> {
  return api.get<Trajectory>(`/results/${unitId}/${year}/trajectory`, { query: { ...query }, ...withSignal(signal) })
}

/** Where to send the browser to download an export (a plain link, the session cookie goes along). */
export function exportUrl(unitId: number, year: number, query: ExportQuery = {}): string {
  return buildUrl(`/results/${unitId}/${year}/export`, { ...query })
}
