/** /api/factors — reference-data autocomplete (airports, rail stations). */
import { api } from './client'
import type { QueryOf, Schemas } from './types'
import { withSignal } from './types'

export type Airport = Schemas['AirportOut']
export type Station = Schemas['StationOut']
export type SuggestQuery = QueryOf<'/api/factors/airports', 'get'>

export function searchAirports(q: string, limit = 10, signal?: AbortSignal): Promise<Airport[]> {
  const query: SuggestQuery = { q, limit }
  return api.get<Airport[]>('/factors/airports', { query: { ...query }, ...withSignal(signal) })
}

export function searchStations(q: string, limit = 10, signal?: AbortSignal): Promise<Station[]> {
  const query: SuggestQuery = { q, limit }
  return api.get<Station[]>('/factors/stations', { query: { ...query }, ...withSignal(signal) })
}
