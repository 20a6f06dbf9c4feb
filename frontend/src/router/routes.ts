import type { RouteRecordRaw } from 'vue-router'

import { MODULES } from '@/domain/modules'
import { DEFAULT_LOCALE, isSupportedLocale, preferredLocale, SUPPORTED_LOCALES } from '@/i18n'

declare module 'vue-router' {
  interface RouteMeta {
    /** Needs a signed-in user; otherwise → sign-in with `return_to`. */
    requiresAuth?: boolean
    /** Needs `permissions.admin`; otherwise → the forbidden page. */
    requiresAdmin?: boolean
    /** Needs `permissions.reporting` (affiliation officers, admins); otherwise → forbidden. */
    requiresReporting?: boolean
    /** i18n key of the page title (document.title). */
    titleKey?: string
  }
}

const LOCALE_PARAM = `:locale(${SUPPORTED_LOCALES.join('|')})`
const UNIT_YEAR = ':unitId(\\d+)/:year(\\d{4})'

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'root',
    redirect: () => `/${preferredLocale()}/`,
  },
  {
    path: `/${LOCALE_PARAM}`,
    component: () => import('@/layouts/MainLayout.vue'),
    children: [
      {
        path: '',
        name: 'home',
        component: () => import('@/pages/WorkspacePage.vue'),
        meta: { requiresAuth: true, titleKey: 'workspace.title' },
      },
      {
        path: `units/${UNIT_YEAR}`,
        name: 'unit-year',
        component: () => import('@/pages/UnitYearPage.vue'),
        meta: { requiresAuth: true, titleKey: 'unitYear.title' },
      },
      {
        path: `units/${UNIT_YEAR}/results`,
        name: 'results',
        component: () => import('@/pages/ResultsPage.vue'),
        meta: { requiresAuth: true, titleKey: 'results.title' },
      },
      {
        path: `units/${UNIT_YEAR}/:module(${MODULES.join('|')})`,
        name: 'module',
        component: () => import('@/pages/ModulePage.vue'),
        meta: { requiresAuth: true, titleKey: 'module.title' },
      },
      {
        path: 'sign-in',
        name: 'sign-in',
        component: () => import('@/pages/SignInPage.vue'),
        meta: { titleKey: 'signIn.title' },
      },
      {
        path: 'units',
        name: 'units',
        component: () => import('@/pages/UnitsPage.vue'),
        meta: { requiresAuth: true, titleKey: 'units.title' },
      },
      {
        path: 'admin',
        name: 'admin',
        component: () => import('@/pages/AdminPage.vue'),
        meta: { requiresAuth: true, requiresAdmin: true, titleKey: 'admin.title' },
      },
      {
        path: 'admin/factors',
        name: 'admin-factors',
        component: () => import('@/pages/FactorsPage.vue'),
        meta: { requiresAuth: true, requiresAdmin: true, titleKey: 'adminFactors.title' },
      },
      {
        path: 'admin/jobs',
        name: 'admin-jobs',
        component: () => import('@/pages/JobsPage.vue'),
        meta: { requiresAuth: true, requiresAdmin: true, titleKey: 'adminJobs.title' },
      },
      {
        path: 'admin/audit',
        name: 'admin-audit',
        component: () => import('@/pages/AuditPage.vue'),
        meta: { requiresAuth: true, requiresAdmin: true, titleKey: 'adminAudit.title' },
      },
      {
        path: 'reporting',
        name: 'reporting',
        component: () => import('@/pages/ReportingPage.vue'),
        meta: { requiresAuth: true, requiresReporting: true, titleKey: 'reporting.title' },
      },
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/pages/ForbiddenPage.vue'),
        meta: { titleKey: 'errors.forbiddenTitle' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/pages/NotFoundPage.vue'),
        meta: { titleKey: 'errors.notFoundTitle' },
      },
    ],
  },
  {
    // A path without a locale ("/units"): prefix the browser's preferred one.
    path: '/:pathMatch(.*)*',
    name: 'no-locale',
    redirect: (to) => {
      const first = String(to.path.split('/')[1] ?? '')
      const locale = isSupportedLocale(first) ? DEFAULT_LOCALE : preferredLocale()
      return { path: `/${locale}${to.path}`, query: to.query, hash: to.hash }
    },
  },
]
