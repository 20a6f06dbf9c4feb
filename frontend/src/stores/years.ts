/** Reporting years for the administrators: list, create, completeness, open and close. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import { ApiError } from '@/api/errors'
import {
  type Completeness,
  createYear,
  getCompleteness,
  listYears,
  setYearStatus,
  type Year,
  type YearStatus,
} from '@/api/years'

export const useYearsStore = defineStore('years', () => {
  const years = ref<Year[]>([])
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  const completeness = ref<Completeness | null>(null)
  const completenessLoading = ref(false)
  const completenessError = ref<ApiError | null>(null)
  /** The last create / status change failed (409 with the blocking problems, 422…). */
  const actionError = ref<ApiError | null>(null)
  const pending = ref(false)

  async function load(): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      years.value = await listYears()
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      error.value = e
    } finally {
      isLoading.value = false
    }
  }

  async function action(call: () => Promise<Year>): Promise<Year | null> {
    pending.value = true
    actionError.value = null
    try {
      const year = await call()
      await load()
      return year
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      actionError.value = e
      return null
    } finally {
      pending.value = false
    }
  }

  const create = (year: number) => action(() => createYear(year))

  async function changeStatus(year: number, status: YearStatus, force = false): Promise<Year | null> {
    const out = await action(() => setYearStatus(year, status, force))
    if (out && completeness.value?.year === year) await loadCompleteness(year)
    return out
  }

  async function loadCompleteness(year: number): Promise<void> {
    completenessLoading.value = true
    completenessError.value = null
    try {
      completeness.value = await getCompleteness(year)
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      completenessError.value = e
      completeness.value = null
    } finally {
      completenessLoading.value = false
    }
  }

  function clearActionError(): void {
    actionError.value = null
  }

  return {
    years,
    isLoading,
    error,
    completeness,
    completenessLoading,
    completenessError,
    actionError,
    pending,
    load,
    create,
    changeStatus,
    loadCompleteness,
    clearActionError,
  }
})
