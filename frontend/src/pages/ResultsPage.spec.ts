import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { createTestI18n } from '@/test/i18n'

import ResultsPage from './ResultsPage.vue'

const fetchMock = vi.fn<typeof fetch>()
const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
const amount = (key: string | null, kg: string, low: number, high: number) => ({ key, kg, t: String(Number(kg) / 1000), low_kg: low, high_kg: high, sd_kg: 1, method: 'mc' })

const results = {
  unit_id: 7, unit_code: 'LAB', unit_name: 'Lab', year: 2100, report_id: 1, report_status: 'signed_off', include_estimates: true,
  total: amount(null, '12345.6', 11000, 13800),
  per_fte: { fte: '4', kg: '3086.4', t: '3.0864', reference_t: '2', ratio_to_reference: 1.5432 },
  by_scope: [amount('scope1', '345.6', 300, 400), amount('scope3', '12000', 10700, 13400)],
  by_module: [amount('travel', '12000', 10700, 13400), amount('buildings', '345.6', 300, 400)],
  by_submodule: [{ ...amount(null, '12000', 10700, 13400), module: 'travel', submodule: 'plane' }],
  top_items: [{ entry_id: 42, module: 'travel', submodule: 'plane', label: 'GVA → CDG', kg: '260', share: 0.021, flagged: false }],
  estimates: { kg: '0', included_in_total: true, total: amount(null, '0', 0, 0), share_of_total: 0, by_leaf: [] },
  data_quality: { entries: 3, flagged_entries: 0, estimate_kg: '0', estimate_share: 0, flagged_or_estimated_share: 0 },
  car_km: { km: '61728', kg_per_km: '0.2', source: 'x' },
}
const change = {
  unit_id: 7, year: 2100, previous_year: 2099, include_estimates: true, previous_kg: '10000', current_kg: '12345.6', change_kg: '2345.6',
  change_pct: 23.456, activity_kg: '3000', factor_kg: '-500', headcount_kg: '-154.4', fte_previous: '3', fte_current: '4', by_submodule: [], method: 'lmdi',
}
const history = { unit_id: 7, unit_code: 'LAB', include_estimates: true, years: [
  { year: 2099, report_id: 2, report_status: 'signed_off', entries: 5, total: amount(null, '10000', 9000, 11000), estimates_kg: '0', fte: '3', per_fte_t: '3.333', by_scope: {}, by_module: { travel: '10000' } },
  { year: 2100, report_id: 1, report_status: 'signed_off', entries: 3, total: results.total, estimates_kg: '0', fte: '4', per_fte_t: '3.0864', by_scope: {}, by_module: { travel: '12000', buildings: '345.6' } },
] }
const trajectory = {
  unit_id: 7, year: 2100, include_estimates: true, objectives_source: 'default', objectives_baseline_year: 2099, baseline_year: 2099, baseline_kg: '10000', baseline_note: null,
  actual_kg: '12345.6', targets: [{ year: 2110, reduction: '0.5', target_kg: '5000' }], path_kg: '9500', gap_kg: '2845.6', on_track: false,
  history: [{ year: 2099, kg: '10000' }, { year: 2100, kg: '12345.6' }],
  projection: { method: 'ls', method_description: 'least squares', slope_kg_per_year: '2345.6', points: [{ year: 2101, kg: '14691.2', path_kg: '9000' }] },
}

beforeEach(() => {
  setActivePinia(createPinia())
  vi.stubGlobal('fetch', fetchMock)
  fetchMock.mockImplementation(async (url) => {
    const u = String(url)
    if (u.startsWith('/api/results/7/2100/change')) return ok(change)
    if (u.startsWith('/api/results/7/2100/trajectory')) return ok(trajectory)
    if (u.startsWith('/api/results/7/2100')) return ok(results)
    return ok(history)
  })
})
afterEach(() => {
  fetchMock.mockReset()
  vi.unstubAllGlobals()
})

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/:locale/units/:unitId/:year/results', name: 'results', component: ResultsPage },
      { path: '/:locale/units/:unitId/:year', name: 'unit-year', component: { template: '<div/>' } },
    ],
  })
  await router.push('/en/units/7/2100/results')
  const w = mount(ResultsPage, {
    global: { plugins: [router, createTestI18n()], stubs: { EChart: { template: '<div class="chart-stub" />' }, QPage: { template: '<div><slot /></div>' } } },
  })
  await flushPromises()
  return w
}

describe('ResultsPage', () => {
  it('shows the server’s numbers: total with its interval, per FTE against 2 t, the change and its effects', async () => {
    const w = await mountPage()
    const total = w.get('[data-test="result-total"]')
    expect(total.attributes('data-kg')).toBe('12345.6')
    expect(total.text()).toContain('12.3 t')
    expect(total.text()).toContain('95 % interval 11 t – 13.8 t')
    expect(w.get('[data-test="result-per-fte"]').text()).toContain('3.09 t')
    expect(w.get('[data-test="result-per-fte"]').text()).toContain('154.3% of the 2 t per person reference')
    expect(w.get('[data-test="result-change"]').text()).toContain('+23.5%')
    expect(w.get('[data-test="change-activity"]').text()).toContain('3 t')
    expect(w.get('[data-test="change-factor"]').text()).toContain('-500 kg')
    expect(w.get('[data-test="change-headcount"]').text()).toContain('-154 kg')
  })

  it('gives the years and the trajectory as tables, and links the exports with the estimates choice', async () => {
    const w = await mountPage()
    const years = w.findAll('[data-test="chart-years-table"] tbody tr').map((r) => r.text())
    expect(years).toEqual(['209910 t3.33 t5Signed off', '210012.3 t3.09 t3Signed off'])
    const traj = w.findAll('[data-test="chart-trajectory-table"] tbody tr').map((r) => r.text())
    expect(traj).toEqual(['209910 t——', '210012.3 t——', '2101——14.7 t', '2110—5 t—'])
    expect(w.get('[data-test="trajectory-summary"]').text()).toContain('Off track: 2.8 t above')
    expect(w.get('[data-test="export-xlsx"]').attributes('href')).toBe('/api/results/7/2100/export?format=xlsx&what=results&include_estimates=true')
    expect(w.get('[data-test="top-item-42"]').text()).toContain('GVA → CDG')
  })
})
