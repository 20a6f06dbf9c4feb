import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'

import type { Session } from '@/api/auth'
import { createAppI18n } from '@/i18n'
import { mockFetch } from '@/test/fetch'

import { createAppRouter } from './index'
import { safeReturnTo } from './returnTo'

const fetchMock = mockFetch()
const respond = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  })
const session = (admin: boolean): Session => ({
  user: { id: 'u', display_name: 'U', email: 'u@example.org' },
  roles: [],
  permissions: { admin, units: [], manage: [], reporting: admin },
  csrf_token: 't',
})

function makeRouter() {
  return createAppRouter(createAppI18n(), createPinia(), createMemoryHistory())
}

// The first navigation imports the route's pages (prefetched by the router): give the
// transform of those modules time on a cold cache.
describe('route guards', { timeout: 30_000 }, () => {
  it('sends a signed-out user to sign-in, keeping where they were going', async () => {
    fetchMock.mockResolvedValue(respond(401, { status: 401, title: 'Sign-in required' }))
    const router = makeRouter()
    await router.push('/fr/units?q=lab')
    expect(router.currentRoute.value.name).toBe('sign-in')
    expect(router.currentRoute.value.params.locale).toBe('fr')
    expect(router.currentRoute.value.query.return_to).toBe('/fr/units?q=lab')
    expect(document.documentElement.lang).toBe('fr')
  })

  it('redirects / to the preferred locale', async () => {
    fetchMock.mockResolvedValue(respond(401, { status: 401, title: 'Sign-in required' }))
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['de-CH', 'en'])
    const router = makeRouter()
    await router.push('/')
    expect(router.currentRoute.value.fullPath).toBe('/de/sign-in?return_to=/de/')
    expect(document.documentElement.lang).toBe('de')
  })

  it('lets a signed-in user in and keeps non-admins out of admin pages', async () => {
    fetchMock.mockResolvedValue(respond(200, session(false)))
    const router = makeRouter()
    await router.push('/en/units')
    expect(router.currentRoute.value.name).toBe('units')
    await router.push('/en/admin')
    expect(router.currentRoute.value.name).toBe('forbidden')
  })

  it('resolves the workspace, unit-year, module and results routes', async () => {
    fetchMock.mockResolvedValue(respond(200, session(false)))
    const router = makeRouter()
    expect(router.resolve('/en/').name).toBe('home')
    expect(router.resolve('/en/units/12/2024').name).toBe('unit-year')
    expect(router.resolve('/en/units/12/2024/results').name).toBe('results')
    expect(router.resolve('/en/units/12/2024/travel').params.module).toBe('travel')
    expect(router.resolve('/en/units/12/2024/nonsense').name).toBe('not-found')
  })

  it('opens reporting to affiliation officers and admins only', async () => {
    const officer: Session = { ...session(false), permissions: { admin: false, units: [1], manage: [], reporting: true } }
    fetchMock.mockResolvedValue(respond(200, officer))
    let router = makeRouter()
    await router.push('/en/reporting')
    expect(router.currentRoute.value.name).toBe('reporting')
    await router.push('/en/admin/factors')
    expect(router.currentRoute.value.name).toBe('forbidden')

    fetchMock.mockResolvedValue(respond(200, session(false)))
    router = makeRouter()
    await router.push('/en/reporting')
    expect(router.currentRoute.value.name).toBe('forbidden')
  })

  it('resolves the admin sections', () => {
    const router = makeRouter()
    expect(router.resolve('/fr/admin/factors').name).toBe('admin-factors')
    expect(router.resolve('/fr/admin/jobs').name).toBe('admin-jobs')
    expect(router.resolve('/fr/admin/audit').name).toBe('admin-audit')
    expect(router.resolve('/de/reporting').name).toBe('reporting')
  })

  it('lets admins into admin pages', async () => {
    fetchMock.mockResolvedValue(respond(200, session(true)))
    const router = makeRouter()
    await router.push('/en/admin')
    expect(router.currentRoute.value.name).toBe('admin')
  })

  it('prefixes a locale to paths without one', async () => {
    fetchMock.mockResolvedValue(respond(200, session(false)))
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-GB'])
    const router = makeRouter()
    await router.push('/units')
    expect(router.currentRoute.value.fullPath).toBe('/en/units')
  })
})

describe('safeReturnTo', () => {
  it('only accepts same-site app paths', () => {
    expect(safeReturnTo('/fr/units?q=1', '/en/units')).toBe('/fr/units?q=1')
    expect(safeReturnTo('//evil.example/x', '/en/units')).toBe('/en/units')
    expect(safeReturnTo('https://evil.example', '/en/units')).toBe('/en/units')
    expect(safeReturnTo('/\\evil.example', '/en/units')).toBe('/en/units')
    expect(safeReturnTo('/api/auth/logout', '/en/units')).toBe('/en/units')
    expect(safeReturnTo(['/a'], '/en/units')).toBe('/en/units')
  })
})
