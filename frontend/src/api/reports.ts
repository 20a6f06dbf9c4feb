/** /api/reports — unit-year reports, module validation and sign-off. */
import { api } from './client'
import type { BodyOf, QueryOf, ResponseOf, Schemas } from './types'
import { withSignal } from './types'

export type Report = Schemas['Report']
export type ModuleState = Schemas['ModuleState']
export type ModuleStatus = ModuleState['status']
export type ReportQuery = QueryOf<'/api/reports', 'get'>
export type ReportPage = ResponseOf<'/api/reports', 'get'>
export type ModuleStatusUpdate = BodyOf<'/api/reports/{report_id}/modules/{module}', 'put'>

/** Reports of the units the caller may see, newest year first. */
export function listReports(query: ReportQuery = {}, signal?: AbortSignal): Promise<ReportPage> {
  return api.get<ReportPage>('/reports', { query: { ...query }, ...withSignal(signal) })
}

export function getUnitYearReport(unitId: number, year: number, signal?: AbortSignal): Promise<Report> {
  return api.get<Report>(`/reports/unit/${unitId}/${year}`, withSignal(signal))
}

/** Validate a module (`validated`) or reopen it (`in_progress`). */
export function setModuleStatus(reportId: number, module: string, status: ModuleStatusUpdate['status']): Promise<Report> {
  const body: ModuleStatusUpdate = { status }
  return api.put<Report>(`/reports/${reportId}/modules/${encodeURIComponent(module)}`, body)
}

/** Sign the year off; a 409 lists the modules not validated yet in `errors`. */
export function signOff(reportId: number): Promise<Report> {
  return api.post<Report>(`/reports/${reportId}/sign-off`)
}
