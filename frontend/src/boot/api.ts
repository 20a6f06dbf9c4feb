import type { Pinia } from 'pinia'
import type { Router } from 'vue-router'

import { onApiError, setCsrfTokenProvider } from '@/api/client'
import { DEFAULT_LOCALE, isSupportedLocale } from '@/i18n'
import { useSessionStore } from '@/stores/session'

/**
 * The API error hook: the CSRF token comes from the session store, and a 401
 * on any call (the session expired) drops the local session and sends a user
 * on a protected page to sign-in, keeping where they were.
 */
export function installApi(pinia: Pinia, router: Router): void {
  const session = useSessionStore(pinia)
  setCsrfTokenProvider(() => session.csrfToken)

  onApiError((error, { path }) => {
    if (error.status !== 401 || path === '/auth/session') return
    session.clear()
    const route = router.currentRoute.value
    if (!route.meta.requiresAuth) return
    const locale = isSupportedLocale(route.params.locale) ? route.params.locale : DEFAULT_LOCALE
    void router.replace({ name: 'sign-in', params: { locale }, query: { return_to: route.fullPath } })
  })
}
