import { createApp } from 'vue'

import App from './App.vue'
import { installApi } from './boot/api'
import { installI18n } from './boot/i18n'
import { installPinia } from './boot/pinia'
import { installQuasar } from './boot/quasar'
import { createAppRouter } from './router'

const app = createApp(App)
installQuasar(app)
const pinia = installPinia(app)
const i18n = installI18n(app)
const router = createAppRouter(i18n, pinia)
installApi(pinia, router)
app.use(router)

void router.isReady().then(() => app.mount('#app'))
