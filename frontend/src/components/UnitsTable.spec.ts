import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import type { Unit } from '@/api/units'
import { createTestI18n } from '@/test/i18n'

import UnitsTable from './UnitsTable.vue'

const unit = (id: number, code: string, names: Unit['names'], active = true): Unit => ({
  id,
  code,
  name: names.en,
  names,
  kind: 'unit',
  parent_id: null,
  level: id,
  path: `root.${code}`,
  active,
})

const rows: Unit[] = [
  unit(1, 'EPFL', { en: 'The institute', fr: "L'institut", de: '' }),
  unit(2, 'ENAC-LAB', { en: 'Lab of things', fr: 'Labo des choses', de: 'Labor der Dinge' }, false),
]

function mountTable(props: Partial<InstanceType<typeof UnitsTable>['$props']> = {}) {
  return mount(UnitsTable, {
    props: { rows, total: 120, page: 1, pageSize: 50, search: '', locale: 'fr', ...props },
    global: { plugins: [createTestI18n()] },
  })
}

afterEach(() => vi.useRealTimers())

describe('UnitsTable', () => {
  it('renders each unit code under data-test="unit-code"', () => {
    const wrapper = mountTable()
    expect(wrapper.findAll('[data-test="unit-code"]').map((w) => w.text())).toEqual(['EPFL', 'ENAC-LAB'])
  })

  it('shows names in the current locale, falling back to the English name', () => {
    const names = (locale: 'en' | 'fr' | 'de') =>
      mountTable({ locale }).findAll('[data-test="unit-name"]').map((w) => w.text())
    expect(names('fr')).toEqual(["L'institut", 'Labo des choses'])
    expect(names('de')).toEqual(['The institute', 'Labor der Dinge'])
  })

  it('labels the columns and the search box through i18n', () => {
    const wrapper = mountTable()
    const headers = wrapper.findAll('th').map((w) => w.text())
    expect(headers).toEqual(['Code', 'Name', 'Level'])
    expect(wrapper.get('[data-test="units-search"]').attributes('aria-label')).toBe('Search units')
    expect(wrapper.get('[data-test="units-range"]').text()).toBe('1–50 of 120')
    expect(wrapper.text()).toContain('inactive')
  })

  it('emits the debounced search text', async () => {
    vi.useFakeTimers()
    const wrapper = mountTable()
    const input = wrapper.get<HTMLInputElement>('[data-test="units-search"]')
    input.element.value = 'lab'
    await input.trigger('input') // typing: no change event until blur

    expect(wrapper.emitted('update:search')).toBeUndefined()
    vi.advanceTimersByTime(350)
    expect(wrapper.emitted('update:search')).toEqual([['lab']])
  })

  it('asks for the next page from the server', async () => {
    const wrapper = mountTable()
    expect(wrapper.get('[data-test="page-prev"]').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-test="page-next"]').trigger('click')
    expect(wrapper.emitted('request')).toEqual([[{ page: 2, pageSize: 50 }]])
  })
})
