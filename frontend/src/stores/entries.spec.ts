import { describe, expect, it } from 'vitest'
import { json as respond, mockFetch } from '@/test/fetch'

import { useEntriesStore } from './entries'

const fetchMock = mockFetch({ pinia: true })
const page = { items: [], total: 0, page: 1, page_size: 25, totals: { count: 0, kg_co2e: '0' } }
const target = { module: 'travel', unitId: 7, year: 2024, submodule: 'plane' }

describe('entries store', () => {
  it('asks the server for a sorted, searched, filtered page', async () => {
    fetchMock.mockResolvedValue(respond(200, page))
    const store = useEntriesStore()
    await store.fetchPage(target, { sort: '-date', q: ' GVA ', flagged: true, filters: { cabin_class: 'business' } })
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe(
      '/api/travel/7/2024/plane?page=1&page_size=25&sort=-date&q=GVA&flagged=true&cabin_class=business',
    )
  })

  it('returns the 422 of a new entry for the form', async () => {
    fetchMock.mockResolvedValueOnce(respond(200, page)).mockResolvedValueOnce(
      respond(
        422,
        { type: 'https://co2calc.org/problems/validation', title: 'Invalid', status: 422, detail: 'Invalid entry.', errors: [{ loc: ['body', 'data', 'origin'], message: 'bad code' }] },
        'application/problem+json',
      ),
    )
    const store = useEntriesStore()
    await store.fetchPage(target)
    const result = await store.add({ data: { origin: 'G' }, note: null })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.errorsForFields(['origin'])).toEqual({ origin: 'bad code' })
    const [url, init] = fetchMock.mock.calls[1] ?? []
    expect(url).toBe('/api/travel/7/2024/plane')
    expect(init?.method).toBe('POST')
  })

  it('sends the version read when saving an edit', async () => {
    const entry = {
      id: 3, module: 'travel', submodule: 'plane', data: { origin: 'GVA' }, note: null, kg_co2e: '1', estimate: false,
      flag: null, emissions: [], owner_user_id: null, source: 'form', created_at: '', updated_at: '', version: 4, train_alternative: null,
    }
    fetchMock.mockResolvedValueOnce(respond(200, page)).mockResolvedValueOnce(respond(200, entry)).mockResolvedValueOnce(respond(200, page))
    const store = useEntriesStore()
    await store.fetchPage(target)
    await store.update(entry, { origin: 'ZRH' }, 'moved')
    const [url, init] = fetchMock.mock.calls[1] ?? []
    expect(url).toBe('/api/travel/7/2024/plane/3')
    expect(JSON.parse(String(init?.body))).toEqual({ data: { origin: 'ZRH' }, note: 'moved', version: 4 })
  })

  it('deletes the ticked rows in one call, then refetches the page', async () => {
    fetchMock
      .mockResolvedValueOnce(respond(200, page))
      .mockResolvedValueOnce(respond(200, { deleted: 2 }))
      .mockResolvedValueOnce(respond(200, page))
    const store = useEntriesStore()
    await store.fetchPage(target)
    const rows = [{ id: 5 }, { id: 9 }] as Parameters<typeof store.removeMany>[0]
    expect(await store.removeMany(rows)).toBeNull()
    const [url, init] = fetchMock.mock.calls[1] ?? []
    expect(url).toBe('/api/travel/7/2024/plane/bulk-delete')
    expect(init?.method).toBe('POST')
    expect(JSON.parse(String(init?.body))).toEqual({ ids: [5, 9] })
    expect(fetchMock).toHaveBeenCalledTimes(3)
    expect(store.busy.size).toBe(0)
  })
})

