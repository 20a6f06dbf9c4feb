import { describe, expect, it } from 'vitest'

import type { Report } from '@/api/reports'
import { json as respond, mockFetch } from '@/test/fetch'

import { useReportStore } from './report'

const fetchMock = mockFetch({ pinia: true })

const report = (status: Report['status'] = 'open'): Report => ({
  id: 5,
  unit_id: 7,
  unit_code: 'LAB',
  unit_name: 'Lab',
  year: 2024,
  status,
  signed_off_at: null,
  frozen_factor_version: null,
  frozen_inputs_hash: null,
  kg_co2e: '1200.5',
  modules: [
    { module: 'headcount', status: 'validated', entries: 3, flagged: 0, kg_co2e: '0', validated_at: null },
    { module: 'travel', status: 'in_progress', entries: 4, flagged: 1, kg_co2e: '1200.5', validated_at: null },
  ],
})

describe('report store', () => {
  it('loads a unit-year report and lists what still needs doing', async () => {
    fetchMock.mockResolvedValue(respond(200, report()))
    const store = useReportStore()
    await store.load(7, 2024)
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/reports/unit/7/2024')
    expect(store.validatedCount).toBe(1)
    expect(store.allValidated).toBe(false)
    expect(store.todo.map((m) => m.module)).toEqual(['travel'])
  })

  it('validates a module with PUT {status}', async () => {
    fetchMock.mockResolvedValueOnce(respond(200, report())).mockResolvedValueOnce(respond(200, report()))
    const store = useReportStore()
    await store.load(7, 2024)
    await expect(store.validateModule('travel')).resolves.toBe(true)
    const [url, init] = fetchMock.mock.calls[1] ?? []
    expect(url).toBe('/api/reports/5/modules/travel')
    expect(init?.method).toBe('PUT')
    expect(JSON.parse(String(init?.body))).toEqual({ status: 'validated' })
  })

  it('keeps the 409 of a sign-off with the modules not validated', async () => {
    fetchMock.mockResolvedValueOnce(respond(200, report())).mockResolvedValueOnce(
      respond(
        409,
        {
          type: 'https://co2calc.org/problems/conflict',
          title: 'Conflict',
          status: 409,
          detail: 'Validate every module before signing off.',
          errors: [{ loc: ['modules', 'travel'], field: 'travel', type: 'not_validated', message: 'not validated' }],
        },
        'application/problem+json',
      ),
    )
    const store = useReportStore()
    await store.load(7, 2024)
    await expect(store.signOffReport()).resolves.toBe(false)
    expect(store.actionError?.status).toBe(409)
    expect(store.actionError?.errors?.map((e) => e.field)).toEqual(['travel'])
    expect(store.report?.status).toBe('open')
  })
})
