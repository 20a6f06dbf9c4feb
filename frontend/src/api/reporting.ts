/** /api/reporting — cross-unit reporting (affiliation officers in their subtree, admins). */
import { api, buildUrl } from './client'
import type { Page, QueryOf, ResponseOf, Schemas } from './types'
import { withSignal } from './types'

export type ReportingRow = Schemas['UnitReportingRow']
export type ReportingSummary = ResponseOf<'/api/reporting/summary', 'get'>
export type ReportingFilters = QueryOf<'/api/reporting/summary', 'get'>
export type ReportingUnitsQuery = QueryOf<'/api/reporting/units', 'get'>
export type ReportingSort = NonNullable<ReportingUnitsQuery['sort']>

export function reportingSummary(filters: ReportingFilters, signal?: AbortSignal): Promise<ReportingSummary> {
  return api.get<ReportingSummary>('/reporting/summary', { query: { ...filters }, ...withSignal(signal) })
}

export function reportingUnits(query: ReportingUnitsQuery, signal?: AbortSignal): Promise<Page<ReportingRow>> {
  return api.get<Page<ReportingRow>>('/reporting/units', { query: { ...query }, ...withSignal(signal) })
}

export function reportingExportUrl(filters: ReportingFilters, format: 'csv' | 'xlsx'): string {
  return buildUrl('/reporting/export', { ...filters, format })
}
