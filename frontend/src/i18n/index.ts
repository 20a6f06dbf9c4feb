/**
 * Locales: which exist, which one the browser prefers, and lazy loading of
 * their messages (each JSON file is its own chunk, precompiled at build time).
 */
import { createI18n } from 'vue-i18n'

import type en from './en.json'

export const SUPPORTED_LOCALES = ['en', 'fr', 'de'] as const
export type AppLocale = (typeof SUPPORTED_LOCALES)[number]
export const DEFAULT_LOCALE: AppLocale = 'en'

/** The shape of every locale file: en.json is the reference. */
export type MessageSchema = typeof en

export function isSupportedLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value)
}

/** The first of the browser's languages we support ("fr-CH" → "fr"), else English. */
export function preferredLocale(languages: readonly string[] = navigator.languages ?? [navigator.language]): AppLocale {
  for (const tag of languages) {
    const base = tag?.toLowerCase().split('-')[0]
    if (isSupportedLocale(base)) return base
  }
  return DEFAULT_LOCALE
}

const loaders: Record<AppLocale, () => Promise<{ default: MessageSchema }>> = {
  en: () => import('./en.json'),
  fr: () => import('./fr.json'),
  de: () => import('./de.json'),
}

export function createAppI18n() {
  return createI18n<[MessageSchema], AppLocale, false>({
    legacy: false,
    locale: DEFAULT_LOCALE,
    fallbackLocale: DEFAULT_LOCALE,
    messages: {} as Record<AppLocale, MessageSchema>,
    missingWarn: import.meta.env.DEV,
    fallbackWarn: false,
  })
}

export type AppI18n = ReturnType<typeof createAppI18n>

/** Load a locale's messages once; the fallback locale is always loaded too. */
export async function loadLocaleMessages(i18n: AppI18n, locale: AppLocale): Promise<void> {
  const wanted = locale === DEFAULT_LOCALE ? [locale] : [DEFAULT_LOCALE, locale]
  await Promise.all(
    wanted
      .filter((l) => !i18n.global.availableLocales.includes(l) || !hasMessages(i18n, l))
      .map(async (l) => i18n.global.setLocaleMessage(l, (await loaders[l]()).default)),
  )
}

function hasMessages(i18n: AppI18n, locale: AppLocale): boolean {
  return Object.keys(i18n.global.getLocaleMessage(locale)).length > 0
}
