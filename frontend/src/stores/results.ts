/**
 * A unit-year's results, its change against the previous year, the unit's years, its
 * trajectory, and the version of the emission factors the year is computed with.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { listFactorSets } from '@/api/admin'
import { ApiError } from '@/api/errors'
import {
  getTrajectory,
  getUnitHistory,
  getUnitYearResults,
  getYearChange,
  type Trajectory,
  type UnitHistory,
  type UnitYearResults,
  type YearChange,
} from '@/api/results'

export const useResultsStore = defineStore('results', () => {
  const results = ref<UnitYearResults | null>(null)
  const change = ref<YearChange | null>(null)
  const history = ref<UnitHistory | null>(null)
  const trajectory = ref<Trajectory | null>(null)
  /** The year's active factor set version (null when unknown): shown on the printed report. */
  const factorVersion = ref<string | null>(null)
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  /** No previous year to compare with (404) or the change could not be computed. */
  const changeError = ref<ApiError | null>(null)
  /** The years side by side or the trajectory could not be loaded (the page shows the rest). */
  const historyError = ref<ApiError | null>(null)
  const trajectoryError = ref<ApiError | null>(null)
  let controller: AbortController | null = null

  function settle<T>(outcome: PromiseSettledResult<T>, target: { value: T | null }, err: { value: ApiError | null }): void {
    if (outcome.status === 'fulfilled') {
      target.value = outcome.value
      return
    }
    if (!(outcome.reason instanceof ApiError)) throw outcome.reason
    err.value = outcome.reason
    target.value = null
  }

  async function load(unitId: number, year: number, includeEstimates = true): Promise<void> {
    controller?.abort()
    const own = new AbortController()
    controller = own
    isLoading.value = true
    error.value = null
    changeError.value = null
    historyError.value = null
    trajectoryError.value = null
    const query = { include_estimates: includeEstimates }
    try {
      const [res, chg, hist, traj, sets] = await Promise.allSettled([
        getUnitYearResults(unitId, year, query, own.signal),
        getYearChange(unitId, year, query, own.signal),
        getUnitHistory(unitId, query, own.signal),
        getTrajectory(unitId, year, query, own.signal),
        listFactorSets(year, own.signal),
      ])
      if (own.signal.aborted) return
      settle(res, results, error)
      settle(chg, change, changeError)
      settle(hist, history, historyError)
      settle(traj, trajectory, trajectoryError)
      // Only a caption on the printed report: without it the page shows everything else.
      factorVersion.value = sets.status === 'fulfilled' ? (sets.value.find((s) => s.active)?.version ?? null) : null
    } finally {
      if (controller === own) {
        isLoading.value = false
        controller = null
      }
    }
  }

  return { results, change, history, trajectory, factorVersion, isLoading, error, changeError, historyError, trajectoryError, load }
})
