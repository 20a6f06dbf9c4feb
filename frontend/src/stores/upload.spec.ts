import { describe, expect, it } from 'vitest'
import { json, mockFetch } from '@/test/fetch'

import { useUploadStore } from './entries'

const fetchMock = mockFetch({ pinia: true })
const target = { module: 'process-emissions', unitId: 7, year: 2100, submodule: 'gas' }
const job = (over: Record<string, unknown>) => ({
  id: 'j1', status: 'pending', phase: 'queued', year: 2100, unit_id: 7, module: 'process-emissions', submodule: 'gas',
  mode: 'append', valid_rows_only: false, object_key: 'k', rows_read: 0, rows_valid: 0, rows_rejected: 0, rows_written: 0,
  rows_per_second: null, error: null, error_report: null, attempts: 0, created_at: '2026-01-01T00:00:00Z', ...over,
})

describe('upload store', () => {
  it('asks for a grant, posts the file with its fields, then polls the job until it finished', async () => {
    const grant = { job: job({}), url: '/s3/co2calc-uploads', fields: { key: 'k', 'Content-Type': 'text/csv' }, max_bytes: 1, expires_in: 60 }
    fetchMock
      .mockResolvedValueOnce(json(201, grant))
      .mockResolvedValueOnce(new Response(null, { status: 204 }))
      .mockResolvedValueOnce(json(200, job({ status: 'running', phase: 'validating', rows_read: 300 })))
      .mockResolvedValueOnce(
        json(200, job({ status: 'succeeded', phase: 'done', rows_read: 601, rows_valid: 600, rows_rejected: 1, rows_written: 600, error_report: '/api/uploads/jobs/j1/errors.csv' })),
      )
    const store = useUploadStore()
    const file = new File(['gas,kg_emitted\nR410A,2\n'], 'gases.csv', { type: 'text/csv' })
    const done = await store.upload(target, file, { mode: 'append', valid_rows_only: true }, 1)

    const [grantUrl, grantInit] = fetchMock.mock.calls[0] ?? []
    expect(grantUrl).toBe('/api/uploads')
    expect(JSON.parse(String(grantInit?.body))).toEqual({
      year: 2100, unit_id: 7, module: 'process-emissions', submodule: 'gas', filename: 'gases.csv',
      content_type: 'text/csv', mode: 'append', valid_rows_only: true,
    })
    const [postUrl, postInit] = fetchMock.mock.calls[1] ?? []
    expect(postUrl).toBe('/s3/co2calc-uploads')
    const form = postInit?.body as FormData
    expect([...form.keys()]).toEqual(['key', 'Content-Type', 'file'])
    expect(fetchMock.mock.calls[2]?.[0]).toBe('/api/uploads/jobs/j1')
    expect(fetchMock).toHaveBeenCalledTimes(4)
    expect(done?.status).toBe('succeeded')
    expect(store.job?.error_report).toBe('/api/uploads/jobs/j1/errors.csv')
    expect(store.step).toBe('done')
  })

  it('keeps the grant’s problem (e.g. a bad file name) for the form', async () => {
    fetchMock.mockResolvedValueOnce(
      json(422, { type: 'https://co2calc.org/problems/validation', title: 'Invalid', status: 422, detail: 'Upload a .csv or .xlsx file.', errors: [{ loc: ['body', 'filename'], field: 'filename', message: 'Upload a .csv or .xlsx file.' }] }, 'application/problem+json'),
    )
    const store = useUploadStore()
    const done = await store.upload(target, new File(['x'], 'notes.txt'), {}, 1)
    expect(done).toBeNull()
    expect(store.error?.status).toBe(422)
    expect(store.error?.errorsForFields(['filename'])).toEqual({ filename: 'Upload a .csv or .xlsx file.' })
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })
})
