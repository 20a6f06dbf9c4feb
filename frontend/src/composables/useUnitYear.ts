import { computed } from 'vue'
import { useRoute } from 'vue-router'

import { isModuleName, type ModuleName } from '@/domain/modules'

/** The unit, year and module of the current route (`/:locale/units/:unitId/:year/:module?`). */
export function useUnitYear() {
  const route = useRoute()
  const unitId = computed(() => Number.parseInt(String(route.params.unitId ?? ''), 10))
  const year = computed(() => Number.parseInt(String(route.params.year ?? ''), 10))
  const module = computed<ModuleName | null>(() => (isModuleName(route.params.module) ? route.params.module : null))
  return { unitId, year, module }
}
