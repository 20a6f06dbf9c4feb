import { flushPromises, mount } from '@vue/test-utils'
import { QSelect } from 'quasar'
import { describe, expect, it } from 'vitest'

import { MODULE_SPECS, emptyEntry } from '@/domain/modules'
import { mockFetch } from '@/test/fetch'
import { createTestI18n } from '@/test/i18n'

import EntryForm from './EntryForm.vue'
import SuggestField from './SuggestField.vue'

const fetchMock = mockFetch()
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })

const train = MODULE_SPECS.travel.submodules[1]!

/** Quasar's filter callback: run the update at once. */
const runFilter = async (select: ReturnType<typeof mount>['vm'] | any, text: string) => {
  select.$emit('filter', text, (fn: () => void) => fn(), () => {})
  await flushPromises()
}

describe('SuggestField', () => {
  it('asks the server for stations and fills the country of the one picked', async () => {
    fetchMock.mockResolvedValue(json([{ uic: '8501120', name: 'Lausanne', country: 'CH', lat: 46.5, lon: 6.6 }]))
    const w = mount(EntryForm, {
      props: { fields: train.fields, initial: emptyEntry(train), submitLabel: 'Add', idPrefix: 'add', unitId: 7, year: 2100 },
      global: { plugins: [createTestI18n()] },
    })
    const select = w.findAllComponents(SuggestField)[0]!.findComponent(QSelect)
    await runFilter(select.vm, 'Laus')
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/factors/stations?q=Laus&limit=10')
    // Quasar fills the input with the picked option's value, then emits the value.
    select.vm.$emit('inputValue', 'Lausanne')
    select.vm.$emit('update:modelValue', 'Lausanne')
    await flushPromises()
    await w.get('form').trigger('submit')
    await flushPromises()
    const [data] = w.emitted('submit')?.[0] ?? []
    expect(data).toMatchObject({ origin_name: 'Lausanne', origin_country: 'CH' })
  })

  it('keeps free text and offers headcount members as travellers', async () => {
    fetchMock.mockResolvedValue(
      json({
        items: [{ id: 1, data: { name: 'Ada', person_id: 'P-1' } }],
        total: 1, page: 1, page_size: 20, totals: { count: 1, kg_co2e: '0' },
      }),
    )
    const w = mount(SuggestField, {
      props: { modelValue: null, kind: 'person', label: 'Traveller', unitId: 7, year: 2100 },
      global: { plugins: [createTestI18n()] },
    })
    const select = w.findComponent(QSelect)
    await runFilter(select.vm, 'ad')
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/headcount/7/2100/members?page=1&page_size=20&sort=name&q=ad')
    expect(select.props('options')).toEqual([{ value: 'P-1', label: 'Ada (P-1)' }])
    select.vm.$emit('inputValue', 'someone else')
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual(['someone else'])
    expect(w.emitted('pick')).toBeUndefined()
  })
})
