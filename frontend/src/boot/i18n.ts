import type { App } from 'vue'

import { type AppI18n, createAppI18n } from '@/i18n'

/** vue-i18n with no messages yet: the router's first navigation loads the URL's locale. */
export function installI18n(app: App): AppI18n {
  const i18n = createAppI18n()
  app.use(i18n)
  return i18n
}
