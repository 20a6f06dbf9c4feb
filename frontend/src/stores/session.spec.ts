import { describe, expect, it } from 'vitest'

import type { Session } from '@/api/auth'
import { json as respond, mockFetch } from '@/test/fetch'

import { useSessionStore } from './session'

const session: Session = {
  user: { id: 'u-1', display_name: 'Ada Lovelace', email: null },
  roles: [{ role: 'principal', unit_id: 7, unit_code: 'LAB' }],
  permissions: { admin: false, units: [7], manage: [7], reporting: false },
  csrf_token: 'tok',
}

const fetchMock = mockFetch({ pinia: true })

describe('session store', () => {
  it('loads the signed-in user once', async () => {
    fetchMock.mockResolvedValue(respond(200, session))
    const store = useSessionStore()
    await Promise.all([store.ensureLoaded(), store.ensureLoaded()])
    await store.ensureLoaded()
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(store.isSignedIn).toBe(true)
    expect(store.user?.display_name).toBe('Ada Lovelace')
    expect(store.isAdmin).toBe(false)
    expect(store.unitIds).toEqual([7])
    expect(store.csrfToken).toBe('tok')
  })

  it('treats a 401 as signed out, not as an error', async () => {
    fetchMock.mockResolvedValue(respond(401, { status: 401, title: 'Sign-in required' }, 'application/problem+json'))
    const store = useSessionStore()
    await store.ensureLoaded()
    expect(store.isSignedIn).toBe(false)
    expect(store.status).toBe('ready')
    expect(store.error).toBeNull()
  })

  it('keeps the error when the session cannot be checked', async () => {
    fetchMock.mockResolvedValue(respond(503, { status: 503, title: 'Unavailable' }, 'application/problem+json'))
    const store = useSessionStore()
    await store.ensureLoaded()
    expect(store.status).toBe('error')
    expect(store.error?.status).toBe(503)
  })

  it('signs out on the server and forgets the session', async () => {
    fetchMock.mockResolvedValueOnce(respond(200, session)).mockResolvedValueOnce(respond(204))
    const store = useSessionStore()
    await store.load()
    await store.signOut()
    const [url, init] = fetchMock.mock.calls[1] ?? []
    expect(url).toBe('/api/auth/logout')
    expect(init?.method).toBe('POST')
    expect(store.isSignedIn).toBe(false)
  })
})
