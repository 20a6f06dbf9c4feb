/** /api/units — the org units visible to the caller. */
import { api } from './client'
import type { Locale, Page, PageQuery } from './types'

export type UnitKind = 'institution' | 'faculty' | 'institute' | 'unit'

export interface Unit {
  id: number
  code: string
  /** English name. */
  name: string
  names: Record<Locale, string>
  kind?: UnitKind
  parent_id: number | null
  level: number
  path: string
  active: boolean
}

export interface UnitQuery extends PageQuery {
  parent_id?: number
  level?: number
  kind?: UnitKind
  active?: boolean
}

export function listUnits(query: UnitQuery = {}, signal?: AbortSignal): Promise<Page<Unit>> {
  return api.get<Page<Unit>>('/units', { query: { ...query }, ...(signal ? { signal } : {}) })
}
