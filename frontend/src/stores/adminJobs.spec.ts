import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import JobsPage from '@/pages/JobsPage.vue'
import { json, mockFetch } from '@/test/fetch'
import { createTestI18n } from '@/test/i18n'

import { isRetryable, useAdminJobsStore } from './adminJobs'

const fetchMock = mockFetch({ pinia: true })
const job = (over: Record<string, unknown> = {}) => ({
  id: 'j1', status: 'failed', phase: 'failed', year: 2100, unit_id: 7, unit_code: 'LAB-1', module: 'travel', submodule: 'plane',
  mode: 'append', valid_rows_only: false, object_key: 'uploads/2100/LAB-1/travel/plane/j1.csv', rows_read: 3, rows_valid: 0,
  rows_rejected: 0, rows_written: 0, rows_per_second: null, error: { type: 'not-importable', detail: 'The unit has no report for 2100: create the year first.' },
  error_report: null, attempts: 1, created_at: '2026-01-01T00:00:00Z', ...over,
})
const page = (...items: unknown[]) => ({ items, total: items.length, page: 1, page_size: 25 })
const pendingAgain = job({ status: 'pending', phase: 'queued', attempts: 0, rows_read: 0, error: null })
const problem = (status: number, detail: string) =>
  json(status, { type: 'https://co2calc.org/problems/conflict', title: 'Conflict', status, detail }, 'application/problem+json')

afterEach(() => {
  document.body.innerHTML = ''
})

describe('isRetryable', () => {
  it('is what the server retries: failed jobs and imports a crashed run released', () => {
    expect(isRetryable({ status: 'failed', phase: 'failed' })).toBe(true)
    expect(isRetryable({ status: 'pending', phase: 'retrying' })).toBe(true)
    expect(isRetryable({ status: 'pending', phase: 'waiting_for_upload' })).toBe(false)
    expect(isRetryable({ status: 'pending', phase: 'queued' })).toBe(false)
    expect(isRetryable({ status: 'running', phase: 'validating' })).toBe(false)
    expect(isRetryable({ status: 'succeeded', phase: 'done' })).toBe(false)
  })
})

describe('adminJobs store: retry', () => {
  it('posts the retry, shows the job pending at once (polling turns on), then reloads the list', async () => {
    let answerReload: (r: Response) => void = () => undefined
    fetchMock
      .mockResolvedValueOnce(json(200, page(job())))
      .mockResolvedValueOnce(json(202, pendingAgain))
      .mockReturnValueOnce(new Promise<Response>((resolve) => (answerReload = resolve)))
    const store = useAdminJobsStore()
    await store.load()
    expect(store.active).toBe(false)

    const pending = store.retry('j1')
    expect(store.retrying).toBe('j1')
    expect(await pending).toBe(true)
    const [url, init] = fetchMock.mock.calls[1] ?? []
    expect(url).toBe('/api/uploads/jobs/j1/retry')
    expect(init?.method).toBe('POST')
    expect(store.retrying).toBeNull()
    expect(store.jobs[0]?.status).toBe('pending')
    expect(store.active).toBe(true)
    expect(String(fetchMock.mock.calls[2]?.[0])).toMatch(/^\/api\/uploads\/jobs\?/)
    answerReload(json(200, page(job({ status: 'running', phase: 'validating', attempts: 1, error: null }))))
    await flushPromises()
    expect(store.jobs[0]?.status).toBe('running')
    expect(store.retryError).toBeNull()
  })

  it('keeps a refusal for the banner and shows the job as the server has it now', async () => {
    fetchMock
      .mockResolvedValueOnce(json(200, page(job())))
      .mockResolvedValueOnce(problem(410, 'The uploaded file of this import is no longer in the store: upload the file again.'))
      .mockResolvedValueOnce(json(200, page(job({ attempts: 1 }))))
    const store = useAdminJobsStore()
    await store.load()
    expect(await store.retry('j1')).toBe(false)
    expect(store.retryError?.status).toBe(410)
    expect(store.retryError?.detail).toContain('no longer in the store')
    await flushPromises()
    expect(fetchMock).toHaveBeenCalledTimes(3)
    expect(store.jobs[0]?.status).toBe('failed')
    store.dismissRetryError()
    expect(store.retryError).toBeNull()
  })
})

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/:locale/admin/jobs', name: 'admin-jobs', component: JobsPage },
      { path: '/:locale/admin', name: 'admin', component: { template: '<div/>' } },
      { path: '/:locale/admin/factors', name: 'admin-factors', component: { template: '<div/>' } },
      { path: '/:locale/admin/audit', name: 'admin-audit', component: { template: '<div/>' } },
    ],
  })
  await router.push('/en/admin/jobs')
  const w = mount(JobsPage, {
    attachTo: document.body,
    global: { plugins: [router, createTestI18n()], stubs: { QPage: { template: '<div><slot /></div>' } } },
  })
  await flushPromises()
  return w
}

describe('JobsPage', () => {
  it('offers Retry on a failed job only, asks first, and shows the job pending then running', async () => {
    const done = job({ id: 'j2', status: 'succeeded', phase: 'done', error: null, attempts: 1 })
    fetchMock
      .mockResolvedValueOnce(json(200, page(job(), done)))
      .mockResolvedValueOnce(json(202, pendingAgain))
      .mockResolvedValue(json(200, page(job({ status: 'running', phase: 'writing', attempts: 1, error: null }), done)))
    const w = await mountPage()
    expect(w.find('[data-test="job-retry-j2"]').exists()).toBe(false)
    const button = w.get('[data-test="job-retry-j1"]')
    expect(button.attributes('aria-label')).toBe('Retry the import of j1.csv (LAB-1)')
    expect(w.text()).not.toContain('Failed imports are retried by uploading the corrected file again')
    expect(w.text()).toContain('If the file itself is wrong')

    await button.trigger('click')
    await flushPromises()
    const dialog = document.body.querySelector('[data-test="confirm-dialog"]')
    expect(dialog?.textContent).toContain('Retry this import?')
    expect(dialog?.textContent).toContain('LAB-1 (travel / plane)')
    expect(fetchMock).toHaveBeenCalledTimes(1) // nothing sent before the confirmation

    ;(document.body.querySelector('[data-test="confirm-ok"]') as HTMLElement).click()
    await flushPromises()
    expect(fetchMock.mock.calls[1]?.[0]).toBe('/api/uploads/jobs/j1/retry')
    await vi.waitFor(() => expect(w.get('[data-test="job-status-j1"]').text()).toBe('running'))
    expect(w.find('[data-test="job-retry-j1"]').exists()).toBe(false)
    expect(w.text()).toContain('Refreshing every 5 seconds')
    w.unmount()
  })

  it('shows a refused retry in a banner', async () => {
    fetchMock
      .mockResolvedValueOnce(json(200, page(job())))
      .mockResolvedValueOnce(problem(409, 'Job j1 succeeded: there is nothing to retry.'))
      .mockResolvedValue(json(200, page(job({ status: 'succeeded', phase: 'done', error: null }))))
    const w = await mountPage()
    await w.get('[data-test="job-retry-j1"]').trigger('click')
    await flushPromises()
    ;(document.body.querySelector('[data-test="confirm-ok"]') as HTMLElement).click()
    await flushPromises()
    expect(w.get('[data-test="problem-message"]').text()).toBe('Job j1 succeeded: there is nothing to retry.')
    expect(w.get('[data-test="job-status-j1"]').text()).toBe('succeeded')
    w.unmount()
  })
})
