import { config } from '@vue/test-utils'
import { Quasar } from 'quasar'
import iconSet from 'quasar/icon-set/svg-material-icons.js'

config.global.plugins.push([Quasar, { iconSet }])
