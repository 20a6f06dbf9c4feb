import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import { createTestI18n } from '@/test/i18n'

import LanguageSwitcher from './LanguageSwitcher.vue'

describe('LanguageSwitcher', () => {
  const mountSwitcher = () =>
    mount(LanguageSwitcher, {
      props: { modelValue: 'en', locales: ['en', 'fr', 'de'] },
      global: { plugins: [createTestI18n()] },
    })

  it('offers each locale as a labelled button', () => {
    const wrapper = mountSwitcher()
    expect(wrapper.attributes('aria-label')).toBe('Language')
    const fr = wrapper.get('[data-test="language-fr"]')
    expect(fr.attributes('aria-label')).toBe('FR – Français')
    expect(fr.attributes('lang')).toBe('fr')
    expect(fr.text()).toBe('FR')
  })

  it('emits the chosen locale, not the current one', async () => {
    const wrapper = mountSwitcher()
    await wrapper.get('[data-test="language-en"]').trigger('click')
    await wrapper.get('[data-test="language-de"]').trigger('click')
    expect(wrapper.emitted('update:modelValue')).toEqual([['de']])
  })
})
