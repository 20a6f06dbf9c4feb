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
  change_pct: 23.456, activity_kg: '3000', factor_kg: '-500', headcount_kg: '-154.4', fte_previous: '3', fte_current: '4', method: 'Per activity line…',
  // travel = plane + train; buildings = energy (the server's sums: every level adds up)
  by_module: [
    { module: 'buildings', previous_kg: '300', current_kg: '345.6', change_kg: '45.6', activity_kg: '100', factor_kg: '-50', headcount_kg: '-4.4' },
    { module: 'travel', previous_kg: '9700', current_kg: '12000', change_kg: '2300', activity_kg: '2900', factor_kg: '-450', headcount_kg: '-150' },
  ],
  by_submodule: [
    { module: 'buildings', submodule: 'energy', previous_kg: '300', current_kg: '345.6', change_kg: '45.6', activity_kg: '100', factor_kg: '-50', headcount_kg: '-4.4' },
    { module: 'travel', submodule: 'plane', previous_kg: '9000', current_kg: '11000', change_kg: '2000', activity_kg: '2600', factor_kg: '-450', headcount_kg: '-150' },
    { module: 'travel', submodule: 'train', previous_kg: '700', current_kg: '1000', change_kg: '300', activity_kg: '300', factor_kg: '0', headcount_kg: '0' },
  ],
}
const factorSets = [
  { year: 2100, version: '2100-v2', active: true, row_count: 10, gwp_set: 'AR6', loaded_at: null, source_name: '', shipped: false },
  { year: 2100, version: '2100-v1', active: false, row_count: 10, gwp_set: 'AR6', loaded_at: null, source_name: '', shipped: false },
]
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
    if (u.startsWith('/api/factors/sets?year=2100')) return ok(factorSets)
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
    expect(w.get('[data-test="change-change"]').text()).toBe('2.3 t')
  })

  it('explains the change per module, each opening onto its submodules, as a table', async () => {
    const w = await mountPage()
    const table = w.get('[data-test="change-table"]')
    expect(table.findAll('thead th').map((h) => h.text())).toEqual([
      'Module',
      'Change',
      'Activity change',
      'Emission-factor change',
      'Headcount change',
    ])
    expect(w.get('[data-test="change-module-travel"]').text()).toBe('Professional travel2.3 t2.9 t-450 kg-150 kg')
    expect(w.get('[data-test="change-module-buildings"]').text()).toContain('45.6 kg100 kg-50 kg-4.4 kg')
    const toggle = w.get('[data-test="change-expand-travel"]')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(toggle.attributes('aria-controls')).toBe('change-travel-plane change-travel-train')
    expect(w.find('[data-test="change-sub-travel/plane"]').exists()).toBe(false)
    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    const plane = w.get('[data-test="change-sub-travel/plane"]')
    expect(plane.attributes('id')).toBe('change-travel-plane')
    expect(plane.text()).toBe('Plane2 t2.6 t-450 kg-150 kg')
    expect(w.get('[data-test="change-sub-travel/train"]').text()).toContain('300 kg300 kg0 kg0 kg')
    // buildings stays closed
    expect(w.find('[data-test="change-sub-buildings/energy"]').exists()).toBe(false)
    await toggle.trigger('click')
    expect(w.find('[data-test="change-sub-travel/plane"]').exists()).toBe(false)
  })

  it('prints every submodule of the change (the PDF button)', async () => {
    const print = vi.fn()
    vi.stubGlobal('print', print)
    const w = await mountPage()
    await w.get('[data-test="export-pdf"]').trigger('click')
    await vi.waitFor(() => expect(print).toHaveBeenCalledOnce())
    // every submodule of the change is printed, opened or not
    expect(w.findAll('.change-table__sub')).toHaveLength(3)
    for (const id of ['chart-scope', 'chart-module', 'chart-submodule', 'top-items', 'chart-years', 'chart-trajectory']) {
      expect(w.find(`[data-test="${id}"]`).exists()).toBe(true)
    }
  })

  it('heads the printed report with the unit, the year and the factor set, and draws the scope split without ECharts', async () => {
    const w = await mountPage()
    const heading = w.get('[data-test="print-heading"]').text()
    expect(heading).toContain('LAB · reporting year 2100 · printed on ')
    expect(heading).toContain('emission factors: set 2100-v2')
    expect(w.get('[data-test="chart-scope-bars"]').findAll('.plain-bars__value').map((v) => v.text())).toEqual(['346 kg', '12 t'])
    expect(w.find('[data-test="chart-scope"] .chart-stub').exists()).toBe(false)
    expect(w.find('[data-test="chart-module"] .chart-stub').exists()).toBe(true)
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
