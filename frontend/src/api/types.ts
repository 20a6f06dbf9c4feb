/**
 * Shapes of the API's JSON. Wherever a route exists, the types come from the
 * document generated from the server's routes (./schema.d.ts, `npm run api:types`);
 * the helpers below pick a route's query, body and response out of it.
 */
import type { components, paths } from './schema'

export type Schemas = components['schemas']
export type Locale = 'en' | 'fr' | 'de'

type Method = 'get' | 'post' | 'put' | 'delete'
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never

/** The JSON body of a route's success response (200, else 201). */
export type ResponseOf<P extends keyof paths, M extends Method> =
  Op<P, M> extends { responses: infer R }
    ? 200 extends keyof R
      ? JsonOf<R[200]>
      : 201 extends keyof R
        ? JsonOf<R[201]>
        : never
    : never

/** A route's query parameters. */
export type QueryOf<P extends keyof paths, M extends Method> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never

/** A route's JSON request body. */
export type BodyOf<P extends keyof paths, M extends Method> =
  Op<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never

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

/** A decimal as the server sends it: a JSON string ("439.12"), never a float. */
export type DecimalString = string

/** `{ signal }` when there is one (exactOptionalPropertyTypes-safe). */
export const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {})
