import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import { mockFetch } from '@/test/fetch'
import { createTestI18n } from '@/test/i18n'

import ExplainDialog from './ExplainDialog.vue'

const fetchMock = mockFetch()

const trace = {
  module: 'process-emissions',
  submodule: 'gas',
  year: 2100,
  factor_set_version: 'test-2100',
  gwp_set: 'AR5',
  inputs: { gas: 'R410A', kg_emitted: '2' },
  factors: [{ role: 'gwp', factor_id: 'gwp.R410A', effective_value: '1924', unit: 'kgCO2e/kg', source: 'IPCC AR5', source_year: 2014 }],
  steps: [{ name: 'kg_co2e', value: '3848', unit: 'kg', note: '2 kg × 1924' }],
  result: { ok: true, kg: '3848', flag: null, rows: [] },
}

describe('ExplainDialog', () => {
  it('loads the server’s trace when opened and shows inputs, factors with source, steps and result', async () => {
    fetchMock.mockResolvedValue(new Response(JSON.stringify(trace), { status: 200, headers: { 'Content-Type': 'application/json' } }))
    const w = mount(ExplainDialog, {
      props: { modelValue: false, target: { module: 'process-emissions', unitId: 7, year: 2100, submodule: 'gas' }, entryId: 12, locale: 'en' },
      global: { plugins: [createTestI18n()], stubs: { QDialog: { template: '<div><slot /></div>' } } },
    })
    expect(fetchMock).not.toHaveBeenCalled()
    await w.setProps({ modelValue: true })
    await flushPromises()
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/process-emissions/7/2100/gas/12/explain')
    expect(w.get('[data-test="explain-result"]').text()).toBe('Result: 3.8 t CO2e')
    expect(w.get('[data-test="explain-inputs"]').text()).toContain('R410A')
    expect(w.get('[data-test="explain-factors"]').text()).toContain('IPCC AR5 (2014)')
    expect(w.get('[data-test="explain-steps"]').text()).toContain('kg_co2e: 3848 kg — 2 kg × 1924')
  })
})
