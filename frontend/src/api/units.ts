/** /api/units — the org units visible to the caller. */
import { api } from './client'
import type { Page, QueryOf, Schemas } from './types'
import { withSignal } from './types'

export type Unit = Schemas['Unit']
export type UnitKind = Unit['kind']
export type UnitQuery = QueryOf<'/api/units', 'get'>

export function listUnits(query: UnitQuery = {}, signal?: AbortSignal): Promise<Page<Unit>> {
  return api.get<Page<Unit>>('/units', { query: { ...query }, ...withSignal(signal) })
}

export function getUnit(unitId: number, signal?: AbortSignal): Promise<Unit> {
  return api.get<Unit>(`/units/${unitId}`, withSignal(signal))
}
