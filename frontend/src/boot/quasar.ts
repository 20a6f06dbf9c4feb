import iconSet from 'quasar/icon-set/svg-material-icons.js'
import { Quasar } from 'quasar'
import type { App } from 'vue'

import 'quasar/dist/quasar.css'
import '@/css/app.css'

/** Quasar with SVG icons (tree-shaken, no icon font); components are imported per file by the Vite plugin. */
export function installQuasar(app: App): void {
  app.use(Quasar, {
    iconSet,
    config: {
      brand: { primary: '#1b5e20', secondary: '#26a69a', accent: '#6a1b9a' },
    },
  })
}
