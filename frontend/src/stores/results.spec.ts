import { describe, expect, it } from 'vitest'
import { mockFetch } from '@/test/fetch'

import { useResultsStore } from './results'

const fetchMock = mockFetch({ pinia: true })

const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
const notFound = () =>
  new Response(JSON.stringify({ type: 'https://co2calc.org/problems/not-found', title: 'Not found', status: 404, detail: 'No previous year.' }), {
    status: 404,
    headers: { 'Content-Type': 'application/problem+json' },
  })

describe('results store', () => {
  it('loads results, change, years and trajectory together; a missing part does not hide the rest', async () => {
    fetchMock.mockImplementation(async (url) => {
      const u = String(url)
      if (u.startsWith('/api/factors/sets')) return ok([{ year: 2100, version: '2100-v1', active: true }])
      if (u.includes('/change')) return notFound()
      if (u.includes('/trajectory')) return ok({ unit_id: 7, year: 2100, history: [], targets: [], projection: { points: [] } })
      if (u.startsWith('/api/results/7?')) return ok({ unit_id: 7, unit_code: 'L', include_estimates: false, years: [] })
      return ok({ unit_id: 7, year: 2100, total: { kg: '10' } })
    })
    const store = useResultsStore()
    await store.load(7, 2100, false)
    const urls = fetchMock.mock.calls.map((c) => String(c[0])).sort()
    expect(urls).toEqual([
      '/api/factors/sets?year=2100',
      '/api/results/7/2100/change?include_estimates=false',
      '/api/results/7/2100/trajectory?include_estimates=false',
      '/api/results/7/2100?include_estimates=false',
      '/api/results/7?include_estimates=false',
    ])
    expect(store.results?.total.kg).toBe('10')
    expect(store.change).toBeNull()
    expect(store.changeError?.status).toBe(404)
    expect(store.history?.years).toEqual([])
    expect(store.trajectory?.year).toBe(2100)
    expect(store.error).toBeNull()
    expect(store.factorVersion).toBe('2100-v1')
  })
})
