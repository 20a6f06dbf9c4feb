// Shared set-up of the specs that talk to the API through a stubbed global fetch.
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, vi } from 'vitest'

/** A JSON response (`type` e.g. application/problem+json); no body when `body` is undefined. */
export const json = (status: number, body?: unknown, type = 'application/json'): Response =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': type } })

/** Stubs the global fetch for every test of the calling file and resets it after each;
 *  `pinia`: a fresh active Pinia per test too. Returns the mock to script responses. */
export function mockFetch(options: { pinia?: boolean } = {}) {
  const fetchMock = vi.fn<typeof fetch>()
  beforeEach(() => {
    if (options.pinia) setActivePinia(createPinia())
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => {
    fetchMock.mockReset()
    vi.unstubAllGlobals()
  })
  return fetchMock
}
