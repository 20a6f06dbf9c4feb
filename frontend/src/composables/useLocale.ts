import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'

import { type AppLocale, DEFAULT_LOCALE, isSupportedLocale, SUPPORTED_LOCALES } from '@/i18n'

/** The locale from the URL, and a way to switch it while staying on the same page. */
export function useLocale() {
  const route = useRoute()
  const router = useRouter()

  const locale = computed<AppLocale>(() => {
    const param = route.params.locale
    return isSupportedLocale(param) ? param : DEFAULT_LOCALE
  })

  async function switchLocale(next: AppLocale): Promise<void> {
    if (next === locale.value) return
    await router.push({
      // Every leaf route is named (see router/routes.ts).
      name: route.name ?? 'not-found',
      params: { ...route.params, locale: next },
      query: route.query,
      hash: route.hash,
    })
  }

  return { locale, locales: SUPPORTED_LOCALES, switchLocale }
}
