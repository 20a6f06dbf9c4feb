import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import { createTestI18n } from '@/test/i18n'

import ChartPanel from './ChartPanel.vue'

describe('ChartPanel', () => {
  it('gives every chart its data as a table', () => {
    const w = mount(ChartPanel, {
      props: {
        title: 'By scope',
        kind: 'pie',
        valueLabel: 't CO2e',
        testId: 'chart-scope',
        rows: [
          { key: '1', label: 'Scope 1', value: 1.2, display: '1.2 t' },
          { key: '3', label: 'Scope 3', value: 10, display: '10 t' },
        ],
      },
      global: { plugins: [createTestI18n()], stubs: { EChart: { template: '<div class="echart-stub" />' } } },
    })
    const rows = w.findAll('[data-test="chart-scope-table"] tbody tr').map((r) => r.text())
    expect(rows).toEqual(['Scope 11.2 t', 'Scope 310 t'])
    expect(w.get('caption').text()).toBe('By scope')
  })
})
