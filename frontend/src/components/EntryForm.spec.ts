import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import { emptyEntry, MODULE_SPECS } from '@/domain/modules'
import { createTestI18n } from '@/test/i18n'

import EntryForm from './EntryForm.vue'

const plane = MODULE_SPECS.travel.submodules[0]!

const make = (errors: Record<string, string> = {}) =>
  mount(EntryForm, {
    props: { fields: plane.fields, initial: emptyEntry(plane), errors, submitLabel: 'Add', idPrefix: 'add' },
    global: { plugins: [createTestI18n()] },
  })

describe('EntryForm', () => {
  it('shows the server’s message under the field it names', () => {
    const w = make({ origin: 'String should match pattern', '': 'origin and destination must differ' })
    // Quasar puts the data-test hook on the native input; the message is tied to it by aria-describedby.
    const input = w.get('[data-test="field-origin"]')
    expect(input.attributes('aria-invalid')).toBe('true')
    expect(w.get(`#${input.attributes('aria-describedby')}`).text()).toContain('String should match pattern')
    expect(w.get('[data-test="form-error"]').text()).toBe('origin and destination must differ')
  })

  it('submits only what was filled in, codes upper-cased', async () => {
    const w = make()
    await w.get('[data-test="field-origin"]').setValue('gva')
    await w.get('[data-test="field-destination"]').setValue('lhr')
    await w.get('form').trigger('submit')
    await flushPromises()
    const [data, note] = w.emitted('submit')?.[0] ?? []
    expect(data).toEqual({ origin: 'GVA', destination: 'LHR', trips: 1, cabin_class: 'economy', round_trip: false })
    expect(note).toBeNull()
  })
})
