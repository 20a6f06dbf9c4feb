import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { ModuleState } from '@/api/reports'
import { createTestI18n } from '@/test/i18n'

import ModuleCard from './ModuleCard.vue'

const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
const state: ModuleState = { module: 'travel', status: 'in_progress', entries: 4, flagged: 2, kg_co2e: '1500', validated_at: null }

const make = (props: Partial<{ canManage: boolean; frozen: boolean; state: ModuleState }> = {}) =>
  mount(ModuleCard, {
    props: { state, locale: 'en', to: '/x', canManage: true, frozen: false, ...props },
    global: { plugins: [createTestI18n(), router] },
  })

describe('ModuleCard', () => {
  it('shows status, entries, flagged and total', () => {
    const w = make()
    expect(w.get('[data-test="module-status"]').text()).toBe('In progress')
    expect(w.get('[data-test="module-entries"]').text()).toBe('4')
    expect(w.get('[data-test="module-flagged"]').text()).toBe('2')
    expect(w.get('[data-test="module-total"]').text()).toBe('1.5 t')
  })

  it('lets a manager validate, and reopen once validated', async () => {
    const w = make()
    await w.get('[data-test="module-validate"]').trigger('click')
    expect(w.emitted('validate')).toEqual([['travel']])
    const v = make({ state: { ...state, status: 'validated' } })
    expect(v.find('[data-test="module-validate"]').exists()).toBe(false)
    await v.get('[data-test="module-reopen"]').trigger('click')
    expect(v.emitted('reopen')).toEqual([['travel']])
  })

  it('offers no validation to members or on a signed-off report', () => {
    expect(make({ canManage: false }).find('[data-test="module-validate"]').exists()).toBe(false)
    expect(make({ frozen: true }).find('[data-test="module-validate"]').exists()).toBe(false)
  })
})
