import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import { createTestI18n } from '@/test/i18n'

import ChartPanel from './ChartPanel.vue'

const stubs = { EChart: { template: '<div class="echart-stub" />' } }

describe('ChartPanel', () => {
  it('gives every chart its data as a table', () => {
    const w = mount(ChartPanel, {
      props: {
        title: 'By scope',
        kind: 'bar',
        valueLabel: 't CO2e',
        testId: 'chart-scope',
        rows: [
          { key: '1', label: 'Scope 1', value: 1.2, display: '1.2 t' },
          { key: '3', label: 'Scope 3', value: 10, display: '10 t' },
        ],
      },
      global: { plugins: [createTestI18n()], stubs },
    })
    const rows = w.findAll('[data-test="chart-scope-table"] tbody tr').map((r) => r.text())
    expect(rows).toEqual(['Scope 11.2 t', 'Scope 310 t'])
    expect(w.get('caption').text()).toBe('By scope')
    expect(w.find('.echart-stub').exists()).toBe(true)
  })

  it('draws plain bars without ECharts, scaled to the largest value, with the table beside them', async () => {
    const w = mount(ChartPanel, {
      props: {
        title: 'By scope',
        kind: 'bar',
        plain: true,
        valueLabel: 't CO2e',
        testId: 'chart-scope',
        rows: [
          { key: '1', label: 'Scope 1', value: 2.5, display: '2.5 t' },
          { key: '3', label: 'Scope 3', value: 10, display: '10 t' },
        ],
      },
      global: { plugins: [createTestI18n()], stubs },
    })
    await flushPromises()
    expect(w.find('.echart-stub').exists()).toBe(false)
    const bars = w.get('[data-test="chart-scope-bars"]')
    expect(bars.attributes('role')).toBe('img')
    expect(bars.attributes('aria-label')).toBe('Chart: By scope. The same data is in the table below.')
    // 2.5 of 10 t → a quarter of the width; the largest → all of it
    expect(bars.findAll('.plain-bars__bar').map((b) => (b.element as HTMLElement).style.width)).toEqual(['25%', '100%'])
    expect(bars.findAll('.plain-bars__value').map((b) => b.text())).toEqual(['2.5 t', '10 t'])
    expect(w.findAll('[data-test="chart-scope-table"] tbody tr')).toHaveLength(2)
    expect(w.find('[data-test="chart-scope-png"]').exists()).toBe(true)
  })

  it('shows a custom chart’s own table and offers its PNG', () => {
    const w = mount(ChartPanel, {
      props: {
        title: 'Years',
        kind: 'custom',
        testId: 'chart-years',
        option: { series: [] },
        table: { columns: ['Total', 'Per FTE'], rows: [{ key: '2099', label: '2099', cells: ['3 t', '1.5 t'] }] },
      },
      global: { plugins: [createTestI18n()], stubs },
    })
    expect(w.findAll('[data-test="chart-years-table"] thead th').map((h) => h.text())).toEqual(['Category', 'Total', 'Per FTE'])
    expect(w.get('[data-test="chart-years-table"] tbody tr').text()).toBe('20993 t1.5 t')
    expect(w.get('[data-test="chart-years-png"]').attributes('aria-label')).toBe('Download the chart Years as PNG')
  })
})
