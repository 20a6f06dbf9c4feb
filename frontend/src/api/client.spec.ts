import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { json, mockFetch } from '@/test/fetch'

import { listUnits } from './units'
import { getSession, loginUrl, logout } from './auth'
import { buildUrl, CSRF_HEADER, onApiError, setCsrfTokenProvider } from './client'
import { ApiError, NETWORK_ERROR_TYPE } from './errors'

const fetchMock = mockFetch()
beforeEach(() => setCsrfTokenProvider(() => 'csrf-123'))
afterEach(() => setCsrfTokenProvider(() => null))

function lastCall(): { url: string; init: RequestInit; headers: Headers } {
  const [url, init] = fetchMock.mock.calls.at(-1) ?? []
  return { url: String(url), init: init ?? {}, headers: new Headers(init?.headers) }
}

describe('the fetch wrapper', () => {
  it('GETs same-origin with credentials and no CSRF header', async () => {
    fetchMock.mockResolvedValue(json(200, { items: [], total: 0, page: 2, page_size: 50 }))
    await listUnits({ page: 2, page_size: 50, q: 'ENAC' })
    const { url, init, headers } = lastCall()
    expect(url).toBe('/api/units?page=2&page_size=50&q=ENAC')
    expect(init.method).toBe('GET')
    expect(init.credentials).toBe('same-origin')
    expect(headers.has(CSRF_HEADER)).toBe(false)
  })

  it('sends the session CSRF token on POST', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }))
    await expect(logout()).resolves.toBeUndefined()
    const { url, init, headers } = lastCall()
    expect(url).toBe('/api/auth/logout')
    expect(init.method).toBe('POST')
    expect(headers.get(CSRF_HEADER)).toBe('csrf-123')
  })

  it('rejects with a typed ApiError and tells the listeners', async () => {
    const seen: number[] = []
    const off = onApiError((e) => seen.push(e.status))
    fetchMock.mockResolvedValue(
      json(401, { type: 'https://co2calc.org/problems/unauthenticated', title: 'Sign-in required', status: 401, detail: 'No session.' }, 'application/problem+json'),
    )
    const err = await getSession().catch((e: unknown) => e)
    off()
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).is('unauthenticated')).toBe(true)
    expect((err as ApiError).detail).toBe('No session.')
    expect(seen).toEqual([401])
  })

  it('turns a network failure into an ApiError with status 0', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'))
    const err = await getSession().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toBe(0)
    expect((err as ApiError).type).toBe(NETWORK_ERROR_TYPE)
  })

  it('leaves out empty query values', () => {
    expect(buildUrl('/units', { page: 1, q: '', level: undefined, active: false })).toBe('/api/units?page=1&active=false')
  })

  it('encodes the return path of the login URL', () => {
    expect(loginUrl('/fr/units?q=a b&page=2')).toBe('/api/auth/login?return_to=%2Ffr%2Funits%3Fq%3Da%20b%26page%3D2')
  })
})
