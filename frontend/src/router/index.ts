import type { Pinia } from 'pinia'
import { createRouter, createWebHistory, type Router, type RouterHistory } from 'vue-router'

import type { AppI18n } from '@/i18n'
import { DEFAULT_LOCALE, isSupportedLocale } from '@/i18n'
import { applyLocale } from '@/i18n/apply'
import { useSessionStore } from '@/stores/session'

import { safeReturnTo } from './returnTo'
import { routes } from './routes'

export function createAppRouter(
  i18n: AppI18n,
  pinia: Pinia,
  history: RouterHistory = createWebHistory(import.meta.env.BASE_URL),
): Router {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })

  // 0. Start what the navigation will need at once, in parallel with the locale's
  //    messages: the route's lazy components and, for signed-in pages, the session.
  //    (vue-router would otherwise fetch them one after the other.)
  router.beforeEach((to) => {
    for (const record of to.matched) {
      const load = record.components?.default
      if (typeof load === 'function' && !('render' in load) && !('setup' in load)) {
        try {
          void Promise.resolve((load as () => unknown)()).catch(() => undefined)
        } catch {
          // not a lazy loader after all: the router will deal with it
        }
      }
    }
    if (to.meta.requiresAuth || to.name === 'sign-in') {
      void useSessionStore(pinia).ensureLoaded().catch(() => undefined)
    }
  })

  // 1. The URL decides the language.
  router.beforeEach(async (to) => {
    const param = to.params.locale
    const locale = isSupportedLocale(param) ? param : DEFAULT_LOCALE
    if (i18n.global.locale.value !== locale || document.documentElement.lang !== locale) {
      await applyLocale(i18n, locale)
    }
  })

  // 2. Session and permissions.
  router.beforeEach(async (to) => {
    const locale = isSupportedLocale(to.params.locale) ? to.params.locale : DEFAULT_LOCALE
    if (to.name === 'sign-in') {
      // Already signed in: go where the sign-in was meant to lead.
      const session = useSessionStore(pinia)
      await session.ensureLoaded()
      if (session.isSignedIn) return safeReturnTo(to.query.return_to, `/${locale}/`)
      return true
    }
    if (!to.meta.requiresAuth) return true
    const session = useSessionStore(pinia)
    await session.ensureLoaded()
    if (!session.isSignedIn) {
      return { name: 'sign-in', params: { locale }, query: { return_to: to.fullPath } }
    }
    if (to.meta.requiresAdmin && !session.isAdmin) {
      return { name: 'forbidden', params: { locale } }
    }
    if (to.meta.requiresReporting && !session.isAdmin && session.session?.permissions.reporting !== true) {
      return { name: 'forbidden', params: { locale } }
    }
    return true
  })

  router.afterEach((to) => {
    const app = i18n.global.t('app.name')
    document.title = to.meta.titleKey ? `${i18n.global.t(to.meta.titleKey)} · ${app}` : app
  })

  return router
}
