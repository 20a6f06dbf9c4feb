/** The user's workspace: for each unit they hold a role in, its reports (newest year first). */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { ApiError } from '@/api/errors'
import { listReports, type Report } from '@/api/reports'

export interface UnitReports {
  unitId: number
  reports: Report[]
  error: ApiError | null
}

/** At most this many unit cards are loaded (a user holds roles in a few units). */
export const MAX_WORKSPACE_UNITS = 24

export const useWorkspaceStore = defineStore('workspace', () => {
  const units = ref<UnitReports[]>([])
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  let controller: AbortController | null = null

  /** Load the reports of each unit (one request per unit, all at once). */
  async function load(unitIds: readonly number[]): Promise<void> {
    controller?.abort()
    const own = new AbortController()
    controller = own
    isLoading.value = true
    error.value = null
    try {
      const ids = unitIds.slice(0, MAX_WORKSPACE_UNITS)
      const results = await Promise.allSettled(
        ids.map((unitId) => listReports({ unit_id: unitId, page_size: 50 }, own.signal)),
      )
      if (own.signal.aborted) return
      units.value = ids.map((unitId, i) => {
        const r = results[i]
        if (r?.status === 'fulfilled') return { unitId, reports: r.value.items, error: null }
        const e = r?.reason
        if (!(e instanceof ApiError)) throw e
        return { unitId, reports: [], error: e }
      })
      const failed = units.value.filter((u) => u.error !== null)
      if (failed.length > 0 && failed.length === units.value.length) error.value = failed[0]?.error ?? null
    } finally {
      if (controller === own) {
        isLoading.value = false
        controller = null
      }
    }
  }

  function reportsOf(unitId: number): Report[] {
    return units.value.find((u) => u.unitId === unitId)?.reports ?? []
  }

  return { units, isLoading, error, load, reportsOf }
})
