/** Switch the whole app to a locale: messages, Quasar's own strings, and <html lang>. */
import { Lang, type QuasarLanguage } from 'quasar'
// Quasar's default pack is part of its core anyway: no point in a separate chunk.
import enUS from 'quasar/lang/en-US.js'

import { type AppI18n, type AppLocale, loadLocaleMessages } from './index'

const quasarPacks: Record<AppLocale, () => Promise<{ default: QuasarLanguage }>> = {
  en: () => Promise.resolve({ default: enUS }),
  fr: () => import('quasar/lang/fr.js'),
  de: () => import('quasar/lang/de-CH.js'),
}

export async function applyLocale(i18n: AppI18n, locale: AppLocale): Promise<void> {
  const [, pack] = await Promise.all([loadLocaleMessages(i18n, locale), quasarPacks[locale]()])
  // Quasar's pack type and Lang.set's parameter type disagree on optional arguments only.
  Lang.set(pack.default as Parameters<typeof Lang.set>[0])
  i18n.global.locale.value = locale
  document.documentElement.setAttribute('lang', locale)
}
