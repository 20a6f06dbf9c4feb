import { createI18n } from 'vue-i18n'

import en from '@/i18n/en.json'

/** vue-i18n with the English messages loaded, for component specs. */
export function createTestI18n() {
  return createI18n({ legacy: false, locale: 'en', fallbackLocale: 'en', messages: { en } })
}
