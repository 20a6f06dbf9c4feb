/** A unit-year's results and its change against the previous year. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { ApiError } from '@/api/errors'
import { getUnitYearResults, getYearChange, type UnitYearResults, type YearChange } from '@/api/results'

export const useResultsStore = defineStore('results', () => {
  const results = ref<UnitYearResults | null>(null)
  const change = ref<YearChange | null>(null)
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  /** No previous year to compare with (404) or the change could not be computed. */
  const changeError = ref<ApiError | null>(null)
  let controller: AbortController | null = null

  async function load(unitId: number, year: number, includeEstimates = true): Promise<void> {
    controller?.abort()
    const own = new AbortController()
    controller = own
    isLoading.value = true
    error.value = null
    changeError.value = null
    const query = { include_estimates: includeEstimates }
    try {
      const [res, chg] = await Promise.allSettled([
        getUnitYearResults(unitId, year, query, own.signal),
        getYearChange(unitId, year, query, own.signal),
      ])
      if (own.signal.aborted) return
      if (res.status === 'rejected') {
        if (!(res.reason instanceof ApiError)) throw res.reason
        error.value = res.reason
        results.value = null
      } else {
        results.value = res.value
      }
      if (chg.status === 'rejected') {
        if (!(chg.reason instanceof ApiError)) throw chg.reason
        changeError.value = chg.reason
        change.value = null
      } else {
        change.value = chg.value
      }
    } finally {
      if (controller === own) {
        isLoading.value = false
        controller = null
      }
    }
  }

  return { results, change, isLoading, error, changeError, load }
})
