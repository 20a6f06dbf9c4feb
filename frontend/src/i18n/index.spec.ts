import { describe, expect, it } from 'vitest'

import { createAppI18n, isSupportedLocale, loadLocaleMessages, preferredLocale } from './index'

describe('locales', () => {
  it('picks the first supported browser language', () => {
    expect(preferredLocale(['it-CH', 'fr-CH', 'en'])).toBe('fr')
    expect(preferredLocale(['de-DE'])).toBe('de')
    expect(preferredLocale(['it', 'ja'])).toBe('en')
    expect(preferredLocale([])).toBe('en')
  })

  it('knows the supported locales', () => {
    expect(isSupportedLocale('de')).toBe(true)
    expect(isSupportedLocale('it')).toBe(false)
    expect(isSupportedLocale(undefined)).toBe(false)
  })

  it('loads a locale lazily, with English as fallback', async () => {
    const i18n = createAppI18n()
    await loadLocaleMessages(i18n, 'de')
    i18n.global.locale.value = 'de'
    expect(i18n.global.t('units.title')).toBe('Einheiten')
    expect(i18n.global.t('layout.signedInAs', { name: 'Ada' })).toBe('Angemeldet als Ada')
  })
})

describe('message files', () => {
  const keys = (value: unknown, prefix = ''): string[] =>
    value && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => keys(v, `${prefix}${k}.`))
      : [prefix.slice(0, -1)]

  it('have the same keys in every locale', () => {
    // The raw files: the build precompiles the imported JSON into message functions.
    const raw = import.meta.glob<string>('./*.json', { query: '?raw', import: 'default', eager: true })
    const parse = (name: string) => JSON.parse(raw[`./${name}.json`] ?? '{}') as unknown
    const reference = keys(parse('en')).sort()
    expect(reference.length).toBeGreaterThan(100)
    expect(keys(parse('fr')).sort()).toEqual(reference)
    expect(keys(parse('de')).sort()).toEqual(reference)
  })
})
