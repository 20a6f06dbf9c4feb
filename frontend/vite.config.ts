/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'

import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { quasar, transformAssetUrls } from '@quasar/vite-plugin'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

const src = fileURLToPath(new URL('./src', import.meta.url))

export default defineConfig({
  // Served at the site root by the dev gateway, beside /api/ (same origin).
  base: '/',
  plugins: [
    vue({ template: { transformAssetUrls } }),
    // Tree-shaken, per-component Quasar imports; the prebuilt Quasar CSS (no Sass needed).
    quasar({ sassVariables: false }),
    // Precompile the locale JSON so the runtime-only vue-i18n build is enough (no eval, smaller).
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/i18n/*.json', import.meta.url))],
      runtimeOnly: true,
      dropMessageCompiler: true,
      compositionOnly: true,
      fullInstall: false,
      strictMessage: true,
      escapeHtml: true,
    }),
  ],
  resolve: {
    alias: { '@': src },
  },
  server: {
    // `npm run dev` talks to the Python dev gateway for the API.
    proxy: { '/api': { target: process.env.CO2CALC_API ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  test: {
    environment: 'happy-dom',
    globals: true,
    include: ['src/**/*.spec.ts'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
    server: { deps: { inline: ['quasar'] } },
  },
})
