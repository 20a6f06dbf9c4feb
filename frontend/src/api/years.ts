/** /api/years — the year lifecycle (admin): create, completeness, open/close, objectives. */
import { api } from './client'
import type { BodyOf, ResponseOf, Schemas } from './types'
import { withSignal } from './types'

export type Year = Schemas['Year']
export type YearStatus = Year['status']
export type Completeness = ResponseOf<'/api/years/{year}/completeness', 'get'>
export type ModuleCompleteness = Schemas['ModuleCompleteness']
export type CompletenessProblem = Schemas['CompletenessProblem']
export type YearStatusUpdate = BodyOf<'/api/years/{year}/status', 'put'>
export type ObjectivesOut = ResponseOf<'/api/years/{year}/objectives', 'get'>

export function listYears(signal?: AbortSignal): Promise<Year[]> {
  return api.get<Year[]>('/years', withSignal(signal))
}

export function createYear(year: number): Promise<Year> {
  const body: BodyOf<'/api/years', 'post'> = { year }
  return api.post<Year>('/years', body)
}

export function getCompleteness(year: number, signal?: AbortSignal): Promise<Completeness> {
  return api.get<Completeness>(`/years/${year}/completeness`, withSignal(signal))
}

/** Opening needs a ready completeness check; otherwise a 409 lists the blocking problems. */
export function setYearStatus(year: number, status: YearStatus, force = false): Promise<Year> {
  const body: YearStatusUpdate = { status, force }
  return api.put<Year>(`/years/${year}/status`, body)
}

export function getObjectives(year: number, signal?: AbortSignal): Promise<ObjectivesOut> {
  return api.get<ObjectivesOut>(`/years/${year}/objectives`, withSignal(signal))
}
