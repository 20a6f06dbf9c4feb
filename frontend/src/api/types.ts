/**
 * Shapes of the API's JSON, written by hand from the server's pydantic models
 * (co2calc.models) until the client types are generated from /api/openapi.json.
 */

export type Locale = 'en' | 'fr' | 'de'

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export interface PageQuery {
  page?: number
  page_size?: number
  sort?: string
  q?: string
}
